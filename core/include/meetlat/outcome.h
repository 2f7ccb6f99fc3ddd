// Outcomes, severities and verdicts exactly as the rule catalogue names them
// (rule-catalogue.md, "Outcomes, severities, verdicts"); these strings are contracts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meetlat/input_error.h"

namespace meetlat {

enum class Outcome { pass, fail, skip, error };
enum class Severity { blocking, advisory };
enum class Verdict { voldoet, voldoet_met_aandachtspunten, voldoet_niet, onbeslist, ongeldig };

std::string_view to_string(Outcome o);   ///< "pass", "fail", "skip", "error"
std::string_view to_string(Severity s);  ///< "blocking", "advisory"
std::string_view to_string(Verdict v);   ///< "voldoet", ..., "ongeldig"
std::optional<Outcome> outcome_from_string(std::string_view s);
std::optional<Severity> severity_from_string(std::string_view s);
std::optional<Verdict> verdict_from_string(std::string_view s);

/// Dutch labels for reports: "voldoet niet", "blokkerend", "Voldoet met aandachtspunten", ...
std::string_view label(Outcome o);
std::string_view label(Severity s);
std::string_view label(Verdict v);

/// One finding of a rule: a message and the key paths it rests on.
struct Finding {
  std::string message;
  std::vector<std::string> evidence;
};

/// The outcome of one rule for one submission, with everything a report shows next to it.
struct RuleResult {
  std::string pack;
  std::string id;
  std::string title;
  Severity severity = Severity::blocking;
  Outcome outcome = Outcome::error;
  std::string message;                ///< Dutch; several findings are joined by newlines
  std::string source;                 ///< e.g. "004 Bijlage 1"
  std::string quote;                  ///< verbatim policy text
  std::vector<std::string> evidence;  ///< key paths
  std::vector<Finding> findings;      ///< the separate findings behind `message`, when several
  std::string detail;                 ///< for `error`: location and Lua traceback
  // Cost of the evaluation, for `meetlat check --profile`; not part of the reports.
  /// VM instructions, counted in steps of the hook interval; 0 when not counted
  /// (Evaluator::count_instructions).
  std::uint64_t instructions = 0;
  std::int64_t nanoseconds = 0;
};

/// A pack as a report names it: the exact rules a decision was made with.
struct PackUse {
  std::string name;
  std::string version;
  std::string hash;            ///< "sha256:..."
  std::string params_version;  ///< which dated parameter values were in force ("" = undated)
};

struct SubmissionReport {
  std::string file;
  std::string titel;
  std::string regio;
  std::string soort;
  std::string ingediend;
  Verdict verdict = Verdict::ongeldig;
  InputErrors input_errors;
  std::vector<RuleResult> rules;
  std::vector<PackUse> packs;  ///< the packs this submission was evaluated with
};

/// First match wins: ongeldig (input errors, no rule ran) > onbeslist (an error outcome) >
/// voldoet_niet (a blocking fail) > voldoet_met_aandachtspunten (an advisory fail) > voldoet.
Verdict aggregate_verdict(const InputErrors& input_errors, const std::vector<RuleResult>& rules);

/// Exit status of `meetlat check` for a set of verdicts (interfaces.md): 0 all voldoet[_met_...],
/// 1 at least one voldoet_niet and none undecided, 2 at least one onbeslist or ongeldig.
int exit_status(bool any_voldoet_niet, bool any_undecided);

}  // namespace meetlat
