// Test cases of a rule pack (interfaces.md: "a `tests/` folder of cases (a submission plus the
// expected verdict and per-rule outcomes)"). A case is a submission file with a [test] table:
//
//   [test]
//   description = "Subtotaal Inkoop mist de projectmanager"
//   verdict = "voldoet_niet"
//   outcomes = { "BG-01" = "fail", "BG-02" = "pass" }   # rules not named are not checked
//   message_contains = { "BG-01" = "€ 41.800" }         # optional
//   packs = ["begroting"]                               # optional; default: the pack itself
//   ledger = { ambulantisering = 250000 }               # optional: amounts already committed
//
// The [test] table is removed before evaluation.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meetlat/evaluator.h"
#include "meetlat/host_data.h"
#include "meetlat/outcome.h"

namespace meetlat {

struct PackTestCase {
  std::string file;
  std::string description;
  std::optional<Verdict> verdict;
  std::vector<std::pair<std::string, Outcome>> outcomes;
  std::vector<std::pair<std::string, std::string>> message_contains;
  std::vector<std::string> packs;
  std::map<std::string, Cents> ledger;  ///< thema -> committed cents
  std::vector<std::string> problems;    ///< problems in the [test] table itself
};

struct PackTestResult {
  PackTestCase test;
  SubmissionReport report;
  bool passed = false;
  std::vector<std::string> mismatches;  ///< Dutch, one line each
};

/// Committed amounts from a fixed table (tests, `--ledger`).
class MapHostData : public HostData {
 public:
  explicit MapHostData(std::map<std::string, Cents> committed) : committed_(std::move(committed)) {}
  Cents committed(std::string_view regio, std::string_view thema) const override;

 private:
  std::map<std::string, Cents> committed_;
};

/// The case files of a pack: tests/*.toml and tests/*.json, sorted.
std::vector<std::filesystem::path> pack_test_files(const std::filesystem::path& pack_dir);

/// Reads a case: the submission (with [test] removed) and the expectations.
PackTestCase read_test_case(const std::filesystem::path& file, Submission& submission,
                            const ReadLimits& limits = {});

/// Runs one case of the pack at `pack_dir` with `evaluator`.
PackTestResult run_test_case(Evaluator& evaluator, const std::filesystem::path& pack_dir,
                             const std::filesystem::path& file);

}  // namespace meetlat
