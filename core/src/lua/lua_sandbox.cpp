// The Lua host: one lua_State per sandbox (one sandbox per worker thread), an allow-listed and
// frozen rule environment, budgets on every call into Lua, and errors that come back as values.
//
// Design notes (house style, points 3-5; Redis's script_lua.c for the ideas):
// - The environment is an allow-list, frozen: reading an unknown name or assigning a global raises.
// - The submission and the parameters are read-only proxies (proxies.cpp).
// - Tables a script builds at load time are frozen once loading ends, and the upvalues of rule
//   functions are restored after every evaluation, so no state survives from one rule or one
//   submission to the next.
// - A count hook charges an instruction budget and checks a deadline; once a budget is exhausted
//   the hook fires on every instruction and the sandboxed pcall re-raises, so a rule cannot
//   swallow its own termination. Memory is capped by the allocator. Pattern matching charges the
//   same budget (bounded_pattern.cpp); finalizers cannot be installed (__gc is refused), so no
//   code runs where hooks are off.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "lua_internal.h"
#include "meetlat/text.h"

#if defined(MEETLAT_JEMALLOC)
#include <jemalloc/jemalloc.h>
#endif

namespace meetlat {

namespace lua_detail {
extern const char* const kPrelude;
}

using namespace lua_detail;  // NOLINT(google-build-using-namespace): internal to the boundary

Cents HostData::committed(std::string_view, std::string_view) const {
  return 0;
}

namespace lua_detail {

namespace {
const char kUnknownNameMeta = 0;
}

std::size_t utf8_prefix(const char* s, std::size_t len, std::size_t max) {
  if (len <= max) return len;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

std::string clip_text(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::string out(text.substr(0, utf8_prefix(text.data(), text.size(), max)));
  out += fmt::format("… (ingekort: {} bytes)", text.size());
  return out;
}

SandboxCore& core(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<SandboxCore*>(ud);
}

void SandboxCore::start_budget(const Budget& b) {
  start_budget(b, std::chrono::steady_clock::now());
}

void SandboxCore::start_budget(const Budget& b, std::chrono::steady_clock::time_point now,
                               bool counted) {
  budget_active = true;
  killed = false;
  memory_refused = false;
  refusals = 0;
  kill_reason.clear();
  instructions_used = 0;
  unclocked = 0;
  instructions_limit = b.instructions;
  time_limit = b.time;
  deadline = std::min(now + b.time, outer_deadline);
  memory_budget = b.memory;
  memory_limit = used + b.memory;
  if (counted) tune_hook();
}

std::string SandboxCore::time_reason() const {
  if (deadline == outer_deadline) {
    return fmt::format(
        "tijdslimiet per aanvraag overschreden: alle regels van de aanvraag samen langer dan {} ms",
        outer_time_limit.count());
  }
  return fmt::format("tijdslimiet overschreden: langer dan {} ms", time_limit.count());
}

int SandboxCore::wanted_interval() const {
  if (killed || (budget_active && refusals > 0)) return 1;
  if (large_count == 0) return kHookInterval;
  int top = 63;
  while (top > 0 && large_live[top] == 0) --top;
  // Work between two hook calls stays near kHookInterval × kLargeAllocation bytes (64 MiB: some
  // milliseconds of strcmp or memchr), whatever the size of the largest object.
  int shift = top + 1 - 16;
  return shift >= 10 ? 1 : std::max(1, kHookInterval >> shift);
}

void SandboxCore::tune_hook() {
  int wanted = wanted_interval();
  if (wanted != hook_interval && L != nullptr) {
    hook_interval = wanted;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, wanted);
  }
}

void SandboxCore::charge_or_raise(std::uint64_t steps) {
  if (!charge(steps)) luaL_error(L, "%s", kill_reason.c_str());
}

void SandboxCore::stop_budget() {
  budget_active = false;
  memory_limit = SIZE_MAX;
  if (hook_interval != 0) reset_hook();  // 0: left off after a hook-free run (rule_watchdog.cpp)
}

void SandboxCore::reset_hook() {
  hook_interval = kHookInterval;
  if (L != nullptr) lua_sethook(L, budget_hook, LUA_MASKCOUNT, kHookInterval);
}

void SandboxCore::kill_out_of_memory() {
  std::string reason;
  try {
    reason = fmt::format("geheugenlimiet overschreden: meer dan {} MiB", memory_budget >> 20);
  } catch (...) {
  }
  kill(std::move(reason));
}

void SandboxCore::kill(std::string reason) {
  if (!killed) {
    killed = true;
    try {
      kill_reason = std::move(reason);
    } catch (...) {
    }
  }
  // From now on the hook fires on every instruction: a pcall in the rule cannot keep it alive.
  hook_interval = 1;
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
}

bool SandboxCore::charge(std::uint64_t steps) {
  if (!budget_active) return true;
  if (killed) return false;
  if (fast_abort.load(std::memory_order_relaxed)) {
    // The watchdog stopped a hook-free run (rule_watchdog.cpp), seen here by the hook it installed
    // or by a long C loop: the run is done again, counted.
    kill(kFastRunStopped);
    return false;
  }
  instructions_used += steps;
  if (instructions_used > instructions_limit) {
    kill(fmt::format("rekenbudget overschreden: meer dan {} instructies", instructions_limit));
    return false;
  }
  // C loops charge a step per element (table functions, the list helpers); reading the clock for
  // each would cost more than the element. The hook charges kHookInterval at a time and so still
  // reads it every call; with large objects alive or under memory pressure every step reads it.
  unclocked += steps;
  if (unclocked < kClockEvery && large_count == 0 && refusals == 0) return true;
  unclocked = 0;
  if (std::chrono::steady_clock::now() > deadline) {
    kill(time_reason());
    return false;
  }
  return true;
}

void budget_hook(lua_State* L, lua_Debug* ar) {
  SandboxCore& c = core(L);
  if (!c.budget_active) return;
  if (!c.killed) {
    bool ok = false;
    try {
      ok = c.charge(static_cast<std::uint64_t>(c.hook_interval));
    } catch (...) {
    }
    if (ok) {
      // Large objects may have died since the interval was lowered (or pressure began).
      if (c.wanted_interval() != c.hook_interval) c.tune_hook();
      return;
    }
  }
  char where[200] = "?";
  if (lua_getinfo(L, "Sl", ar) != 0 && ar->currentline > 0) {
    std::snprintf(where, sizeof where, "%s:%d: ", ar->short_src, ar->currentline);
  } else {
    where[0] = '\0';
  }
  luaL_error(L, "%s%s", where, c.kill_reason.c_str());
}

}  // namespace lua_detail

namespace {

int size_class(std::size_t n) {
  return 63 - __builtin_clzll(static_cast<unsigned long long>(n));
}

void track_large(SandboxCore* c, std::size_t old, std::size_t now) {
  if (old >= kLargeAllocation) {
    --c->large_live[size_class(old)];
    --c->large_count;
  }
  if (now >= kLargeAllocation) {
    int k = size_class(now);
    ++c->large_live[k];
    ++c->large_count;
    // Lower the interval at once (raising it waits for the hook): the next instruction may
    // already compare or scan this object. lua_sethook is safe to call at any point.
    // A hook-free run (hook_interval 0, rule_watchdog.cpp) gets the hook now as well.
    if (c->budget_active && (c->hook_interval == 0 || c->wanted_interval() < c->hook_interval))
      c->tune_hook();
  }
}

// After this many refusals in one budget the evaluation counts as out of memory: every refusal
// makes Lua run a full collection before it retries, and a rule that keeps its live data just
// under the cap would otherwise turn each allocation into a full collection.
constexpr unsigned kMaxRefusals = 16;

// The blocks of a Lua state. Lua passes the size of every block it frees or resizes, so with
// jemalloc the sized calls are used: a sized free skips the look-up of the block's size class,
// and most of Lua's allocations are new small objects (bench/README.md, "What changed").
void release_block(void* ptr, std::size_t size) {
#if defined(MEETLAT_JEMALLOC)
  if (ptr != nullptr) sdallocx(ptr, size, 0);
#else
  (void)size;
  std::free(ptr);
#endif
}

void* resize_block(void* ptr, std::size_t nsize) {
  // malloc has jemalloc's fast path; realloc(nullptr, n) and mallocx do not.
  if (ptr == nullptr) return std::malloc(nsize);
  return std::realloc(ptr, nsize);
}

#if defined(MEETLAT_LUA_BLOCK_CACHE)
constexpr bool kBlockCache = true;
#else
constexpr bool kBlockCache = false;
#endif

std::size_t block_class(std::size_t n) {
  return (n + BlockCache::kGrain - 1) / BlockCache::kGrain;
}

}  // namespace

void* lua_detail::BlockCache::take(std::size_t n) {
  if (!kBlockCache || n > kMaxSize) return std::malloc(n);
  std::size_t c = block_class(n);
  if (void* b = head_[c]) {
    std::memcpy(&head_[c], b, sizeof(void*));
    cached_ -= c * kGrain;
    return b;
  }
  return std::malloc(c * kGrain);
}

void lua_detail::BlockCache::give(void* b, std::size_t n) {
  if (!kBlockCache || n > kMaxSize) {
    release_block(b, n);
    return;
  }
  std::size_t c = block_class(n);
  if (cached_ + c * kGrain > kMaxCached) {
    release_block(b, c * kGrain);
    return;
  }
  std::memcpy(b, &head_[c], sizeof(void*));
  head_[c] = b;
  cached_ += c * kGrain;
}

void* lua_detail::BlockCache::resize(void* b, std::size_t old, std::size_t n) {
  if (!kBlockCache || (old > kMaxSize && n > kMaxSize)) return resize_block(b, n);
  if (old <= kMaxSize && n <= kMaxSize && block_class(old) == block_class(n)) {
    return b;  // the block already has room for n bytes
  }
  void* p = take(n);
  if (p == nullptr) return nullptr;
  std::memcpy(p, b, old < n ? old : n);
  give(b, old);
  return p;
}

lua_detail::BlockCache::~BlockCache() {
  for (std::size_t c = 1; c < kClasses; ++c) {
    while (void* b = head_[c]) {
      std::memcpy(&head_[c], b, sizeof(void*));
      release_block(b, c * kGrain);
    }
  }
}

namespace {

void* sandbox_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto* c = static_cast<SandboxCore*>(ud);
  std::size_t old = ptr != nullptr ? osize : 0;
  if (nsize == 0) {
    if (ptr != nullptr) c->blocks.give(ptr, old);
    c->used -= old;
    if (old >= kLargeAllocation) track_large(c, old, 0);
    return nullptr;
  }
  if (nsize > old && c->used + (nsize - old) > c->memory_limit) {
    // Refuse; Lua then collects garbage once and retries before raising "not enough memory".
    c->memory_refused = true;
    // Only requests that would fit in an empty budget count as pressure: a single absurd request
    // (string.rep("x", 1e10) inside pcall) is refused without any collection worth counting.
    if (c->budget_active && !c->killed && nsize - old <= c->memory_budget) {
      ++c->refusals;
      if (c->refusals > kMaxRefusals) {
        c->kill_out_of_memory();
      } else {
        c->tune_hook();  // under pressure: check the clock on every instruction
      }
    }
    return nullptr;
  }
  void* p = ptr == nullptr ? c->blocks.take(nsize) : c->blocks.resize(ptr, old, nsize);
  if (p == nullptr) return nullptr;
  c->used = c->used - old + nsize;
  if (old >= kLargeAllocation || nsize >= kLargeAllocation) track_large(c, old, nsize);
  return p;
}

int panic_handler(lua_State* L) {
  const char* msg = lua_tostring(L, -1);
  std::fprintf(stderr, "meetlat: onherstelbare Lua-fout buiten een beschermde aanroep: %s\n",
               msg != nullptr ? msg : "?");
  std::abort();
}

// Message handler of every call into Lua: the error as text plus a traceback. Never calls a
// metamethod of the error value (a hostile __tostring would run outside any budget).
int message_handler(lua_State* L) {
  int t = lua_type(L, 1);
  const char* msg = nullptr;
  if (t == LUA_TSTRING && lua_rawlen(L, 1) > kMaxErrorBytes) {
    // A huge message would be copied into the traceback and the report: keep its start.
    std::size_t len = 0;
    const char* s = lua_tolstring(L, 1, &len);
    lua_pushlstring(L, s, utf8_prefix(s, len, kMaxErrorBytes / 4));
    msg = lua_pushfstring(L, "%s… (ingekort: %I bytes)", lua_tostring(L, -1),
                          static_cast<lua_Integer>(len));
  } else if (t == LUA_TSTRING || t == LUA_TNUMBER) {
    msg = lua_tostring(L, 1);
  } else {
    msg = lua_pushfstring(L, "(fout zonder tekst: een waarde van type %s)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

// pcall for rules: like Lua's, but a terminated evaluation cannot be caught.
int sandbox_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  SandboxCore& c = core(L);
  if (status == LUA_ERRMEM && c.budget_active) {
    c.kill_out_of_memory();
  }
  if (c.killed) return lua_error(L);
  lua_pushboolean(L, status == LUA_OK ? 1 : 0);
  lua_insert(L, 1);
  return lua_gettop(L);
}

// The handler xpcall installs: skips the rule's own handler once the evaluation is terminated.
int guarded_handler(lua_State* L) {
  if (core(L).killed) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int sandbox_xpcall(lua_State* L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_handler, 1);  // n+1
  lua_rotate(L, 3, 1);                      // f, handler, wrapper, args...
  lua_remove(L, 2);                         // f, wrapper, args...
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 1);  // f, wrapper, f, args...
  lua_remove(L, 1);     // wrapper, f, args...
  int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
  SandboxCore& c = core(L);
  if (status == LUA_ERRMEM && c.budget_active) {
    c.kill_out_of_memory();
  }
  if (c.killed) return lua_error(L);
  lua_pushboolean(L, status == LUA_OK ? 1 : 0);
  lua_replace(L, 1);  // replace the wrapper
  return lua_gettop(L);
}

// Marks a metatable setmetatable made (below): light userdata keys cannot be written in Lua.
const char kSnapshotKey = 0;

// setmetatable without finalizers and weak tables, on a snapshot of the metatable.
// - __gc runs with hooks disabled, outside every budget; __close runs during unwinding.
// - __mode makes results depend on when the collector runs, and a chain through a weak-keyed
//   table (ephemerons) makes every collection quadratic in its length, inside one allocation
//   where no hook can stop it (60 000 entries: over 30 s).
// Lua reads __gc when setmetatable runs, but __mode at every collection and __close when a
// variable is declared, so refusing them here is not enough: a rule could add them to the
// metatable afterwards. The object therefore gets a private copy of the metatable's fields, which
// no rule can reach: its __metatable is the rule's own table, so getmetatable(obj) still returns
// what the rule passed. Later changes to that table do not affect the object (documented in
// docs/rule-api.md); methods reached through __index = mt still do.
int sandbox_setmetatable(lua_State* L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  lua_settop(L, 2);
  if (t == LUA_TTABLE) {
    for (const char* forbidden : {"__gc", "__close", "__mode"}) {
      lua_pushstring(L, forbidden);
      if (lua_rawget(L, 2) != LUA_TNIL) {
        return luaL_error(L, "metamethode %s is niet toegestaan in regels", forbidden);
      }
      lua_pop(L, 1);
    }
  }
  if (lua_getmetatable(L, 1)) {  // 3: the current metatable
    bool ours = lua_rawgetp(L, 3, &kSnapshotKey) != LUA_TNIL;
    lua_pop(L, 1);
    lua_pushliteral(L, "__metatable");
    bool protected_meta = lua_rawget(L, 3) != LUA_TNIL;
    if (protected_meta && !ours) {
      return luaL_error(L, "deze tabel is alleen-lezen; haar metatable kan niet worden gewijzigd");
    }
    lua_settop(L, 2);
  }
  if (t == LUA_TNIL) {
    lua_setmetatable(L, 1);
    return 1;
  }
  lua_newtable(L);  // 3: the snapshot
  SandboxCore& c = core(L);
  lua_pushnil(L);
  while (lua_next(L, 2) != 0) {
    c.charge_or_raise(1);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, 3);
  }
  lua_pushliteral(L, "__metatable");
  if (lua_rawget(L, 3) == LUA_TNIL) {
    // getmetatable(obj) answers with the rule's table; the snapshot stays replaceable.
    lua_pop(L, 1);
    lua_pushliteral(L, "__metatable");
    lua_pushvalue(L, 2);
    lua_rawset(L, 3);
    lua_pushboolean(L, 1);
    lua_rawsetp(L, 3, &kSnapshotKey);
  } else {
    lua_pop(L, 1);
  }
  lua_setmetatable(L, 1);
  lua_settop(L, 1);
  return 1;
}

// __index of the rule environment's contents: an unknown global is an error with a suggestion.
int unknown_name(lua_State* L) {
  char hint[96] = "";
  if (lua_type(L, 2) == LUA_TSTRING) {
    std::size_t len = 0;
    const char* name = lua_tolstring(L, 2, &len);
    if (len > 64) {
      // No suggestion (edit distances to every global would take |name| × 50 steps in C), and
      // only the start of the name in the message.
      lua_pushlstring(L, name, utf8_prefix(name, len, 64));
      return luaL_error(L, "onbekende naam '%s…' (%I bytes)", lua_tostring(L, -1),
                        static_cast<lua_Integer>(len));
    }
    std::string_view wanted(name, len);
    std::size_t best = 99;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING) continue;
      std::size_t klen = 0;
      const char* key = lua_tolstring(L, -1, &klen);
      if (klen >= 2 && key[0] == '_' && key[1] == '_') continue;
      std::size_t d = 99;
      try {
        d = edit_distance(wanted, std::string_view(key, klen));
      } catch (...) {
      }
      if (d < best && d <= 2 && d < len) {
        best = d;
        std::snprintf(hint, sizeof hint, "; bedoelde u '%s'?", key);
      }
    }
    return luaL_error(L, "onbekende naam '%s'%s", name, hint);
  }
  return luaL_error(L, "onbekende naam");
}

