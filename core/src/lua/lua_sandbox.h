// The one Lua boundary (house style, point 2): everything the engine does with Lua goes through
// LuaSandbox. This header does not include lua.h; only files in core/src/lua/ do.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "meetlat/document.h"
#include "meetlat/expected.h"
#include "meetlat/host_data.h"
#include "meetlat/limits.h"
#include "meetlat/money.h"
#include "meetlat/outcome.h"
#include "meetlat/rule_pack.h"

namespace meetlat {

/// A rule as declared by `rule{...}` in a pack's script.
struct RuleDecl {
  std::string id;
  std::string title;
  Severity severity = Severity::blocking;
  std::string source;
  std::string quote;
  std::string description;
  std::string file;  ///< script path as shown to users
  int line = 0;
  int check_line = 0;  ///< the line where check's function starts (lint matches parameter reads)
};

/// A problem found while loading a pack's scripts, located in a file.
struct LoadProblem {
  std::string file;
  int line = 0;
  std::string message;
};

/// What `meetlat explain` shows: what a rule read and what it noted.
struct RuleTrace {
  struct Read {
    std::string path;
    std::string value;
  };
  std::vector<Read> reads;
  std::vector<std::string> notes;  ///< from note(label, value) and print(...)
};

/// A Lua function a native plugin offers to rules: called with the arguments converted to
/// strings/numbers; returns a value or an error message.
struct PluginValue {
  enum class Kind { nil, boolean, integer, number, string } kind = Kind::nil;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string string;
};
using PluginFunction =
    std::function<Expected<std::vector<PluginValue>>(const std::vector<PluginValue>& args)>;
struct PluginBinding {
  std::string ns;    ///< namespace table in the rule environment, e.g. "nl"
  std::string name;  ///< function name, e.g. "iban_geldig"
  PluginFunction fn;
};

/// What `meetlat lint` learns from a script without running it (chunk_facts.cpp).
struct ScriptFacts {
  struct Global {
    std::string name;
    int line = 0;
    bool write = false;
  };
  struct Field {  // a member of a global table: money.foo
    std::string table;
    std::string field;
    int line = 0;
  };
  struct ParamRead {  // parameter `param` (0-based) of the function defined at function_line
    int function_line = 0;
    int param = 0;
    std::string field;
    int line = 0;
  };
  std::vector<Global> globals;
  std::vector<Field> fields;
  std::vector<ParamRead> param_reads;
  std::string error;  ///< a syntax error ("file:line: message"), else empty
};

/// Compiles a script (text only) and reads its globals, library members and parameter reads.
ScriptFacts analyze_script(const PackScript& script);

class LuaSandbox {
 public:
  explicit LuaSandbox(const Limits& limits, std::vector<PluginBinding> plugins = {});
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  /// Compiles and runs a pack's scripts under the load budget. On success returns a handle and
  /// fills `rules`; otherwise every problem found, each located.
  Expected<int> load_pack(const RulePack& pack, std::vector<RuleDecl>& rules,
                          std::vector<LoadProblem>& problems);

  /// Makes a submission visible to rules, read-only, until end_submission().
  void begin_submission(const Document& doc);
  void end_submission();

  /// Runs every rule of a loaded pack against the current submission. Appends one result per rule
  /// in declaration order. `only_rule` restricts to one id (explain); `trace` records reads.
  void run_pack(int handle, const RulePack& pack, const Document& params, std::string_view regio,
                const HostData& host, std::vector<RuleResult>& out, std::string_view only_rule = {},
                RuleTrace* trace = nullptr);

  /// Count every rule's instructions (RuleResult::instructions) instead of running rules without
  /// the count hook where their result provably stands (rule_watchdog.cpp).
  void count_instructions(bool on);

  /// Bytes the Lua state holds now (for the memory benchmark and the soak test).
  std::size_t memory_in_use() const;

  /// The names rules can use: every global of the rule environment, and for the tables among
  /// them (string, money, nl, ...) their members. For `meetlat lint`.
  std::map<std::string, std::vector<std::string>> environment() const;

  struct State;  // defined in lua_sandbox.cpp

 private:
  std::unique_ptr<State> state_;
};

}  // namespace meetlat
