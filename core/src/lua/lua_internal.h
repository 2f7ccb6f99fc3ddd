// Internals of the Lua boundary, shared by the files in core/src/lua/ only.
//
// Conventions that keep the boundary safe (house style, points 2-5):
// - Lua raises errors with longjmp. A lua_CFunction therefore never holds a C++ object with a
//   destructor across a Lua API call that can raise (anything that allocates or calls Lua):
//   C++ work happens in an inner scope that ends before the API call, or in plain buffers.
// - No C++ exception crosses a Lua frame: C++ work inside a lua_CFunction is wrapped in try/catch.
// - The host calls into Lua only through lua_pcall with a message handler.
#pragma once

#include <lua.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lua_sandbox.h"

namespace meetlat::lua_detail {

// Registry keys: addresses of these objects, used as light userdata.
extern const char kNodeKey;      // D[kNodeKey] while D fills lazily = const Node*
extern const char kLazyMeta;     // registry: metatable of unfilled document D tables
extern const char kEnvKey;       // registry: the rule environment proxy
extern const char kRoNewindex;   // registry: __newindex of frozen tables
extern const char kFrozenLen;    // registry: __len of frozen plain tables
extern const char kFrozenPairs;  // registry: __pairs of frozen plain tables
extern const char kDocLen;       // registry: __len of document proxies
extern const char kDocPairs;     // registry: __pairs of document proxies (doc_pairs)
extern const char kTraceIndex;   // registry: __index of document proxies while tracing
extern const char kDataKey;      // M[kSlotNode] of a frozen table (a proxy of no document)

// The array slots of a proxy's metatable M (integer keys: set for every view of every
// submission, and the array part is the cheapest place to set them).
inline constexpr int kSlotContents = 1;  ///< M[1] = D, the contents
inline constexpr int kSlotNode = 2;      ///< M[2] = the const Node* shown, or &kDataKey
extern const char kViewPool;             // registry: the pool of views (ViewPool)

/// Views of a submission's tables and lists, kept for the next submission by shape. A shape
/// (proxies.cpp, shape_of) is a view's mode, a node's kind and, per member, its key and whether
/// D holds it; a view made for one shape has exactly those keys in its contents D, so a later
/// node of the same shape (the next plan's begroting posts, its activities) reuses the view: its
/// P, M and D stay, M gets the node and D the values (no new tables, no new keys, no Lua string
/// made for a key: the key list K, in member order, is kept beside it). Slot s of the registry
/// table kViewPool holds P, M, D and K at 4s-3 … 4s (kPooledParts). Every view handed out for a
/// submission is in `in_use` and goes back to `free` when the next one begins, when all views of
/// the previous one are unreachable.
///
/// Submissions of one kind have their tables and lists in the same order, so the pool remembers
/// which slot was taken after which (Slot::next) and first offers that one (predicted): when the
/// node's members match its shape (proxies.cpp, shape_equals) it is taken without building the
/// node's shape or looking it up. The free lists may then still hold a slot in use; such entries
/// are skipped when met (Slot::listed keeps a slot in its list at most once).
struct ViewPool {
  /// Shapes are looked up as string_views of `shape` (no std::string made per view).
  struct ShapeHash {
    using is_transparent = void;
    /// Eight bytes at a time (a shape is mostly member names; equal hashes are compared in full).
    std::size_t operator()(std::string_view s) const {
      std::uint64_t h = s.size() * 0x9E3779B97F4A7C15ull;
      std::size_t i = 0;
      for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
      }
      std::uint64_t w = 0;
      if (i < s.size()) std::memcpy(&w, s.data() + i, s.size() - i);
      h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
      return static_cast<std::size_t>(h ^ (h >> 29));
    }
  };
  struct Slot {
    std::vector<int>* free_list = nullptr;  ///< the free list of its shape (a value of `free`)
    std::string_view shape;                 ///< its shape (the key of free_list in `free`)
    int next = 0;         ///< the slot taken after this one when this one was last taken
    bool in_use = false;  ///< handed out for the current submission
    bool listed = false;  ///< in free_list
  };
  std::unordered_map<std::string, std::vector<int>, ShapeHash, std::equal_to<>> free;
  std::vector<Slot> slots{1};  ///< by slot number; slots[0] is not a slot
  std::vector<int> in_use;     ///< slots handed out for the current submission
  int size = 0;                ///< slots made
  int first = 0;               ///< the slot the last submission took first
  int last = 0;                ///< the slot this submission took last (0: none yet)
  /// Scratch: the shape of the node being made. A node with a longer shape is not pooled.
  static constexpr std::size_t kMaxShape = 2048;
  char shape[kMaxShape];
  std::size_t shape_size = 0;
  std::string_view shape_view() const { return {shape, shape_size}; }