// Copies the named fields of the table at `from` into the table at the top of the stack.
void copy_fields(lua_State* L, int from, std::initializer_list<const char*> names) {
  from = lua_absindex(L, from);
  for (const char* n : names) {
    lua_getfield(L, from, n);
    lua_setfield(L, -2, n);
  }
}

// Runs `fn` as a protected Lua call; returns the error message on failure.
template <class Fn>
std::string protected_call(lua_State* L, Fn& fn) {
  auto trampoline = [](lua_State* S) -> int {
    auto* f = static_cast<Fn*>(lua_touserdata(S, 1));
    lua_remove(S, 1);
    bool cxx_failed = false;
    try {
      (*f)(S);
    } catch (...) {
      cxx_failed = true;
    }
    if (cxx_failed) return luaL_error(S, "interne fout (C++-uitzondering)");
    return 0;
  };
  int base = lua_gettop(L);
  lua_pushcfunction(L, message_handler);
  lua_pushcfunction(L, trampoline);
  lua_pushlightuserdata(L, &fn);
  int status = lua_pcall(L, 1, 0, base + 1);
  std::string error;
  if (status != LUA_OK) {
    const char* msg = lua_tostring(L, -1);
    error = msg != nullptr ? msg : "onbekende fout";
  }
  lua_settop(L, base);
  return error;
}

}  // namespace

