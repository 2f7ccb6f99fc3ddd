// `meetlat replay ID [--db FILE]`: evaluates a logged decision again with the logged rules and
// says whether it reproduces (issue "meetlat serve"). Exit 0 reproduces, 1 differs, 3 unknown id
// or unusable log.
#include <cstdio>

#include "cli.h"
#include "meetlat/decision_log.h"
#include "meetlat/replay.h"

namespace meetlat::cli {

namespace {

struct ReplayOptions {
  EngineOptions engine;
  std::string db = "meetlat-log.sqlite";
  std::string format = "text";
  std::string id;
};

void print_text(const ReplayResult& r) {
  std::printf("Besluit %lld: %s\n", static_cast<long long>(r.id),
              r.reproduces ? "gereproduceerd met de gelogde regels (reproduces)"
                           : "NIET gereproduceerd (differs)");
  std::printf("  gelogd       %s (engine %s)\n", r.original.verdict.c_str(),
              r.original.engine.c_str());
  std::printf("  nagespeeld   %s (engine %s)\n", r.replay_verdict.c_str(), r.replay_engine.c_str());
  for (const PackUse& p : r.original.packs) {
    std::printf("  pakket       %s %s %s\n", p.name.c_str(), p.version.c_str(), p.hash.c_str());
  }
  for (const ReplayDifference& d : r.differences) {
    std::printf("  verschil     %s %s: %s -> %s\n", d.pack.c_str(), d.rule.c_str(),
                d.original_outcome.empty() ? "(niet gelogd)" : d.original_outcome.c_str(),
                d.replay_outcome.empty() ? "(niet nagespeeld)" : d.replay_outcome.c_str());
    if (d.original_message != d.replay_message) {
      std::printf("               gelogd:     %s\n               nagespeeld: %s\n",
                  d.original_message.c_str(), d.replay_message.c_str());
    }
  }
  for (const std::string& n : r.notes) std::printf("  let op       %s\n", n.c_str());
  if (r.reproduces && !r.report_identical) {
    std::printf("  let op       het rapport verschilt in details buiten de uitkomsten\n");
  }
}

}  // namespace

void add_replay(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay", "Toets een besluit uit het besluitenlog opnieuw met de gelogde regels");
  cmd->add_option("--db", o->db, "Het besluitenlog (SQLite)")->capture_default_str();
  cmd->add_option("--format", o->format, "Uitvoer: text of json")->capture_default_str();
  o->engine.add_to(*cmd);
  cmd->add_option("id", o->id, "Nummer van het besluit")->required();
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      if (o->format != "text" && o->format != "json") {
        std::fprintf(stderr, "meetlat replay: --format moet text of json zijn\n");
        return kExitUsage;
      }
      char* end = nullptr;
      long long id = std::strtoll(o->id.c_str(), &end, 10);
      if (o->id.empty() || *end != '\0' || id <= 0) {
        std::fprintf(stderr, "meetlat replay: '%s' is geen besluitnummer\n", o->id.c_str());
        return kExitUsage;
      }
      LogOptions lo;
      lo.read_only = true;
      auto log = DecisionLog::open(o->db, lo);
      if (!log) {
        std::fprintf(stderr, "meetlat replay: %s\n", log.error().message.c_str());
        return kExitUsage;
      }
      auto plugins = o->engine.plugins();
      std::vector<std::pair<std::string, std::string>> versions;
      for (const PluginInfo& p : plugins->plugins()) versions.emplace_back(p.name, p.version);
      auto result = replay_decision(**log, id, &plugins->bindings(), versions);
      if (!result) {
        std::fprintf(stderr, "meetlat replay: %s\n", result.error().message.c_str());
        return kExitUsage;
      }
      if (o->format == "json") {
        std::printf("%s\n", replay_to_json(*result).c_str());
      } else {
        print_text(*result);
      }
      return result->reproduces ? 0 : 1;
    };
  });
}

}  // namespace meetlat::cli
