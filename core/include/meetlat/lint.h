// `meetlat lint`: checks a rule pack without evaluating anything (interfaces.md; issue "Policy
// staff's workflow"). Every finding has a file, a line where known, and a suggestion.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "meetlat/limits.h"

namespace meetlat {

struct PluginBinding;

struct LintFinding {
  enum class Level { error, warning };
  Level level = Level::error;
  std::string file;
  int line = 0;
  std::string message;     ///< Dutch: what is wrong
  std::string suggestion;  ///< Dutch: what to do; may be empty
};

/// Lints the pack in `dir`: manifest and parameter schema, Lua syntax, unknown globals and unknown
/// members of API tables (money.sum, nl.iban_geldig, ...), assignments to globals, rule metadata,
/// duplicate ids, parameters read but not declared (and declared but never read), and test cases
/// that name rules that do not exist. Findings are sorted by file and line.
std::vector<LintFinding> lint_pack(const std::filesystem::path& dir, const Limits& limits,
                                   const std::vector<PluginBinding>* plugins = nullptr);

}  // namespace meetlat
