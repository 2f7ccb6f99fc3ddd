// Read-only views for Lua: the submission, the parameters, the rule environment and every table a
// rule script built at load time are visible to rules but cannot be changed by them
// (interfaces.md: "the submission is read-only to a rule, and nothing a rule does is visible to
// the next rule or the next submission").
//
// A proxy P is an empty table with its own metatable M; M.__index is the table D that holds the
// contents, which gives the VM's fast path for reads, and M.__newindex refuses writes. Because P
// stays empty, every write reaches __newindex. D is reachable only through M, and M is protected
// by __metatable, so no rule can get at D to change it (the metamethods are deliberately not kept
// in D itself: then `t.__index` would hand out the contents). M also holds the node a document
// proxy shows (kSlotNode), so the rule API finds it without touching D.
//
// The views of a submission are shared by all its rules. A submission of ordinary size (up to
// kEagerViewNodes) is made into views in one pass when its evaluation starts; a larger one
// lazily: a leaf (a per-year table, a list of strings or numbers) and a table's scalar members
// when the view is made, its tables and lists through D's own metatable (kLazyMeta) on first
// use, so that the rule reading them pays. The views made in one pass come from a pool and are
// reused by a later node of exactly the same shape (ViewPool, push_pooled_view): the view keeps
// its tables and gets the new node and values. bench/README.md has the measurements.
#include <fmt/format.h>

#include <cstring>

#include "lua_internal.h"
#include "meetlat/money.h"

