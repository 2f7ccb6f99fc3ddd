// `meetlat diff --from OLD --to NEW FILE|DIR...`: the impact of a change to a pack before it is
// published: every submission whose verdict or rule outcome changes, with both messages, and a
// summary (interfaces.md; issue "Policy staff's workflow"). Exit status 0.
#include <fmt/format.h>

#include <cstdio>
#include <map>

#include "cli.h"
#include "meetlat/host_data.h"
#include "meetlat/json_writer.h"
#include "meetlat/report.h"

namespace meetlat::cli {

namespace {

struct DiffOptions {
  EngineOptions engine;
  std::string from;
  std::string to;
  std::string format = "text";
  std::string color = "auto";
  bool all = false;
  std::vector<std::string> files;
};

struct RuleChange {
  std::string id;
  const RuleResult* before = nullptr;  // nullptr: the rule is new
  const RuleResult* after = nullptr;   // nullptr: the rule was removed
  bool outcome_changed() const {
    return before == nullptr || after == nullptr || before->outcome != after->outcome ||
           before->severity != after->severity;
  }
};

struct SubmissionDiff {
  SubmissionReport before;
  SubmissionReport after;
  std::vector<RuleChange> changes;
  bool verdict_changed() const { return before.verdict != after.verdict; }
};

std::vector<RuleChange> compare(const SubmissionReport& a, const SubmissionReport& b) {
  std::vector<RuleChange> out;
  std::map<std::string, const RuleResult*> before;
  for (const auto& r : a.rules) before[r.id] = &r;
  for (const auto& r : b.rules) {
    auto it = before.find(r.id);
    if (it == before.end()) {
      out.push_back({r.id, nullptr, &r});
      continue;
    }
    const RuleResult& x = *it->second;
    if (x.outcome != r.outcome || x.message != r.message || x.severity != r.severity) {
      out.push_back({r.id, &x, &r});
    }
    before.erase(it);
  }
  for (const auto& [id, r] : before) out.push_back({id, r, nullptr});
  return out;
}

std::string outcome_text(const RuleResult* r) {
  if (r == nullptr) return "—";
  return fmt::format("{} ({})", to_string(r->outcome), to_string(r->severity));
}

void print_indented(const char* label, const std::string& message) {
  std::size_t start = 0;
  bool first = true;
  while (start <= message.size()) {
    std::size_t nl = message.find('\n', start);
    std::printf("      %-5s %s\n", first ? label : "", message.substr(start, nl - start).c_str());
    first = false;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

}  // namespace

void add_diff(CLI::App& app, Action& action) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Toon het effect van een wijziging in een regelpakket op aanvragen");
  cmd->add_option("--from", o->from, "Het huidige pakket (naam of map)")->required();
  cmd->add_option("--to", o->to, "Het gewijzigde pakket (map)")->required();
  cmd->add_option("--format", o->format, "Uitvoer: text of json")->capture_default_str();
  cmd->add_option("--color", o->color, "Kleur: auto, always of never")->capture_default_str();
  cmd->add_flag("--all", o->all,
                "Toon ook regels waarvan alleen het bericht verandert (uitkomst gelijk)");
  o->engine.add_to(*cmd);
  cmd->add_option("files", o->files, "Aanvragen of mappen")->required();
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      auto registry = o->engine.registry();
      auto plugins = o->engine.plugins();  // rules may call plugin functions (nl.zoek_bedrag)
      if (!preload_packs(registry, {o->from, o->to}, o->engine.limits(), &plugins->bindings())) {
        return kExitUsage;
      }
      auto from_pack = *registry->get(o->from);
      auto to_pack = *registry->get(o->to);
      Evaluator evaluator(registry, o->engine.limits(), &plugins->bindings());
      HostData host;
      auto files = expand_inputs(o->files);
      std::vector<SubmissionDiff> changed;
      std::size_t total = 0;
      std::size_t verdicts_changed = 0;
      std::size_t outcomes_changed = 0;
      std::map<std::string, std::map<std::string, std::size_t>> flips;  // id -> "a→b" -> count
      for (const std::string& f : files) {
        Submission s = read_submission(f, o->engine.read_limits());
        SubmissionDiff d;
        d.before = evaluator.evaluate(s, PackChoice{{o->from}}, host);
        d.after = evaluator.evaluate(s, PackChoice{{o->to}}, host);
        d.changes = compare(d.before, d.after);
        ++total;
        if (d.verdict_changed()) ++verdicts_changed;
        bool any_outcome = d.verdict_changed();
        for (const auto& c : d.changes) any_outcome = any_outcome || c.outcome_changed();
        if (any_outcome) ++outcomes_changed;
        for (const auto& c : d.changes) {
          std::string a = c.before ? std::string(to_string(c.before->outcome)) : "nieuw";
          std::string b = c.after ? std::string(to_string(c.after->outcome)) : "vervallen";
          if (a != b) ++flips[c.id][a.append(" → ").append(b)];
        }
        if (d.verdict_changed() || !d.changes.empty()) changed.push_back(std::move(d));
      }

      if (o->format == "json") {
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        w.key("meetlat").value(engine_version());
        auto pack = [&](const char* key, const RulePack& p) {
          w.key(key).begin_object();
          w.key("name").value(p.manifest.name).key("version").value(p.manifest.version);
          w.key("hash").value(p.hash).end_object();
        };
        pack("from", *from_pack);
        pack("to", *to_pack);
        w.key("submissions").begin_array();
        for (const auto& d : changed) {
          w.begin_object();
          w.key("file").value(d.before.file);
          w.key("verdict_from").value(to_string(d.before.verdict));
          w.key("verdict_to").value(to_string(d.after.verdict));
          w.key("changes").begin_array();
          for (const auto& c : d.changes) {
            w.begin_object().key("id").value(c.id);
            for (auto [key, r] : {std::pair{"from", c.before}, std::pair{"to", c.after}}) {
              w.key(key);
              if (r == nullptr) {
                w.null();
              } else {
                w.begin_object().key("outcome").value(to_string(r->outcome));
                w.key("severity").value(to_string(r->severity));
                w.key("message").value(r->message).end_object();
              }
            }
            w.end_object();
          }
          w.end_array().end_object();
        }
        w.end_array();
        w.key("summary").begin_object();
        w.key("submissions").value(total);
        w.key("verdict_changed").value(verdicts_changed);
        w.key("outcome_changed").value(outcomes_changed);
        w.key("changed").value(changed.size());
        w.key("rules").begin_object();
        for (const auto& [id, kinds] : flips) {
          w.key(id).begin_object();
          for (const auto& [kind, n] : kinds) w.key(kind).value(n);
          w.end_object();
        }
        w.end_object().end_object().end_object();
        std::printf("%s\n", out.c_str());
        return 0;
      }

      const Palette pal = Palette::of(o->color);
      const char* bold = pal.bold;
      const char* dim = pal.dim;
      const char* reset = pal.reset;
      std::printf("Van  %s %s (%s)\nNaar %s %s (%s)\n\n", from_pack->manifest.name.c_str(),
                  from_pack->manifest.version.c_str(), from_pack->hash.substr(0, 19).c_str(),
                  to_pack->manifest.name.c_str(), to_pack->manifest.version.c_str(),
                  to_pack->hash.substr(0, 19).c_str());
      for (const auto& d : changed) {
        bool show = d.verdict_changed() || o->all;
        for (const auto& c : d.changes) show = show || c.outcome_changed();
        if (!show) continue;
        std::printf("%s%s%s\n", bold, d.before.file.c_str(), reset);
        if (d.verdict_changed()) {
          std::printf("  oordeel: %s → %s\n", std::string(to_string(d.before.verdict)).c_str(),
                      std::string(to_string(d.after.verdict)).c_str());
        }
        for (const auto& c : d.changes) {
          if (!c.outcome_changed() && !o->all) continue;
          std::printf("  %-7s %s → %s\n", c.id.c_str(), outcome_text(c.before).c_str(),
                      outcome_text(c.after).c_str());
          if (c.before != nullptr) print_indented("was:", c.before->message);
          if (c.after != nullptr) print_indented("nu:", c.after->message);
        }
        std::printf("\n");
      }
      std::printf(
          "%sSamenvatting:%s %zu aanvragen, %zu met een ander oordeel, %zu met een andere "
          "uitkomst van een regel, %zu met alleen andere berichten%s\n",
          bold, reset, total, verdicts_changed, outcomes_changed, changed.size() - outcomes_changed,
          o->all ? "" : " (toon ze met --all)");
      for (const auto& [id, kinds] : flips) {
        std::string parts;
        for (const auto& [kind, n] : kinds) {
          parts += (parts.empty() ? "" : ", ") + fmt::format("{} {}×", kind, n);
        }
        std::printf("  %-7s %s%s%s\n", id.c_str(), dim, parts.c_str(), reset);
      }
      return 0;
    };
  });
}

}  // namespace meetlat::cli
