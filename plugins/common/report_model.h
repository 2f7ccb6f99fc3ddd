// The report of one submission as a format plugin receives it: the JSON object of interfaces.md
// (`submissions[i]`), read with simdjson into plain structs, plus the labels the Dutch reports
// share. Used by the plugins rapport (html, markdown, junit, csv) and brief.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meetlat_plugins {

struct FindingData {
  std::string message;
  std::vector<std::string> evidence;
};

struct RuleData {
  std::string pack;
  std::string id;
  std::string title;
  std::string severity;  // "blocking" | "advisory"
  std::string outcome;   // "pass" | "fail" | "skip" | "error"
  std::string message;
  std::string source;
  std::string quote;
  std::vector<std::string> evidence;
  std::vector<FindingData> findings;
  std::string detail;
};

struct InputErrorData {
  std::string path;
  std::int64_t line = 0;  // 0: unknown
  std::int64_t column = 0;
  std::string message;
};

struct PackData {
  std::string name;
  std::string version;
  std::string hash;
  std::string params_version;
};

struct SubmissionData {
  std::string file;
  std::string
      verdict;  // voldoet | voldoet_met_aandachtspunten | voldoet_niet | onbeslist | ongeldig
  std::string verdict_label;
  std::string titel;
  std::string soort;
  std::string regio;
  std::string ingediend;
  std::vector<InputErrorData> input_errors;
  std::vector<PackData> packs;
  std::vector<RuleData> rules;
};

/// Reads one submission report. False with a Dutch reason when the JSON is not one.
bool parse_submission(const char* json, std::size_t length, SubmissionData& out,
                      std::string& error);
/// Reads the `packs` array given to a format's end step.
bool parse_packs(const char* json, std::size_t length, std::vector<PackData>& out,
                 std::string& error);

/// Counts of outcomes in a submission.
struct Tally {
  std::size_t pass = 0;
  std::size_t blocking_fail = 0;
  std::size_t advisory_fail = 0;
  std::size_t skip = 0;
  std::size_t error = 0;
};
Tally tally(const SubmissionData& s);

/// "voldoet", "voldoet niet", "aandachtspunt", "niet van toepassing", "fout" (as the text report).
std::string_view outcome_label(const RuleData& r);
/// "blokkerend" | "advies".
std::string_view severity_label(std::string_view severity);
/// "Voldoet niet — 1 blokkerende regel voldoet niet en 3 aandachtspunten" without the label:
/// the part after the dash, as the text report writes it.
std::string verdict_reason(const SubmissionData& s);
/// "29 januari 2020" for "2020-01-29"; the text itself when it is not such a date.
std::string dutch_date_or_text(std::string_view iso);
/// The lines of a message ("\n" separates findings).
std::vector<std::string_view> lines(std::string_view text);

}  // namespace meetlat_plugins