struct LuaSandbox::State : SandboxCore {
  struct UpvalueRecord {
    int function_ref;
    int index;
    int value_ref;
  };
  struct LoadedPack {
    std::vector<RuleDecl> rules;
    std::vector<int> check_refs;
    std::vector<UpvalueRecord> upvalues;
  };
  std::vector<LoadedPack> packs;
  std::map<const Document*, int> params_refs;
  int submission_ref = LUA_NOREF;
  const Document* submission = nullptr;
  std::vector<std::shared_ptr<const RulePack>> keep_alive;

  ~State() {
    leave_watchdog(*this);
    if (L != nullptr) lua_close(L);
  }
};

namespace {

void build_environment(LuaSandbox::State& st) {
  lua_State* L = st.L;
  luaL_requiref(L, "_G", luaopen_base, 1);
  int g = lua_gettop(L);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  int str = lua_gettop(L);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  int tab = lua_gettop(L);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  int math = lua_gettop(L);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  int utf8 = lua_gettop(L);
  register_proxy_support(L);

  lua_createtable(L, 0, 64);  // the environment
  int env = lua_gettop(L);
  copy_fields(L, g,
              {"assert", "error", "ipairs", "pairs", "select", "tonumber", "tostring", "type",
               "getmetatable", "rawequal"});
  lua_pushcfunction(L, proxy_aware_next);
  lua_setfield(L, env, "next");
  lua_pushcfunction(L, sandbox_pcall);
  lua_setfield(L, env, "pcall");
  lua_pushcfunction(L, sandbox_xpcall);
  lua_setfield(L, env, "xpcall");
  lua_pushcfunction(L, sandbox_setmetatable);
  lua_setfield(L, env, "setmetatable");
  lua_pushliteral(L, "Lua 5.4 (meetlat)");
  lua_setfield(L, env, "_VERSION");

  // string: no dump (bytecode), no pack/unpack; bounded pattern functions.
  lua_newtable(L);
  copy_fields(L, str, {"byte", "char", "format", "len", "lower", "rep", "reverse", "sub", "upper"});
  register_bounded_patterns(L);
  register_fast_format(L);
  // Also in the loaded string library, where Lua looks up a function's name for an error
  // raised in a call that does not name it (pcall(string.format, ...)): "string.format".
  lua_getfield(L, -1, "format");
  lua_setfield(L, str, "format");
  freeze_in_place(L, -1, nullptr);
  // Strings index the frozen table's contents, so ("x"):format(...) does not go through its two
  // levels. Rules cannot reach the contents: indexing a string yields its functions, never the
  // table, and the metatable of strings is hidden (__metatable below).
  push_contents(L, -1);
  int methods = lua_gettop(L);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushvalue(L, methods);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "alleen-lezen");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 3);  // the metatable, "", the contents
  lua_setfield(L, env, "string");

  lua_newtable(L);
  copy_fields(L, tab, {"pack"});
  register_bounded_table(L);
  freeze_in_place(L, -1, nullptr);
  lua_setfield(L, env, "table");

  // math without random: a decision must be reproducible.
  lua_newtable(L);
  copy_fields(L, math,
              {"abs",        "ceil", "floor", "fmod", "huge",      "max",  "maxinteger", "min",
               "mininteger", "modf", "pi",    "sqrt", "tointeger", "type", "ult",        "exp",
               "log",        "sin",  "cos",   "tan",  "asin",      "acos", "atan"});
  freeze_in_place(L, -1, nullptr);
  lua_setfield(L, env, "math");

  lua_newtable(L);
  copy_fields(L, utf8, {"char", "charpattern", "codes", "codepoint", "len", "offset"});
  freeze_in_place(L, -1, nullptr);
  lua_setfield(L, env, "utf8");

  lua_pushvalue(L, env);
  register_rule_api(L);
  lua_pop(L, 1);

  // Functions from native plugins, one namespace table each.
  std::set<std::string> namespaces;
  for (const PluginBinding& b : st.plugins) namespaces.insert(b.ns);
  for (const std::string& ns : namespaces) {
    lua_newtable(L);
    for (std::size_t i = 0; i < st.plugins.size(); ++i) {
      if (st.plugins[i].ns != ns) continue;
      lua_pushinteger(L, static_cast<lua_Integer>(i));
      lua_pushcclosure(L, call_plugin, 1);
      lua_setfield(L, -2, st.plugins[i].name.c_str());
    }
    freeze_in_place(L, -1, nullptr);
    lua_setfield(L, env, ns.c_str());
  }

  // The prelude defines the Lua-written parts of the API with the environment still writable.
  if (luaL_loadbufferx(L, kPrelude, std::strlen(kPrelude), "=prelude", "t") != LUA_OK) {
    std::fprintf(stderr, "meetlat: prelude: %s\n", lua_tostring(L, -1));
    std::abort();
  }
  lua_pushvalue(L, env);
  lua_setupvalue(L, -2, 1);
  lua_getfield(L, g, "setmetatable");
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    std::fprintf(stderr, "meetlat: prelude: %s\n", lua_tostring(L, -1));
    std::abort();
  }

  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, unknown_name);
  lua_setfield(L, -2, "__index");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kUnknownNameMeta);
  freeze_in_place(L, env, &kUnknownNameMeta);
  lua_pushvalue(L, env);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kEnvKey);

  // The globals table itself is never given to rules; empty it of what rules must never reach.
  for (const char* name : {"load", "loadfile", "dofile", "require", "collectgarbage", "rawset",
                           "rawget", "rawlen", "print"}) {
    lua_pushnil(L);
    lua_setfield(L, g, name);
  }
  lua_settop(L, 0);
}

