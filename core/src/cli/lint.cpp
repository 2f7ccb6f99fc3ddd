// `meetlat lint PACK...`: checks packs without evaluating anything; exit 0 clean, 1 problems.
#include <cstdio>

#include "cli.h"
#include "meetlat/lint.h"

namespace meetlat::cli {

namespace {
struct LintOptions {
  EngineOptions engine;
  std::string color = "auto";
  bool strict = false;
  std::vector<std::string> packs;
};
}  // namespace

void add_lint(CLI::App& app, Action& action) {
  auto o = std::make_shared<LintOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lint", "Controleer regelpakketten: manifest, parameters, Lua, namen, metadata, tests");
  cmd->add_flag("--strict", o->strict, "Waarschuwingen tellen ook als probleem (exit 1)");
  cmd->add_option("--color", o->color, "Kleur: auto, always of never")->capture_default_str();
  o->engine.add_to(*cmd);
  cmd->add_option("packs", o->packs, "Regelpakketten (naam of map)")->required();
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      const Palette pal = Palette::of(o->color);
      const char* red = pal.red;
      const char* yellow = pal.yellow;
      const char* dim = pal.dim;
      const char* reset = pal.reset;
      auto registry = o->engine.registry();
      auto plugins = o->engine.plugins();  // rules may call plugin functions (nl.zoek_bedrag)
      std::size_t errors = 0;
      std::size_t warnings = 0;
      for (const std::string& name : o->packs) {
        auto dir = registry->search_path().resolve(name);
        if (!dir) {
          std::printf("%s%s%s\n", red, dir.error().message.c_str(), reset);
          ++errors;
          continue;
        }
        for (const LintFinding& f : lint_pack(*dir, o->engine.limits(), &plugins->bindings())) {
          bool is_error = f.level == LintFinding::Level::error;
          (is_error ? errors : warnings)++;
          std::string where = f.file;
          if (f.line > 0) where += ":" + std::to_string(f.line);
          std::printf("%s: %s%s%s: %s\n", where.c_str(), is_error ? red : yellow,
                      is_error ? "fout" : "waarschuwing", reset, f.message.c_str());
          if (!f.suggestion.empty())
            std::printf("    %s→ %s%s\n", dim, f.suggestion.c_str(), reset);
        }
      }
      std::printf("%zu %s, %zu %s in %zu %s\n", errors, errors == 1 ? "fout" : "fouten", warnings,
                  warnings == 1 ? "waarschuwing" : "waarschuwingen", o->packs.size(),
                  o->packs.size() == 1 ? "pakket" : "pakketten");
      return errors > 0 || (o->strict && warnings > 0) ? 1 : 0;
    };
  });
}

}  // namespace meetlat::cli