namespace meetlat::lua_detail {

const char kNodeKey = 0;
const char kLazyMeta = 0;
const char kEnvKey = 0;
const char kRoNewindex = 0;
const char kFrozenLen = 0;
const char kFrozenPairs = 0;
const char kDocLen = 0;
const char kDocPairs = 0;
const char kTraceIndex = 0;
const char kDataKey = 0;
const char kViewPool = 0;

// Pushes D (the contents of the proxy at idx) and returns true, or pushes nothing. A table is a
// proxy when its metatable M holds a light userdata at kSlotNode (the node, or kDataKey for a
// frozen table); rules cannot make one (light userdata do not exist in Lua code), and cannot
// reach M at all (__metatable).
bool push_contents(lua_State* L, int idx) {
  if (!lua_getmetatable(L, idx)) return false;
  if (lua_rawgeti(L, -1, kSlotNode) != LUA_TLIGHTUSERDATA) {
    lua_pop(L, 2);
    return false;
  }
  lua_pop(L, 1);
  if (lua_rawgeti(L, -1, kSlotContents) != LUA_TTABLE) {
    lua_pop(L, 2);
    return false;
  }
  lua_remove(L, -2);
  return true;
}

void ViewPool::take(int s) noexcept {
  Slot& slot = slots[static_cast<std::size_t>(s)];
  slot.in_use = true;
  if (last != 0) {
    slots[static_cast<std::size_t>(last)].next = s;
  } else {
    first = s;
  }
  last = s;
  // in_use has room for every slot (reserved as slots are made), so this does not allocate.
  in_use.push_back(s);
}

int ViewPool::acquire(bool& reused) noexcept {
  reused = false;
  try {
    auto it = free.find(shape_view());
    if (it != free.end()) {
      std::vector<int>& list = it->second;
      while (!list.empty()) {
        int s = list.back();
        list.pop_back();
        slots[static_cast<std::size_t>(s)].listed = false;
        if (slots[static_cast<std::size_t>(s)].in_use) continue;  // taken as predicted()
        take(s);
        reused = true;
        return s;
      }
    }
    if (size >= kViewPoolMax) return 0;
    if (it == free.end()) it = free.emplace(std::string(shape_view()), std::vector<int>{}).first;
    in_use.reserve(static_cast<std::size_t>(size) + 1);
    Slot& made = slots.emplace_back();
    made.free_list = &it->second;  // the values and keys of an unordered_map do not move
    made.shape = it->first;
  } catch (...) {
    return 0;  // no memory for the bookkeeping: a view of its own
  }
  take(++size);
  return size;
}

void ViewPool::release() noexcept {
  for (int s : in_use) {
    Slot& slot = slots[static_cast<std::size_t>(s)];
    slot.in_use = false;
    if (slot.listed) continue;
    try {
      slot.free_list->push_back(s);
      slot.listed = true;
    } catch (...) {
      // Out of memory: the slot is found only as predicted(); its tables stay in kViewPool.
    }
  }
  in_use.clear();
  last = 0;
}

namespace {

bool hidden_key(lua_State* L, int idx) {
  int t = lua_type(L, idx);
  if (t == LUA_TLIGHTUSERDATA) return true;
  if (t != LUA_TSTRING) return false;
  std::size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  return len >= 2 && s[0] == '_' && s[1] == '_';
}

// The document being evaluated now that owns `node`, or nullptr: a view of a document that is
// no longer evaluated must fail loudly rather than dangle.
const Document* live_document_of(lua_State* L, const Node* node) {
  if (node == nullptr) return nullptr;
  for (const Document* d : core(L).live_documents) {
    if (d->owns(node)) return d;
  }
  return nullptr;
}

// The document and node of a document proxy's contents D at d_idx (D[kNodeKey]), or nullptr.
const Node* node_of(lua_State* L, int d_idx, const Document** doc_out) {
  lua_rawgetp(L, d_idx, &kNodeKey);
  const auto* node = static_cast<const Node*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  *doc_out = live_document_of(L, node);
  return *doc_out != nullptr ? node : nullptr;
}

// The document and node shown by the proxy at p_idx (M[kSlotNode] of its metatable), or nullptr.
const Node* node_of_view(lua_State* L, int p_idx, const Document** doc_out) {
  if (!lua_getmetatable(L, p_idx)) return nullptr;
  const void* slot =
      lua_rawgeti(L, -1, kSlotNode) == LUA_TLIGHTUSERDATA ? lua_touserdata(L, -1) : nullptr;
  const auto* node = slot != &kDataKey ? static_cast<const Node*>(slot) : nullptr;
  lua_pop(L, 2);
  *doc_out = live_document_of(L, node);
  return *doc_out != nullptr ? node : nullptr;
}

void describe_member(lua_State* L, int key_idx, char* buf, std::size_t size) {
  if (lua_type(L, key_idx) == LUA_TSTRING) {
    std::snprintf(buf, size, "'%s'", lua_tostring(L, key_idx));
  } else if (lua_type(L, key_idx) == LUA_TNUMBER && lua_isinteger(L, key_idx)) {
    std::snprintf(buf, size, "[%lld]", static_cast<long long>(lua_tointeger(L, key_idx)));
  } else {
    std::snprintf(buf, size, "(%s)", luaL_typename(L, key_idx));
  }
}

// __newindex of every proxy: (P, k, v).
int ro_newindex(lua_State* L) {
  char member[160];
  describe_member(L, 2, member, sizeof member);
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (document_of(L, 1, &doc, &id)) {
    char path[200];
    {
      std::string p = doc->path(id);
      std::snprintf(path, sizeof path, "%s", p.empty() ? "(aanvraag)" : p.c_str());
    }
    return luaL_error(L,
                      "de aanvraag en de parameters zijn alleen-lezen: %s kan niet worden "
                      "gewijzigd in %s (maak een eigen local tabel)",
                      member, path);
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kEnvKey);
  bool is_env = lua_rawequal(L, 1, -1) != 0;
  lua_pop(L, 1);
  if (is_env) {
    return luaL_error(L,
                      "globale naam %s kan niet worden toegewezen: regels hebben geen globale "
                      "variabelen; gebruik 'local'",
                      member);
  }
  return luaL_error(L,
                    "deze tabel is alleen-lezen: %s kan niet worden gewijzigd (tabellen van "
                    "buiten check() zijn na het laden bevroren; maak een eigen local tabel)",
                    member);
}

int frozen_len(lua_State* L) {
  if (!push_contents(L, 1)) return luaL_error(L, "geen alleen-lezen tabel");
  lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, -1)));
  return 1;
}

// next() over D that skips the bookkeeping keys; (P, k) -> k', v'.
int frozen_next(lua_State* L) {
  lua_settop(L, 2);
  if (!push_contents(L, 1)) return luaL_error(L, "geen alleen-lezen tabel");
  lua_pushvalue(L, 2);
  while (lua_next(L, 3) != 0) {
    if (!hidden_key(L, -2)) return 2;
    lua_pop(L, 1);
  }
  lua_pushnil(L);
  return 1;
}