std::string first_line(std::string_view s) {
  std::size_t nl = s.find('\n');
  return std::string(s.substr(0, nl));
}

int line_of(std::string_view message, std::string_view file) {
  // Lua's messages start with "file:line:".
  std::size_t at = message.find(file);
  if (at == std::string_view::npos) return 0;
  std::size_t p = at + file.size();
  if (p >= message.size() || message[p] != ':') return 0;
  int line = 0;
  for (++p; p < message.size() && message[p] >= '0' && message[p] <= '9'; ++p) {
    line = line * 10 + (message[p] - '0');
  }
  return line;
}

}  // namespace

// Plugin functions: arguments and results cross as plain values; a failure is a Lua error, which
// turns the calling rule's outcome into `error` (issue "Native plugins").
namespace lua_detail {
int call_plugin(lua_State* L) {
  SandboxCore& c = core(L);
  auto index = static_cast<std::size_t>(lua_tointeger(L, lua_upvalueindex(1)));
  int n = lua_gettop(L);
  // The arguments are copied into host memory, outside the allocator: count the copy against
  // the rule's memory budget (eight 30 MB arguments took 240 MB past a 64 MiB cap).
  std::size_t copied = 0;
  for (int i = 1; i <= n; ++i) {
    if (lua_type(L, i) == LUA_TSTRING) copied += lua_rawlen(L, i);
  }
  if (c.budget_active && copied > 0 && c.used + copied > c.memory_limit) {
    c.kill_out_of_memory();
    return luaL_error(L, "%s", c.kill_reason.c_str());
  }
  bool failed = false;
  char error[300] = "";
  // `values` is empty (owns no memory) whenever a Lua error may be raised below.
  std::vector<PluginValue> values;
  try {
    std::vector<PluginValue> args(static_cast<std::size_t>(n));
    for (int i = 1; i <= n; ++i) {
      PluginValue& v = args[static_cast<std::size_t>(i - 1)];
      switch (lua_type(L, i)) {
        case LUA_TBOOLEAN:
          v.kind = PluginValue::Kind::boolean;
          v.boolean = lua_toboolean(L, i) != 0;
          break;
        case LUA_TNUMBER:
          if (lua_isinteger(L, i)) {
            v.kind = PluginValue::Kind::integer;
            v.integer = lua_tointeger(L, i);
          } else {
            v.kind = PluginValue::Kind::number;
            v.number = lua_tonumber(L, i);
          }
          break;
        case LUA_TSTRING: {
          std::size_t len = 0;
          const char* s = lua_tolstring(L, i, &len);
          v.kind = PluginValue::Kind::string;
          v.string.assign(s, len);
          break;
        }
        default:
          break;
      }
    }
    const PluginBinding& b = c.plugins.at(index);
    auto r = b.fn(args);
    if (!r) {
      failed = true;
      std::snprintf(error, sizeof error, "%s.%s: %s", b.ns.c_str(), b.name.c_str(),
                    r.error().message.c_str());
    } else {
      values = std::move(*r);
    }
  } catch (const std::exception& e) {
    failed = true;
    std::snprintf(error, sizeof error, "plugin-functie faalde: %s", e.what());
  } catch (...) {
    failed = true;
    std::snprintf(error, sizeof error, "plugin-functie faalde");
  }
  if (failed) return luaL_error(L, "%s", error);
  auto count = static_cast<int>(values.size());
  if (!lua_checkstack(L, count + 1)) {
    values.clear();
    values.shrink_to_fit();
    return luaL_error(L, "plugin-functie gaf te veel waarden terug");
  }
  // Pushing strings allocates and could raise under the memory budget; that would leak `values`
  // (never corrupt), which is acceptable for a rule that is being terminated anyway.
  for (const PluginValue& v : values) {
    switch (v.kind) {
      case PluginValue::Kind::nil:
        lua_pushnil(L);
        break;
      case PluginValue::Kind::boolean:
        lua_pushboolean(L, v.boolean ? 1 : 0);
        break;
      case PluginValue::Kind::integer:
        lua_pushinteger(L, v.integer);
        break;
      case PluginValue::Kind::number:
        lua_pushnumber(L, v.number);
        break;
      case PluginValue::Kind::string:
        lua_pushlstring(L, v.string.data(), v.string.size());
        break;
    }
  }
  return count;
}

}  // namespace lua_detail

