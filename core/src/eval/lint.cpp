// Linting rule packs (see lint.h). Uses the pack reader for the manifest and parameters, the
// sandbox for rule metadata (running only the scripts' top level, under the load budget), and the
// compiled chunks for names (chunk_facts.cpp).
#include "meetlat/lint.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../lua/lua_sandbox.h"
#include "meetlat/pack_tests.h"
#include "meetlat/rule_pack.h"
#include "meetlat/text.h"

namespace meetlat {

namespace fs = std::filesystem;

namespace {

using Level = LintFinding::Level;

std::string closest(std::string_view wanted, const std::vector<std::string>& options,
                    std::size_t max_distance = 2) {
  std::string best;
  std::size_t best_d = max_distance + 1;
  for (const auto& o : options) {
    std::size_t d = edit_distance(wanted, o);
    if (d < best_d && d < wanted.size()) {
      best_d = d;
      best = o;
    }
  }
  return best;
}

// "004 Bijlage 1" -> "004"; "000 Bijlage 1; 002 Bijlage 1" -> {"000", "002"}.
std::vector<std::string> documents_cited(const std::string& source) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < source.size()) {
    std::size_t semi = source.find(';', start);
    std::string part =
        source.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
    std::size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) {
      std::size_t e = part.find_first_of(" (,", b);
      out.push_back(part.substr(b, e == std::string::npos ? std::string::npos : e - b));
    }
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  return out;
}

// A suggestion for the commonest manifest and parameter mistakes of policy staff (issue "Policy
// staff's workflow": every finding with a suggestion); empty when the message says it all.
std::string suggestion_for_pack_problem(std::string_view message) {
  struct Hint {
    std::string_view contains;
    std::string_view suggestion;
  };
  static constexpr Hint kHints[] = {
      {"is geen bedrag",
       "schrijf het bedrag in euro's als getal, zonder euroteken of punt voor duizendtallen: "
       "300000, of met centen 1250.50"},
      {"meer dan twee decimalen", "rond het bedrag af op hele centen (hoogstens twee decimalen)"},
      {"is negatief", "een bedrag is nul of meer; een korting of tekort hoort in de regel"},
      {"onwaarschijnlijk groot", "controleer het aantal nullen"},
      {"moet een datum zijn", "schrijf datums als 2021-01-01, zonder aanhalingstekens"},
      {"ligt na geldig_tot", "verwissel de twee datums, of corrigeer het jaartal"},
      {"niet gedeclareerd",
       "declareer de parameter in pack.toml onder [parameters.NAAM] met type en description"},
  };
  for (const Hint& h : kHints) {
    if (message.find(h.contains) != std::string_view::npos) return std::string(h.suggestion);
  }
  return {};
}

class Linter {
 public:
  Linter(fs::path dir, const Limits& limits, const std::vector<PluginBinding>* plugins)
      : dir_(std::move(dir)), limits_(limits), plugins_(plugins) {}

  std::vector<LintFinding> run() {
    std::vector<PackProblem> problems;
    auto pack = read_rule_pack(dir_, &problems);
    for (const auto& p : problems) {
      add(Level::error, p.file, p.line, p.message, suggestion_for_pack_problem(p.message));
    }
    if (!pack) {
      // Still check the scripts' syntax and names, so one pass shows everything.
      lint_scripts(scripts_from_disk(), nullptr);
      return sorted();
    }
    lint_scripts((*pack)->scripts, pack->get());
    lint_tests(**pack);
    return sorted();
  }

 private:
  void add(Level level, std::string file, int line, std::string message, std::string suggestion) {
    findings_.push_back({level, std::move(file), line, std::move(message), std::move(suggestion)});
  }

