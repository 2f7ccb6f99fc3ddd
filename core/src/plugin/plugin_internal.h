// Internals of the plugin loader, shared by plugin_loader.cpp, plugin_format.cpp and
// elf_check.cpp. Not a public header.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "meetlat/plugin.h"
#include "meetlat/plugins.h"

namespace meetlat {

struct PluginBinding;

/// Checks a plugin file before any of its code runs: an ELF shared object of this machine's
/// class, byte order and architecture whose dynamic symbol table defines `entry`. Returns the
/// reason for refusing it (Dutch, without the file name), or nothing when it may be opened.
std::optional<std::string> check_plugin_file(const std::filesystem::path& file,
                                             std::string_view entry);

struct PendingFunction {
  PluginFunctionInfo info;
  meetlat_function fn = nullptr;
  void* context = nullptr;
};

struct HostContext;

struct FormatEntry {
  std::string name;
  std::string description;
  meetlat_report_format format{};
  HostContext* host = nullptr;  ///< for the failure message of a step
  std::string file;
};

/// What the opaque `host` pointer of meetlat_host_v1 points to: one per plugin, alive as long as
/// the plugin (a format plugin keeps the table to call host->fail() in its steps).
struct HostContext {
  PluginSet::Impl* set = nullptr;
  std::string file;
  meetlat_host_v1 table{};
  bool in_init = false;
  std::vector<std::string> problems;  ///< invalid or duplicate registrations during init
  std::vector<PendingFunction> functions;
  std::vector<FormatEntry> formats;
  std::mutex mutex;     ///< guards `failure` (a plugin might call fail() from any thread)
  std::string failure;  ///< the last message given to host->fail()

  /// Takes the last failure message ("" when none was given).
  std::string take_failure() {
    std::lock_guard<std::mutex> lock(mutex);
    std::string f = std::move(failure);
    failure.clear();
    return f;
  }
};

struct LoadedPlugin {
  void* handle = nullptr;  ///< from dlopen
  PluginInfo info;
  std::unique_ptr<HostContext> host;
};

struct PluginSet::Impl {
  Impl() = default;
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::vector<std::unique_ptr<LoadedPlugin>> plugins;
  std::vector<PluginInfo> infos;
  std::vector<PluginRefusal> refusals;
  std::vector<std::string> shadowed;
  std::vector<PluginBinding> bindings;
  std::vector<FormatEntry> formats;

  bool register_function(HostContext& h, const char* nspace, const char* name,
                         const char* description, meetlat_function fn, void* context);
  bool register_format(HostContext& h, const meetlat_report_format* format);
};

}  // namespace meetlat