  /// The slot the last submissions suggest next, if it is free (its shape is still to be
  /// compared), or 0.
  int predicted() const noexcept {
    int p = last != 0 ? slots[static_cast<std::size_t>(last)].next : first;
    return p != 0 && !slots[static_cast<std::size_t>(p)].in_use ? p : 0;
  }
  /// Hands out slot s (a free slot whose shape the node has).
  void take(int s) noexcept;
  /// The slot for the node whose shape is in `shape`, now in use: a free one of that shape
  /// (`reused` true), else a new one, or 0 when the pool is full.
  int acquire(bool& reused) noexcept;
  /// Everything in use is free again (a new submission begins).
  void release() noexcept;
};

/// An outcome recorded by pass()/fail()/skip(); the rule returns a token naming it.
struct RecordedOutcome {
  Outcome outcome = Outcome::pass;
  std::string message;
  std::vector<std::string> evidence;
  std::vector<Finding> findings;
};

/// The blocks of a Lua state (lua_sandbox.cpp, sandbox_alloc), with the small ones it frees kept
/// per size class for its next allocations: most of a state's allocations are a submission's
/// short-lived small objects, and taking a block from a list here costs a fraction of a malloc
/// and free. A block of n bytes (n <= kMaxSize) is always made with n rounded up to kGrain, so
/// any block of its class fits any request of that class. At most kMaxCached bytes are kept; the
/// rest is freed. In sanitizer builds nothing is kept: their allocator must see every block.
struct BlockCache {
  static constexpr std::size_t kGrain = 16;
  static constexpr std::size_t kMaxSize = 256;
  static constexpr std::size_t kClasses = kMaxSize / kGrain + 1;
  static constexpr std::size_t kMaxCached = std::size_t{2} << 20;
  BlockCache() = default;
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;
  ~BlockCache();
  /// A block of n (> 0) bytes, or nullptr.
  void* take(std::size_t n);
  /// Frees block b of n bytes (made by take or resize).
  void give(void* b, std::size_t n);
  /// Block b of old (> 0) bytes resized to n (> 0) bytes, or nullptr (b unchanged).
  void* resize(void* b, std::size_t old, std::size_t n);

 private:
  void* head_[kClasses] = {};  // per class, a list linked through each block's first bytes
  std::size_t cached_ = 0;     // bytes in the lists
};

/// The sandbox state reachable from a lua_State (through the allocator's user data).
struct SandboxCore {
  lua_State* L = nullptr;
  Limits limits;

  // Memory accounting for the custom allocator.
  std::size_t used = 0;
  std::size_t memory_limit = SIZE_MAX;
  BlockCache blocks;

  // Live allocations of kLargeAllocation bytes or more, by power of two: large_live[b] counts
  // blocks of [2^b, 2^(b+1)) bytes. A single VM instruction or C library call can touch a whole
  // object (compare two strings, scan one with utf8.len), so the hook interval shrinks while
  // large objects live: the work between two checks of the clock stays bounded (tune_hook).
  std::uint32_t large_live[64] = {};
  std::uint32_t large_count = 0;
  int hook_interval = 0;  ///< the count the hook is installed with now

  // The running budget; inactive while the host itself works.
  bool budget_active = false;
  std::uint64_t instructions_used = 0;
  std::uint64_t instructions_limit = 0;
  std::uint64_t unclocked = 0;  ///< steps charged since the clock was last read (charge())
  std::chrono::steady_clock::time_point deadline{};
  std::chrono::milliseconds time_limit{0};
  std::size_t memory_budget = 0;
  bool killed = false;
  bool memory_refused = false;  ///< the allocator refused a request under the current budget
  unsigned refusals = 0;        ///< how often, in this budget (each costs Lua a full collection)
  std::chrono::steady_clock::time_point outer_deadline =  ///< the submission's, or none
      std::chrono::steady_clock::time_point::max();
  std::chrono::milliseconds outer_time_limit{0};
  std::string kill_reason;

  // Phase and context.
  bool loading = false;
  bool tracing = false;
  RuleTrace* trace = nullptr;
  const Document* traced_submission = nullptr;  ///< reads of other documents are parameters
  const HostData* host = nullptr;
  std::string regio;
  std::vector<RecordedOutcome> outcomes;
  std::vector<const Document*> live_documents;

