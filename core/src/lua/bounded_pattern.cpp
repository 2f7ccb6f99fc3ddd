// string.find, string.match, string.gmatch and string.gsub with a budget.
//
// Lua's own matcher backtracks inside C, where the instruction hook never fires: a pattern such as
// ("a*"):rep(20) .. "b" against a long run of "a" runs for hours. These versions implement the
// pattern language of the Lua 5.4 manual (§6.4.1) and charge every step to the rule's instruction
// budget, so such a rule ends with outcome `error` instead of hanging the engine (issue "Engine
// core", the Lua host). Plain searches use memmem, which is linear.
#include <cctype>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "lua_internal.h"

namespace meetlat::lua_detail {
namespace {

constexpr int kMaxCaptures = 32;
constexpr int kMaxDepth = 200;  // recursion of the matcher, as Lua's MAXCCALLS
constexpr std::ptrdiff_t kCapUnfinished = -1;
constexpr std::ptrdiff_t kCapPosition = -2;
constexpr char kEsc = '%';
constexpr const char* kSpecials = "^$*+?.([%-";
constexpr std::uint64_t kChargeEvery = 4096;

struct Matcher {
  const char* src_init = nullptr;
  const char* src_end = nullptr;
  const char* p_end = nullptr;
  lua_State* L = nullptr;
  int level = 0;
  int depth = 0;
  struct Capture {
    const char* init;
    std::ptrdiff_t len;
  } capture[kMaxCaptures]{};
  std::uint64_t pending_steps = 0;
  bool aborted = false;  // budget exhausted or malformed pattern: unwind and raise
  char error[160] = {0};