LuaSandbox::LuaSandbox(const Limits& limits, std::vector<PluginBinding> plugins)
    : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.limits = limits;
  st.plugins = std::move(plugins);
  st.L = lua_newstate(sandbox_alloc, &st);
  if (st.L == nullptr) throw std::bad_alloc();
  lua_atpanic(st.L, panic_handler);
  build_environment(st);
  st.reset_hook();
  // Most garbage is a submission's proxies, dead by the next submission: generational mode.
  lua_gc(st.L, LUA_GCGEN, 50, 100);
}

LuaSandbox::~LuaSandbox() = default;

void LuaSandbox::count_instructions(bool on) {
  state_->fast_rules = !on;
}

std::size_t LuaSandbox::memory_in_use() const {
  return state_->used;
}

std::map<std::string, std::vector<std::string>> LuaSandbox::environment() const {
  std::map<std::string, std::vector<std::string>> names;
  lua_State* L = state_->L;
  int base = lua_gettop(L);
  // The keys of the proxy at `proxy`, through proxy_aware_next (the contents stay hidden).
  auto table_keys = [&](int proxy, std::vector<std::string>& out) {
    lua_pushnil(L);  // key
    for (;;) {
      lua_pushcfunction(L, proxy_aware_next);
      lua_pushvalue(L, proxy);
      lua_pushvalue(L, -3);
      lua_call(L, 2, 2);
      if (lua_isnil(L, -2)) {
        lua_pop(L, 3);
        return;
      }
      if (lua_type(L, -2) == LUA_TSTRING) out.emplace_back(lua_tostring(L, -2));
      lua_pop(L, 1);      // value
      lua_remove(L, -2);  // previous key
    }
  };
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kEnvKey);
  int env = lua_gettop(L);
  std::vector<std::string> globals;
  table_keys(env, globals);
  for (const std::string& g : globals) {
    std::vector<std::string>& members = names[g];
    lua_getfield(L, env, g.c_str());
    if (lua_type(L, -1) == LUA_TTABLE) table_keys(lua_gettop(L), members);
    lua_pop(L, 1);
  }
  lua_settop(L, base);
  return names;
}

