#include "cli.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "meetlat/report.h"

namespace meetlat::cli {

void EngineOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--rules-path", rules_path,
                 "Extra folder with rule packs (before MEETLAT_RULES_PATH and the built-in rules)");
  cmd.add_option("--limit-instructions", instructions, "Instruction budget per rule evaluation")
      ->capture_default_str();
  cmd.add_option("--limit-time", time_ms, "Time limit per rule evaluation, in milliseconds")
      ->capture_default_str();
  cmd.add_option("--limit-memory", memory_mb, "Memory limit per rule evaluation, in MiB")
      ->capture_default_str();
  cmd.add_option("--max-file-size", max_file_kb, "Largest submission file accepted, in KiB")
      ->capture_default_str();
  cmd.add_option("--limit-submission-time", submission_time_ms,
                 "Time limit for all rules of one submission together, in milliseconds (0: none)")
      ->capture_default_str();
  cmd.add_option("--plugin-path", plugin_path,
                 "Extra folder with plugins (before MEETLAT_PLUGIN_PATH and the built-in plugins)");
}

void EngineOptions::add_batch_to(CLI::App& cmd) {
  cmd.add_option(
         "--max-batch-files", max_batch_files,
         "Most submissions in one batch; later ones are reported as not evaluated (0: none)")
      ->capture_default_str();
  cmd.add_option("--max-batch-size", max_batch_mb,
                 "Most bytes of all submissions of a batch together, in MiB; later ones are "
                 "reported as not evaluated (0: none)")
      ->capture_default_str();
  cmd.add_option("--limit-batch-time", batch_time_s,
                 "Time limit for a whole batch, in seconds; submissions not started by then are "
                 "reported as not evaluated (0: none)")
      ->capture_default_str();
}

Limits EngineOptions::limits() const {
  Limits l;
  l.rule.instructions = instructions;
  l.rule.time = std::chrono::milliseconds(time_ms);
  l.rule.memory = memory_mb << 20;
  l.submission_time = std::chrono::milliseconds(std::max(0LL, submission_time_ms));
  return l;
}

BatchLimits EngineOptions::batch_limits() const {
  BatchLimits b;
  b.max_files = max_batch_files;
  b.max_bytes = max_batch_mb << 20;
  b.time = std::chrono::milliseconds(std::max(0LL, batch_time_s) * 1000);
  return b;
}

LimitsInEffect EngineOptions::in_effect() const {
  return {limits(), batch_limits(), read_limits().max_file_bytes};
}

ReadLimits EngineOptions::read_limits() const {
  ReadLimits r;
  r.max_file_bytes = max_file_kb << 10;
  return r;
}

std::shared_ptr<PackRegistry> EngineOptions::registry() const {
  PackSearchPath env = PackSearchPath::from_environment();
  PackSearchPath path;
  for (const auto& p : rules_path) path.add(p);
  for (const auto& p : env.dirs()) path.add(p);
  return std::make_shared<PackRegistry>(std::move(path));
}

std::shared_ptr<PluginSet> EngineOptions::plugins() const {
  auto set = std::make_shared<PluginSet>();
  set->load_dirs(plugin_search_path(plugin_path));
  for (const PluginRefusal& r : set->refusals()) {
    std::fprintf(stderr, "meetlat: plugin geweigerd: %s\n", r.message.c_str());
  }
  return set;
}

bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return ::isatty(::fileno(stdout)) != 0;
}

bool preload_packs(const std::shared_ptr<PackRegistry>& registry,
                   const std::vector<std::string>& names, const Limits& limits,
                   const std::vector<PluginBinding>* plugins) {
  bool ok = true;
  Evaluator probe(registry, limits, plugins);
  for (const std::string& name : names) {
    auto pack = registry->get(name);
    if (!pack) {
      std::fprintf(stderr, "meetlat: %s\n", pack.error().message.c_str());
      ok = false;
      continue;
    }
    auto loaded = probe.load(*pack);
    if (!loaded) {
      std::fprintf(stderr, "meetlat: regelpakket '%s' kan niet worden geladen:\n%s",
                   (*pack)->manifest.name.c_str(), loaded.error().message.c_str());
      ok = false;
    }
  }
  return ok;
}

int run(int argc, char** argv) {
  CLI::App app{
      "meetlat — toetst aanvragen en initiatieven aan regelpakketten (rules engine voor "
      "fondsen in de jeugdhulp)"};
  app.set_version_flag("--version", std::string(engine_version()));
  app.require_subcommand(1);
  Action action;
  add_check(app, action);
  add_test(app, action);
  add_plugins(app, action);
  add_lint(app, action);
  add_explain(app, action);
  add_diff(app, action);
  add_serve(app, action);
  add_replay(app, action);
  add_verify_log(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (!action) return kExitUsage;
  try {
    return action();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "meetlat: interne fout: %s\n", e.what());
    return kExitUsage;
  }
}

}  // namespace meetlat::cli
