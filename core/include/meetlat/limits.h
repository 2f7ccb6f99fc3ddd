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
};

}  // namespace meetlat