namespace {

struct Sealer {
  lua_State* L;
  LuaSandbox::State& st;
  std::vector<LuaSandbox::State::UpvalueRecord>& records;
  std::vector<LoadProblem>& problems;
  const RuleDecl& rule;
  int visited;  // stack index of a table of visited objects
  // Upvalues already recorded, for the whole pack: an upvalue shared by several rules' functions
  // is one variable, restored once after each rule (run_pack).
  std::set<const void*>& upvalue_ids;
  bool record;  // whether to record upvalues for restoring after each rule

  void problem(const std::string& message) {
    problems.push_back({rule.file, rule.line, fmt::format("regel {}: {}", rule.id, message)});
  }

  // Seals the value at the top of the stack (leaves the stack as it was).
  void seal_top(int depth) {
    int t = lua_type(L, -1);
    if (t != LUA_TTABLE && t != LUA_TFUNCTION) return;
    if (depth > 100) {
      problem("te diep geneste tabellen buiten check()");
      return;
    }
    lua_pushvalue(L, -1);
    if (lua_rawget(L, visited) != LUA_TNIL) {
      lua_pop(L, 1);
      return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushboolean(L, 1);
    lua_rawset(L, visited);
    if (t == LUA_TTABLE) {
      if (is_proxy(L, -1)) return;
      if (lua_getmetatable(L, -1)) {
        lua_pop(L, 1);
        problem(
            "een tabel met een metatable buiten check() kan niet worden bevroren; maak zulke "
            "objecten binnen check() aan");
        return;
      }
      lua_pushnil(L);
      while (lua_next(L, -2) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING) {
          const char* k = lua_tostring(L, -2);
          if (k[0] == '_' && k[1] == '_') {
            problem(
                fmt::format("tabel buiten check() met sleutel '{}': namen met '__' zijn "
                            "gereserveerd",
                            k));
          }
        }
        seal_top(depth + 1);  // the value
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        seal_top(depth + 1);  // the key
        lua_pop(L, 1);
      }
      freeze_in_place(L, -1, nullptr);
      return;
    }
    if (lua_iscfunction(L, -1)) return;
    int fn = lua_gettop(L);
    for (int i = 1;; ++i) {
      const char* name = lua_getupvalue(L, fn, i);
      if (name == nullptr) break;
      seal_top(depth + 1);
      const void* id = lua_upvalueid(L, fn, i);
      if (record && upvalue_ids.insert(id).second) {
        int value_ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops the value
        lua_pushvalue(L, fn);
        int fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        records.push_back({fn_ref, i, value_ref});
      } else {
        lua_pop(L, 1);
      }
    }
  }
};

}  // namespace