  // `n` > 1 for steps that cost more than a byte comparison: a back-reference compares a whole
  // capture, a character set of k bytes is scanned for every subject character it is tried on.
  bool step(std::uint64_t n = 1) {
    if (aborted) return false;
    pending_steps += n;
    if (pending_steps >= kChargeEvery) {
      std::uint64_t due = pending_steps;
      pending_steps = 0;
      if (!core(L).charge(due)) {
        fail("%s", core(L).kill_reason.c_str());
        return false;
      }
    }
    return true;
  }
  void flush() {
    if (pending_steps > 0 && !aborted) core(L).charge(pending_steps);
    pending_steps = 0;
  }
  __attribute__((format(printf, 2, 3))) void fail(const char* format, ...) {
    if (!aborted) {
      va_list args;
      va_start(args, format);
      std::vsnprintf(error, sizeof error, format, args);
      va_end(args);
    }
    aborted = true;
  }
};

// Membership of the byte classes %a %c %d %g %l %p %s %u %w %x, as in the "C" locale (Lua's
// default), computed once: class_matches runs in the matcher's innermost loop.
struct ClassTable {
  std::uint16_t bits[256] = {};
  static int index(int cl) {
    switch (cl | 0x20) {
      case 'a':
        return 0;
      case 'c':
        return 1;
      case 'd':
        return 2;
      case 'g':
        return 3;
      case 'l':
        return 4;
      case 'p':
        return 5;
      case 's':
        return 6;
      case 'u':
        return 7;
      case 'w':
        return 8;
      case 'x':
        return 9;
      default:
        return -1;
    }
  }
  ClassTable() {
    for (int c = 0; c < 256; ++c) {
      bool in_ascii = c < 128;  // the "C" locale classifies only ASCII
      bool member[] = {in_ascii && std::isalpha(c) != 0, in_ascii && std::iscntrl(c) != 0,
                       in_ascii && std::isdigit(c) != 0, in_ascii && std::isgraph(c) != 0,
                       in_ascii && std::islower(c) != 0, in_ascii && std::ispunct(c) != 0,
                       in_ascii && std::isspace(c) != 0, in_ascii && std::isupper(c) != 0,
                       in_ascii && std::isalnum(c) != 0, in_ascii && std::isxdigit(c) != 0};
      for (int k = 0; k < 10; ++k) {
        if (member[k]) bits[c] = static_cast<std::uint16_t>(bits[c] | (1u << k));
      }
    }
  }
};
const ClassTable kClasses;

bool class_matches(int c, int cl) {
  int k = ClassTable::index(cl);
  if (k < 0) return cl == c;
  bool res = (kClasses.bits[c & 0xFF] >> k) & 1u;
  return (cl >= 'A' && cl <= 'Z') ? !res : res;
}

// End of the single-character class starting at p (just past it), or nullptr on a malformed
// pattern (error set).
const char* class_end(Matcher& m, const char* p) {
  char c = *p++;
  if (c == kEsc) {
    if (p >= m.p_end) {
      m.fail("ongeldig patroon: eindigt met '%%'");
      return nullptr;
    }
    return p + 1;
  }
  if (c == '[') {
    if (p < m.p_end && *p == '^') ++p;
    // The first character of a set is always a member, even ']'.
    do {
      if (p >= m.p_end) {
        m.fail("ongeldig patroon: ']' ontbreekt");
        return nullptr;
      }
      c = *p++;
      if (c == kEsc && p < m.p_end) ++p;
    } while (p >= m.p_end || *p != ']');
    return p + 1;
  }
  return p;
}

// p points at '[', ec at the closing ']'.
bool set_matches(int c, const char* p, const char* ec) {
  bool sig = true;
  if (*(p + 1) == '^') {
    sig = false;
    ++p;
  }
  while (++p < ec) {
    if (*p == kEsc) {
      ++p;
      if (class_matches(c, static_cast<unsigned char>(*p))) return sig;
    } else if (*(p + 1) == '-' && p + 2 < ec) {
      p += 2;
      if (static_cast<unsigned char>(*(p - 2)) <= c && c <= static_cast<unsigned char>(*p)) {
        return sig;
      }
    } else if (static_cast<unsigned char>(*p) == c) {
      return sig;
    }
  }
  return !sig;
}

bool single_match(const Matcher& m, const char* s, const char* p, const char* ep) {
  if (s >= m.src_end) return false;
  int c = static_cast<unsigned char>(*s);
  switch (*p) {
    case '.':
      return true;
    case kEsc:
      return class_matches(c, static_cast<unsigned char>(*(p + 1)));
    case '[':
      return set_matches(c, p, ep - 1);
    default:
      return static_cast<unsigned char>(*p) == c;
  }
}

const char* match(Matcher& m, const char* s, const char* p);

// The extra cost of one single_match with the class [p, ep): sets are scanned byte by byte.
std::uint64_t class_cost(const char* p, const char* ep) {
  return static_cast<std::uint64_t>(ep - p) / 32;
}

const char* max_expand(Matcher& m, const char* s, const char* p, const char* ep) {
  std::ptrdiff_t i = 0;
  const std::uint64_t cost = 1 + class_cost(p, ep);
  while (single_match(m, s + i, p, ep)) {
    if (!m.step(cost)) return nullptr;
    ++i;
  }
  while (i >= 0) {
    if (!m.step()) return nullptr;
    const char* res = match(m, s + i, ep + 1);
    if (res != nullptr || m.aborted) return res;
    --i;
  }
  return nullptr;
}

const char* min_expand(Matcher& m, const char* s, const char* p, const char* ep) {
  const std::uint64_t cost = 1 + class_cost(p, ep);
  for (;;) {
    if (!m.step(cost)) return nullptr;
    const char* res = match(m, s, ep + 1);
    if (res != nullptr || m.aborted) return res;
    if (single_match(m, s, p, ep)) {
      ++s;
    } else {
      return nullptr;
    }
  }
}

const char* start_capture(Matcher& m, const char* s, const char* p, std::ptrdiff_t what) {
  if (m.level >= kMaxCaptures) {
    m.fail("ongeldig patroon: te veel captures (hoogstens %d)", kMaxCaptures);
    return nullptr;
  }
  m.capture[m.level].init = s;
  m.capture[m.level].len = what;
  ++m.level;
  const char* res = match(m, s, p);
  if (res == nullptr) --m.level;
  return res;
}

const char* end_capture(Matcher& m, const char* s, const char* p) {
  int l = -1;
  for (int i = m.level - 1; i >= 0; --i) {
    if (m.capture[i].len == kCapUnfinished) {
      l = i;
      break;
    }
  }
  if (l < 0) {
    m.fail("ongeldig patroon: ')' zonder '('");
    return nullptr;
  }
  m.capture[l].len = s - m.capture[l].init;
  const char* res = match(m, s, p);
  if (res == nullptr) m.capture[l].len = kCapUnfinished;
  return res;
}

const char* match_balance(Matcher& m, const char* s, const char* p) {
  if (p + 1 >= m.p_end) {
    m.fail("ongeldig patroon: %%b mist zijn twee tekens");
    return nullptr;
  }
  if (s >= m.src_end || *s != *p) return nullptr;
  char open = *p;
  char close = *(p + 1);
  int depth = 1;
  while (++s < m.src_end) {
    if (!m.step()) return nullptr;
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      ++depth;
    }
  }
  return nullptr;
}

const char* match_back_reference(Matcher& m, const char* s, int digit) {
  int l = digit - '1';
  if (l < 0 || l >= m.level || m.capture[l].len == kCapUnfinished) {
    m.fail("ongeldig patroon: verwijzing %%%d naar een onbekende capture", l + 1);
    return nullptr;
  }
  auto len = static_cast<std::size_t>(m.capture[l].len);
  if (!m.step(1 + len / 64)) return nullptr;  // memcmp over the capture
  if (static_cast<std::size_t>(m.src_end - s) >= len &&
      std::memcmp(m.capture[l].init, s, len) == 0) {
    return s + len;
  }
  return nullptr;
}

const char* match(Matcher& m, const char* s, const char* p) {
  if (!m.step()) return nullptr;
  if (++m.depth > kMaxDepth) {
    m.fail("patroon te complex (te diep genest)");
    return nullptr;
  }
  const char* result = nullptr;
  for (;;) {
    if (p >= m.p_end) {
      result = s;
      break;
    }
    if (*p == '(') {
      result = (p + 1 < m.p_end && *(p + 1) == ')') ? start_capture(m, s, p + 2, kCapPosition)
                                                    : start_capture(m, s, p + 1, kCapUnfinished);
      break;
    }
    if (*p == ')') {
      result = end_capture(m, s, p + 1);
      break;
    }
    if (*p == '$' && p + 1 == m.p_end) {
      result = s == m.src_end ? s : nullptr;
      break;
    }
    if (*p == kEsc && p + 1 < m.p_end && *(p + 1) == 'b') {
      s = match_balance(m, s, p + 2);
      if (s != nullptr) {
        p += 4;
        continue;
      }
      result = nullptr;
      break;
    }
    if (*p == kEsc && p + 1 < m.p_end && *(p + 1) == 'f') {
      p += 2;
      if (p >= m.p_end || *p != '[') {
        m.fail("ongeldig patroon: '[' ontbreekt na '%%f'");
        result = nullptr;
        break;
      }
      const char* ep = class_end(m, p);
      if (ep == nullptr) break;
      if (!m.step(2 * class_cost(p, ep))) break;
      int previous = (s == m.src_init) ? 0 : static_cast<unsigned char>(*(s - 1));
      int current = (s < m.src_end) ? static_cast<unsigned char>(*s) : 0;
      if (!set_matches(previous, p, ep - 1) && set_matches(current, p, ep - 1)) {
        p = ep;
        continue;
      }
      result = nullptr;
      break;
    }
    if (*p == kEsc && p + 1 < m.p_end && std::isdigit(static_cast<unsigned char>(*(p + 1)))) {
      s = match_back_reference(m, s, *(p + 1));
      if (s != nullptr) {
        p += 2;
        continue;
      }
      result = nullptr;
      break;
    }
    // A single-character class, maybe followed by a repetition.
    const char* ep = class_end(m, p);
    if (ep == nullptr) break;
    if (!m.step(2 * class_cost(p, ep))) break;  // class_end, then single_match below
    char rep = ep < m.p_end ? *ep : '\0';
    if (!single_match(m, s, p, ep)) {
      if (rep == '*' || rep == '?' || rep == '-') {
        p = ep + 1;
        continue;
      }
      result = nullptr;
      break;
    }
    if (rep == '?') {
      const char* res = match(m, s + 1, ep + 1);
      if (res != nullptr || m.aborted) {
        result = res;
        break;
      }
      p = ep + 1;
      continue;
    }
    if (rep == '+') {
      result = max_expand(m, s + 1, p, ep);
      break;
    }
    if (rep == '*') {
      result = max_expand(m, s, p, ep);
      break;
    }
    if (rep == '-') {
      result = min_expand(m, s, p, ep);
      break;
    }
    ++s;
    p = ep;
    if (!m.step()) return nullptr;
  }
  --m.depth;
  return m.aborted ? nullptr : result;
}

void prepare(Matcher& m, lua_State* L, const char* s, std::size_t ls, const char* p,
             std::size_t lp) {
  m.L = L;
  m.src_init = s;
  m.src_end = s + ls;
  m.p_end = p + lp;
}

void reset(Matcher& m) {
  m.level = 0;
  m.depth = 0;
}

// Raises the matcher's error; called with no C++ object alive but the Matcher (trivially
// destructible).
int raise(lua_State* L, Matcher& m) {
  return luaL_error(L, "%s", m.error);
}

// Pushes capture i (or the whole match when there are none).
void push_capture(lua_State* L, Matcher& m, int i, const char* s, const char* e) {
  if (i >= m.level) {
    if (i == 0) {
      lua_pushlstring(L, s, static_cast<std::size_t>(e - s));
      return;
    }
    luaL_error(L, "ongeldige capture-index %%%d", i + 1);
    return;
  }
  std::ptrdiff_t l = m.capture[i].len;
  if (l == kCapUnfinished) {
    luaL_error(L, "ongeldig patroon: capture niet afgesloten");
    return;
  }
  if (l == kCapPosition) {
    lua_pushinteger(L, (m.capture[i].init - m.src_init) + 1);
  } else {
    lua_pushlstring(L, m.capture[i].init, static_cast<std::size_t>(l));
  }
}

int push_captures(lua_State* L, Matcher& m, const char* s, const char* e, bool whole_if_none) {
  int n = (m.level == 0 && whole_if_none) ? 1 : m.level;
  luaL_checkstack(L, n, "te veel captures");
  for (int i = 0; i < n; ++i) push_capture(L, m, i, s, e);
  return n;
}

std::size_t start_index(lua_Integer pos, std::size_t len) {
  if (pos > 0) return static_cast<std::size_t>(pos);
  if (pos == 0) return 1;
  if (pos < -static_cast<lua_Integer>(len)) return 1;
  return len + static_cast<std::size_t>(pos) + 1;
}

int find_aux(lua_State* L, bool find) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  std::size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  bool no_specials = std::strlen(p) == lp && std::strpbrk(p, kSpecials) == nullptr;
  if (find && (lua_toboolean(L, 4) != 0 || no_specials)) {
    const void* hit = lp == 0 ? s + init : ::memmem(s + init, ls - init, p, lp);
    core(L).charge((ls - init) / 64 + 1);  // linear work, charged at a fraction per byte
    if (hit != nullptr) {
      auto start = static_cast<const char*>(hit) - s;
      lua_pushinteger(L, static_cast<lua_Integer>(start) + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(start) + static_cast<lua_Integer>(lp));
      return 2;
    }
    luaL_pushfail(L);
    return 1;
  }
  Matcher m;
  bool anchor = lp > 0 && *p == '^';
  if (anchor) {
    ++p;
    --lp;
  }
  prepare(m, L, s, ls, p, lp);
  const char* s1 = s + init;
  do {
    reset(m);
    const char* e = match(m, s1, p);
    if (m.aborted) return raise(L, m);
    if (e != nullptr) {
      m.flush();
      if (find) {
        lua_pushinteger(L, (s1 - s) + 1);
        lua_pushinteger(L, e - s);
        return push_captures(L, m, nullptr, nullptr, false) + 2;
      }
      return push_captures(L, m, s1, e, true);
    }
  } while (s1++ < m.src_end && !anchor);
  m.flush();
  if (core(L).killed) return luaL_error(L, "%s", core(L).kill_reason.c_str());
  luaL_pushfail(L);
  return 1;
}