  std::vector<LintFinding> sorted() {
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const LintFinding& a, const LintFinding& b) {
                       return a.file != b.file ? a.file < b.file : a.line < b.line;
                     });
    return findings_;
  }

  std::vector<PackScript> scripts_from_disk() {
    std::vector<PackScript> out;
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_ / "rules", ec)) {
      if (e.path().extension() == ".lua") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = read_regular_file(f.string(), 4u << 20);
      if (!text) continue;
      out.push_back({"rules/" + f.filename().string(), f.lexically_normal().string(), *text});
    }
    return out;
  }

  void lint_scripts(const std::vector<PackScript>& scripts, const RulePack* pack) {
    LuaSandbox sandbox(limits_, plugins_ != nullptr ? *plugins_ : std::vector<PluginBinding>{});
    auto env = sandbox.environment();
    std::vector<std::string> global_names;
    global_names.reserve(env.size());
    for (const auto& [name, members] : env) global_names.push_back(name);

    // Rule metadata, duplicate ids and load-time errors: load the pack once in a sandbox.
    std::vector<RuleDecl> rules;
    std::vector<LoadProblem> load_problems;
    if (pack != nullptr) {
      auto loaded = sandbox.load_pack(*pack, rules, load_problems);
      loads_ = static_cast<bool>(loaded);
      for (const RuleDecl& r : rules) lint_metadata(r, *pack);
      for (const RuleDecl& r : rules) rule_ids_.insert(r.id);
    }

    std::set<std::string> params_read;
    for (const PackScript& script : scripts) {
      ScriptFacts facts = analyze_script(script);
      if (!facts.error.empty()) {
        int line = 0;
        std::string message = facts.error;
        std::size_t at = message.find(script.display_path + ":");
        if (at != std::string::npos) {
          std::size_t p = at + script.display_path.size() + 1;
          line = std::atoi(message.c_str() + p);
          std::size_t colon = message.find(": ", p);
          if (colon != std::string::npos) message = message.substr(colon + 2);
        }
        add(Level::error, script.display_path, line, "Lua-syntaxfout: " + message,
            "controleer haakjes, 'end' en komma's tussen de velden van rule{}");
        continue;
      }
      std::set<std::pair<std::string, int>> reported;
      for (const auto& g : facts.globals) {
        if (!reported.insert({g.name, g.line}).second) continue;
        if (g.write) {
          add(Level::error, script.display_path, g.line,
              fmt::format("globale variabele '{}' wordt toegewezen; regels hebben geen globale "
                          "variabelen",
                          g.name),
              fmt::format("schrijf 'local {} = ...'", g.name));
        } else if (env.count(g.name) == 0) {
          std::string near = closest(g.name, global_names);
          add(Level::error, script.display_path, g.line, fmt::format("onbekende naam '{}'", g.name),
              near.empty() ? "declareer haar met 'local', of zie docs/rule-api.md voor wat regels "
                             "kunnen gebruiken"
                           : fmt::format("bedoelde u '{}'?", near));
        }
      }
      for (const auto& f : facts.fields) {
        auto it = env.find(f.table);
        if (it == env.end() || it->second.empty()) continue;
        const auto& members = it->second;
        if (std::find(members.begin(), members.end(), f.field) != members.end()) continue;
        std::string near = closest(f.field, members);
        add(Level::error, script.display_path, f.line,
            fmt::format("{}.{} bestaat niet", f.table, f.field),
            near.empty() ? fmt::format("{} kent: {}", f.table, join(members))
                         : fmt::format("bedoelde u '{}.{}'?", f.table, near));
      }
      if (pack != nullptr) {
        for (const auto& r : facts.param_reads) {
          if (r.param != 1) continue;
          // The second parameter of a check function is the parameters. When the pack does not
          // load, the check functions are unknown: then every function's second parameter counts.
          bool in_check =
              !loads_ || std::any_of(rules.begin(), rules.end(), [&](const RuleDecl& d) {
                return d.file == script.display_path && d.check_line == r.function_line;
              });
          if (!in_check) continue;
          params_read.insert(r.field);
          bool declared =
              std::any_of(pack->manifest.parameters.begin(), pack->manifest.parameters.end(),
                          [&](const ParamDecl& d) { return d.name == r.field; });
          if (!declared) {
            std::vector<std::string> names;
            for (const auto& d : pack->manifest.parameters) names.push_back(d.name);
            std::string near = closest(r.field, names, 3);
            add(Level::error, script.display_path, r.line,
                fmt::format("parameter '{}' wordt gelezen maar is niet gedeclareerd", r.field),
                near.empty() ? fmt::format("declareer [parameters.{}] met een type in pack.toml "
                                           "en geef een waarde in params.toml",
                                           r.field)
                             : fmt::format("bedoelde u '{}'?", near));
          }
        }
      }
    }
    // Load problems not already reported by the static checks at the same place (a global
    // assignment stops the script there; a syntax error is better explained by the compiler).
    const std::vector<LintFinding> static_findings = findings_;
    for (const auto& p : load_problems) {
      bool known =
          std::any_of(static_findings.begin(), static_findings.end(), [&](const LintFinding& f) {
            return f.file == p.file && f.level == Level::error &&
                   (f.line == p.line || f.message.rfind("Lua-syntaxfout", 0) == 0);
          });
      if (!known) add(Level::error, p.file, p.line, p.message, "");
    }
    if (pack != nullptr && loads_) {
      for (const ParamDecl& d : pack->manifest.parameters) {
        if (params_read.count(d.name) == 0) {
          add(Level::warning, (pack->dir / "pack.toml").string(), 0,
              fmt::format("parameter '{}' is gedeclareerd, maar geen check() leest p.{}", d.name,
                          d.name),
              "verwijder de parameter, of lees hem in de regel die hem nodig heeft");
        }
      }
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  void lint_metadata(const RuleDecl& r, const RulePack& pack) {
    if (r.quote.size() < 20) {
      add(Level::warning, r.file, r.line,
          fmt::format("regel {}: het citaat is erg kort (\"{}\")", r.id, r.quote),
          "citeer de zin uit de beleidstekst waarop de regel rust, letterlijk");
    }
    if (r.title.size() > 110) {
      add(Level::warning, r.file, r.line, fmt::format("regel {}: de titel is lang", r.id),
          "houd de titel kort (een regel in het rapport); leg uit in 'description'");
    }
    for (const std::string& doc : documents_cited(r.source)) {
      bool known = pack.manifest.documents.count(doc) > 0;
      if (!known && !pack.manifest.documents.empty()) {
        add(Level::warning, r.file, r.line,
            fmt::format("regel {}: bron '{}' staat niet in [documents] van pack.toml", r.id, doc),
            fmt::format("voeg \"{}\" = \"<titel van het document>\" toe aan [documents]", doc));
      }
    }
  }

  void lint_tests(const RulePack& pack) {
    auto files = pack_test_files(pack.dir);
    if (files.empty()) {
      add(Level::warning, (pack.dir / "tests").string(), 0, "het pakket heeft geen testgevallen",
          "voeg per regel een geval toe waarin zij voldoet en een waarin zij niet voldoet "
          "(zie docs/rule-api.md, Test cases)");
      return;
    }
    if (!loads_) {
      add(Level::warning, (pack.dir / "tests").string(), 0,
          "de regels van de testgevallen zijn niet gecontroleerd: het pakket laadt niet",
          "herstel eerst de fouten hierboven");
      return;
    }
    std::vector<std::string> ids(rule_ids_.begin(), rule_ids_.end());
    for (const auto& file : files) {
      Submission s;
      PackTestCase t = read_test_case(file, s);
      for (const auto& p : t.problems) {
        add(Level::error, file.string(), 0, "testgeval: " + p, "zie docs/rule-api.md, Test cases");
      }
      auto check_id = [&](const std::string& id, const char* where) {
        if (rule_ids_.count(id) > 0 || id == "SCHEMA" || id == "PACK") return;
        int line = line_of_key(file, id);
        std::string near = closest(id, ids);
        add(Level::error, file.string(), line,
            fmt::format("testgeval noemt regel {} in [test].{}, maar die bestaat niet in dit "
                        "pakket",
                        id, where),
            near.empty() ? "controleer de id" : fmt::format("bedoelde u '{}'?", near));
      };
      for (const auto& [id, outcome] : t.outcomes) check_id(id, "outcomes");
      for (const auto& [id, text] : t.message_contains) check_id(id, "message_contains");
    }
  }

  // The line where a rule id appears in a test file ("TF-1" in outcomes = { "TF-1" = ... }).
  static int line_of_key(const fs::path& file, const std::string& id) {
    std::ifstream in(file);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find("\"" + id + "\"") != std::string::npos) return n;
    }
    return 0;
  }

  fs::path dir_;
  Limits limits_;
  const std::vector<PluginBinding>* plugins_;
  std::vector<LintFinding> findings_;
  std::set<std::string> rule_ids_;
  bool loads_ = false;
};

}  // namespace

std::vector<LintFinding> lint_pack(const fs::path& dir, const Limits& limits,
                                   const std::vector<PluginBinding>* plugins) {
  return Linter(dir, limits, plugins).run();
}

}  // namespace meetlat