int frozen_pairs(lua_State* L) {
  lua_pushcfunction(L, frozen_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void push_key(lua_State* L, const Node& parent, const Node& c) {
  if (parent.kind == NodeKind::array) {
    lua_pushinteger(L, static_cast<lua_Integer>(c.index) + 1);
  } else if (is_year_key(c.key)) {
    lua_pushinteger(L, year_of_key(c.key));
  } else {
    lua_pushlstring(L, c.key.data(), c.key.size());
  }
}

// What making views needs, pushed once on the stack so that making many views in a row (a
// submission, a list) does not look the same things up again for each one.
struct ProxyKit {
  int base;  // first of kSlots stack slots
  SandboxCore* sc = nullptr;
  bool tracing = false;
  static constexpr int kSlots = 2;
  int trace_index() const { return base; }  ///< __index of views while tracing (nil otherwise)
  int pool() const { return base + 1; }     ///< the registry table kViewPool
  void push(lua_State* L, bool trace) {
    sc = &core(L);
    tracing = trace;
    luaL_checkstack(L, kSlots + 12, nullptr);
    base = lua_gettop(L) + 1;
    if (tracing) {
      lua_rawgetp(L, LUA_REGISTRYINDEX, &kTraceIndex);
    } else {
      lua_pushnil(L);
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kViewPool);
  }
  void pop(lua_State* L) const { lua_settop(L, base - 1); }
};

// Pushes the metatable M of a read-only table whose contents D are at d_idx: __index the value
// at index_idx (D itself, the VM's fast path, or the tracing function), writes refused, # and
// pairs by the registry's functions under len_key and pairs_key, M itself hidden; and in its
// array slots D and `shown` (the node of a document view, or &kDataKey for a frozen table).
void push_readonly_metatable(lua_State* L, int index_idx, int d_idx, const void* shown,
                             const void* len_key, const void* pairs_key) {
  lua_createtable(L, 2, 5);
  lua_pushvalue(L, index_idx);
  lua_setfield(L, -2, "__index");
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kRoNewindex);
  lua_setfield(L, -2, "__newindex");
  lua_rawgetp(L, LUA_REGISTRYINDEX, len_key);
  lua_setfield(L, -2, "__len");
  lua_rawgetp(L, LUA_REGISTRYINDEX, pairs_key);
  lua_setfield(L, -2, "__pairs");
  lua_pushliteral(L, "alleen-lezen");
  lua_setfield(L, -2, "__metatable");
  lua_pushvalue(L, d_idx);
  lua_rawseti(L, -2, kSlotContents);
  lua_pushlightuserdata(L, const_cast<void*>(shown));
  lua_rawseti(L, -2, kSlotNode);
}

// Pushes the metatable M of a view of `node` whose contents D are at d_idx (absolute).
void make_metatable(lua_State* L, const ProxyKit& kit, int d_idx, const Node& node) {
  push_readonly_metatable(L, kit.tracing ? kit.trace_index() : d_idx, d_idx, &node, &kDocLen,
                          &kDocPairs);
}

void push_scalar(lua_State* L, const Node& n);

// Whether no member of `node` is a table or list: such a node is filled when its view is made.
bool is_leaf(const Document& doc, const Node& node) {
  for (NodeId c = node.first_child; c != kNoNode; c = doc.node(c).next_sibling) {
    if (doc.node(c).is_container()) return false;
  }
  return true;
}

// How D holds a member of a node made at once: the value (kPresent), or nothing (kAbsent: a
// null, which rules see as missing). (Leaving long texts out until read was tried: the look-ups
// of absent members through D's lazy metatable cost what it saved; bench/README.md.)
constexpr char kPresent = 'p';
constexpr char kAbsent = 'n';

char member_class(const Node& child) {
  return child.kind == NodeKind::null ? kAbsent : kPresent;
}

// The shape of a node for ViewPool: the mode of its view (`mode`: 'v', or 't' while tracing,
// when M's __index records reads), its kind, and per member its class and (tables) the length
// of its key in two bytes and the key. The key's length comes first because a key may hold any
// byte: with a terminator instead, {"k\0pz" = 1} and {k = 1, z = 2} had the same shape, and the
// second submission got the first one's keys. Hands the shape to `put(bytes, size)` piece by
// piece (shape_of writes it, shape_equals compares it), stopping when `put` returns false.
template <typename Put>
bool walk_shape(const Document& doc, const Node& node, char mode, Put&& put) {
  const bool table = node.kind == NodeKind::table;
  const char head[2] = {mode, table ? 'T' : 'A'};
  if (!put(head, 2)) return false;
  for (NodeId c = node.first_child; c != kNoNode; c = doc.node(c).next_sibling) {
    const Node& child = doc.node(c);
    const std::size_t key = table ? child.key.size() : 0;
    if (key > 0xFFFF) return false;
    const char member[3] = {member_class(child), static_cast<char>(key & 0xFF),
                            static_cast<char>(key >> 8)};
    if (!put(member, table ? 3 : 1)) return false;
    if (key != 0 && !put(child.key.data(), key)) return false;  // an empty key may have no data
  }
  return true;
}

// Writes the shape of `node` to `pool.shape`. False when it does not fit (the node is then not
// pooled).
bool shape_of(const Document& doc, const Node& node, ViewPool& pool, char mode) {
  std::size_t size = 0;
  bool fits = walk_shape(doc, node, mode, [&](const char* bytes, std::size_t n) {
    if (ViewPool::kMaxShape - size < n) return false;
    std::memcpy(pool.shape + size, bytes, n);
    size += n;
    return true;
  });
  pool.shape_size = size;
  return fits;
}

// Whether `node` has the shape `shape`, compared in place (nothing is written).
bool shape_equals(const Document& doc, const Node& node, char mode, std::string_view shape) {
  std::size_t at = 0;
  return walk_shape(doc, node, mode,
                    [&](const char* bytes, std::size_t n) {
                      if (shape.size() - at < n || std::memcmp(shape.data() + at, bytes, n) != 0)
                        return false;
                      at += n;
                      return true;
                    }) &&
         at == shape.size();
}

void make_document_proxy(lua_State* L, const ProxyKit& kit, const Document& doc, const Node& node,
                         bool eager);

// Sets D[key] = value for every member of `node` (D at d), the views of its tables and lists
// made at once. With `keys` (a table at k) holding the keys of an earlier node of the same shape,
// member j's key is keys[j]; with an empty table at k, the keys are recorded there; with nil at
// k they are only pushed.
void fill_contents(lua_State* L, const ProxyKit& kit, const Document& doc, const Node& node, int d,
                   int k, bool keys_known) {
  const bool record = !keys_known && node.kind == NodeKind::table && !lua_isnil(L, k);
  int j = 0;
  for (NodeId c = node.first_child; c != kNoNode; c = doc.node(c).next_sibling) {
    const Node& child = doc.node(c);
    ++j;
    if (member_class(child) == kAbsent) continue;
    if (keys_known && node.kind == NodeKind::table) {
      lua_rawgeti(L, k, j);
    } else {
      push_key(L, node, child);
      if (record) {
        lua_pushvalue(L, -1);
        lua_rawseti(L, k, j);
      }
    }
    if (child.is_container()) {
      make_document_proxy(L, kit, doc, child, true);
    } else {
      push_scalar(L, child);
    }
    lua_rawset(L, d);
  }
}

// Pushes a view of `node` of the submission being evaluated, made at once, from the pool of
// views (ViewPool) when an earlier node had the same shape: its P, M and D are reused, M
// gets the new node and D the new values. A new view joins the pool. False (nothing pushed) when
// the node's shape is too long to pool.
bool push_pooled_view(lua_State* L, const ProxyKit& kit, const Document& doc, const Node& node) {
  ViewPool& pool = kit.sc->views;
  const char mode = kit.tracing ? 't' : 'v';
  luaL_checkstack(L, 10, nullptr);
  const int base = lua_gettop(L);
  bool reused = false;
  int slot = pool.predicted();
  if (slot != 0 &&
      shape_equals(doc, node, mode, pool.slots[static_cast<std::size_t>(slot)].shape)) {
    pool.take(slot);
    reused = true;
  } else {
    if (!shape_of(doc, node, pool, mode)) return false;
    slot = pool.acquire(reused);
  }
  if (reused) {
    for (int i = 0; i < kPooledParts; ++i) {
      lua_rawgeti(L, kit.pool(), kPooledParts * slot - 3 + i);
    }
    // P, M, D, K; a slot whose tables were never stored (Lua ran out of memory in between) is
    // made again below.
    if (lua_istable(L, base + 1) && lua_istable(L, base + 4)) {
      lua_pushlightuserdata(L, const_cast<Node*>(&node));
      lua_rawseti(L, base + 2, kSlotNode);
      fill_contents(L, kit, doc, node, base + 3, base + 4, true);
      lua_settop(L, base + 1);
      return true;
    }
    lua_settop(L, base);
  }
  lua_createtable(L, 0, 0);  // P
  int narr = node.kind == NodeKind::array ? static_cast<int>(node.child_count) : 0;
  int nrec = node.kind == NodeKind::table ? static_cast<int>(node.child_count) : 0;
  lua_createtable(L, narr, nrec);  // D
  if (slot != 0) {
    lua_createtable(L, nrec, 0);  // K
  } else {
    lua_pushnil(L);  // the pool is full: a view of its own, no key list
  }
  fill_contents(L, kit, doc, node, base + 2, base + 3, false);
  make_metatable(L, kit, base + 2, node);  // M
  lua_pushvalue(L, -1);
  lua_setmetatable(L, base + 1);
  if (slot != 0) {
    const int parts[kPooledParts] = {base + 1, base + 4, base + 2, base + 3};  // P, M, D, K
    for (int i = 0; i < kPooledParts; ++i) {
      lua_pushvalue(L, parts[i]);
      lua_rawseti(L, kit.pool(), kPooledParts * slot - 3 + i);
    }
  }
  lua_settop(L, base + 1);
  return true;
}

// Pushes a proxy P for `node` with its M and D. Made at once (`eager`): the whole subtree now,
// from the pool of views for the submission being evaluated. Otherwise D gets every scalar
// member of a table at once; members that are tables or lists, and the items of a list that
// holds tables, become views on first use, through D's lazy metatable.
void make_document_proxy(lua_State* L, const ProxyKit& kit, const Document& doc, const Node& node,
                         bool eager = false) {
  SandboxCore& sc = *kit.sc;
  if (eager && sc.pooled_document != nullptr && sc.pooled_document->owns(&node) &&
      push_pooled_view(L, kit, doc, node)) {
    return;
  }
  luaL_checkstack(L, 8, nullptr);
  lua_createtable(L, 0, 0);  // P
  bool lazy = false;         // D needs its lazy metatable
  int narr = node.kind == NodeKind::array ? static_cast<int>(node.child_count) : 0;
  int nrec = node.kind == NodeKind::table ? static_cast<int>(node.child_count) : 0;
  if (eager) {
    lua_createtable(L, narr, nrec);  // D
    lua_pushnil(L);                  // no key list
    fill_contents(L, kit, doc, node, lua_gettop(L) - 1, lua_gettop(L), false);
    lua_pop(L, 1);
  } else {
    bool leaf = is_leaf(doc, node);
    lazy = !leaf;
    lua_createtable(L, narr, leaf ? nrec : nrec + 1);  // D
    if (leaf || node.kind == NodeKind::table) {
      int d = lua_gettop(L);
      for (NodeId c = node.first_child; c != kNoNode; c = doc.node(c).next_sibling) {
        const Node& child = doc.node(c);
        if (child.kind == NodeKind::null || child.is_container()) continue;
        push_key(L, node, child);
        push_scalar(L, child);
        lua_rawset(L, d);
      }
    }
  }
  int d = lua_gettop(L);
  if (lazy) {
    lua_pushlightuserdata(L, const_cast<Node*>(&node));
    lua_rawsetp(L, d, &kNodeKey);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kLazyMeta);
    lua_setmetatable(L, d);  // D makes views of its tables and lists on first use
  }
  make_metatable(L, kit, d, node);
  lua_setmetatable(L, d - 1);  // P's metatable = M
  lua_settop(L, d - 1);        // D stays reachable through M only
}

