// Loading native plugins (issue "Native plugins and report formats"; house style point 7).
//
// Order of checks, so that as little plugin code as possible runs before the plugin is known to
// be one of ours, for this platform and this ABI:
//   1. the file: an ELF shared object for this machine whose dynamic symbols define
//      meetlat_plugin_v1 (elf_check.cpp) — nothing of the plugin runs yet;
//   2. dlopen with RTLD_NOW | RTLD_LOCAL (this runs the library's static constructors: the one
//      step that cannot be avoided), dlsym of the entry;
//   3. the info the entry returns: magic, ABI version, host table size, name, init;
//   4. init, with the host table; registrations are collected and only committed when init
//      returned 0 and every registration was valid.
// Any refusal closes the library again and drops what it registered.
#include <dlfcn.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <type_traits>

#include "../lua/lua_sandbox.h"
#include "meetlat/plugin.h"
#include "meetlat/plugins.h"
#include "plugin_internal.h"

namespace meetlat {

namespace {

constexpr std::string_view kBuiltinFormats[] = {"text", "json", "json-compact"};

// Names of the rule environment (docs/rule-api.md) and Lua's keywords: a plugin namespace of one
// of these would shadow the engine's own API or could not be written in Lua.
constexpr std::string_view kReserved[] = {
    "_ENV",         "_G",       "_VERSION",   "and",          "assert",   "break",    "contains",
    "count",        "do",       "dutch_date", "else",         "elseif",   "end",      "error",
    "euro",         "fail",     "false",      "filled",       "findings", "for",      "function",
    "getmetatable", "goto",     "if",         "in",           "ipairs",   "ledger",   "local",
    "math",         "money",    "next",       "nil",          "not",      "note",     "or",
    "pairs",        "pass",     "path",       "pcall",        "print",    "rawequal", "repeat",
    "return",       "rule",     "select",     "setmetatable", "skip",     "string",   "table",
    "then",         "tonumber", "tostring",   "trim",         "true",     "type",     "until",
    "utf8",         "while",    "words",      "xpcall",       "years"};

// Lua identifiers in lower case: what a rule can write as nl.iban_geldig.
bool is_lua_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z'))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

// Plugin and format names: lower case, digits, '-' and '_' (they appear on command lines).
bool is_plain_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

std::string text_or(const char* s, std::string_view fallback) {
  return s != nullptr ? std::string(s) : std::string(fallback);
}

// A short copy of a C string a plugin handed over, bounded so a missing terminator in a buggy
// plugin cannot make the host read far.
std::string bounded_copy(const char* s, std::size_t limit = 2000) {
  if (s == nullptr) return {};
  std::size_t n = 0;
  while (n < limit && s[n] != '\0') ++n;
  return std::string(s, n);
}

// ---- The host table's functions. `host` is the HostContext of the plugin being loaded. ----

int host_register_function(void* host, const char* nspace, const char* name,
                           const char* description, meetlat_function fn, void* context) {
  auto* h = static_cast<HostContext*>(host);
  return h->set->register_function(*h, nspace, name, description, fn, context) ? 0 : 1;
}

int host_register_format(void* host, const meetlat_report_format* format) {
  auto* h = static_cast<HostContext*>(host);
  return h->set->register_format(*h, format) ? 0 : 1;
}

void host_fail(void* host, const char* message) {
  auto* h = static_cast<HostContext*>(host);
  std::lock_guard<std::mutex> lock(h->mutex);
  h->failure = bounded_copy(message);
}

// The kind as the number the plugin stored: a C plugin may store any int there, and loading an
// out-of-range enum value is undefined behaviour in C++.
int raw_kind(const meetlat_value& v) {
  std::underlying_type_t<meetlat_value_kind> raw{};
  static_assert(sizeof raw == sizeof v.kind);
  std::memcpy(&raw, &v.kind, sizeof raw);
  return static_cast<int>(raw);
}

PluginValue to_plugin_value(const meetlat_value& v) {
  PluginValue out;
  switch (raw_kind(v)) {
    case MEETLAT_BOOLEAN:
      out.kind = PluginValue::Kind::boolean;
      out.boolean = v.boolean != 0;
      break;
    case MEETLAT_INTEGER:
      out.kind = PluginValue::Kind::integer;
      out.integer = v.integer;
      break;
    case MEETLAT_NUMBER:
      out.kind = PluginValue::Kind::number;
      out.number = v.number;
      break;
    case MEETLAT_STRING:
      out.kind = PluginValue::Kind::string;
      out.string.assign(v.string, v.length);  // copied: the plugin's buffer is not ours
      break;
    default:  // MEETLAT_NIL; other kinds are refused before
      break;
  }
  return out;
}

// The PluginFunction the sandbox calls: converts values both ways and checks what the plugin
// returned, so that a buggy plugin gives the rule outcome `error`, not a crash or a pass.
PluginFunction make_binding_function(meetlat_function fn, void* context) {
  return [fn, context](const std::vector<PluginValue>& args) -> Expected<std::vector<PluginValue>> {
    std::vector<meetlat_value> in(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) {
      const PluginValue& a = args[i];
      meetlat_value& v = in[i];
      v = meetlat_value{};
      switch (a.kind) {
        case PluginValue::Kind::nil:
          v.kind = MEETLAT_NIL;
          break;
        case PluginValue::Kind::boolean:
          v.kind = MEETLAT_BOOLEAN;
          v.boolean = a.boolean ? 1 : 0;
          break;
        case PluginValue::Kind::integer:
          v.kind = MEETLAT_INTEGER;
          v.integer = a.integer;
          break;
        case PluginValue::Kind::number:
          v.kind = MEETLAT_NUMBER;
          v.number = a.number;
          break;
        case PluginValue::Kind::string:
          v.kind = MEETLAT_STRING;
          v.string = a.string.c_str();
          v.length = a.string.size();
          break;
      }
    }
    meetlat_result result{};
    fn(context, in.data(), static_cast<int>(in.size()), &result);
    if (result.error != nullptr) return Error{bounded_copy(result.error)};
    if (result.count < 0 || result.count > MEETLAT_MAX_RESULTS) {
      return Error{
          fmt::format("de plugin gaf een ongeldig aantal waarden terug ({})", result.count)};
    }
    std::vector<PluginValue> out;
    out.reserve(static_cast<std::size_t>(result.count));
    for (int i = 0; i < result.count; ++i) {
      const meetlat_value& v = result.values[i];
      int kind = raw_kind(v);
      if (kind < MEETLAT_NIL || kind > MEETLAT_STRING) {
        return Error{fmt::format("de plugin gaf een waarde van onbekende soort terug ({})", kind)};
      }
      if (kind == MEETLAT_STRING && v.string == nullptr && v.length > 0) {
        return Error{"de plugin gaf een tekst zonder inhoud terug (NULL)"};
      }
      out.push_back(to_plugin_value(v));
    }
    return out;
  };
}

}  // namespace

bool is_reserved_namespace(std::string_view ns) {
  return std::find(std::begin(kReserved), std::end(kReserved), ns) != std::end(kReserved);
}

std::filesystem::path builtin_plugin_dir() {
  return MEETLAT_PLUGIN_DIR;
}

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& extra) {
  std::vector<std::filesystem::path> dirs;
  for (const std::string& d : extra) {
    if (!d.empty()) dirs.emplace_back(d);
  }
  if (const char* env = std::getenv("MEETLAT_PLUGIN_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      std::size_t colon = rest.find(':');
      std::string_view part = rest.substr(0, colon);
      if (!part.empty()) dirs.emplace_back(std::string(part));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  dirs.push_back(builtin_plugin_dir());
  return dirs;
}

// ---- Registration ----

bool PluginSet::Impl::register_function(HostContext& h, const char* nspace, const char* name,
                                        const char* description, meetlat_function fn,
                                        void* context) {
  std::string ns = bounded_copy(nspace, 100);
  std::string n = bounded_copy(name, 100);
  std::string what = fmt::format("register_function('{}', '{}')", ns, n);
  if (!h.in_init) {
    // After init the registries are read-only (worker threads read them without locks).
    return false;
  }
  if (!is_lua_name(ns) || !is_lua_name(n)) {
    h.problems.push_back(fmt::format(
        "{}: ongeldige naam; gebruik kleine letters, cijfers en '_', niet beginnend met een cijfer",
        what));
    return false;
  }
  if (is_reserved_namespace(ns)) {
    h.problems.push_back(fmt::format(
        "{}: '{}' is een naam van de regel-API zelf en kan geen naamruimte zijn", what, ns));
    return false;
  }
  if (fn == nullptr) {
    h.problems.push_back(fmt::format("{}: geen functie (NULL)", what));
    return false;
  }
  for (const PendingFunction& p : h.functions) {
    if (p.info.ns == ns && p.info.name == n) {
      h.problems.push_back(
          fmt::format("{}: {}.{} is al geregistreerd door deze plugin", what, ns, n));
      return false;
    }
  }
  for (const auto& plugin : plugins) {
    for (const PluginFunctionInfo& f : plugin->info.functions) {
      if (f.ns == ns && f.name == n) {
        h.problems.push_back(
            fmt::format("{}: {}.{} is al geregistreerd door {}", what, ns, n, plugin->info.file));
        return false;
      }
    }
  }
  h.functions.push_back({{ns, n, bounded_copy(description)}, fn, context});
  return true;
}

bool PluginSet::Impl::register_format(HostContext& h, const meetlat_report_format* format) {
  if (!h.in_init) return false;
  if (format == nullptr) {
    h.problems.emplace_back("register_format: geen formaat (NULL)");
    return false;
  }
  std::string name = bounded_copy(format->name, 100);
  std::string what = fmt::format("register_format('{}')", name);
  if (!is_plain_name(name)) {
    h.problems.push_back(
        fmt::format("{}: ongeldige naam; gebruik kleine letters, cijfers, '-' en '_'", what));
    return false;
  }
  if (format->submission == nullptr) {
    h.problems.push_back(fmt::format("{}: de stap 'submission' ontbreekt (NULL)", what));
    return false;
  }
  if (std::find(std::begin(kBuiltinFormats), std::end(kBuiltinFormats), name) !=
      std::end(kBuiltinFormats)) {
    h.problems.push_back(
        fmt::format("{}: formaat '{}' is een formaat van meetlat zelf", what, name));
    return false;
  }
  for (const FormatEntry& f : h.formats) {
    if (f.name == name) {
      h.problems.push_back(
          fmt::format("{}: formaat '{}' is al geregistreerd door deze plugin", what, name));
      return false;
    }
  }
  for (const FormatEntry& f : formats) {
    if (f.name == name) {
      h.problems.push_back(
          fmt::format("{}: formaat '{}' is al geregistreerd door {}", what, name, f.file));
      return false;
    }
  }
  FormatEntry entry;
  entry.name = name;
  entry.description = bounded_copy(format->description);
  entry.format = *format;  // the struct is copied; its functions live in the plugin
  entry.host = &h;
  entry.file = h.file;
  h.formats.push_back(std::move(entry));
  return true;
}

// ---- PluginSet ----

PluginSet::Impl::~Impl() {
  // Bindings and formats point into the libraries: drop them before closing.
  bindings.clear();
  formats.clear();
  while (!plugins.empty()) {  // in reverse order of loading
    if (plugins.back()->handle != nullptr) dlclose(plugins.back()->handle);
    plugins.pop_back();
  }
}

PluginSet::PluginSet() : impl_(std::make_unique<Impl>()) {}
PluginSet::~PluginSet() = default;

const std::vector<PluginInfo>& PluginSet::plugins() const {
  return impl_->infos;
}
const std::vector<PluginRefusal>& PluginSet::refusals() const {
  return impl_->refusals;
}
const std::vector<std::string>& PluginSet::shadowed() const {
  return impl_->shadowed;
}
const std::vector<PluginBinding>& PluginSet::bindings() const {
  return impl_->bindings;
}

std::vector<std::string> PluginSet::format_names() const {
  std::vector<std::string> names;
  for (const FormatEntry& f : impl_->formats) names.push_back(f.name);
  std::sort(names.begin(), names.end());
  return names;
}

Expected<const PluginInfo*> PluginSet::load(const std::filesystem::path& file) {
  Impl& m = *impl_;
  std::string shown = file.string();
  auto refuse = [&](std::string message, void* handle) -> Expected<const PluginInfo*> {
    if (handle != nullptr) dlclose(handle);
    std::string full = fmt::format("{}: {}", shown, message);
    m.refusals.push_back({shown, full});
    return Error{full};
  };

  // 1. The file, before any of its code runs.
  if (auto problem = check_plugin_file(file, MEETLAT_PLUGIN_ENTRY))
    return refuse(*problem, nullptr);

  // 2. Open it. RTLD_NOW: an unresolved symbol refuses the plugin now, not in the middle of a
  // batch. RTLD_LOCAL: its symbols do not leak into the engine or into other plugins.
  // A relative path without '/' would make dlopen search the system; make it explicit.
  std::string open_path = shown.find('/') == std::string::npos ? "./" + shown : shown;
  dlerror();
  void* handle = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return refuse(fmt::format("kan niet worden geopend: {}", text_or(why, "onbekende fout")),
                  nullptr);
  }
  void* symbol = dlsym(handle, MEETLAT_PLUGIN_ENTRY);
  if (symbol == nullptr) {
    return refuse(fmt::format("{} ontbreekt (geen Meetlat-plugin?)", MEETLAT_PLUGIN_ENTRY), handle);
  }

  // 3. The info, before init.
  meetlat_plugin_entry entry = nullptr;
  static_assert(sizeof(entry) == sizeof(symbol));
  std::memcpy(&entry, &symbol, sizeof entry);  // POSIX: a data pointer from dlsym is a function
  const meetlat_plugin_info* info = entry();
  std::string sym = MEETLAT_PLUGIN_ENTRY;
  if (info == nullptr)
    return refuse(fmt::format("{} gaf geen plugininformatie (NULL)", sym), handle);
  if (info->magic != MEETLAT_PLUGIN_MAGIC) {
    return refuse(fmt::format("{}: verkeerd magisch getal 0x{:016X} (geen Meetlat-plugin?)", sym,
                              info->magic),
                  handle);
  }
  if (info->abi_version != MEETLAT_PLUGIN_ABI_VERSION) {
    return refuse(fmt::format("{}: gebouwd voor ABI-versie {}, deze meetlat ondersteunt {}", sym,
                              info->abi_version, MEETLAT_PLUGIN_ABI_VERSION),
                  handle);
  }
  if (info->host_api_size > sizeof(meetlat_host_v1)) {
    return refuse(fmt::format("{}: verwacht een host-tabel van {} bytes, deze meetlat biedt {} "
                              "(gebouwd met een nieuwere plugin.h?)",
                              sym, info->host_api_size, sizeof(meetlat_host_v1)),
                  handle);
  }
  std::string name = bounded_copy(info->name, 100);
  if (!is_plain_name(name)) {
    return refuse(fmt::format("{}: ongeldige pluginnaam '{}' (kleine letters, cijfers, '-' en '_')",
                              sym, name),
                  handle);
  }
  for (const auto& p : m.plugins) {
    if (p->info.name == name) {
      return refuse(fmt::format("{}: plugin '{}' is al geladen uit {}", sym, name, p->info.file),
                    handle);
    }
  }
  if (info->init == nullptr)
    return refuse(fmt::format("{}: geen init-functie (NULL)", sym), handle);

  // 4. init, with registrations held back until it succeeded.
  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->handle = handle;
  plugin->info.file = shown;
  plugin->info.name = name;
  plugin->info.version = bounded_copy(info->version, 100);
  plugin->info.description = bounded_copy(info->description);
  auto host = std::make_unique<HostContext>();
  host->set = &m;
  host->file = shown;
  host->in_init = true;
  host->table = meetlat_host_v1{};
  host->table.abi_version = MEETLAT_PLUGIN_ABI_VERSION;
  host->table.size = sizeof(meetlat_host_v1);
  host->table.host = host.get();
  host->table.register_function = host_register_function;
  host->table.register_format = host_register_format;
  host->table.fail = host_fail;
  host->table.engine_version = MEETLAT_VERSION;
  int rc = info->init(&host->table);
  host->in_init = false;
  // A refused registration is the real reason, whatever init returned after it.
  if (!host->problems.empty()) {
    std::string all;
    for (const std::string& p : host->problems) all += (all.empty() ? "" : "; ") + p;
    return refuse(all, handle);
  }
  if (rc != 0) {
    std::string why = host->failure.empty() ? "geen reden opgegeven" : host->failure;
    return refuse(fmt::format("init ({}) faalde: {}", sym, why), handle);
  }
  host->failure.clear();

  // Commit.
  for (const PendingFunction& f : host->functions) {
    plugin->info.functions.push_back(f.info);
    m.bindings.push_back({f.info.ns, f.info.name, make_binding_function(f.fn, f.context)});
  }
  for (FormatEntry& f : host->formats) {
    plugin->info.formats.push_back({f.name, f.description});
    m.formats.push_back(std::move(f));
  }
  host->functions.clear();
  host->formats.clear();
  plugin->host = std::move(host);
  m.infos.push_back(plugin->info);
  m.plugins.push_back(std::move(plugin));
  return &m.plugins.back()->info;  // stable: infos may grow, plugins hold unique_ptrs
}

void PluginSet::load_dirs(const std::vector<std::filesystem::path>& dirs) {
  std::set<std::string> seen;
  for (const auto& p : impl_->plugins) {
    seen.insert(std::filesystem::path(p->info.file).filename().string());
  }
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      std::string fname = e.path().filename().string();
      if (fname.size() <= kPluginPrefix.size() + kPluginSuffix.size()) continue;
      if (fname.compare(0, kPluginPrefix.size(), kPluginPrefix) != 0) continue;
      if (fname.compare(fname.size() - kPluginSuffix.size(), kPluginSuffix.size(), kPluginSuffix) !=
          0) {
        continue;
      }
      std::error_code fec;
      if (!std::filesystem::is_regular_file(e.path(), fec)) continue;
      files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());  // deterministic load order
    for (const auto& f : files) {
      std::string fname = f.filename().string();
      if (!seen.insert(fname).second) {
        impl_->shadowed.push_back(f.string());
        continue;
      }
      (void)load(f);  // a refusal is kept in refusals()
    }
  }
}

}  // namespace meetlat