int l_find(lua_State* L) {
  return find_aux(L, true);
}
int l_match(lua_State* L) {
  return find_aux(L, false);
}

// gmatch state lives in a userdata so the iterator closure can keep it between calls.
struct GmatchState {
  const char* src;
  const char* p;
  const char* lastmatch;
  Matcher m;
};

int gmatch_step(lua_State* L) {
  auto* gm = static_cast<GmatchState*>(lua_touserdata(L, lua_upvalueindex(3)));
  gm->m.L = L;
  for (const char* src = gm->src; src <= gm->m.src_end; ++src) {
    reset(gm->m);
    const char* e = match(gm->m, src, gm->p);
    if (gm->m.aborted) return raise(L, gm->m);
    if (e != nullptr && e != gm->lastmatch) {
      gm->src = gm->lastmatch = e;
      gm->m.flush();
      return push_captures(L, gm->m, src, e, true);
    }
  }
  gm->m.flush();
  return 0;
}

int l_gmatch(lua_State* L) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  std::size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) init = ls + 1;
  lua_settop(L, 2);
  auto* gm = static_cast<GmatchState*>(lua_newuserdatauv(L, sizeof(GmatchState), 0));
  new (gm) GmatchState{};
  prepare(gm->m, L, s, ls, p, lp);
  gm->src = s + init;
  gm->p = p;
  gm->lastmatch = nullptr;
  // Upvalues 1 and 2 keep the subject and the pattern strings alive.
  lua_pushcclosure(L, gmatch_step, 3);
  return 1;
}