void push_scalar(lua_State* L, const Node& n) {
  switch (n.kind) {
    case NodeKind::null:
      lua_pushnil(L);
      break;
    case NodeKind::boolean:
      lua_pushboolean(L, n.value.boolean ? 1 : 0);
      break;
    case NodeKind::integer:
      lua_pushinteger(L, n.value.integer);
      break;
    case NodeKind::real:
      lua_pushnumber(L, n.value.real);
      break;
    case NodeKind::money:
      lua_pushinteger(L, n.value.cents);
      break;
    case NodeKind::string:
    case NodeKind::date:
      lua_pushlstring(L, n.text.data(), n.text.size());
      break;
    case NodeKind::array:
    case NodeKind::table:
      lua_pushnil(L);  // not a scalar: callers use push_value
      break;
  }
}

void push_value(lua_State* L, const ProxyKit& kit, const Document& doc, const Node& n) {
  if (n.is_container()) {
    make_document_proxy(L, kit, doc, n);
  } else {
    push_scalar(L, n);
  }
}

// Fills D (at d_idx) with every member of its node not yet cached, then drops the lazy metatable.
void fill(lua_State* L, int d_idx) {
  d_idx = lua_absindex(L, d_idx);
  const Document* doc = nullptr;
  const Node* node = node_of(L, d_idx, &doc);
  if (node == nullptr) {
    luaL_error(L, "verwijzing naar een aanvraag die niet meer wordt beoordeeld");
    return;
  }
  ProxyKit kit{};
  kit.push(L, core(L).tracing);
  bool partly_cached = node->kind == NodeKind::table;  // tables cache members one by one
  for (NodeId c = node->first_child; c != kNoNode; c = doc->node(c).next_sibling) {
    const Node& child = doc->node(c);
    push_key(L, *node, child);
    if (partly_cached) {
      lua_pushvalue(L, -1);
      if (lua_rawget(L, d_idx) != LUA_TNIL) {  // keep the view already handed out
        lua_pop(L, 2);
        continue;
      }
      lua_pop(L, 1);
    }
    push_value(L, kit, *doc, child);
    lua_rawset(L, d_idx);
  }
  kit.pop(L);
  lua_pushnil(L);
  lua_setmetatable(L, d_idx);
}