Expected<int> LuaSandbox::load_pack(const RulePack& pack, std::vector<RuleDecl>& rules,
                                    std::vector<LoadProblem>& problems) {
  State& st = *state_;
  lua_State* L = st.L;
  std::vector<SandboxCore::PendingRule> pending;
  std::set<std::string> assigning_scripts;  // scripts with a function that assigns an upvalue
  st.pending_rules = &pending;
  st.load_problems = &problems;
  st.loading = true;
  // A pack loads once, possibly in the middle of a submission: not under its time limit.
  auto outer = st.outer_deadline;
  st.outer_deadline = std::chrono::steady_clock::time_point::max();
  st.start_budget(st.limits.load);
  for (const PackScript& script : pack.scripts) {
    st.loading_file = script.display_path;
    std::string chunkname = "@" + script.display_path;
    int base = lua_gettop(L);
    lua_pushcfunction(L, message_handler);
    int status =
        luaL_loadbufferx(L, script.text.data(), script.text.size(), chunkname.c_str(), "t");
    if (status == LUA_OK) {
      if (chunk_assigns_upvalues(L)) assigning_scripts.insert(script.display_path);
      lua_rawgetp(L, LUA_REGISTRYINDEX, &kEnvKey);
      lua_setupvalue(L, -2, 1);  // a main chunk's only upvalue is _ENV
      status = lua_pcall(L, 0, 0, base + 1);
    }
    if (status != LUA_OK) {
      std::string msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "onbekende fout";
      if (st.killed && status == LUA_ERRMEM) {
        msg = fmt::format("{}: laden overschreed de geheugenlimiet ({} MiB)", script.display_path,
                          st.memory_budget >> 20);
      } else if (status == LUA_ERRMEM) {
        msg = fmt::format("{}: geheugenlimiet bij het laden ({} MiB) overschreden",
                          script.display_path, st.limits.load.memory >> 20);
      }
      problems.push_back({script.display_path, line_of(msg, script.display_path), first_line(msg)});
    }
    lua_settop(L, base);
    if (st.killed) break;
  }
  st.stop_budget();
  st.outer_deadline = outer;
  st.loading = false;
  st.pending_rules = nullptr;
  st.load_problems = nullptr;

  // Duplicate ids and severity overrides for rules that do not exist.
  std::map<std::string, const RuleDecl*> by_id;
  for (const auto& p : pending) {
    auto [it, inserted] = by_id.emplace(p.decl.id, &p.decl);
    if (!inserted) {
      problems.push_back({p.decl.file, p.decl.line,
                          fmt::format("dubbele regel-id {}: ook gedeclareerd in {}:{}", p.decl.id,
                                      it->second->file, it->second->line)});
    }
  }
  for (const auto& [id, severity] : pack.severity_overrides) {
    if (by_id.count(id) == 0) {
      problems.push_back({"params.toml", 0,
                          fmt::format("[severity] noemt regel {}, maar die bestaat niet in dit "
                                      "pakket",
                                      id)});
    }
  }

  State::LoadedPack loaded;
  auto seal_all = [&](lua_State* S) {
    lua_newtable(S);
    int visited = lua_gettop(S);
    lua_rawgetp(S, LUA_REGISTRYINDEX, &kEnvKey);
    lua_pushboolean(S, 1);
    lua_rawset(S, visited);
    std::set<const void*> upvalue_ids;
    for (const auto& p : pending) {
      // Only a script that assigns an upvalue somewhere can leave a changed variable behind.
      bool record = assigning_scripts.count(p.decl.file) > 0;
      Sealer sealer{S, st, loaded.upvalues, problems, p.decl, visited, upvalue_ids, record};
      lua_rawgeti(S, LUA_REGISTRYINDEX, p.check_ref);
      sealer.seal_top(0);
      lua_pop(S, 1);
    }
  };
  std::string seal_error = protected_call(L, seal_all);
  if (!seal_error.empty()) problems.push_back({pack.dir.string(), 0, first_line(seal_error)});

  if (!problems.empty()) {
    for (const auto& p : pending) luaL_unref(L, LUA_REGISTRYINDEX, p.check_ref);
    for (const auto& r : loaded.upvalues) {
      luaL_unref(L, LUA_REGISTRYINDEX, r.function_ref);
      luaL_unref(L, LUA_REGISTRYINDEX, r.value_ref);
    }
    std::string summary;
    for (const auto& p : problems) {
      summary += p.line > 0 ? fmt::format("{}:{}: {}\n", p.file, p.line, p.message)
                            : fmt::format("{}: {}\n", p.file, p.message);
    }
    return Error{std::move(summary)};
  }
  // Report rules in catalogue order (BG-01, BG-02, ..., BG-10), whatever file declared them.
  auto natural_less = [](const std::string& a, const std::string& b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
      bool da = a[i] >= '0' && a[i] <= '9';
      bool db = b[j] >= '0' && b[j] <= '9';
      if (da && db) {
        std::size_t ie = i;
        std::size_t je = j;
        while (ie < a.size() && a[ie] >= '0' && a[ie] <= '9') ++ie;
        while (je < b.size() && b[je] >= '0' && b[je] <= '9') ++je;
        // Compare the digit runs as numbers without converting (they may be long).
        std::size_t za = i;
        std::size_t zb = j;
        while (za + 1 < ie && a[za] == '0') ++za;
        while (zb + 1 < je && b[zb] == '0') ++zb;
        if (ie - za != je - zb) return ie - za < je - zb;
        int c = a.compare(za, ie - za, b, zb, je - zb);
        if (c != 0) return c < 0;
        i = ie;
        j = je;
      } else {
        if (a[i] != b[j]) return a[i] < b[j];
        ++i;
        ++j;
      }
    }
    return a.size() - i < b.size() - j;
  };
  std::stable_sort(pending.begin(), pending.end(), [&](const auto& x, const auto& y) {
    return natural_less(x.decl.id, y.decl.id);
  });
  for (auto& p : pending) {
    auto it = pack.severity_overrides.find(p.decl.id);
    if (it != pack.severity_overrides.end()) p.decl.severity = it->second;
    loaded.rules.push_back(p.decl);
    loaded.check_refs.push_back(p.check_ref);
  }
  rules = loaded.rules;
  st.packs.push_back(std::move(loaded));
  lua_gc(L, LUA_GCCOLLECT);
  return static_cast<int>(st.packs.size() - 1);
}

void LuaSandbox::begin_submission(const Document& doc) {
  State& st = *state_;
  end_submission();
  st.submission = &doc;
  st.live_documents.push_back(&doc);
  st.pooled_document = &doc;
  st.views.release();  // the previous submission's views are unreachable now
  auto make = [&](lua_State* S) {
    push_document_proxy(S, &doc, doc.root());
    st.submission_ref = luaL_ref(S, LUA_REGISTRYINDEX);
  };
  std::string error = protected_call(st.L, make);
  if (!error.empty()) st.submission_ref = LUA_NOREF;
  // All rules of the submission share one time limit (Limits::submission_time).
  if (st.limits.submission_time.count() > 0) {
    st.outer_time_limit = st.limits.submission_time;
    st.outer_deadline = std::chrono::steady_clock::now() + st.limits.submission_time;
  }
}

void LuaSandbox::end_submission() {
  State& st = *state_;
  st.outer_deadline = std::chrono::steady_clock::time_point::max();
  if (st.submission_ref != LUA_NOREF) {
    luaL_unref(st.L, LUA_REGISTRYINDEX, st.submission_ref);
    st.submission_ref = LUA_NOREF;
  }
  st.pooled_document = nullptr;
  if (st.submission != nullptr) {
    auto& live = st.live_documents;
    live.erase(std::remove(live.begin(), live.end(), st.submission), live.end());
    st.submission = nullptr;
  }
}

