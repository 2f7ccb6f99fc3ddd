// `meetlat test PACK...`: runs each pack's tests/ cases; the last line is "N passed, N failed".
#include <fmt/format.h>

#include <cstdio>
#include <map>

#include "cli.h"
#include "meetlat/pack_tests.h"

namespace meetlat::cli {

namespace {

struct Coverage {
  std::string title;
  std::string source;
  bool pass = false;   // a passing case expects this rule to pass
  bool fail = false;   // ... to fail
  bool other = false;  // ... to skip or error
};

// Coverage by source (issue "Policy staff's workflow"): which sections of the cited documents
// have rules, and which rules lack a case where they pass or where they fail.
void print_coverage(const RulePack& pack, const std::map<std::string, Coverage>& rules,
                    const char* dim, const char* reset) {
  std::map<std::string, std::map<std::string, std::vector<std::string>>> by_document;
  for (const auto& [id, c] : rules) {
    std::size_t start = 0;
    while (start <= c.source.size()) {
      std::size_t semi = c.source.find(';', start);
      std::string part =
          c.source.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
      std::size_t b = part.find_first_not_of(' ');
      if (b != std::string::npos) {
        part = part.substr(b);
        std::size_t space = part.find(' ');
        std::string doc = part.substr(0, space);
        std::string section =
            space == std::string::npos ? "(hele document)" : part.substr(space + 1);
        by_document[doc][section].push_back(id);
      }
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
  }
  std::printf("  %sDekking per bron:%s\n", dim, reset);
  for (const auto& [doc, sections] : by_document) {
    auto title = pack.manifest.documents.find(doc);
    std::string heading = doc;
    if (title != pack.manifest.documents.end()) heading += " — " + title->second;
    std::printf("    %s\n", heading.c_str());
    for (const auto& [section, ids] : sections) {
      std::string list;
      for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
      std::printf("      %s: %s\n", section.c_str(), list.c_str());
    }
  }
  for (const auto& [doc, title] : pack.manifest.documents) {
    if (by_document.count(doc) == 0) {
      std::printf("    %s — %s: geen regel citeert dit document\n", doc.c_str(), title.c_str());
    }
  }
  std::string no_pass;
  std::string no_fail;
  for (const auto& [id, c] : rules) {
    if (!c.pass) no_pass += (no_pass.empty() ? "" : ", ") + id;
    if (!c.fail) no_fail += (no_fail.empty() ? "" : ", ") + id;
  }
  std::printf("    regels zonder testgeval waarin ze voldoen: %s\n",
              no_pass.empty() ? "geen" : no_pass.c_str());
  std::printf("    regels zonder testgeval waarin ze niet voldoen: %s\n",
              no_fail.empty() ? "geen" : no_fail.c_str());
}

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
      const Palette pal = Palette::of(o->color);
      const char* green = pal.green;
      const char* red = pal.red;
      const char* dim = pal.dim;
      const char* reset = pal.reset;
      auto registry = o->engine.registry();
      auto plugins = o->engine.plugins();  // rules may call plugin functions (nl.bedrag)
      if (!preload_packs(registry, o->packs, o->engine.limits(), &plugins->bindings())) {
        return kExitUsage;
      }
      Evaluator evaluator(registry, o->engine.limits(), &plugins->bindings());
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
        auto pack = registry->get(dir->string());
        std::string pack_name = pack ? (*pack)->manifest.name : std::string();
        std::map<std::string, Coverage> coverage;  // by rule id, in id order
        for (const auto& file : files) {
          PackTestResult r = run_test_case(evaluator, *dir, file);
          for (const auto& rule : r.report.rules) {
            if (rule.pack != pack_name || rule.id == "SCHEMA" || rule.id == "PACK") continue;
            Coverage& c = coverage[rule.id];
            c.title = rule.title;
            c.source = rule.source;
          }
          if (r.passed) {
            for (const auto& [id, expected] : r.test.outcomes) {
              auto it = coverage.find(id);
              if (it == coverage.end()) continue;
              (expected == Outcome::pass   ? it->second.pass
               : expected == Outcome::fail ? it->second.fail
                                           : it->second.other) = true;
            }
          }
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
        if (pack && !coverage.empty()) print_coverage(**pack, coverage, dim, reset);
      }
      std::printf("%zu passed, %zu failed\n", passed, failed);
      return failed == 0 ? 0 : 1;
    };
  });
}

}  // namespace meetlat::cli
