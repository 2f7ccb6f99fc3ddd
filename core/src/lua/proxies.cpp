// Read-only views for Lua: the submission, the parameters, the rule environment and every table a
// rule script built at load time are visible to rules but cannot be changed by them
// (interfaces.md: "the submission is read-only to a rule, and nothing a rule does is visible to
// the next rule or the next submission").
//
// A proxy P is an empty table with its own metatable M; M.__index is the table D that holds the
// contents, which gives the VM's fast path for reads, and M.__newindex refuses writes. Because P
// stays empty, every write reaches __newindex. D is reachable only through M, and M is protected
// by __metatable, so no rule can get at D to change it (the metamethods are deliberately not kept
// in D itself: then `t.__index` would hand out the contents). Document proxies fill D lazily, one
// node at a time, the first time any of the node's members is read; D's own metatable
// (kLazyMeta) triggers the fill.
#include <fmt/format.h>

#include <cstring>

#include "lua_internal.h"

namespace meetlat::lua_detail {

const char kFrozenMark = 0;
const char kDocKey = 0;
const char kIdKey = 0;
const char kLazyMeta = 0;
const char kEnvKey = 0;
const char kParamsCache = 0;
const char kRoNewindex = 0;
const char kFrozenLen = 0;
const char kFrozenPairs = 0;
const char kDocLen = 0;
const char kDocPairs = 0;
const char kTraceIndex = 0;
const char kDataKey = 0;

namespace {

bool hidden_key(lua_State* L, int idx) {
  int t = lua_type(L, idx);
  if (t == LUA_TLIGHTUSERDATA) return true;
  if (t != LUA_TSTRING) return false;
  std::size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  return len >= 2 && s[0] == '_' && s[1] == '_';
}

// Pushes D (the contents of the proxy at idx) and returns true, or pushes nothing.
bool push_contents(lua_State* L, int idx) {
  if (!lua_getmetatable(L, idx)) return false;
  if (lua_rawgetp(L, -1, &kFrozenMark) == LUA_TNIL) {
    lua_pop(L, 2);
    return false;
  }
  lua_pop(L, 1);
  lua_rawgetp(L, -1, &kDataKey);
  lua_remove(L, -2);
  return true;
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

const Node* checked_node(lua_State* L, int d_idx, const Document** doc_out, NodeId* id_out) {
  lua_rawgetp(L, d_idx, &kDocKey);
  auto* doc = static_cast<const Document*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  lua_rawgetp(L, d_idx, &kIdKey);
  auto id = static_cast<NodeId>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  if (doc == nullptr) return nullptr;
  // A view of a document that is no longer being evaluated must fail loudly, never dangle.
  bool live = false;
  for (const Document* d : core(L).live_documents) live = live || d == doc;
  if (!live || id >= doc->size()) return nullptr;
  *doc_out = doc;
  *id_out = id;
  return &doc->node(id);
}

void push_key(lua_State* L, const Document& doc, const Node& parent, NodeId child) {
  const Node& c = doc.node(child);
  if (parent.kind == NodeKind::array) {
    lua_pushinteger(L, static_cast<lua_Integer>(c.index) + 1);
  } else if (is_year_key(c.key)) {
    lua_Integer year = 0;
    for (char ch : c.key) year = year * 10 + (ch - '0');
    lua_pushinteger(L, year);
  } else {
    lua_pushlstring(L, c.key.data(), c.key.size());
  }
}

void push_value(lua_State* L, const Document& doc, NodeId id) {
  const Node& n = doc.node(id);
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
      push_document_proxy(L, &doc, id);
      break;
  }
}

// Fills D (at d_idx) with every member of its node, then drops the lazy metatable.
void fill(lua_State* L, int d_idx) {
  d_idx = lua_absindex(L, d_idx);
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  const Node* node = checked_node(L, d_idx, &doc, &id);
  if (node == nullptr) {
    luaL_error(L, "verwijzing naar een aanvraag die niet meer wordt beoordeeld");
    return;
  }
  luaL_checkstack(L, 4, nullptr);
  for (NodeId c = node->first_child; c != kNoNode; c = doc->node(c).next_sibling) {
    push_key(L, *doc, *node, c);
    push_value(L, *doc, c);
    lua_rawset(L, d_idx);
  }
  lua_pushnil(L);
  lua_setmetatable(L, d_idx);
}

// kLazyMeta.__index: (D, k) -> v, filling D on first use.
int lazy_index(lua_State* L) {
  fill(L, 1);
  lua_settop(L, 2);
  lua_rawget(L, 1);
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

// The iterator pairs() returns for document proxies: walks the nodes in document order, so rules
// report findings in the order of the submission. Upvalue 1: next NodeId (or -1 at the end).
int doc_pairs_step(lua_State* L) {
  lua_Integer next = lua_tointeger(L, lua_upvalueindex(1));
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (!document_of(L, 1, &doc, &id)) return luaL_error(L, "geen deel van de aanvraag");
  while (next >= 0) {
    auto child = static_cast<NodeId>(next);
    const Node& c = doc->node(child);
    lua_pushinteger(L, c.next_sibling == kNoNode ? -1 : static_cast<lua_Integer>(c.next_sibling));
    lua_replace(L, lua_upvalueindex(1));
    if (c.kind == NodeKind::null) {
      next = c.next_sibling == kNoNode ? -1 : static_cast<lua_Integer>(c.next_sibling);
      continue;
    }
    push_key(L, *doc, doc->node(id), child);
    if (core(L).tracing) {
      lua_pushvalue(L, -1);
      lua_gettable(L, 1);  // through the tracing __index, so explain sees the read
      return 2;
    }
    push_contents(L, 1);  // D
    lua_pushvalue(L, -2);
    lua_gettable(L, -2);  // through D's lazy metatable when not yet filled
    lua_remove(L, -2);
    return 2;
  }
  lua_pushnil(L);
  return 1;
}

int doc_pairs(lua_State* L) {
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (!document_of(L, 1, &doc, &id)) return luaL_error(L, "geen deel van de aanvraag");
  NodeId first = doc->node(id).first_child;
  lua_pushinteger(L, first == kNoNode ? -1 : static_cast<lua_Integer>(first));
  lua_pushcclosure(L, doc_pairs_step, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

// __index of document proxies while `meetlat explain` traces reads: (P, k) -> v, recorded.
int trace_index(lua_State* L) {
  lua_settop(L, 2);
  push_contents(L, 1);           // 3: D
  if (lua_getmetatable(L, 3)) {  // not yet filled
    lua_pop(L, 1);
    fill(L, 3);
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, 3);  // 4: value
  SandboxCore& c = core(L);
  if (c.trace != nullptr) {
    const Document* doc = nullptr;
    NodeId id = kNoNode;
    if (document_of(L, 1, &doc, &id)) {
      try {
        std::string path = doc->path(id);
        const Node& n = doc->node(id);
        if (lua_type(L, 2) == LUA_TNUMBER && n.kind == NodeKind::array) {
          path += fmt::format("[{}]", lua_tointeger(L, 2) - 1);
        } else {
          if (!path.empty()) path += '.';
          path += lua_type(L, 2) == LUA_TNUMBER ? fmt::format("{}", lua_tointeger(L, 2))
                                                : std::string(luaL_optstring(L, 2, "?"));
        }
        c.trace->reads.push_back({std::move(path), describe_value(L, 4)});
      } catch (...) {
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
  idx = lua_absindex(L, idx);
  if (!push_contents(L, idx)) return false;
  lua_rawgetp(L, -1, &kDocKey);
  auto* d = static_cast<const Document*>(lua_touserdata(L, -1));
  lua_rawgetp(L, -2, &kIdKey);
  auto node = static_cast<NodeId>(lua_tointeger(L, -1));
  lua_pop(L, 3);
  if (d == nullptr) return false;
  *doc = d;
  *id = node;
  return true;
}

namespace {

// Pushes M, the metatable of a proxy whose contents D is at `d` (absolute index).
void push_proxy_meta(lua_State* L, int d, const void* len_fn, const void* pairs_fn, bool tracing) {
  lua_createtable(L, 0, 8);
  lua_pushliteral(L, "__index");
  if (tracing) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kTraceIndex);
  } else {
    lua_pushvalue(L, d);
  }
  lua_rawset(L, -3);
  lua_pushliteral(L, "__newindex");
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kRoNewindex);
  lua_rawset(L, -3);
  lua_pushliteral(L, "__len");
  lua_rawgetp(L, LUA_REGISTRYINDEX, len_fn);
  lua_rawset(L, -3);
  lua_pushliteral(L, "__pairs");
  lua_rawgetp(L, LUA_REGISTRYINDEX, pairs_fn);
  lua_rawset(L, -3);
  lua_pushliteral(L, "__metatable");
  lua_pushliteral(L, "alleen-lezen");
  lua_rawset(L, -3);
  lua_pushboolean(L, 1);
  lua_rawsetp(L, -2, &kFrozenMark);
  lua_pushvalue(L, d);
  lua_rawsetp(L, -2, &kDataKey);
}

}  // namespace

void push_document_proxy(lua_State* L, const Document* doc, NodeId id) {
  luaL_checkstack(L, 8, nullptr);
  lua_createtable(L, 0, 0);  // P
  const Node& n = doc->node(id);
  int narr = n.kind == NodeKind::array ? static_cast<int>(n.child_count) : 0;
  int nrec = (n.kind == NodeKind::table ? static_cast<int>(n.child_count) : 0) + 2;
  lua_createtable(L, narr, nrec);  // D
  int d = lua_gettop(L);
  lua_pushlightuserdata(L, const_cast<Document*>(doc));
  lua_rawsetp(L, d, &kDocKey);
  lua_pushinteger(L, static_cast<lua_Integer>(id));
  lua_rawsetp(L, d, &kIdKey);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kLazyMeta);
  lua_setmetatable(L, d);  // D's metatable: fill on first miss
  push_proxy_meta(L, d, &kDocLen, &kDocPairs, core(L).tracing);
  lua_setmetatable(L, d - 1);  // P's metatable = M
  lua_pop(L, 1);               // D stays reachable through M
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
  push_proxy_meta(L, d, &kFrozenLen, &kFrozenPairs, false);
  lua_setmetatable(L, idx);
  lua_pop(L, 1);  // D
}

int proxy_aware_next(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (push_contents(L, 1)) {
    {                                // stack: P, k, D
      if (lua_getmetatable(L, 3)) {  // an unfilled document node: fill it first
        lua_rawgetp(L, LUA_REGISTRYINDEX, &kLazyMeta);
        bool lazy = lua_rawequal(L, -1, -2) != 0;
        lua_pop(L, 2);
        if (lazy) fill(L, 3);
      }
      lua_settop(L, 2);
      return frozen_next(L);
    }
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
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kParamsCache);
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
      if (document_of(L, idx, &doc, &id)) {
        const Node& n = doc->node(id);
        return fmt::format("{} met {} {}", n.kind == NodeKind::array ? "lijst" : "tabel",
                           n.child_count, n.child_count == 1 ? "element" : "elementen");
      }
      return "tabel";
    }
    case LUA_TFUNCTION:
      return "functie";
    default:
      return luaL_typename(L, idx);
  }
}

}  // namespace meetlat::lua_detail
