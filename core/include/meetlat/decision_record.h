// What the decision log keeps of one evaluation (issue "meetlat serve": "the submission itself,
// the full report, engine version, hash of every pack and parameter set"), and its canonical
// serialisation: compact JSON with a fixed member order, the bytes the entry hash covers. Replay
// needs every input of the evaluation, so the record also holds the packs that were asked for,
// the limits, and the committed amounts rule ML-08 saw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meetlat/expected.h"
#include "meetlat/limits.h"
#include "meetlat/money.h"
#include "meetlat/outcome.h"
#include "meetlat/submission.h"

namespace meetlat {

/// An amount a rule read through HostData::committed() during the evaluation.
struct CommittedRead {
  std::string regio;
  std::string thema;
  Cents cents = 0;
};

struct DecisionRecord {
  // Summary (the generated columns of the log are read from these members).
  std::string titel;
  std::string regio;
  std::string regeling;
  std::string soort;
  std::string ingediend;
  std::string verdict;
  std::string engine;          ///< engine_version() of the evaluating engine
  std::vector<PackUse> packs;  ///< every pack used, with its hash and parameter set
  // Inputs.
  std::vector<std::string> requested_packs;  ///< ?pack= (or the service's --pack); may be empty
  std::string name;                          ///< the submission's name (the report's `file`)
  SubmissionFormat format = SubmissionFormat::toml;
  std::string text;  ///< the submission as received
  Budget rule_budget{};
  std::vector<CommittedRead> committed;
  std::vector<std::pair<std::string, std::string>> plugins;  ///< name, version of loaded plugins
  // Output.
  std::string report_json;  ///< write_submission_json(..., pretty = false)
};

/// The canonical serialisation (what the log stores and hashes).
std::string to_content(const DecisionRecord& r);

/// Reads a decision's content back. Fails on content that is not a decision record.
Expected<DecisionRecord> parse_decision_content(std::string_view content);

/// One rule's result as the logged report has it.
struct LoggedRule {
  std::string pack;
  std::string id;
  std::string outcome;  ///< "pass", "fail", "skip", "error"
  std::string message;
};
/// The rules (in report order) and the key paths of the input errors of a logged report
/// (DecisionRecord::report_json): what replay compares and what an override refers to.
struct LoggedReport {
  std::vector<LoggedRule> rules;
  std::vector<std::string> input_errors;
};
Expected<LoggedReport> parse_logged_report(std::string_view report_json);

class JsonWriter;
/// The summary fields (titel … engine) of a record, as in its content: the log hashes them and
/// GET /v1/decisions/{id} shows them, so both write them here.
void write_record_summary(JsonWriter& w, const DecisionRecord& r);
/// The context of a record that replay needs (limits, committed amounts, plugins), likewise.
void write_record_context(JsonWriter& w, const DecisionRecord& r);

}  // namespace meetlat