  // Views of the submission being evaluated all become garbage when it ends, so they are kept
  // in a pool (ViewPool) and reused by the next submission. Parameters' views live on and never
  // come from the pool, nor do the lazily made views of a very large submission.
  const Document* pooled_document = nullptr;
  ViewPool views;

  // Filled by rule{} while a pack loads.
  struct PendingRule {
    RuleDecl decl;
    int check_ref = LUA_NOREF;
  };
  std::vector<PendingRule>* pending_rules = nullptr;
  std::vector<LoadProblem>* load_problems = nullptr;
  std::string loading_file;

  std::vector<PluginBinding> plugins;

  // A rule runs without the count hook when its instruction count is not asked for
  // (rule_watchdog.cpp): a run that ends within fast_window_ns provably stayed within the
  // instruction budget; any other run is done again with the hook. The watchdog's signal sets
  // fast_abort (and installs the hook) when a run takes longer.
  bool fast_rules = true;                       ///< false: count every rule's instructions
  std::atomic<std::int64_t> fast_since{0};      ///< steady-clock ns a hook-free run began, or 0
  std::atomic<int> fast_thread{0};              ///< the thread id (gettid) running it
  std::atomic<bool> fast_abort{false};          ///< the watchdog stopped it: run it again counted
  std::atomic<std::int64_t> fast_window_ns{0};  ///< the longest run provably within the budget
  bool watched = false;                         ///< enrolled with the watchdog

  /// Starts a budget; the memory budget is measured from what the state holds now. The budget's
  /// deadline is the earlier of its own and `outer_deadline` (the submission's time limit).
  void start_budget(const Budget& b);
  /// The same, with the time now already read by the caller (run_pack reads the clock once per
  /// rule: a rule's end is the next one's start).
  /// `counted` false: the hook is left as it is (a hook-free run follows, begin_fast_run).
  void start_budget(const Budget& b, std::chrono::steady_clock::time_point now,
                    bool counted = true);
  void stop_budget();
  /// Charges `steps` to the instruction budget and checks the clock; false (and killed) when
  /// the budget is exhausted. Used by the hook and by long-running C functions.
  bool charge(std::uint64_t steps);
  /// charge(), raising the kill reason as a Lua error when the budget is exhausted. For C loops
  /// that must not outlive a budget; call with no C++ object alive in the caller.
  void charge_or_raise(std::uint64_t steps);
  void kill(std::string reason);
  /// kill() with the memory-limit message of the running budget.
  void kill_out_of_memory();
  /// Back to the normal hook interval (after a budget, or when the state is made).
  void reset_hook();
  /// The time-limit message for the deadline that passed (the rule's or the submission's).
  std::string time_reason() const;
  /// Installs the hook with the interval the live large objects call for (1 once killed or
  /// under memory pressure).
  void tune_hook();
  int wanted_interval() const;
};

/// Whether a rule may run without the count hook under budget `b`: allowed for this sandbox, a
/// window long enough for an ordinary rule to finish in (tiny instruction budgets are always
/// counted), and the sandbox enrolled with the watchdog (done here on first use).
bool fast_run_possible(SandboxCore& c, const Budget& b);
/// Removes the count hook and tells the watchdog a hook-free run starts now (after start_budget).
void begin_fast_run(SandboxCore& c, std::chrono::steady_clock::time_point now);
/// Ends the hook-free run that began at `start` and ended at `end`; true when its result stands:
/// nothing stopped or killed it, no allocation was refused, and even at the fastest a CPU can
/// execute Lua it cannot have used more instructions than its budget allows.
bool end_fast_run(SandboxCore& c, std::chrono::steady_clock::time_point start,
                  std::chrono::steady_clock::time_point end);
/// Unregisters from the watchdog (the sandbox is going away).
void leave_watchdog(SandboxCore& c);
/// The kill reason of a run the watchdog stopped (never reported: the run is done again).
extern const char* const kFastRunStopped;

/// A submission of at most this many nodes gets all its views when evaluation starts.
inline constexpr std::size_t kEagerViewNodes = 20000;

/// charge() reads the clock at least once per this many steps.
inline constexpr std::uint64_t kClockEvery = 256;

/// At most this many views are pooled (a submission with more tables and lists makes the rest new).
inline constexpr int kViewPoolMax = 8192;
/// What a slot of the pool holds: P, M, D and K.
inline constexpr int kPooledParts = 4;

/// Blocks from this size on are tracked in SandboxCore::large_live (64 KiB).
inline constexpr std::size_t kLargeAllocation = std::size_t{1} << 16;