bool is_unfilled(lua_State* L, int d_idx) {
  if (!lua_getmetatable(L, d_idx)) return false;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kLazyMeta);
  bool lazy = lua_rawequal(L, -1, -2) != 0;
  lua_pop(L, 2);
  return lazy;
}

// The child of a table node whose key equals the Lua value at key_idx, or nullptr.
const Node* find_member(lua_State* L, const Document& doc, const Node& node, int key_idx) {
  int t = lua_type(L, key_idx);
  if (t == LUA_TSTRING) {
    std::size_t len = 0;
    const char* k = lua_tolstring(L, key_idx, &len);
    NodeId c = doc.find(doc.id_of(&node), std::string_view(k, len));
    return c != kNoNode ? &doc.node(c) : nullptr;
  }
  if (t == LUA_TNUMBER && lua_isinteger(L, key_idx)) {
    // Per-year tables: rules index them with integer years.
    lua_Integer year = lua_tointeger(L, key_idx);
    if (year < 1000 || year > 9999) return nullptr;
    char text[4] = {static_cast<char>('0' + year / 1000), static_cast<char>('0' + year / 100 % 10),
                    static_cast<char>('0' + year / 10 % 10), static_cast<char>('0' + year % 10)};
    NodeId c = doc.find(doc.id_of(&node), std::string_view(text, 4));
    return c != kNoNode ? &doc.node(c) : nullptr;
  }
  return nullptr;
}