void add_replacement_string(Matcher& m, luaL_Buffer* b, const char* s, const char* e,
                            const char* news, std::size_t l) {
  lua_State* L = m.L;
  const char* end = news + l;
  const char* p = news;
  while (p < end) {
    const char* pct =
        static_cast<const char*>(std::memchr(p, kEsc, static_cast<std::size_t>(end - p)));
    if (pct == nullptr) {
      luaL_addlstring(b, p, static_cast<std::size_t>(end - p));
      break;
    }
    luaL_addlstring(b, p, static_cast<std::size_t>(pct - p));
    ++pct;
    if (pct >= end) {
      luaL_error(L, "ongeldig gebruik van '%%' in de vervangtekst");
      return;
    }
    if (*pct == kEsc) {
      luaL_addchar(b, kEsc);
    } else if (std::isdigit(static_cast<unsigned char>(*pct))) {
      if (*pct == '0') {
        luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
      } else {
        push_capture(L, m, *pct - '1', s, e);
        luaL_tolstring(L, -1, nullptr);
        lua_remove(L, -2);
        luaL_addvalue(b);
      }
    } else {
      luaL_error(L, "ongeldig gebruik van '%%' in de vervangtekst");
      return;
    }
    p = pct + 1;
  }
}

// Adds the replacement for match [s, e); returns false when the original is kept.
void add_value(Matcher& m, luaL_Buffer* b, const char* s, const char* e, int tr) {
  lua_State* L = m.L;
  switch (tr) {
    case LUA_TFUNCTION: {
      lua_pushvalue(L, 3);
      int n = push_captures(L, m, s, e, true);
      lua_call(L, n, 1);
      break;
    }
    case LUA_TTABLE:
      push_capture(L, m, 0, s, e);
      lua_gettable(L, 3);
      break;
    default: {
      std::size_t l = 0;
      const char* news = lua_tolstring(L, 3, &l);
      add_replacement_string(m, b, s, e, news, l);
      return;
    }
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
  } else if (!lua_isstring(L, -1)) {
    luaL_error(L, "ongeldige vervangwaarde (een %s)", luaL_typename(L, -1));
  } else {
    luaL_addvalue(b);
  }
}

