// `meetlat check`: evaluates submissions (interfaces.md).
#include <cstdio>

#include "cli.h"
#include "meetlat/host_data.h"
#include "meetlat/report.h"

namespace meetlat::cli {

namespace {
struct CheckOptions {
  EngineOptions engine;
  std::vector<std::string> packs;
  std::string format = "text";
  std::string color = "auto";
  unsigned jobs = 1;
  bool verbose = false;
  bool profile = false;
  bool watch = false;
  int watch_interval_ms = 500;
  int watch_max_runs = 0;
  std::vector<std::string> files;
};
}  // namespace

namespace {
void print_profile(const BatchSummary& summary) {
  std::fprintf(stderr, "\nRekentijd per regel (%zu aanvragen), duurste eerst:\n", summary.total);
  std::fprintf(stderr, "  %-26s %-8s %8s %12s %12s %14s\n", "pakket", "regel", "keer", "gem. µs",
               "max µs", "instructies");
  for (const RuleCost& c : summary.rule_costs) {
    double n = c.evaluations > 0 ? static_cast<double>(c.evaluations) : 1.0;
    std::fprintf(stderr, "  %-26s %-8s %8zu %12.1f %12.1f %14.0f\n", c.pack.c_str(), c.id.c_str(),
                 c.evaluations, static_cast<double>(c.total_ns) / n / 1e3,
                 static_cast<double>(c.max_ns) / 1e3, static_cast<double>(c.instructions) / n);
  }
}
}  // namespace

void add_check(CLI::App& app, Action& action) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd =
      app.add_subcommand("check", "Toets aanvragen (TOML of JSON; een map = alle aanvragen erin)");
  cmd->add_option("--pack", o->packs,
                  "Regelpakket (naam of map), herhaalbaar; zonder --pack kiest aanvraag.regeling "
                  "het pakket")
      ->allow_extra_args(false);
  cmd->add_option("--format", o->format,
                  "Uitvoer: text, json, json-compact of een formaat van een plugin (html, "
                  "markdown, junit, csv, brief; zie meetlat plugins)")
      ->capture_default_str();
  cmd->add_option("--jobs,-j", o->jobs, "Aantal parallelle werkers")->capture_default_str();
  cmd->add_option("--color", o->color, "Kleur: auto, always of never")->capture_default_str();
  cmd->add_flag("--verbose,-v", o->verbose, "Toon ook de Lua-traceback bij fouten in regels");
  cmd->add_flag("--profile", o->profile,
                "Toon na afloop per regel de rekentijd (naar stderr), duurste eerst");
  cmd->add_flag("--watch", o->watch,
                "Toets opnieuw zodra een regel, parameter of aanvraag verandert (hot reload)");
  cmd->add_option("--watch-interval", o->watch_interval_ms,
                  "Hoe vaak --watch kijkt of er iets veranderde, in ms")
      ->capture_default_str();
  cmd->add_option("--watch-max-runs", o->watch_max_runs,
                  "Stop --watch na zoveel runs (0: tot Ctrl-C); voor scripts en tests")
      ->capture_default_str();
  o->engine.add_to(*cmd);
  o->engine.add_batch_to(*cmd);
  cmd->add_option("files", o->files, "Aanvragen of mappen")->required();
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      auto registry = o->engine.registry();
      Limits limits = o->engine.limits();
      ReportOptions ropts;
      ropts.color = o->format == "text" && use_color(o->color);
      ropts.verbose = o->verbose;
      ropts.limits = o->engine.in_effect();
      // Plugins first: their formats and their functions for rules. The set outlives the
      // writer and the batch (both call into plugin code).
      auto plugins = o->engine.plugins();
      auto writer = make_report_writer(o->format, stdout, ropts);
      if (!writer) writer = plugins->make_report_writer(o->format, stdout);
      if (!writer) {
        std::string known = "text, json, json-compact";
        for (const std::string& f : plugins->format_names()) known += ", " + f;
        std::fprintf(stderr, "meetlat: onbekend formaat '%s'; beschikbaar: %s\n", o->format.c_str(),
                     known.c_str());
        return kExitUsage;
      }
      if (!preload_packs(registry, o->packs, limits, &plugins->bindings())) return kExitUsage;
      BatchOptions bo;
      bo.jobs = o->jobs;
      bo.packs.named = o->packs;
      bo.limits = limits;
      bo.read_limits = o->engine.read_limits();
      bo.batch_limits = o->engine.batch_limits();
      bo.plugins = &plugins->bindings();
      HostData no_ledger;
      auto files = expand_inputs(o->files);
      if (files.empty()) {
        std::fprintf(stderr, "meetlat: geen aanvragen gevonden (.toml of .json)\n");
        return kExitUsage;
      }
      bo.profile = o->profile;
      if (o->watch) {
        WatchRequest w;
        w.registry = registry;
        w.inputs = o->files;
        w.options = bo;
        w.interval_ms = o->watch_interval_ms;
        w.max_runs = o->watch_max_runs;
        w.make_writer = [o, ropts, plugins]() {
          auto made = make_report_writer(o->format, stdout, ropts);
          return made ? std::move(made) : plugins->make_report_writer(o->format, stdout);
        };
        return run_watch(w);
      }
      BatchSummary summary = run_batch(files, registry, bo, no_ledger, *writer);
      if (o->profile) print_profile(summary);
      if (writer->failed()) return kExitUsage;  // the report is incomplete (message on stderr)
      return summary.exit_status();
    };
  });
}

}  // namespace meetlat::cli