/// Text a rule hands to the host is bounded: a longer outcome is an error (rule_api.cpp), a
/// longer error message is cut (lua_sandbox.cpp). Reports, the result ring of a parallel batch
/// and `meetlat serve` keep these strings outside the Lua memory cap.
inline constexpr std::size_t kMaxOutcomeBytes = 64u << 10;  ///< message + findings + evidence
inline constexpr std::size_t kMaxErrorBytes = 4u << 10;     ///< an error message
inline constexpr std::size_t kMaxDetailBytes = 16u << 10;   ///< an error with its traceback

/// `text` cut to at most `max` bytes at a UTF-8 character boundary, marked when cut.
std::string clip_text(std::string_view text, std::size_t max);
/// The length of the longest prefix of s[0, len) of at most `max` bytes that ends on a UTF-8
/// character boundary.
std::size_t utf8_prefix(const char* s, std::size_t len, std::size_t max);

SandboxCore& core(lua_State* L);

/// The count hook that charges the budget (lua_sandbox.cpp).
void budget_hook(lua_State* L, lua_Debug* ar);

/// Calls plugin function number upvalue(1) (lua_sandbox.cpp).
int call_plugin(lua_State* L);

/// Instruction-count hook interval: the hook runs every this many VM instructions.
inline constexpr int kHookInterval = 1000;

// --- read-only proxies (proxies.cpp) ---
/// Makes the table at `idx` read-only in place: its contents move to a new table that becomes its
/// metatable; writes raise "alleen-lezen". `unknown_meta` (a registry key or nullptr) becomes the
/// metatable of the moved contents, e.g. to raise on unknown global names.
void freeze_in_place(lua_State* L, int idx, const void* unknown_meta);
bool is_proxy(lua_State* L, int idx);
/// Pushes the contents D of the read-only table at idx and returns true, or pushes nothing and
/// returns false when it is not one. D may still fill lazily (a metatable of its own).
bool push_contents(lua_State* L, int idx);
/// Pushes a read-only view of a document node: made whole at once for the submission being
/// evaluated when it is small enough (kEagerViewNodes), filled on first use otherwise.
void push_document_proxy(lua_State* L, const Document* doc, NodeId id);
/// If the value at idx is a document proxy, returns its document and node.
bool document_of(lua_State* L, int idx, const Document** doc, NodeId* id);
/// Registers the metatables and functions the proxies use (once per state).
void register_proxy_support(lua_State* L);
/// Proxy-aware next(): for frozen tables iterates their contents.
int proxy_aware_next(lua_State* L);
/// While `meetlat explain` traces a rule: records that the rule read node `id` (for C functions
/// that read the submission without views). value_idx: the value as pushed to Lua, or 0 to
/// describe it from the node. Does nothing when not tracing.
void trace_read(lua_State* L, const Document& doc, NodeId id, int value_idx = 0);
/// Whether the compiled chunk on top of the stack (not popped) assigns to an upvalue anywhere
/// (OP_SETUPVAL in any of its functions; chunk_facts.cpp). If not, no function of the script can
/// change a variable it shares with the script's top level, and run_pack need not restore them.
bool chunk_assigns_upvalues(lua_State* L);
/// __pairs of document views: (P) -> an iterator over the members in document order.
int doc_pairs(lua_State* L);

// --- rule API (rule_api.cpp) ---
/// Fills the table at the top of the stack with the rule API functions.
void register_rule_api(lua_State* L);

// --- bounded table functions (bounded_table.cpp) ---
/// Puts concat, insert, move, remove, sort and unpack into the table at the top of the stack:
/// versions whose loops charge the budget per element (an element read can run metamethods or
/// walk an __index chain of 2 000 tables, and #t can claim 2^63 elements).
void register_bounded_table(lua_State* L);

// --- bounded pattern matching (bounded_pattern.cpp) ---
/// Replaces find/match/gmatch/gsub in the string table at the top of the stack with versions that
/// charge the budget as they work, so a pathological pattern cannot run unbounded inside C.
void register_bounded_patterns(lua_State* L);

// --- string.format (string_format.cpp) ---
/// Replaces format in the string table at the top of the stack with a version that writes the
/// common formats (%s, %d, %i, %%) directly and leaves the rest to Lua's own.
void register_fast_format(lua_State* L);

// --- values ---
/// A short, metamethod-free description of a Lua value for messages ("tekst \"abc\"", "tabel").
std::string describe_value(lua_State* L, int idx);

}  // namespace meetlat::lua_detail