int l_gsub(lua_State* L) {
  std::size_t srcl = 0;
  std::size_t lp = 0;
  const char* src = luaL_checklstring(L, 1, &srcl);
  const char* p = luaL_checklstring(L, 2, &lp);
  const char* lastmatch = nullptr;
  int tr = lua_type(L, 3);
  lua_Integer max_s = luaL_optinteger(L, 4, static_cast<lua_Integer>(srcl) + 1);
  luaL_argexpected(
      L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
      "string/function/table");
  bool anchor = lp > 0 && *p == '^';
  if (anchor) {
    ++p;
    --lp;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  Matcher m;
  prepare(m, L, src, srcl, p, lp);
  lua_Integer n = 0;
  while (n < max_s) {
    reset(m);
    const char* e = match(m, src, p);
    if (m.aborted) return raise(L, m);
    if (e != nullptr && e != lastmatch) {
      ++n;
      add_value(m, &b, src, e, tr);
      src = lastmatch = e;
    } else if (src < m.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
    if (!m.step()) return raise(L, m);
  }
  m.flush();
  if (core(L).killed) return luaL_error(L, "%s", core(L).kill_reason.c_str());
  luaL_addlstring(&b, src, static_cast<std::size_t>(m.src_end - src));
  luaL_pushresult(&b);
  lua_pushinteger(L, n);
  return 2;
}

}  // namespace

void register_bounded_patterns(lua_State* L) {
  static const luaL_Reg kFns[] = {{"find", l_find},
                                  {"match", l_match},
                                  {"gmatch", l_gmatch},
                                  {"gsub", l_gsub},
                                  {nullptr, nullptr}};
  for (const luaL_Reg* f = kFns; f->name != nullptr; ++f) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, -2, f->name);
  }
}

}  // namespace meetlat::lua_detail
