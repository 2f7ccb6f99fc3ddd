// Batches: a list of files or folders evaluated with N workers, reported in input order while
// holding only a bounded window of results (memory stays flat in the batch size).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "meetlat/evaluator.h"
#include "meetlat/limits.h"
#include "meetlat/report.h"
#include "meetlat/submission.h"

namespace meetlat {

class HostData;

struct BatchOptions {
  unsigned jobs = 1;
  PackChoice packs;
  Limits limits;
  ReadLimits read_limits;
  /// Files, bytes and time of the whole batch; submissions past a limit are reported as
  /// `ongeldig` with an input error naming it.
  BatchLimits batch_limits;
  const std::vector<PluginBinding>* plugins = nullptr;
  bool profile = false;  ///< collect the cost of every rule (BatchSummary::rule_costs)
};

/// What the rules of a batch cost, per rule (`meetlat check --profile`).
struct RuleCost {
  std::string pack;
  std::string id;
  std::size_t evaluations = 0;
  std::int64_t total_ns = 0;
  std::int64_t max_ns = 0;
  std::uint64_t instructions = 0;
};

struct BatchSummary {
  std::size_t total = 0;
  std::size_t per_verdict[5] = {0, 0, 0, 0, 0};  ///< indexed by Verdict
  bool pack_failure = false;
  std::vector<PackUse> packs;        ///< every pack used, in first-use order
  std::vector<RuleCost> rule_costs;  ///< with BatchOptions::profile; most expensive first

  /// Exit status of `meetlat check` (interfaces.md).
  int exit_status() const;
};

/// Expands arguments into submission files: a file as given, a folder as every *.toml and *.json
/// in it (recursively, sorted, hidden entries skipped).
std::vector<std::string> expand_inputs(const std::vector<std::string>& args);

BatchSummary run_batch(const std::vector<std::string>& files,
                       const std::shared_ptr<PackRegistry>& registry, const BatchOptions& options,
                       const HostData& host, ReportWriter& writer);

}  // namespace meetlat
