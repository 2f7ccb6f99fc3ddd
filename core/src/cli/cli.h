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
#include "meetlat/plugins.h"
#include "meetlat/report.h"
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
  long long submission_time_ms = Limits{}.submission_time.count();
  std::vector<std::string> plugin_path;  ///< --plugin-path, before MEETLAT_PLUGIN_PATH
  // Batch limits (`meetlat check` only: add_batch_to).
  std::size_t max_batch_files = BatchLimits{}.max_files;
  std::uint64_t max_batch_mb = BatchLimits{}.max_bytes >> 20;
  long long batch_time_s = BatchLimits{}.time.count() / 1000;

  void add_to(CLI::App& cmd);
  void add_batch_to(CLI::App& cmd);
  Limits limits() const;
  ReadLimits read_limits() const;
  BatchLimits batch_limits() const;
  /// Everything above, for the JSON report's "limits".
  LimitsInEffect in_effect() const;
  std::shared_ptr<PackRegistry> registry() const;
  /// Loads the plugins on the search path (--plugin-path, MEETLAT_PLUGIN_PATH, the built-in
  /// ones); every refusal is printed to stderr as a warning. Keep the set alive while evaluating.
  std::shared_ptr<PluginSet> plugins() const;
};

/// Whether to colour text output: --color=auto|always|never, NO_COLOR, a terminal.
bool use_color(const std::string& mode);

/// ANSI colours of the text output of lint, test and diff; empty strings when not colouring.
struct Palette {
  const char* red = "";
  const char* green = "";
  const char* yellow = "";
  const char* bold = "";
  const char* dim = "";
  const char* reset = "";
  static Palette of(const std::string& color_mode) {
    if (!use_color(color_mode)) return {};
    return {"\033[31m", "\033[32m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"};
  }
};

/// Loads the named packs once up front so that a broken pack is reported before any
/// submission is evaluated. Prints every problem to stderr; false when one fails.
bool preload_packs(const std::shared_ptr<PackRegistry>& registry,
                   const std::vector<std::string>& names, const Limits& limits,
                   const std::vector<PluginBinding>* plugins = nullptr);

using Action = std::function<int()>;

/// What `meetlat check --watch` needs (watch.cpp).
struct WatchRequest {
  std::shared_ptr<PackRegistry> registry;  ///< its search path is watched
  std::vector<std::string> inputs;         ///< files and folders as given
  BatchOptions options;
  std::function<std::unique_ptr<ReportWriter>()> make_writer;
  int interval_ms = 500;
  int max_runs = 0;  ///< stop after this many runs (0: until interrupted); for scripts and tests
};
int run_watch(const WatchRequest& w);

void add_check(CLI::App& app, Action& action);
void add_test(CLI::App& app, Action& action);
void add_plugins(CLI::App& app, Action& action);
void add_lint(CLI::App& app, Action& action);
void add_explain(CLI::App& app, Action& action);
void add_diff(CLI::App& app, Action& action);
void add_serve(CLI::App& app, Action& action);
void add_replay(CLI::App& app, Action& action);
void add_verify_log(CLI::App& app, Action& action);

int run(int argc, char** argv);

}  // namespace meetlat::cli
