// table.concat, insert, move, remove, sort and unpack with a budget.
//
// Lua's own versions loop in C, where the instruction hook never fires, and each step reads or
// writes the table with metamethods: `#t` can be a __len that claims 2^63 elements, a read can
// walk an __index chain of 2 000 tables, and one comparison of two strings in table.sort compares
// them byte by byte. table.insert(t, 1, x) with such a __len ran for hours; table.sort over 5 000
// references to one 8 MB string for minutes. These versions follow Lua 5.4's ltablib.c (MIT
// licence, same behaviour and messages) and charge every element, and every comparison by the
// length of the strings compared, to the rule's instruction budget; charge() also checks the
// clock, so a slow element cannot carry a loop past the time limit either. table.sort picks its
// pivots deterministically (Lua's uses the clock): a decision must be reproducible.
#include <climits>

#include "lua_internal.h"

namespace meetlat::lua_detail {
namespace {

constexpr int kTabR = 1;
constexpr int kTabW = 2;
constexpr int kTabL = 4;

bool check_field(lua_State* L, const char* key, int n) {
  lua_pushstring(L, key);
  return lua_rawget(L, -n) != LUA_TNIL;
}

// Like ltablib.c's checktab: a table, or something with the metamethods the operation needs.
void check_tab(lua_State* L, int arg, int what) {
  if (lua_type(L, arg) == LUA_TTABLE) return;
  int n = 1;
  if (lua_getmetatable(L, arg) && (((what & kTabR) == 0) || check_field(L, "__index", ++n)) &&
      (((what & kTabW) == 0) || check_field(L, "__newindex", ++n)) &&
      (((what & kTabL) == 0) || check_field(L, "__len", ++n))) {
    lua_pop(L, n);
  } else {
    luaL_checktype(L, arg, LUA_TTABLE);
  }
}

lua_Integer aux_getn(lua_State* L, int arg, int what) {
  check_tab(L, arg, what | kTabL);
  return luaL_len(L, arg);
}

void charge(lua_State* L, std::uint64_t steps = 1) {
  core(L).charge_or_raise(steps);
}

int t_insert(lua_State* L) {
  lua_Integer e = aux_getn(L, 1, kTabR | kTabW);
  e = static_cast<lua_Integer>(static_cast<lua_Unsigned>(e) + 1u);  // first empty element
  lua_Integer pos = 0;
  switch (lua_gettop(L)) {
    case 2:
      pos = e;
      break;
    case 3: {
      pos = luaL_checkinteger(L, 2);
      luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u < static_cast<lua_Unsigned>(e), 2,
                    "position out of bounds");
      for (lua_Integer i = e; i > pos; i--) {
        charge(L);
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);
      }
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

int t_remove(lua_State* L) {
  lua_Integer size = aux_getn(L, 1, kTabR | kTabW);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size) {
    luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u <= static_cast<lua_Unsigned>(size), 2,
                  "position out of bounds");
  }
  lua_geti(L, 1, pos);
  for (; pos < size; pos++) {
    charge(L);
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

// The 1 000 000-element cap predates the per-element charge and is kept: a move that large is
// never what a rule means, and the message says so directly.
constexpr lua_Integer kMaxMove = 1'000'000;

int t_move(lua_State* L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
  check_tab(L, 1, kTabR);
  check_tab(L, tt, kTabW);
  if (e >= f) {
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f + 1;
    if (n > kMaxMove) return luaL_error(L, "table.move: te veel elementen (hoogstens 1000000)");
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    if (t > e || t <= f || (tt != 1 && lua_compare(L, 1, tt, LUA_OPEQ) == 0)) {
      for (lua_Integer i = 0; i < n; i++) {
        charge(L);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    } else {
      for (lua_Integer i = n - 1; i >= 0; i--) {
        charge(L);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    }
  }
  lua_pushvalue(L, tt);
  return 1;
}

void add_field(lua_State* L, luaL_Buffer* b, lua_Integer i) {
  charge(L);
  lua_geti(L, 1, i);
  if (lua_isstring(L, -1) == 0) {
    luaL_error(L, "invalid value (at index %I) in table for 'concat'", i);
    return;
  }
  luaL_addvalue(b);
}

int t_concat(lua_State* L) {
  luaL_Buffer b;
  lua_Integer last = aux_getn(L, 1, kTabR);
  std::size_t lsep = 0;
  const char* sep = luaL_optlstring(L, 2, "", &lsep);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  last = luaL_optinteger(L, 4, last);
  luaL_buffinit(L, &b);
  for (; i < last; i++) {
    add_field(L, &b, i);
    luaL_addlstring(&b, sep, lsep);
  }
  if (i == last) add_field(L, &b, i);
  luaL_pushresult(&b);
  return 1;
}

int t_unpack(lua_State* L) {
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
  if (i > e) return 0;
  lua_Unsigned n = static_cast<lua_Unsigned>(e) - static_cast<lua_Unsigned>(i);
  if (n >= static_cast<unsigned int>(INT_MAX) || lua_checkstack(L, static_cast<int>(++n)) == 0) {
    return luaL_error(L, "too many results to unpack");
  }
  for (; i < e; i++) {
    charge(L);
    lua_geti(L, 1, i);
  }
  lua_geti(L, 1, e);
  return static_cast<int>(n);
}

// --- sort (ltablib.c's quicksort) ---

using IdxT = unsigned int;
constexpr IdxT kRanLimit = 100u;

void set2(lua_State* L, IdxT i, IdxT j) {
  lua_seti(L, 1, i);
  lua_seti(L, 1, j);
}

// a < b for the values at stack indices a and b (negative), by the rule's function or by `<`.
bool sort_less(lua_State* L, int a, int b) {
  std::uint64_t cost = 1;
  if (lua_type(L, a) == LUA_TSTRING && lua_type(L, b) == LUA_TSTRING) {
    // Comparing strings is strcmp over their common length: charge it like the pattern matcher.
    std::size_t la = lua_rawlen(L, a);
    std::size_t lb = lua_rawlen(L, b);
    cost += (la < lb ? la : lb) / 64;
  }
  charge(L, cost);
  if (lua_isnil(L, 2)) return lua_compare(L, a, b, LUA_OPLT) != 0;
  lua_pushvalue(L, 2);
  lua_pushvalue(L, a - 1);
  lua_pushvalue(L, b - 2);
  lua_call(L, 2, 1);
  bool res = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return res;
}

IdxT partition(lua_State* L, IdxT lo, IdxT up) {
  IdxT i = lo;
  IdxT j = up - 1;
  for (;;) {
    while (lua_geti(L, 1, ++i), sort_less(L, -1, -2)) {
      if (i == up - 1) luaL_error(L, "invalid order function for sorting");
      lua_pop(L, 1);
    }
    while (lua_geti(L, 1, --j), sort_less(L, -3, -1)) {
      if (j < i) luaL_error(L, "invalid order function for sorting");
      lua_pop(L, 1);
    }
    if (j < i) {
      lua_pop(L, 1);
      set2(L, up - 1, i);
      return i;
    }
    set2(L, i, j);
  }
}

IdxT choose_pivot(IdxT lo, IdxT up, unsigned int rnd) {
  IdxT r4 = (up - lo) / 4;
  return rnd % (r4 * 2) + (lo + r4);
}

void aux_sort(lua_State* L, IdxT lo, IdxT up, unsigned int rnd) {
  while (lo < up) {
    lua_geti(L, 1, lo);
    lua_geti(L, 1, up);
    if (sort_less(L, -1, -2)) {
      set2(L, lo, up);
    } else {
      lua_pop(L, 2);
    }
    if (up - lo == 1) break;
    IdxT p = (up - lo < kRanLimit || rnd == 0) ? (lo + up) / 2 : choose_pivot(lo, up, rnd);
    lua_geti(L, 1, p);
    lua_geti(L, 1, lo);
    if (sort_less(L, -2, -1)) {
      set2(L, p, lo);
    } else {
      lua_pop(L, 1);
      lua_geti(L, 1, up);
      if (sort_less(L, -1, -2)) {
        set2(L, p, up);
      } else {
        lua_pop(L, 2);
      }
    }
    if (up - lo == 2) break;
    lua_geti(L, 1, p);
    lua_pushvalue(L, -1);
    lua_geti(L, 1, up - 1);
    set2(L, p, up - 1);
    p = partition(L, lo, up);
    IdxT n = 0;
    if (p - lo < up - p) {
      aux_sort(L, lo, p - 1, rnd);
      n = p - lo;
      lo = p + 1;
    } else {
      aux_sort(L, p + 1, up, rnd);
      n = up - p;
      up = p - 1;
    }
    if ((up - lo) / 128 > n) {
      // Lua randomises with the clock here; a fixed sequence keeps results reproducible.
      rnd = rnd * 1103515245u + 12345u + lo;
      if (rnd == 0) rnd = 1;
    }
  }
}

int t_sort(lua_State* L) {
  lua_Integer n = aux_getn(L, 1, kTabR | kTabW);
  if (n > 1) {
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    aux_sort(L, 1, static_cast<IdxT>(n), 0);
  }
  return 0;
}

}  // namespace

void register_bounded_table(lua_State* L) {
  static const luaL_Reg kFns[] = {{"concat", t_concat}, {"insert", t_insert}, {"move", t_move},
                                  {"remove", t_remove}, {"sort", t_sort},     {"unpack", t_unpack},
                                  {nullptr, nullptr}};
  for (const luaL_Reg* f = kFns; f->name != nullptr; ++f) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, -2, f->name);
  }
}

}  // namespace meetlat::lua_detail
