// Replay of a logged decision with the logged rules (see replay.h).
#include "meetlat/replay.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "meetlat/evaluator.h"
#include "meetlat/host_data.h"
#include "meetlat/json_writer.h"
#include "meetlat/report.h"

namespace meetlat {

namespace fs = std::filesystem;

namespace {

/// The committed amounts as the original evaluation saw them; anything it did not read is zero
/// (it was not read, so it cannot have mattered).
class RecordedHostData : public HostData {
 public:
  explicit RecordedHostData(const std::vector<CommittedRead>& reads) {
    for (const auto& r : reads) amounts_[{r.regio, r.thema}] = r.cents;
  }
  Cents committed(std::string_view regio, std::string_view thema) const override {
    auto it = amounts_.find({std::string(regio), std::string(thema)});
    return it == amounts_.end() ? 0 : it->second;
  }

 private:
  std::map<std::pair<std::string, std::string>, Cents> amounts_;
};

struct RemoveOnExit {
  fs::path dir;
  ~RemoveOnExit() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

Expected<ReplayResult> replay_decision(
    const DecisionLog& log, std::int64_t id, const std::vector<PluginBinding>* plugins,
    const std::vector<std::pair<std::string, std::string>>& plugin_versions) {
  auto entry = log.decision(id);
  if (!entry) return Error{fmt::format("besluit {} staat niet in het besluitenlog", id)};
  auto record = parse_decision_content(entry->content);
  if (!record) return record.error();
  ReplayResult result;
  result.id = id;
  result.original = std::move(*record);
  const DecisionRecord& o = result.original;

  // The logged packs, from their snapshots, each in its own folder.
  RemoveOnExit scratch{scratch_dir("replay")};
  PackChoice choice;
  for (std::size_t i = 0; i < o.packs.size(); ++i) {
    const PackUse& p = o.packs[i];
    auto snap = log.snapshot(p.hash);
    if (!snap) {
      return Error{fmt::format("regelpakket {} {} ({}) kan niet worden nagespeeld: {}", p.name,
                               p.version, p.hash, snap.error().message)};
    }
    auto dir = materialise_snapshot(*snap, scratch.dir / fmt::format("{}-{}", i, p.name));
    if (!dir) return dir.error();
    choice.named.push_back(dir->string());
  }
  // Without packs (a submission that could not be read, or no pack applied) the choice is what
  // was asked for, against an empty search path: the logged rules are "none".
  if (o.packs.empty()) {
    for (const auto& name : o.requested_packs) {
      if (name.find('/') == std::string::npos) choice.named.push_back(name);
    }
  }
  PackSearchPath empty_path;
  empty_path.add(scratch.dir / "geen-pakketten");
  auto registry = std::make_shared<PackRegistry>(empty_path);
  for (std::size_t i = 0; i < o.packs.size(); ++i) {
    auto pack = registry->get(choice.named[i]);
    if (!pack || (*pack)->hash != o.packs[i].hash) {
      return Error{fmt::format("kopie van regelpakket {} geeft niet hash {}", o.packs[i].name,
                               o.packs[i].hash)};
    }
  }

  Limits limits;
  limits.rule = o.rule_budget;
  Evaluator evaluator(registry, limits, plugins);
  ReadLimits read_limits;
  read_limits.max_file_bytes = std::max(read_limits.max_file_bytes, o.text.size());
  Submission s = parse_submission(o.text, o.format, o.name, read_limits);
  RecordedHostData host(o.committed);
  SubmissionReport replay = evaluator.evaluate(s, choice, host);
  result.replay_verdict = std::string(to_string(replay.verdict));
  result.replay_engine = std::string(engine_version());
  write_submission_json(result.replay_report_json, replay, false);
  result.report_identical = result.replay_report_json == o.report_json;

  auto original = parse_logged_report(o.report_json);
  if (!original) return original.error();
  // (pack, rule) -> outcome and message after replaying; a logged rule missing here, or one
  // that only the replay has, is a difference too.
  std::map<std::pair<std::string, std::string>, const RuleResult*> after;
  for (const RuleResult& r : replay.rules) after[{r.pack, r.id}] = &r;
  std::set<std::pair<std::string, std::string>> seen;
  for (const LoggedRule& before : original->rules) {
    seen.insert({before.pack, before.id});
    auto it = after.find({before.pack, before.id});
    if (it == after.end()) {
      result.differences.push_back(
          {before.pack, before.id, before.outcome, "", before.message, ""});
      continue;
    }
    std::string now(to_string(it->second->outcome));
    if (now != before.outcome || it->second->message != before.message) {
      result.differences.push_back(
          {before.pack, before.id, before.outcome, now, before.message, it->second->message});
    }
  }
  for (const RuleResult& r : replay.rules) {
    if (seen.count({r.pack, r.id}) == 0) {
      result.differences.push_back(
          {r.pack, r.id, "", std::string(to_string(r.outcome)), "", r.message});
    }
  }
  std::vector<std::string> replay_errors;
  for (const auto& e : replay.input_errors) replay_errors.push_back(e.path);
  bool same_input_errors = replay_errors == original->input_errors;
  if (!same_input_errors) {
    result.notes.push_back(fmt::format("invoerfouten verschillen: {} gelogd, {} bij naspelen",
                                       original->input_errors.size(), replay_errors.size()));
  }
  if (o.engine != engine_version()) {
    result.notes.push_back(
        fmt::format("gelogd met engine {}, nagespeeld met engine {}", o.engine, engine_version()));
  }
  for (const auto& plugin : o.plugins) {
    auto it = std::find_if(plugin_versions.begin(), plugin_versions.end(),
                           [&](const auto& p) { return p.first == plugin.first; });
    if (it == plugin_versions.end()) {
      result.notes.push_back(
          fmt::format("plugin {} {} is nu niet geladen", plugin.first, plugin.second));
    } else if (it->second != plugin.second) {
      result.notes.push_back(fmt::format("plugin {}: gelogd versie {}, nu versie {}", plugin.first,
                                         plugin.second, it->second));
    }
  }
  result.reproduces =
      result.replay_verdict == o.verdict && result.differences.empty() && same_input_errors;
  return result;
}

std::string replay_to_json(const ReplayResult& r) {
  std::string out;
  JsonWriter w(out, false);
  w.begin_object();
  w.key("id").value(static_cast<std::int64_t>(r.id));
  w.key("reproduces").value(r.reproduces);
  w.key("report_identical").value(r.report_identical);
  auto packs = [&] {
    w.begin_array();
    for (const PackUse& p : r.original.packs) {
      w.begin_object();
      w.key("name").value(p.name);
      w.key("version").value(p.version);
      w.key("hash").value(p.hash);
      w.end_object();
    }
    w.end_array();
  };
  w.key("original").begin_object();
  w.key("verdict").value(r.original.verdict);
  w.key("engine").value(r.original.engine);
  w.key("packs");
  packs();
  w.key("report").raw(r.original.report_json);
  w.end_object();
  w.key("replay").begin_object();
  w.key("verdict").value(r.replay_verdict);
  w.key("engine").value(r.replay_engine);
  w.key("packs");
  packs();
  w.key("report").raw(r.replay_report_json);
  w.end_object();
  w.key("differences").begin_array();
  for (const auto& d : r.differences) {
    w.begin_object();
    w.key("pack").value(d.pack);
    w.key("rule").value(d.rule);
    w.key("original_outcome").value(d.original_outcome);
    w.key("replay_outcome").value(d.replay_outcome);
    w.key("original_message").value(d.original_message);
    w.key("replay_message").value(d.replay_message);
    w.end_object();
  }
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& n : r.notes) w.value(n);
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace meetlat
