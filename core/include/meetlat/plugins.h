// Native plugins (issue "Native plugins and report formats"): shared libraries loaded at run time
// through the versioned C ABI of plugins/include/meetlat/plugin.h. They add functions rules can
// call (nl.iban_geldig(...)) and report formats (meetlat check --format html).
//
// Loading follows house style point 7 (DuckDB): the file is checked (an ELF shared object for
// this machine that exports meetlat_plugin_v1) before it is opened; it is opened with
// RTLD_NOW | RTLD_LOCAL; the plugin's info (magic, ABI version, host table size) is checked before
// init runs; init registers into named registries; a refusal names the file and the symbol, and
// nothing the refused plugin registered stays.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "meetlat/expected.h"
#include "meetlat/report.h"

namespace meetlat {

struct PluginBinding;  // core/src/lua/lua_sandbox.h: what the Lua sandbox exposes to rules

/// A function a plugin registered for rules: `ns.name`.
struct PluginFunctionInfo {
  std::string ns;
  std::string name;
  std::string description;
};

/// A report format a plugin registered: `meetlat check --format NAME`.
struct PluginFormatInfo {
  std::string name;
  std::string description;
};

/// A plugin that loaded.
struct PluginInfo {
  std::string file;  ///< the path it was loaded from, as found on the search path
  std::string name;
  std::string version;
  std::string description;
  std::vector<PluginFunctionInfo> functions;  ///< in registration order
  std::vector<PluginFormatInfo> formats;      ///< in registration order
};

/// A plugin file that was refused, with the Dutch message (file and symbol named).
struct PluginRefusal {
  std::string file;
  std::string message;
};

/// The file name plugins have: `meetlat-NAME.so` (only these are loaded from a folder).
inline constexpr std::string_view kPluginPrefix = "meetlat-";
inline constexpr std::string_view kPluginSuffix = ".so";

/// The folders searched for plugins, in order: `extra` (--plugin-path), the folders in
/// MEETLAT_PLUGIN_PATH (colon-separated), then the build's own plugin folder.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& extra = {});

/// The build's own plugin folder (where the in-tree plugins nl, rapport and brief are built).
std::filesystem::path builtin_plugin_dir();

/// Loaded plugins, their functions for rules and their report formats. Loading happens on one
/// thread; afterwards the set is read-only and its bindings may be called from any number of
/// worker threads. Must outlive every Evaluator and ReportWriter made from it (they call into the
/// plugins' code, which is unloaded when the set is destroyed).
class PluginSet {
 public:
  PluginSet();
  ~PluginSet();
  PluginSet(const PluginSet&) = delete;
  PluginSet& operator=(const PluginSet&) = delete;

  /// Loads one plugin file. On refusal returns the message (also kept in refusals()); the file is
  /// closed again and nothing it registered stays.
  Expected<const PluginInfo*> load(const std::filesystem::path& file);

  /// Loads every `meetlat-*.so` in the folders, folder by folder, in name order within a folder.
  /// A file whose name was already loaded from an earlier folder is skipped (an installed plugin
  /// takes precedence over the built-in one, as on PATH). Missing folders are ignored.
  void load_dirs(const std::vector<std::filesystem::path>& dirs);

  const std::vector<PluginInfo>& plugins() const;
  const std::vector<PluginRefusal>& refusals() const;
  /// Files skipped because an earlier folder had the same file name.
  const std::vector<std::string>& shadowed() const;

  /// The functions for rules, for Evaluator / BatchOptions::plugins.
  const std::vector<PluginBinding>& bindings() const;

  /// Names of the report formats the plugins offer, sorted.
  std::vector<std::string> format_names() const;

  /// A writer for a plugin format, writing to `out`; nullptr when no plugin offers `format`.
  /// The writer's failed() tells whether a step of the plugin failed (its message went to
  /// stderr, with the file and the format named).
  std::unique_ptr<ReportWriter> make_report_writer(std::string_view format, std::FILE* out) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// Names the engine itself uses in the rule environment; a plugin namespace may not be one.
bool is_reserved_namespace(std::string_view ns);

}  // namespace meetlat
