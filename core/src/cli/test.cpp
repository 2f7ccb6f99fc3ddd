// `meetlat test PACK...`: runs each pack's tests/ cases; the last line is "N passed, N failed".
#include <fmt/format.h>

#include <cstdio>

#include "cli.h"
#include "meetlat/pack_tests.h"

namespace meetlat::cli {

namespace {
struct TestOptions {
  EngineOptions engine;
  std::string color = "auto";
  std::vector<std::string> packs;
};
}  // namespace

void add_test(CLI::App& app, Action& action) {
  auto o = std::make_shared<TestOptions>();
  CLI::App* cmd = app.add_subcommand("test", "Voer de testgevallen van regelpakketten uit");
  cmd->add_option("--color", o->color, "Kleur: auto, always of never")->capture_default_str();
  o->engine.add_to(*cmd);
  cmd->add_option("packs", o->packs, "Regelpakketten (naam of map)")->required();
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      bool color = use_color(o->color);
      const char* green = color ? "\033[32m" : "";
      const char* red = color ? "\033[31m" : "";
      const char* dim = color ? "\033[2m" : "";
      const char* reset = color ? "\033[0m" : "";
      auto registry = o->engine.registry();
      if (!preload_packs(registry, o->packs, o->engine.limits())) return kExitUsage;
      Evaluator evaluator(registry, o->engine.limits());
      std::size_t passed = 0;
      std::size_t failed = 0;
      for (const std::string& name : o->packs) {
        auto dir = registry->search_path().resolve(name);
        if (!dir) continue;
        auto files = pack_test_files(*dir);
        std::printf("%s (%zu testgevallen)\n", dir->string().c_str(), files.size());
        if (files.empty()) {
          std::printf("  %s! geen testgevallen in %s/tests%s\n", red, dir->string().c_str(), reset);
          ++failed;
        }
        for (const auto& file : files) {
          PackTestResult r = run_test_case(evaluator, *dir, file);
          std::string name_shown = file.filename().string();
          if (r.passed) {
            ++passed;
            std::printf("  %s✓%s %s %s%s%s\n", green, reset, name_shown.c_str(), dim,
                        r.test.description.c_str(), reset);
            continue;
          }
          ++failed;
          std::printf("  %s✗ %s%s %s\n", red, name_shown.c_str(), reset,
                      r.test.description.c_str());
          for (const auto& m : r.mismatches) std::printf("      %s\n", m.c_str());
          for (const auto& e : r.report.input_errors) {
            std::printf("      invoerfout %s%s%s\n", e.path.c_str(), e.path.empty() ? "" : ": ",
                        e.message.c_str());
          }
          // Expected and actual side by side for every rule the case names.
          std::printf("      %-8s %-14s %s\n", "regel", "verwacht", "kreeg");
          for (const auto& [id, expected] : r.test.outcomes) {
            std::string got = "—";
            for (const auto& rule : r.report.rules) {
              if (rule.id == id) got = std::string(to_string(rule.outcome));
            }
            std::printf("      %-8s %-14s %s%s%s\n", id.c_str(),
                        std::string(to_string(expected)).c_str(),
                        got == to_string(expected) ? "" : red, got.c_str(), reset);
          }
        }
      }
      std::printf("%zu passed, %zu failed\n", passed, failed);
      return failed == 0 ? 0 : 1;
    };
  });
}

}  // namespace meetlat::cli