// kLazyMeta.__index: (D, k) -> v. Arrays fill completely on first use (ipairs reads them all);
// tables materialise one member at a time, so a rule that reads `a.onderwerp` does not pay for
// copying `a.inzet` or for views of `a.partners`. Members found are cached in D; a table whose
// members are all cached drops the lazy metatable.
int lazy_index(lua_State* L) {
  lua_settop(L, 2);
  const Document* doc = nullptr;
  const Node* node = node_of(L, 1, &doc);
  if (node == nullptr) {
    return luaL_error(L, "verwijzing naar een aanvraag die niet meer wordt beoordeeld");
  }
  if (node->kind == NodeKind::array) {
    fill(L, 1);
    lua_rawget(L, 1);
    return 1;
  }
  const Node* member = find_member(L, *doc, *node, 2);
  if (member == nullptr || member->kind == NodeKind::null) {
    lua_pushnil(L);
    return 1;
  }
  if (member->is_container()) {
    ProxyKit kit{};
    kit.push(L, core(L).tracing);
    make_document_proxy(L, kit, *doc, *member);
    lua_replace(L, kit.base);
    lua_settop(L, kit.base);
  } else {
    push_scalar(L, *member);
  }
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);  // D[k] = v
  return 1;
}

// __len of document proxies.
int doc_len(lua_State* L) {
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (!document_of(L, 1, &doc, &id)) return luaL_error(L, "geen deel van de aanvraag");
  const Node& n = doc->node(id);
  lua_pushinteger(L, n.kind == NodeKind::array ? static_cast<lua_Integer>(n.child_count) : 0);
  return 1;
}

}  // namespace

