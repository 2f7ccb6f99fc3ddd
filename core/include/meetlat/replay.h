// Replaying a logged decision (issue "meetlat serve": `meetlat replay ID`, POST
// /v1/decisions/{id}/replay): the logged submission is evaluated again with the LOGGED rules —
// the packs' files as stored in the log, materialised into a temporary folder — with the logged
// limits and the committed amounts rule ML-08 saw, and the result compared with the logged
// report, rule by rule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meetlat/decision_log.h"
#include "meetlat/decision_record.h"
#include "meetlat/expected.h"

namespace meetlat {

struct PluginBinding;

/// A rule whose outcome or message differs, or that ran only once of the two times.
struct ReplayDifference {
  std::string pack;
  std::string rule;
  std::string original_outcome;  ///< "" when the rule did not run originally
  std::string replay_outcome;    ///< "" when the rule did not run in the replay
  std::string original_message;
  std::string replay_message;
};

struct ReplayResult {
  std::int64_t id = 0;
  bool reproduces = false;        ///< same verdict, same outcome and message of every rule
  bool report_identical = false;  ///< the replayed report is byte for byte the logged one
  DecisionRecord original;
  std::string replay_verdict;
  std::string replay_engine;
  std::string replay_report_json;
  std::vector<ReplayDifference> differences;
  std::vector<std::string> notes;  ///< Dutch: differences that are not about rules
};

/// Replays decision `id`. Errors: no such decision, a pack without a stored snapshot, a
/// snapshot that does not reproduce its hash. `plugins`: the functions rules may call (the
/// current plugins; their versions at the time are in the record and compared).
Expected<ReplayResult> replay_decision(
    const DecisionLog& log, std::int64_t id, const std::vector<PluginBinding>* plugins = nullptr,
    const std::vector<std::pair<std::string, std::string>>& plugin_versions = {});

/// {"id", "reproduces", "report_identical", "original": {...}, "replay": {...},
///  "differences": [...], "notes": [...]}.
std::string replay_to_json(const ReplayResult& r);

}  // namespace meetlat
