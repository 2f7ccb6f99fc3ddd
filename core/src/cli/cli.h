// The `meetlat` command line (interfaces.md, "Command line"). Each command lives in its own file
// and registers itself on the CLI11 app; main.cpp stays thin.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "meetlat/batch.h"
#include "meetlat/evaluator.h"
#include "meetlat/limits.h"
#include "meetlat/submission.h"

namespace meetlat::cli {

/// Exit status for usage errors and packs that cannot be loaded (interfaces.md).
inline constexpr int kExitUsage = 3;

/// Options shared by the commands that evaluate: limits and where packs are found.
struct EngineOptions {
  std::vector<std::string> rules_path;  ///< --rules-path, before MEETLAT_RULES_PATH
  std::uint64_t instructions = Limits{}.rule.instructions;
  long long time_ms = Limits{}.rule.time.count();
  std::size_t memory_mb = Limits{}.rule.memory >> 20;
  std::size_t max_file_kb = ReadLimits{}.max_file_bytes >> 10;

  void add_to(CLI::App& cmd);
  Limits limits() const;
  ReadLimits read_limits() const;
  std::shared_ptr<PackRegistry> registry() const;
};

/// Whether to colour text output: --color=auto|always|never, NO_COLOR, a terminal.
bool use_color(const std::string& mode);

/// Loads the named packs once up front so that a broken pack is reported before any
/// submission is evaluated. Prints every problem to stderr; false when one fails.
bool preload_packs(const std::shared_ptr<PackRegistry>& registry,
                   const std::vector<std::string>& names, const Limits& limits);

using Action = std::function<int()>;

void add_check(CLI::App& app, Action& action);
void add_test(CLI::App& app, Action& action);

int run(int argc, char** argv);

}  // namespace meetlat::cli