namespace {

// The iterator that pairs() returns for a document view: upvalue 1 is the view P, upvalue 2 the
// id of the next member to hand out. Members come in the order of the file; values are read
// through P itself, so a member already seen by a rule is the same view, and explain records
// the read. A null member (TOML has none; JSON null) is skipped, as a missing key.
int doc_next(lua_State* L) {
  const auto* node = static_cast<const Node*>(lua_touserdata(L, lua_upvalueindex(4)));
  const Document* doc = live_document_of(L, node);
  if (doc == nullptr)
    return luaL_error(L, "verwijzing naar een aanvraag die niet meer wordt beoordeeld");
  auto next = static_cast<NodeId>(lua_tointeger(L, lua_upvalueindex(2)));
  while (next != kNoNode && doc->node(next).kind == NodeKind::null)
    next = doc->node(next).next_sibling;
  if (next == kNoNode) {
    lua_pushnil(L);
    return 1;
  }
  const Node& child = doc->node(next);
  lua_pushinteger(L, static_cast<lua_Integer>(child.next_sibling));
  lua_replace(L, lua_upvalueindex(2));
  push_key(L, *node, child);
  lua_pushvalue(L, -1);
  // Straight from D when it has the member (always, for views made in one pass); through P
  // otherwise, which makes a lazy member's view, and while tracing, which records the read.
  if (lua_isnil(L, lua_upvalueindex(3)) || lua_rawget(L, lua_upvalueindex(3)) == LUA_TNIL) {
    lua_settop(L, -2);
    lua_pushvalue(L, -1);
    lua_gettable(L, lua_upvalueindex(1));
  }
  return 2;
}

}  // namespace

int doc_pairs(lua_State* L) {
  const Document* doc = nullptr;
  const Node* node = node_of_view(L, 1, &doc);
  if (node == nullptr) return luaL_error(L, "geen deel van de aanvraag");
  lua_settop(L, 1);
  lua_pushinteger(L, static_cast<lua_Integer>(node->first_child));
  if (core(L).tracing || !push_contents(L, 1)) lua_pushnil(L);  // D, or nil: read through P
  lua_pushlightuserdata(L, const_cast<Node*>(node));
  lua_pushcclosure(L, doc_next, 4);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

namespace {
// "lijst met 3 elementen", "tabel met 1 element".
std::string describe_container(const Node& n) {
  return fmt::format("{} met {} {}", n.kind == NodeKind::array ? "lijst" : "tabel", n.child_count,
                     n.child_count == 1 ? "element" : "elementen");
}
}  // namespace

void trace_read(lua_State* L, const Document& doc, NodeId id, int value_idx) {
  SandboxCore& c = core(L);
  if (c.trace == nullptr) return;
  try {
    std::string path = doc.path(id);
    if (&doc != c.traced_submission) path = "p." + path;  // a parameter
    const Node& n = doc.node(id);
    std::string shown;
    if (value_idx != 0) {
      shown = describe_value(L, value_idx);
    } else if (n.is_container()) {
      shown = describe_container(n);
    } else {
      push_scalar(L, n);  // described as the rule would see it
      shown = describe_value(L, -1);
      lua_pop(L, 1);
    }
    // Money is cents in Lua; show it as the amount a reader knows.
    if (n.kind == NodeKind::money) {
      shown = format_euro(n.value.cents) + "  (" + shown + " cent)";
    }
    c.trace->reads.push_back({std::move(path), std::move(shown)});
  } catch (...) {
  }
}

namespace {

// __index of document proxies while `meetlat explain` traces reads: (P, k) -> v, recorded.
int trace_index(lua_State* L) {
  lua_settop(L, 2);
  push_contents(L, 1);  // 3: D
  if (is_unfilled(L, 3)) fill(L, 3);
  lua_pushvalue(L, 2);
  lua_rawget(L, 3);  // 4: value
  if (core(L).trace != nullptr) {
    const Document* doc = nullptr;
    NodeId id = kNoNode;
    if (document_of(L, 1, &doc, &id)) {
      const Node& n = doc->node(id);
      const Node* member = nullptr;
      if (n.kind == NodeKind::array && lua_isinteger(L, 2)) {
        lua_Integer k = lua_tointeger(L, 2);
        NodeId m = n.first_child;
        for (lua_Integer i = 1; m != kNoNode && i < k; ++i) m = doc->node(m).next_sibling;
        if (k >= 1 && m != kNoNode) member = &doc->node(m);
      } else if (n.kind == NodeKind::table) {
        member = find_member(L, *doc, n, 2);
      }
      if (member != nullptr) {
        trace_read(L, *doc, doc->id_of(member), 4);
      } else {
        try {
          std::string path = doc->path(id);
          if (lua_type(L, 2) == LUA_TNUMBER && n.kind == NodeKind::array) {
            path += fmt::format("[{}]", lua_tointeger(L, 2) - 1);
          } else {
            if (!path.empty()) path += '.';
            path += lua_type(L, 2) == LUA_TNUMBER ? fmt::format("{}", lua_tointeger(L, 2))
                                                  : std::string(luaL_optstring(L, 2, "?"));
          }
          if (doc != core(L).traced_submission) path = "p." + path;  // a parameter
          core(L).trace->reads.push_back({std::move(path), describe_value(L, 4)});
        } catch (...) {
        }
      }
    }
  }
  return 1;
}

}  // namespace

bool is_proxy(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return false;
  if (!push_contents(L, idx)) return false;
  lua_pop(L, 1);
  return true;
}

bool document_of(lua_State* L, int idx, const Document** doc, NodeId* id) {
  if (lua_type(L, idx) != LUA_TTABLE) return false;
  const Document* d = nullptr;
  const Node* node = node_of_view(L, idx, &d);
  if (node == nullptr) return false;
  *doc = d;
  *id = d->id_of(node);
  return true;
}

void push_document_proxy(lua_State* L, const Document* doc, NodeId id) {
  ProxyKit kit{};
  kit.push(L, core(L).tracing);
  // A submission of ordinary size is made into views at once: rules reach nearly all of it, and
  // one pass costs less than a lazy look-up per table (bench/README.md). A larger one (up to the
  // reader's size limit) is made lazily, so that its views are paid for by the rules that read
  // them, under their budgets.
  bool eager = core(L).pooled_document == doc && doc->size() <= kEagerViewNodes;
  make_document_proxy(L, kit, *doc, doc->node(id), eager);
  lua_replace(L, kit.base);
  lua_settop(L, kit.base);
}

void freeze_in_place(lua_State* L, int idx, const void* unknown_meta) {
  idx = lua_absindex(L, idx);
  luaL_checkstack(L, 6, nullptr);
  lua_newtable(L);  // D
  int d = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, d);  // D[k] = v
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, idx);  // T[k] = nil: clearing fields during traversal is allowed
  }
  if (unknown_meta != nullptr) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, unknown_meta);
    lua_setmetatable(L, d);
  }
  push_readonly_metatable(L, d, d, &kDataKey, &kFrozenLen, &kFrozenPairs);  // of no document
  lua_setmetatable(L, idx);
  lua_pop(L, 1);  // D
}

