// Resource limits: settings with documented defaults, reported when hit (docs/rule-api.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace meetlat {

/// One budget: instructions (Lua VM instructions plus steps of the pattern matcher), wall-clock
/// time and memory above what the state held when the budget started.
struct Budget {
  std::uint64_t instructions;
  std::chrono::milliseconds time;
  std::size_t memory;
};

struct Limits {
  /// Per rule evaluation. A real rule over a 20 KB submission uses well under 100 000
  /// instructions and a few hundred KB.
  Budget rule{10'000'000, std::chrono::milliseconds(1000), 64u << 20};
  /// Per pack load (running the scripts' top level once).
  Budget load{50'000'000, std::chrono::milliseconds(5000), 256u << 20};
  /// Per submission: wall-clock time of all its rules together (0: none). Ten rules that each
  /// stay just under `rule.time` cannot hold a worker for ten seconds; rules that did not get to
  /// run when it is spent are reported with outcome `error`.
  std::chrono::milliseconds submission_time{10'000};
};

/// Per batch (`meetlat check` over many files). Files past a limit are reported as `ongeldig`
/// with an input error naming the limit: never dropped silently.
struct BatchLimits {
  /// Files in one batch (0: none); beyond it nothing is read. Guards the run length.
  std::size_t max_files = 1'000'000;
  /// Bytes of all submission files together (by size on disk, in input order: deterministic;
  /// 0: none).
  std::uint64_t max_bytes = std::uint64_t{16} << 30;
  /// Wall-clock time of the whole batch (0: none); submissions not started in time are reported.
  std::chrono::milliseconds time{0};
};

/// Every limit in effect for a run: the JSON report lists them under "limits".
struct LimitsInEffect {
  Limits limits;
  BatchLimits batch;
  std::size_t max_file_bytes = 0;  ///< per submission file (ReadLimits::max_file_bytes)
};

}  // namespace meetlat