void LuaSandbox::run_pack(int handle, const RulePack& pack, const Document& params,
                          std::string_view regio, const HostData& host,
                          std::vector<RuleResult>& out, std::string_view only_rule,
                          RuleTrace* trace) {
  State& st = *state_;
  lua_State* L = st.L;
  const State::LoadedPack& loaded = st.packs.at(static_cast<std::size_t>(handle));
  st.host = &host;
  st.regio = std::string(regio);
  st.trace = trace;

  // The parameters' proxy lives as long as the sandbox; created on first use.
  auto pit = st.params_refs.find(&params);
  if (pit == st.params_refs.end()) {
    st.live_documents.push_back(&params);
    int ref = LUA_NOREF;
    auto make = [&](lua_State* S) {
      push_document_proxy(S, &params, params.root());
      ref = luaL_ref(S, LUA_REGISTRYINDEX);
    };
    protected_call(L, make);
    pit = st.params_refs.emplace(&params, ref).first;
  }
  int params_ref = pit->second;

  // While tracing (explain), the submission gets proxies that record every read.
  int submission_ref = st.submission_ref;
  int trace_ref = LUA_NOREF;
  int trace_params_ref = LUA_NOREF;
  if (trace != nullptr && st.submission != nullptr) {
    st.tracing = true;
    st.traced_submission = st.submission;
    auto make = [&](lua_State* S) {
      push_document_proxy(S, st.submission, st.submission->root());
      trace_ref = luaL_ref(S, LUA_REGISTRYINDEX);
      push_document_proxy(S, &params, params.root());
      trace_params_ref = luaL_ref(S, LUA_REGISTRYINDEX);
    };
    protected_call(L, make);
    submission_ref = trace_ref;
    params_ref = trace_params_ref;
  }

  // Undoes whatever a rule did to the variables its functions share with the script's top level.
  auto restore_upvalues = [&] {
    int top = lua_gettop(L);
    for (const auto& u : loaded.upvalues) {
      lua_rawgeti(L, LUA_REGISTRYINDEX, u.function_ref);
      lua_getupvalue(L, -1, u.index);
      lua_rawgeti(L, LUA_REGISTRYINDEX, u.value_ref);
      if (!lua_rawequal(L, -1, -2)) {
        lua_setupvalue(L, -3, u.index);
      } else {
        lua_pop(L, 1);
      }
      lua_settop(L, top);
    }
  };
  // Rules run without the count hook unless their instruction counts are wanted (tracing, or
  // LuaSandbox::count_instructions) or the budget is too small for it (rule_watchdog.cpp).
  const bool fast_allowed = trace == nullptr && fast_run_possible(st, st.limits.rule);

  // The clock is read once per rule: the end of one rule is the start of the next (the
  // deadline check, the budget and the rule's time all use it).
  auto now = std::chrono::steady_clock::now();
  out.reserve(out.size() + loaded.rules.size());
  for (std::size_t i = 0; i < loaded.rules.size(); ++i) {
    const RuleDecl& decl = loaded.rules[i];
    if (!only_rule.empty() && decl.id != only_rule) continue;
    RuleResult& r = out.emplace_back();  // filled in place: a result is seven strings to move
    r.pack = pack.manifest.name;
    r.id = decl.id;
    r.title = decl.title;
    r.severity = decl.severity;
    r.source = decl.source;
    r.quote = decl.quote;

    if (now >= st.outer_deadline) {
      // The submission's time is spent: the rule is reported, not run.
      r.outcome = Outcome::error;
      r.message = fmt::format(
          "De regel is niet uitgevoerd: tijdslimiet per aanvraag overschreden: alle regels van de "
          "aanvraag samen langer dan {} ms.",
          st.outer_time_limit.count());
      r.detail = fmt::format("{}:{}: regel {}", decl.file, decl.line, decl.id);
      continue;
    }
    int base = lua_gettop(L);
    const auto started = now;
    // First without the count hook where allowed (rule_watchdog.cpp); a run whose result does
    // not provably stand is done again, counted, as if the first had not happened.
    bool fast = fast_allowed;
    int status = LUA_OK;
    for (;;) {
      st.outcomes.clear();
      lua_pushcfunction(L, message_handler);
      lua_rawgeti(L, LUA_REGISTRYINDEX, loaded.check_refs[i]);
      lua_rawgeti(L, LUA_REGISTRYINDEX, submission_ref);
      lua_rawgeti(L, LUA_REGISTRYINDEX, params_ref);
      st.start_budget(st.limits.rule, started, !fast);
      if (fast) begin_fast_run(st, started);
      status = lua_pcall(L, 2, 1, base + 1);
      now = std::chrono::steady_clock::now();
      if (!fast || end_fast_run(st, started, now)) break;
      bool collect = st.killed || st.memory_refused;
      st.stop_budget();
      lua_settop(L, base);
      restore_upvalues();
      if (collect) lua_gc(L, LUA_GCCOLLECT);
      fast = false;
    }
    r.nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count();
    r.instructions = fast ? 0 : st.instructions_used;  // 0: not counted
    bool killed = st.killed || status == LUA_ERRMEM || (status != LUA_OK && st.memory_refused);
    st.stop_budget();

    if (killed) {
      r.outcome = Outcome::error;
      std::string reason = st.kill_reason.empty()
                               ? fmt::format("geheugenlimiet overschreden: meer dan {} MiB",
                                             st.limits.rule.memory >> 20)
                               : st.kill_reason;
      r.message = fmt::format("De regel is afgebroken: {}.", reason);
      if (lua_type(L, -1) == LUA_TSTRING)
        r.detail = clip_text(lua_tostring(L, -1), kMaxDetailBytes);
    } else if (status != LUA_OK) {
      r.outcome = Outcome::error;
      std::string full = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "onbekende fout";
      r.message = fmt::format("De regel kon niet worden uitgevoerd: {}",
                              clip_text(first_line(full), kMaxErrorBytes));
      r.detail = clip_text(full, kMaxDetailBytes);
    } else if (lua_type(L, -1) == LUA_TLIGHTUSERDATA) {
      auto token = reinterpret_cast<std::uintptr_t>(lua_touserdata(L, -1));
      if (token >= 1 && token <= st.outcomes.size()) {
        RecordedOutcome& o = st.outcomes[token - 1];
        r.outcome = o.outcome;
        r.message = std::move(o.message);
        r.evidence = std::move(o.evidence);
        r.findings = std::move(o.findings);
      } else {
        r.outcome = Outcome::error;
        r.message = "De regel gaf een ongeldige uitkomst terug.";
      }
    } else {
      r.outcome = Outcome::error;
      r.message =
          lua_isnil(L, -1)
              ? std::string(
                    "De regel gaf geen uitkomst terug: eindig check() met return "
                    "pass(...), fail(...) of skip(...).")
              : fmt::format(
                    "De regel gaf {}{} terug in plaats van pass(...), fail(...) "
                    "of skip(...).",
                    lua_type(L, -1) == LUA_TTABLE || lua_type(L, -1) == LUA_TFUNCTION ? "een " : "",
                    describe_value(L, -1));
    }
    if (r.outcome == Outcome::error && r.detail.empty()) {
      r.detail = fmt::format("{}:{}: regel {}", decl.file, decl.line, decl.id);
    }
    lua_settop(L, base);
    restore_upvalues();
    if (killed) lua_gc(L, LUA_GCCOLLECT);
  }

  if (trace_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, trace_ref);
  if (trace_params_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, trace_params_ref);
  st.traced_submission = nullptr;
  st.tracing = false;
  st.trace = nullptr;
  st.host = nullptr;
  st.outcomes.clear();
}

}  // namespace meetlat