int proxy_aware_next(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (push_contents(L, 1)) {  // stack: P, k, D
    if (is_unfilled(L, 3)) fill(L, 3);
    lua_settop(L, 2);
    return frozen_next(L);
  }
  if (lua_next(L, 1) != 0) return 2;
  lua_pushnil(L);
  return 1;
}

void register_proxy_support(lua_State* L) {
  lua_pushcfunction(L, ro_newindex);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kRoNewindex);
  lua_pushcfunction(L, frozen_len);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kFrozenLen);
  lua_pushcfunction(L, frozen_pairs);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kFrozenPairs);
  lua_pushcfunction(L, doc_len);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kDocLen);
  lua_pushcfunction(L, doc_pairs);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kDocPairs);
  lua_pushcfunction(L, trace_index);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kTraceIndex);
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, lazy_index);
  lua_setfield(L, -2, "__index");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kLazyMeta);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kViewPool);
}

std::string describe_value(lua_State* L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
      return "nil";
    case LUA_TBOOLEAN:
      return lua_toboolean(L, idx) ? "true" : "false";
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return fmt::format("{}", lua_tointeger(L, idx));
      return fmt::format("{}", lua_tonumber(L, idx));
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, idx, &len);
      std::string_view v(s, len);
      if (v.size() > 60) return fmt::format("\"{}…\" ({} tekens)", v.substr(0, 57), v.size());
      return fmt::format("\"{}\"", v);
    }
    case LUA_TTABLE: {
      const Document* doc = nullptr;
      NodeId id = kNoNode;
      if (document_of(L, idx, &doc, &id)) return describe_container(doc->node(id));
      return "tabel";
    }
    case LUA_TFUNCTION:
      return "functie";
    default:
      return luaL_typename(L, idx);
  }
}

}  // namespace meetlat::lua_detail
