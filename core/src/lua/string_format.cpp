// string.format for rules: the common formats without Lua's general machinery.
//
// Nearly every rule builds its Dutch message with ("... %s ... %d ..."):format(...), and Lua's
// str_format formats each %d through snprintf and each %s through luaL_tolstring (a metatable
// look-up per argument): about 3 000 instructions a call, a few percent of a whole evaluation
// (bench/README.md). A format made only of literal text, %%, %s with a string or an integer, and
// %d or %i with an integer is written here directly; anything else (flags, widths, precisions,
// other conversions, other argument types, too few arguments) goes to Lua's own function, on the
// same stack, so its results and error messages are exactly Lua's.
#include <charconv>

#include "lua_internal.h"

namespace meetlat::lua_detail {

namespace {

// Whether format `f` with the arguments from index 2 on can be written by the fast path.
bool simple_format(lua_State* L, const char* f, const char* end) {
  int top = lua_gettop(L);
  int arg = 1;
  for (const char* p = f; p < end; ++p) {
    if (*p != '%') continue;
    if (++p == end) return false;  // a lone % at the end: Lua's error
    if (*p == '%') continue;
    if (++arg > top) return false;  // too few arguments: Lua's error
    bool integer = lua_type(L, arg) == LUA_TNUMBER && lua_isinteger(L, arg);
    if (*p == 's') {
      if (lua_type(L, arg) != LUA_TSTRING && !integer) return false;
    } else if (*p == 'd' || *p == 'i') {
      if (!integer) return false;
    } else {
      return false;
    }
  }
  return true;
}

void add_integer(luaL_Buffer* b, lua_Integer v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  luaL_addlstring(b, digits, static_cast<std::size_t>(end - digits));
}

// string.format; upvalue 1 is Lua's own.
int l_format(lua_State* L) {
  std::size_t len = 0;
  const char* f = luaL_checklstring(L, 1, &len);
  const char* end = f + len;
  if (!simple_format(L, f, end)) {
    return lua_tocfunction(L, lua_upvalueindex(1))(L);  // Lua's str_format, in this call
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  int arg = 1;
  const char* literal = f;
  for (const char* p = f; p < end; ++p) {
    if (*p != '%') continue;
    luaL_addlstring(&b, literal, static_cast<std::size_t>(p - literal));
    ++p;
    if (*p == '%') {
      luaL_addchar(&b, '%');
    } else if (lua_type(L, ++arg) == LUA_TSTRING) {  // %s with a string
      std::size_t n = 0;
      const char* s = lua_tolstring(L, arg, &n);
      luaL_addlstring(&b, s, n);
    } else {  // %s, %d or %i with an integer: as Lua writes it ("%lld")
      add_integer(&b, lua_tointeger(L, arg));
    }
    literal = p + 1;
  }
  luaL_addlstring(&b, literal, static_cast<std::size_t>(end - literal));
  luaL_pushresult(&b);
  return 1;
}

}  // namespace

void register_fast_format(lua_State* L) {
  lua_getfield(L, -1, "format");
  if (lua_tocfunction(L, -1) == nullptr) {
    lua_pop(L, 1);
    return;
  }
  lua_pushcclosure(L, l_format, 1);
  lua_setfield(L, -2, "format");
}

}  // namespace meetlat::lua_detail
