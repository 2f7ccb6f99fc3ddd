// Fuzz target: the built-in rule packs (rules/) evaluated over fuzzed TOML submissions. The packs
// are read and loaded once; every input is evaluated twice, as `meetlat check` would choose the
// packs (aanvraag.regeling plus joining packs) and with every built-in pack that applies named,
// and both reports are rendered as text and JSON. Invariants, beyond "no crash":
//   - every submission gets a verdict, and it is the aggregate of its input errors and results;
//   - an unreadable submission is ongeldig and no rule runs;
//   - a readable one, with the packs that apply named, gets exactly one result per rule of each
//     pack (plus SCHEMA for strict packs) and no input errors;
//   - no built-in rule ends in `error` on a readable submission unless a budget was hit;
//   - the JSON report is valid JSON (UTF-8 included).
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "lua/lua_sandbox.h"
#include "meetlat/evaluator.h"
#include "meetlat/host_data.h"
#include "meetlat/plugins.h"
#include "meetlat/report.h"
#include "meetlat/submission.h"

using namespace meetlat;

namespace {

constexpr const char* kPacks[] = {"begroting", "ijsselland-meetlat", "transformatiefonds-2018"};

struct Fixture {
  PluginSet plugins;  // rules call plugin functions (nl.zoek_bedrag); outlives the evaluator
  std::shared_ptr<PackRegistry> registry;
  std::unique_ptr<Evaluator> evaluator;
  std::vector<std::shared_ptr<const RulePack>> packs;
  std::map<std::string, std::multiset<std::string>> rule_ids;  // pack name -> ids
};

Fixture* g_fixture = nullptr;

// The rule ids of a pack, as its scripts declare them.
std::multiset<std::string> rule_ids_of(const RulePack& pack,
                                       const std::vector<PluginBinding>& plugins) {
  LuaSandbox sandbox{Limits{}, plugins};
  std::vector<RuleDecl> rules;
  std::vector<LoadProblem> problems;
  auto handle = sandbox.load_pack(pack, rules, problems);
  if (!handle || rules.empty()) {
    std::fprintf(stderr, "fuzz_rule_eval: pack %s does not load\n", pack.manifest.name.c_str());
    std::abort();
  }
  std::multiset<std::string> ids;
  for (const RuleDecl& d : rules) ids.insert(d.id);
  return ids;
}

bool budget_hit(const RuleResult& r) {
  return r.outcome == Outcome::error && r.message.rfind("De regel is afgebroken", 0) == 0;
}

std::string describe(const RuleResult& r) {
  return r.pack + " " + r.id + ": " + r.message + "\n" + r.detail;
}

void check_report(const Submission& s, const SubmissionReport& r) {
  MEETLAT_FUZZ_CHECK(r.verdict == aggregate_verdict(r.input_errors, r.rules),
                     std::string(to_string(r.verdict)));
  if (!s.readable()) {
    MEETLAT_FUZZ_CHECK(r.verdict == Verdict::ongeldig, std::string(to_string(r.verdict)));
    MEETLAT_FUZZ_CHECK(r.rules.empty(), "rules ran on an unreadable submission");
  }
  for (const RuleResult& rr : r.rules) {
    MEETLAT_FUZZ_CHECK(rr.outcome != Outcome::error || budget_hit(rr), describe(rr));
    MEETLAT_FUZZ_CHECK(
        rr.outcome == Outcome::error || rr.outcome == Outcome::pass || !rr.message.empty(),
        "a fail or skip without a message: " + describe(rr));
  }
  // Both report formats; the JSON one must parse.
  (void)format_submission_text(r, ReportOptions{});
  std::string json;
  write_submission_json(json, r, false);
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  auto error = parser.parse(padded).get(root);
  MEETLAT_FUZZ_CHECK(error == simdjson::SUCCESS,
                     std::string(simdjson::error_message(error)) + "\n" + json.substr(0, 2000));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  auto* f = new Fixture;  // lives for the whole run
  // The plugins `meetlat check` loads: MEETLAT_PLUGIN_PATH and the build's plugin folder.
  f->plugins.load_dirs(plugin_search_path());
  for (const PluginRefusal& r : f->plugins.refusals()) {
    std::fprintf(stderr, "fuzz_rule_eval: plugin %s refused: %s\n", r.file.c_str(),
                 r.message.c_str());
  }
  PackSearchPath path;
  path.add(MEETLAT_BUILTIN_RULES_DIR);
  f->registry = std::make_shared<PackRegistry>(path);
  Limits limits;
  // Wall-clock time depends on the machine and the sanitizers; the instruction and memory
  // budgets are deterministic and trip first.
  limits.rule.time = std::chrono::milliseconds(60'000);
  limits.load.time = std::chrono::milliseconds(60'000);
  limits.submission_time = std::chrono::milliseconds(0);  // no limit per submission either
  f->evaluator = std::make_unique<Evaluator>(f->registry, limits, &f->plugins.bindings());
  for (const char* name : kPacks) {
    auto pack = f->registry->get(name);
    if (!pack) {
      std::fprintf(stderr, "fuzz_rule_eval: %s\n", pack.error().message.c_str());
      std::abort();
    }
    f->packs.push_back(*pack);
    f->rule_ids[(*pack)->manifest.name] = rule_ids_of(**pack, f->plugins.bindings());
    if (!f->evaluator->load(*pack)) std::abort();
  }
  g_fixture = f;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fixture& f = *g_fixture;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const HostData host;

  // 1. As `meetlat check` chooses the packs.
  Submission s = parse_submission(text, SubmissionFormat::toml, "fuzz.toml");
  SubmissionReport by_regeling = f.evaluator->evaluate(s, PackChoice{}, host);
  check_report(s, by_regeling);
  if (!s.readable()) return 0;

  // 2. Every built-in pack that applies, named.
  PackChoice choice;
  for (const auto& pack : f.packs) {
    if (pack->why_not_applicable(s).empty()) choice.named.push_back(pack->manifest.name);
  }
  if (choice.named.empty()) return 0;
  Submission again = parse_submission(text, SubmissionFormat::toml, "fuzz.toml");
  SubmissionReport named = f.evaluator->evaluate(again, choice, host);
  check_report(again, named);
  MEETLAT_FUZZ_CHECK(named.input_errors.empty(), named.input_errors.front().message);
  std::map<std::string, std::multiset<std::string>> got;
  for (const RuleResult& r : named.rules) {
    if (r.id != kUnknownKeysRule) got[r.pack].insert(r.id);
  }
  for (const std::string& name : choice.named) {
    MEETLAT_FUZZ_CHECK(got[name] == f.rule_ids[name], "not one result per rule of " + name);
  }
  MEETLAT_FUZZ_CHECK(got.size() == choice.named.size(), "results of a pack that was not chosen");
  return 0;
}
