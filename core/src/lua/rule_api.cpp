// The rule API that policy staff write rules with (docs/rule-api.md): declaring rules, returning
// outcomes, exact money, per-year tables, word counts and key paths for evidence.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "lua_internal.h"
#include "meetlat/money.h"
#include "meetlat/text.h"

namespace meetlat::lua_detail {
namespace {

constexpr std::string_view kRuleFields[] = {"id",    "title", "severity",   "source",
                                            "quote", "check", "description"};

bool valid_rule_id(std::string_view id) {
  // Letters/digits, a dash, digits: "BG-01", "TF-10", "ML-08", "X2-7".
  std::size_t dash = id.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) return false;
  for (std::size_t i = 0; i < dash; ++i) {
    char c = id[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  if (id[0] < 'A' || id[0] > 'Z') return false;
  for (std::size_t i = dash + 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  return true;
}

void add_problem(SandboxCore& c, int line, std::string message) {
  if (c.load_problems == nullptr) return;
  c.load_problems->push_back({c.loading_file, line, std::move(message)});
}

// rule{ id=..., title=..., severity=..., source=..., quote=..., check=function(s, p) ... end }
int l_rule(lua_State* L) {
  SandboxCore& c = core(L);
  if (!c.loading || c.pending_rules == nullptr) {
    return luaL_error(L, "rule{} kan alleen bovenaan een regelbestand staan, niet binnen check()");
  }
  lua_Debug ar{};
  int line = 0;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar)) line = ar.currentline;
  if (lua_type(L, 1) != LUA_TTABLE) {
    try {
      add_problem(c, line, "rule verwacht een tabel: rule { id = \"XX-01\", ... }");
    } catch (...) {
    }
    return 0;
  }
  lua_settop(L, 1);
  // Unknown fields are almost always typos ("titel" for "title"); name them.
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    std::size_t len = 0;
    const char* k = lua_tolstring(L, -1, &len);
    try {
      std::string_view key(k, len);
      bool known =
          std::find(std::begin(kRuleFields), std::end(kRuleFields), key) != std::end(kRuleFields);
      if (!known) {
        std::string_view best;
        std::size_t best_d = 99;
        for (auto f : kRuleFields) {
          std::size_t d = edit_distance(key, f);
          if (d < best_d) {
            best_d = d;
            best = f;
          }
        }
        std::string hint = best_d <= 3 ? fmt::format("; bedoelde u '{}'?", best) : std::string();
        if (key == "titel") hint = "; gebruik 'title'";
        if (key == "ernst") hint = "; gebruik 'severity'";
        if (key == "bron") hint = "; gebruik 'source'";
        if (key == "citaat") hint = "; gebruik 'quote'";
        add_problem(c, line, fmt::format("onbekend veld '{}' in rule{{}}{}", key, hint));
      }
    } catch (...) {
    }
  }
  // Read every field onto the stack first (these calls may raise), then build the declaration
  // in C++ without calling Lua (house rule: no C++ object alive across a raising Lua call).
  luaL_checkstack(L, 8, nullptr);
  static constexpr const char* kRead[] = {"id",          "title",    "source", "quote",
                                          "description", "severity", "check"};
  for (const char* f : kRead) {
    lua_pushstring(L, f);
    lua_rawget(L, 1);
  }
  auto text_at = [&](int idx) -> std::string_view {
    if (lua_type(L, idx) != LUA_TSTRING) return {};
    std::size_t len = 0;
    const char* s = lua_tolstring(L, idx, &len);
    return {s, len};
  };
  bool has_check = lua_type(L, 8) == LUA_TFUNCTION;
  int check_ref = LUA_NOREF;
  int check_line = 0;
  if (has_check) {
    lua_Debug fn_info{};
    lua_pushvalue(L, 8);
    if (lua_getinfo(L, ">S", &fn_info) != 0) check_line = fn_info.linedefined;
    lua_pushvalue(L, 8);
    check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  bool ok = true;
  try {
    SandboxCore::PendingRule pending;
    pending.decl.id = text_at(2);
    pending.decl.title = text_at(3);
    pending.decl.source = text_at(4);
    pending.decl.quote = text_at(5);
    pending.decl.description = text_at(6);
    std::string_view severity = text_at(7);
    pending.decl.file = c.loading_file;
    pending.decl.line = line;
    pending.decl.check_line = check_line;
    std::string where = pending.decl.id.empty() ? std::string("regel zonder id")
                                                : fmt::format("regel {}", pending.decl.id);
    if (pending.decl.id.empty()) {
      add_problem(c, line, "rule{} mist 'id' (bijvoorbeeld id = \"BG-01\")");
      ok = false;
    } else if (!valid_rule_id(pending.decl.id)) {
      add_problem(c, line,
                  fmt::format("id '{}' heeft niet de vorm LETTERS-CIJFERS, bijvoorbeeld \"BG-01\"",
                              pending.decl.id));
      ok = false;
    }
    if (!is_non_empty(pending.decl.title)) {
      add_problem(c, line, fmt::format("{}: 'title' ontbreekt of is leeg", where));
      ok = false;
    }
    if (!is_non_empty(pending.decl.source)) {
      add_problem(c, line,
                  fmt::format("{}: 'source' ontbreekt: noem document en paragraaf, bijvoorbeeld "
                              "\"004 Bijlage 1\"",
                              where));
      ok = false;
    }
    if (!is_non_empty(pending.decl.quote)) {
      add_problem(c, line,
                  fmt::format("{}: 'quote' ontbreekt: citeer letterlijk de beleidstekst waarop "
                              "de regel rust",
                              where));
      ok = false;
    }
    if (auto sev = severity_from_string(severity)) {
      pending.decl.severity = *sev;
    } else {
      add_problem(c, line,
                  fmt::format("{}: 'severity' moet \"blocking\" of \"advisory\" zijn{}", where,
                              severity.empty() ? std::string(" (ontbreekt)")
                                               : fmt::format(", niet \"{}\"", severity)));
      ok = false;
    }
    if (!has_check) {
      add_problem(
          c, line,
          fmt::format("{}: 'check' moet een functie zijn: check = function(s, p) ... end", where));
      ok = false;
    }
    if (ok) {
      pending.check_ref = check_ref;
      c.pending_rules->push_back(std::move(pending));
    }
  } catch (...) {
    ok = false;
  }
  if (!ok && check_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, check_ref);
  return 0;
}

// --- outcomes ---

int push_token(lua_State* L, std::size_t index) {
  lua_pushlightuserdata(L, reinterpret_cast<void*>(static_cast<std::uintptr_t>(index) + 1));
  return 1;
}

// An outcome hands at most this much to the host (kMaxOutcomeBytes of text, these counts); with
// them reports stay small and the evidence de-duplication in l_fail stays cheap.
constexpr std::size_t kMaxFindings = 1000;
constexpr std::size_t kMaxEvidence = 1000;
// Evidence slots an outcome may visit in C before each further one is charged to the budget:
// real outcomes visit a handful, and leaving them uncharged keeps `explain`'s counts as they were.
constexpr std::size_t kFreeVisits = 1000;

// Where evidence goes, with running totals so that nothing is measured twice and nothing too big
// is ever copied into host memory (a list of 1 000 references to a 60 MB string would be 60 GB).
struct EvidenceSink {
  std::vector<std::string>* out = nullptr;
  std::size_t bytes = 0;  ///< message and evidence text of the whole outcome so far
  std::size_t count = 0;  ///< evidence paths of the whole outcome so far
  std::size_t visits = 0;
  bool too_big = false;

  bool room_for(std::size_t len) const {
    return !too_big && bytes + len <= kMaxOutcomeBytes && count < kMaxEvidence;
  }
  void add(std::string text) {
    bytes += text.size();
    ++count;
    try {
      out->push_back(std::move(text));
    } catch (...) {
    }
  }
};

// Appends evidence from the value at `idx` (a string, a document proxy, or a list of them).
// Returns false for a value that cannot be evidence. Sets sink.too_big instead of copying past
// the outcome's limits.
bool add_evidence(lua_State* L, int idx, EvidenceSink& sink, int depth = 0) {
  if (++sink.visits > kFreeVisits) core(L).charge_or_raise(1);
  int t = lua_type(L, idx);
  if (t == LUA_TNIL) return true;
  if (t == LUA_TSTRING) {
    std::size_t len = 0;
    const char* s = lua_tolstring(L, idx, &len);
    if (!sink.room_for(len)) {
      sink.too_big = true;
      return true;
    }
    try {
      sink.add(std::string(s, len));
    } catch (...) {
    }
    return true;
  }
  if (t == LUA_TTABLE) {
    const Document* doc = nullptr;
    NodeId id = kNoNode;
    if (document_of(L, idx, &doc, &id)) {
      try {
        std::string path = doc->path(id);
        if (sink.room_for(path.size())) {
          sink.add(std::move(path));
        } else {
          sink.too_big = true;
        }
      } catch (...) {
      }
      return true;
    }
    if (depth > 0) return false;
    idx = lua_absindex(L, idx);
    lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, idx));
    for (lua_Integer i = 1; i <= n && i <= 1000 && !sink.too_big; ++i) {
      lua_rawgeti(L, idx, i);
      bool ok = add_evidence(L, -1, sink, depth + 1);
      lua_pop(L, 1);
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

// Raises when an outcome carries more than a report should: the rule then ends in `error`, never
// in a pass with a message cut short.
void check_outcome_size(lua_State* L, SandboxCore& c, std::size_t index, const EvidenceSink& sink,
                        std::size_t findings) {
  if (!sink.too_big && sink.bytes <= kMaxOutcomeBytes && findings <= kMaxFindings) return;
  c.outcomes[index] = RecordedOutcome{};
  luaL_error(L,
             "uitkomst te groot: bericht, bevindingen en bewijs samen hoogstens %I bytes, %I "
             "bevindingen en %I bewijsstukken; vat samen of noem de eerste gevallen",
             static_cast<lua_Integer>(kMaxOutcomeBytes), static_cast<lua_Integer>(kMaxFindings),
             static_cast<lua_Integer>(kMaxEvidence));
}

RecordedOutcome* new_outcome(SandboxCore& c, Outcome o) {
  try {
    c.outcomes.emplace_back();
  } catch (...) {
    return nullptr;
  }
  c.outcomes.back().outcome = o;
  return &c.outcomes.back();
}

int outcome_with_message(lua_State* L, Outcome o, bool message_required) {
  SandboxCore& c = core(L);
  if (c.loading) return luaL_error(L, "pass/fail/skip horen binnen check(), niet bij het laden");
  std::size_t len = 0;
  const char* msg = nullptr;
  if (message_required) {
    msg = luaL_checklstring(L, 1, &len);
  } else {
    msg = luaL_optlstring(L, 1, "", &len);
  }
  if (len > kMaxOutcomeBytes) {
    return luaL_error(L, "bericht te lang: %I bytes, hoogstens %I; vat samen",
                      static_cast<lua_Integer>(len), static_cast<lua_Integer>(kMaxOutcomeBytes));
  }
  RecordedOutcome* r = new_outcome(c, o);
  if (r == nullptr) return luaL_error(L, "geen geheugen");
  try {
    r->message.assign(msg, len);
  } catch (...) {
  }
  EvidenceSink sink;
  sink.out = &c.outcomes.back().evidence;
  sink.bytes = len;
  int n = lua_gettop(L);
  for (int i = 2; i <= n && !sink.too_big; ++i) {
    if (!add_evidence(L, i, sink)) {
      return luaL_argerror(L, i, "bewijs moet een pad (tekst) of een deel van de aanvraag zijn");
    }
  }
  check_outcome_size(L, c, c.outcomes.size() - 1, sink, 0);
  return push_token(L, c.outcomes.size() - 1);
}

int l_pass(lua_State* L) {
  return outcome_with_message(L, Outcome::pass, false);
}
int l_skip(lua_State* L) {
  return outcome_with_message(L, Outcome::skip, true);
}

// fail(message, evidence...) or fail(list) where list holds findings { message, evidence... }.
int l_fail(lua_State* L) {
  if (lua_type(L, 1) != LUA_TTABLE || is_proxy(L, 1)) {
    return outcome_with_message(L, Outcome::fail, true);
  }
  SandboxCore& c = core(L);
  if (c.loading) return luaL_error(L, "pass/fail/skip horen binnen check(), niet bij het laden");
  RecordedOutcome* r = new_outcome(c, Outcome::fail);
  if (r == nullptr) return luaL_error(L, "geen geheugen");
  std::size_t index = c.outcomes.size() - 1;
  lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, 1));
  if (n == 0) return luaL_argerror(L, 1, "fail() met een lege lijst bevindingen");
  EvidenceSink sink;  // running totals: re-measuring after every finding would be quadratic
  for (lua_Integer i = 1; i <= n; ++i) {
    check_outcome_size(L, c, index, sink, static_cast<std::size_t>(i));
    lua_rawgeti(L, 1, i);
    int item = lua_gettop(L);
    if (lua_type(L, item) != LUA_TTABLE) {
      return luaL_argerror(L, 1, "elke bevinding is een tabel { bericht, bewijs... }");
    }
    lua_rawgeti(L, item, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      return luaL_argerror(L, 1, "een bevinding begint met een bericht (tekst)");
    }
    std::size_t len = 0;
    const char* msg = lua_tolstring(L, -1, &len);
    sink.bytes += len + 1;  // checked before anything is copied
    check_outcome_size(L, c, index, sink, static_cast<std::size_t>(i));
    try {
      RecordedOutcome& out = c.outcomes[index];
      out.findings.push_back({std::string(msg, len), {}});
      if (!out.message.empty()) out.message += '\n';
      out.message.append(msg, len);
    } catch (...) {
    }
    lua_pop(L, 1);
    sink.out = &c.outcomes[index].findings.back().evidence;
    lua_Integer m = static_cast<lua_Integer>(lua_rawlen(L, item));
    for (lua_Integer k = 2; k <= m && !sink.too_big; ++k) {
      lua_rawgeti(L, item, k);
      bool ok = add_evidence(L, -1, sink);
      lua_pop(L, 1);
      if (!ok)
        return luaL_argerror(L, 1, "bewijs moet een pad (tekst) of een deel van de aanvraag zijn");
    }
    check_outcome_size(L, c, index, sink, static_cast<std::size_t>(i));
    try {
      // At most kMaxEvidence paths in all: this de-duplication stays below a million compares.
      RecordedOutcome& out = c.outcomes[index];
      for (const auto& e : out.findings.back().evidence) {
        if (std::find(out.evidence.begin(), out.evidence.end(), e) == out.evidence.end()) {
          out.evidence.push_back(e);
        }
      }
    } catch (...) {
    }
    lua_pop(L, 1);
  }
  return push_token(L, index);
}

// --- money ---

bool to_cents_arg(lua_State* L, int idx, Cents& out) {
  if (lua_isinteger(L, idx)) {
    out = lua_tointeger(L, idx);
    return true;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Number x = lua_tonumber(L, idx);
    if (x == static_cast<lua_Number>(static_cast<Cents>(x)) && x > -9.2e18 && x < 9.2e18) {
      out = static_cast<Cents>(x);
      return true;
    }
  }
  return false;
}

Cents check_cents(lua_State* L, int idx) {
  Cents c = 0;
  if (!to_cents_arg(L, idx, c)) {
    luaL_argerror(L, idx, "verwacht een bedrag in centen (geheel getal)");
  }
  return c;
}

int l_euro(lua_State* L) {
  Cents c = check_cents(L, 1);
  char buf[64];
  {
    std::string s = format_euro(c);
    std::snprintf(buf, sizeof buf, "%s", s.c_str());
  }
  lua_pushstring(L, buf);
  return 1;
}

bool decimal_arg(lua_State* L, int idx, Decimal& out) {
  if (lua_isinteger(L, idx)) {
    out = Decimal{lua_tointeger(L, idx), 0};
    return true;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    auto d = decimal_from_double(lua_tonumber(L, idx));
    if (!d) return false;
    out = *d;
    return true;
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    auto d = parse_decimal(lua_tostring(L, idx));
    if (!d) return false;
    out = *d;
    return true;
  }
  return false;
}

int l_money_cents(lua_State* L) {
  Decimal d;
  if (!decimal_arg(L, 1, d)) return luaL_argerror(L, 1, "verwacht een bedrag in euro's");
  Decimal hundred{100, 0};
  Rounded r = multiply(d.units, &hundred, 1);
  if (d.scale > 0) {
    Decimal unscale{1, d.scale};
    r = multiply(r.cents, &unscale, 1);
  }
  if (r.overflow) return luaL_argerror(L, 1, "bedrag te groot");
  if (!r.exact) return luaL_argerror(L, 1, "bedrag heeft meer dan twee decimalen");
  lua_pushinteger(L, r.cents);
  return 1;
}

// money.mul(cents, factor, ...) -> cents (rounded half away from zero), exact
int l_money_mul(lua_State* L) {
  Cents c = check_cents(L, 1);
  int n = lua_gettop(L) - 1;
  if (n < 1 || n > 4) return luaL_error(L, "money.mul(bedrag, factor, ...) neemt 1 tot 4 factoren");
  Decimal factors[4];
  for (int i = 0; i < n; ++i) {
    if (!decimal_arg(L, i + 2, factors[i])) {
      return luaL_argerror(L, i + 2, "verwacht een getal (hoogstens 9 decimalen)");
    }
  }
  Rounded r = multiply(c, factors, n);
  if (r.overflow) return luaL_error(L, "money.mul: uitkomst te groot");
  lua_pushinteger(L, r.cents);
  lua_pushboolean(L, r.exact ? 1 : 0);
  return 2;
}

// money.pct(cents, percentage) -> cents × percentage / 100, exact
int l_money_pct(lua_State* L) {
  Cents c = check_cents(L, 1);
  Decimal factors[2];
  if (!decimal_arg(L, 2, factors[0])) return luaL_argerror(L, 2, "verwacht een percentage");
  factors[1] = Decimal{1, 2};
  Rounded r = multiply(c, factors, 2);
  if (r.overflow) return luaL_error(L, "money.pct: uitkomst te groot");
  lua_pushinteger(L, r.cents);
  lua_pushboolean(L, r.exact ? 1 : 0);
  return 2;
}

// The amount of a money or integer node (cents), or false for any other kind.
bool node_cents(const Node& n, Cents& out) {
  if (n.kind == NodeKind::money) {
    out = n.value.cents;
  } else if (n.kind == NodeKind::integer) {
    out = n.value.integer;
  } else {
    return false;
  }
  return true;
}

// money.sum(t) -> the sum of every amount in a table (a per-year table or a list).
int l_money_sum(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  Cents total = 0;
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (document_of(L, 1, &doc, &id)) {  // part of the submission: sum the nodes directly
    for (NodeId c : children(*doc, id)) {
      const Node& n = doc->node(c);
      Cents v = 0;
      if (!node_cents(n, v) && n.kind != NodeKind::null) {
        return luaL_error(L, "money.sum: een waarde in deze tabel is geen bedrag");
      }
      if (__builtin_add_overflow(total, v, &total)) return luaL_error(L, "money.sum: te groot");
    }
    lua_pushinteger(L, total);
    return 1;
  }
  lua_pushcfunction(L, proxy_aware_next);
  int next_fn = lua_gettop(L);
  lua_pushnil(L);
  for (;;) {
    lua_pushvalue(L, next_fn);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2)) break;
    Cents c = 0;
    if (!to_cents_arg(L, -1, c)) {
      return luaL_error(L, "money.sum: waarde bij sleutel %s is geen bedrag",
                        luaL_tolstring(L, -2, nullptr));
    }
    if (__builtin_add_overflow(total, c, &total)) return luaL_error(L, "money.sum: te groot");
    lua_pop(L, 1);  // keep the key for the next step
    lua_remove(L, -2);
  }
  lua_pushinteger(L, total);
  return 1;
}

// --- sums per year over a list (money.per_year, money.per_year_by) ---
//
// The begroting rules add up per-year tables over every post of a list (BG-01, BG-02, BG-04) and
// TF-09 the bijdragen of every activity. In Lua that loop makes a read-only view of every post
// and of every per-year table and calls an iterator per year; here the amounts are read straight
// from the submission's nodes (bench/README.md: BG-01 went from 84 to under 10 µs).

std::string_view trim_view(std::string_view v);
bool same_text(std::string_view a, std::string_view b);

// Raises "<fn>: <path>: <what>" naming the place in the submission. Nothing with a destructor
// may be alive in the callers when this is called (luaL_error does not return).
[[noreturn]] void raise_at(lua_State* L, const char* fn, const Document& doc, NodeId id,
                           const char* what) {
  char where[300];
  try {
    std::string p = doc.path(id);
    std::snprintf(where, sizeof where, "%s", p.c_str());
  } catch (...) {
    std::snprintf(where, sizeof where, "?");
  }
  luaL_error(L, "%s: %s %s", fn, where, what);
  std::abort();  // not reached
}

// acc[year] = acc[year] + cents, exactly.
void add_to_year(lua_State* L, int acc, lua_Integer year, Cents cents, const char* fn) {
  lua_rawgeti(L, acc, year);
  Cents now = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  if (__builtin_add_overflow(now, cents, &now)) luaL_error(L, "%s: uitkomst te groot", fn);
  lua_pushinteger(L, now);
  lua_rawseti(L, acc, year);
}

// Sums per year gathered in C and written to the Lua table `acc` in one go (flush): most lists
// repeat the same three or four years, so this saves a table read and write per amount. Plain
// data only: luaL_error may jump over it.
struct YearRun {
  static constexpr int kMax = 32;
  lua_Integer year[kMax];
  Cents sum[kMax];
  int n = 0;
  lua_Integer items = 0;  // list items in the current group

  void flush(lua_State* L, int acc, const char* fn) {
    for (int i = 0; i < n; ++i) add_to_year(L, acc, year[i], sum[i], fn);
    n = 0;
  }
  void add(lua_State* L, int acc, lua_Integer y, Cents v, const char* fn) {
    for (int i = 0; i < n; ++i) {
      if (year[i] == y) {
        if (__builtin_add_overflow(sum[i], v, &sum[i])) luaL_error(L, "%s: uitkomst te groot", fn);
        return;
      }
    }
    if (n == kMax) flush(L, acc, fn);
    year[n] = y;
    sum[n] = v;
    ++n;
  }
};

// Adds the per-year table node `id` to `run` (written to acc when full); returns the number of
// entries read.
std::uint64_t add_per_year_node(lua_State* L, YearRun& run, int acc, const Document& doc, NodeId id,
                                const char* fn) {
  if (doc.node(id).kind != NodeKind::table) raise_at(L, fn, doc, id, "is geen tabel per jaar");
  bool tracing = core(L).trace != nullptr;
  std::uint64_t entries = 0;
  for (NodeId c = doc.node(id).first_child; c != kNoNode; c = doc.node(c).next_sibling) {
    const Node& n = doc.node(c);
    if (n.kind == NodeKind::null) continue;
    if (tracing) trace_read(L, doc, c);
    if (!is_year_key(n.key)) raise_at(L, fn, doc, c, "is geen jaar");
    Cents v = 0;
    if (!node_cents(n, v)) raise_at(L, fn, doc, c, "is geen bedrag");
    run.add(L, acc, year_of_key(n.key), v, fn);
    ++entries;
  }
  return entries;
}

// Adds the per-year table at value_idx (a view or a table a rule built) to acc; returns the
// number of entries read. Anything but integer years with amounts is an error: a sum that
// silently skipped a value would be wrong without anyone noticing.
std::uint64_t add_per_year(lua_State* L, int acc, int value_idx, const char* fn) {
  value_idx = lua_absindex(L, value_idx);
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (document_of(L, value_idx, &doc, &id)) {
    YearRun run;
    std::uint64_t entries = add_per_year_node(L, run, acc, *doc, id, fn);
    run.flush(L, acc, fn);
    return entries;
  }
  std::uint64_t entries = 0;
  if (lua_type(L, value_idx) != LUA_TTABLE || is_proxy(L, value_idx)) {
    luaL_error(L, "%s: verwacht tabellen per jaar, kreeg %s", fn, luaL_typename(L, value_idx));
  }
  lua_pushnil(L);
  while (lua_next(L, value_idx) != 0) {
    Cents v = 0;
    if (!lua_isinteger(L, -2)) luaL_error(L, "%s: een sleutel is geen jaar", fn);
    if (!to_cents_arg(L, -1, v)) luaL_error(L, "%s: een waarde is geen bedrag", fn);
    add_to_year(L, acc, lua_tointeger(L, -2), v, fn);
    lua_pop(L, 1);
    ++entries;
  }
  return entries;
}

// Pushes item[key] for the list item at item_idx (nil when the item is not a table).
void push_member(lua_State* L, int item_idx, const char* key) {
  if (lua_type(L, item_idx) == LUA_TTABLE) {
    lua_getfield(L, item_idx, key);
  } else {
    lua_pushnil(L);
  }
}

// The group of a list item: its text without case and without spaces at either end (as
// string.lower(trim(text)) in a rule), "" when it has none.
void push_group_text(lua_State* L, std::string_view text) {
  std::string_view t = trim_view(text);
  luaL_Buffer b;
  char* out = luaL_buffinitsize(L, &b, t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    auto ch = static_cast<unsigned char>(t[i]);
    out[i] = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
  }
  luaL_pushresultsize(&b, t.size());
}

void push_group(lua_State* L, int value_idx) {
  if (lua_type(L, value_idx) != LUA_TSTRING) {
    lua_pushliteral(L, "");
    return;
  }
  std::size_t len = 0;
  const char* s = lua_tolstring(L, value_idx, &len);
  push_group_text(L, std::string_view(s, len));
}

// Pushes the sums table of the group named on top of the stack, made when new.
void open_group(lua_State* L, int sums) {
  lua_pushvalue(L, -1);
  if (lua_rawget(L, sums) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 4);  // room for the usual three or four years without a rehash
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -2);
    lua_rawset(L, sums);
  }
}

// counts[g] = counts[g] + k for the group name at name_idx.
void count_group(lua_State* L, int counts, int name_idx, lua_Integer k) {
  lua_pushvalue(L, name_idx);
  lua_Integer seen = lua_rawget(L, counts) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  lua_pushvalue(L, name_idx);
  lua_pushinteger(L, seen + k);
  lua_rawset(L, counts);
}

// Counts one more item in group g (on top of the stack) and pushes the group's sums table.
void enter_group(lua_State* L, int sums, int counts) {
  count_group(L, counts, lua_gettop(L), 1);
  open_group(L, sums);
}
// money.per_year(list, field) -> { [year] = cents }, once: item[field] added up per year over
// every item of the list; items without the field count as nothing. An item whose field is one
// amount instead of a per-year table (bijdrage = 70000: for the whole period, submission format)
// is added to `once`, the second result.
// money.per_year_by(list, group, field) -> sums, counts: the same per group of items, where the
// group is item[group] without case and outer spaces; sums[g][year], counts[g] items in g.
int per_year(lua_State* L, bool grouped) {
  const char* fn = grouped ? "money.per_year_by" : "money.per_year";
  int field_arg = grouped ? 3 : 2;
  const char* group_key = grouped ? luaL_checkstring(L, 2) : nullptr;
  const char* field = luaL_checkstring(L, field_arg);
  if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 3);
  lua_createtable(L, 0, grouped ? 8 : 4);  // 4: sums (per year, or per group)
  int sums = 4;
  lua_newtable(L);  // 5: counts per group (per_year_by)
  int counts = 5;
  Cents once = 0;  // money.per_year: amounts given for the whole period, not per year
  // The results: sums and counts, or sums and once.
  auto results = [&] {
    if (!grouped) {
      lua_settop(L, sums);
      lua_pushinteger(L, once);
    }
    return 2;
  };
  if (lua_isnil(L, 1)) return results();
  std::uint64_t steps = 0;
  const Document* doc = nullptr;
  NodeId list = kNoNode;
  if (document_of(L, 1, &doc, &list)) {
    // A list of the submission: read its items' nodes, without making views of them.
    if (doc->node(list).kind != NodeKind::array) raise_at(L, fn, *doc, list, "is geen lijst");
    std::string_view group_name = group_key != nullptr ? group_key : "";
    std::string_view field_name = field;
    bool tracing = core(L).trace != nullptr;
    // Items of one group usually follow each other (the posts of a category): a run of them
    // shares one look-up of the group's table, and their sums are written when the run ends.
    YearRun run;
    int acc = sums;
    bool in_run = false;
    std::string_view run_text;
    auto end_run = [&] {
      run.flush(L, acc, fn);
      if (grouped) count_group(L, counts, acc - 1, run.items);
      lua_settop(L, counts);
      run.items = 0;
    };
    for (NodeId c = doc->node(list).first_child; c != kNoNode; c = doc->node(c).next_sibling) {
      NodeId group_node = grouped ? doc->find(c, group_name) : kNoNode;
      NodeId field_node = doc->find(c, field_name);
      if (grouped) {
        std::string_view text;
        if (group_node != kNoNode) {
          if (tracing) trace_read(L, *doc, group_node);
          if (doc->node(group_node).kind == NodeKind::string) text = doc->node(group_node).text;
        }
        if (!in_run || !same_text(text, run_text)) {
          if (in_run) end_run();
          push_group_text(L, text);
          open_group(L, sums);
          acc = lua_gettop(L);
          run_text = text;
        }
      }
      in_run = true;
      ++run.items;
      if (field_node != kNoNode && doc->node(field_node).kind != NodeKind::null) {
        Cents v = 0;
        if (!grouped && node_cents(doc->node(field_node), v)) {  // bijdrage = 70000: one amount
          if (tracing) trace_read(L, *doc, field_node);
          if (__builtin_add_overflow(once, v, &once)) luaL_error(L, "%s: uitkomst te groot", fn);
        } else {
          steps += add_per_year_node(L, run, acc, *doc, field_node, fn);
        }
      }
      ++steps;
    }
    if (in_run) end_run();
    core(L).charge_or_raise(steps);
    return results();
  }
  lua_Integer n = luaL_len(L, 1);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, 1, i);  // 6: item
    int item = lua_gettop(L);
    int acc = sums;
    if (grouped) {
      push_member(L, item, group_key);
      push_group(L, -1);
      lua_remove(L, -2);  // 7: group name
      enter_group(L, sums, counts);
      acc = lua_gettop(L);
    }
    push_member(L, item, field);
    Cents v = 0;
    if (!grouped && lua_type(L, -1) == LUA_TNUMBER && to_cents_arg(L, -1, v)) {
      if (__builtin_add_overflow(once, v, &once)) luaL_error(L, "%s: uitkomst te groot", fn);
    } else if (!lua_isnil(L, -1)) {
      steps += add_per_year(L, acc, -1, fn);
    }
    lua_settop(L, item - 1);
    ++steps;
  }
  core(L).charge_or_raise(steps);
  return results();
}

int l_money_per_year(lua_State* L) {
  return per_year(L, false);
}

int l_money_per_year_by(lua_State* L) {
  return per_year(L, true);
}

// Whether two texts are equal ignoring case (A-Z) and whitespace at either end: how
// money.per_year_by groups and find_all matches (as string.lower(trim(x)) in a rule).
bool same_text(std::string_view a, std::string_view b) {
  a = trim_view(a);
  b = trim_view(b);  // callers comparing many texts with one pass it trimmed: then a no-op
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + ('a' - 'A'));
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + ('a' - 'A'));
    if (x != y) return false;
  }
  return true;
}

// find_all(list, field, text [, field2, text2, ...]) -> the items of the list whose item[field]
// is `text` (and item[field2] is text2, ...), ignoring case and spaces at either end, in list
// order. A nil text sets no condition. BG-05 looks up the post each uitspraak is about: on a list
// of the submission this compares the nodes, without a view of every post.
struct Criterion {  // plain data: luaL_error may jump over it
  std::string_view field;
  std::string_view text;
};
constexpr int kMaxCriteria = 8;

int l_find_all(lua_State* L) {
  int top = lua_gettop(L);
  if (top < 3 || (top - 1) % 2 != 0) {
    return luaL_error(L,
                      "find_all(lijst, veld, tekst [, veld, tekst ...]) verwacht paren van veld "
                      "en tekst");
  }
  Criterion criteria[kMaxCriteria];
  int n_criteria = 0;
  for (int arg = 2; arg < top; arg += 2) {
    std::size_t flen = 0;
    const char* field = luaL_checklstring(L, arg, &flen);
    if (lua_isnil(L, arg + 1)) continue;  // no condition on this field
    std::size_t tlen = 0;
    const char* text = luaL_checklstring(L, arg + 1, &tlen);
    if (n_criteria == kMaxCriteria) return luaL_error(L, "find_all: hoogstens 8 velden");
    criteria[n_criteria++] = {std::string_view(field, flen),
                              trim_view(std::string_view(text, tlen))};
  }
  lua_settop(L, top);
  lua_newtable(L);
  int result = lua_gettop(L);
  if (lua_isnil(L, 1)) return 1;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer found = 0;
  std::uint64_t steps = 0;
  const Document* doc = nullptr;
  NodeId list = kNoNode;
  if (document_of(L, 1, &doc, &list) && doc->node(list).kind == NodeKind::array) {
    bool tracing = core(L).trace != nullptr;
    lua_Integer index = 0;
    for (NodeId c = doc->node(list).first_child; c != kNoNode; c = doc->node(c).next_sibling) {
      ++index;
      ++steps;
      if (doc->node(c).kind != NodeKind::table) continue;
      bool match = true;
      for (int k = 0; k < n_criteria && match; ++k) {
        NodeId m = doc->find(c, criteria[k].field);
        if (m != kNoNode && tracing) trace_read(L, *doc, m);
        match = m != kNoNode && doc->node(m).kind == NodeKind::string &&
                same_text(doc->node(m).text, criteria[k].text);
      }
      if (match) {
        lua_geti(L, 1, index);  // the item's view, shared with every other read of it
        lua_rawseti(L, result, ++found);
      }
    }
    core(L).charge_or_raise(steps);
    return 1;
  }
  lua_Integer n = luaL_len(L, 1);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, 1, i);
    int item = lua_gettop(L);
    bool match = true;
    for (int k = 0; k < n_criteria && match; ++k) {
      // The field names are the arguments themselves (Lua strings end in a NUL).
      push_member(L, item, criteria[k].field.data());
      std::size_t len = 0;
      const char* v = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : nullptr;
      match = v != nullptr && same_text(std::string_view(v, len), criteria[k].text);
      lua_settop(L, item);
    }
    if (match) {
      lua_pushvalue(L, item);
      lua_rawseti(L, result, ++found);
    }
    lua_settop(L, result);
    ++steps;
  }
  core(L).charge_or_raise(steps);
  return 1;
}

// --- text and tables ---

int l_words(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushinteger(L, 0);
    return 1;
  }
  std::size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  lua_pushinteger(L, static_cast<lua_Integer>(count_words(std::string_view(s, len))));
  return 1;
}

// `v` without whitespace (Unicode spaces too) at either end.
std::string_view trim_view(std::string_view v) {
  // Most texts start and end with a visible ASCII character: nothing to strip.
  if (!v.empty()) {
    auto first = static_cast<unsigned char>(v.front());
    auto last = static_cast<unsigned char>(v.back());
    if (first > ' ' && first < 0x7F && last > ' ' && last < 0x7F) return v;
  }
  std::size_t start = 0;
  std::size_t end = v.size();
  // Strip whole UTF-8 characters that are whitespace, from the front and from the back.
  auto char_len = [&](std::size_t i) {
    auto b = static_cast<unsigned char>(v[i]);
    return b < 0x80 ? 1u : (b >> 5) == 6 ? 2u : (b >> 4) == 14 ? 3u : (b >> 3) == 30 ? 4u : 1u;
  };
  while (start < end) {
    std::size_t l = std::min<std::size_t>(char_len(start), end - start);
    if (is_non_empty(v.substr(start, l))) break;
    start += l;
  }
  while (end > start) {
    std::size_t i = end - 1;
    while (i > start && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80) --i;
    if (is_non_empty(v.substr(i, end - i))) break;
    end = i;
  }
  return v.substr(start, end - start);
}

// trim(s) -> s without whitespace (Unicode spaces too) at either end.
int l_trim(lua_State* L) {
  std::size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  std::string_view t = trim_view(std::string_view(s, len));
  lua_pushlstring(L, t.data(), t.size());
  return 1;
}

// The rule catalogue's "non-empty" for a node of the submission: a string with a visible
// character, a list with at least one such string (or another value), a table with an entry,
// any number or boolean.
bool node_filled(const Document& doc, NodeId id) {
  const Node& n = doc.node(id);
  switch (n.kind) {
    case NodeKind::null:
      return false;
    case NodeKind::string:
    case NodeKind::date:
      return is_non_empty(n.text);
    case NodeKind::array:
      for (NodeId c : children(doc, id)) {
        const Node& item = doc.node(c);
        if (item.kind != NodeKind::string || is_non_empty(item.text)) return true;
      }
      return false;
    case NodeKind::table:
      return n.child_count > 0;
    default:
      return true;
  }
}

// filled() of the value at idx (absolute).
bool is_filled(lua_State* L, int idx) {
  int t = lua_type(L, idx);
  if (t == LUA_TSTRING) {
    std::size_t len = 0;
    const char* s = lua_tolstring(L, idx, &len);
    return is_non_empty(std::string_view(s, len));
  }
  if (t == LUA_TNUMBER || t == LUA_TBOOLEAN) return true;
  if (t != LUA_TTABLE) return false;
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (document_of(L, idx, &doc, &id)) return node_filled(*doc, id);
  int top = lua_gettop(L);
  lua_pushcfunction(L, proxy_aware_next);
  lua_pushvalue(L, idx);
  lua_pushnil(L);
  lua_call(L, 2, 2);
  bool filled = !lua_isnil(L, -2);
  if (filled && lua_rawlen(L, idx) > 0) {
    // A list: at least one non-empty string (or a non-string value).
    filled = false;
    auto n = static_cast<lua_Integer>(lua_rawlen(L, idx));
    for (lua_Integer i = 1; i <= n && !filled; ++i) {
      lua_rawgeti(L, idx, i);
      if (lua_type(L, -1) == LUA_TSTRING) {
        std::size_t len = 0;
        const char* s = lua_tolstring(L, -1, &len);
        filled = is_non_empty(std::string_view(s, len));
      } else {
        filled = !lua_isnil(L, -1);
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
  return filled;
}

// filled(x): the rule catalogue's "non-empty" (is_filled).
int l_filled(lua_State* L) {
  lua_settop(L, 1);
  lua_pushboolean(L, is_filled(L, 1) ? 1 : 0);
  return 1;
}

// missing(t, keys) -> the keys of the list `keys`, in its order, for which t[key] is not
// filled(). TF-07 asks it once per activity for the five parts of the stramien; on a part of the
// submission it reads the nodes directly.
int l_missing(lua_State* L) {
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  // The keys are usually a list the script made at load time, frozen since: read its contents
  // directly rather than through the view's metamethods for every key.
  if (push_contents(L, 2)) {
    if (lua_getmetatable(L, 3)) {
      lua_settop(L, 2);  // contents that fill lazily: read through the view
    } else {
      lua_replace(L, 2);
    }
  }
  lua_newtable(L);  // 3: the result
  lua_Integer n = luaL_len(L, 2);
  lua_Integer found = 0;
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  bool nodes = lua_type(L, 1) == LUA_TTABLE && document_of(L, 1, &doc, &id) &&
               doc->node(id).kind == NodeKind::table;
  bool tracing = core(L).trace != nullptr;
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, 2, i);  // 4: the key
    bool filled = false;
    if (nodes && lua_type(L, 4) == LUA_TSTRING) {
      std::size_t len = 0;
      const char* k = lua_tolstring(L, 4, &len);
      NodeId m = doc->find(id, std::string_view(k, len));
      if (m != kNoNode && tracing) trace_read(L, *doc, m);
      filled = m != kNoNode && node_filled(*doc, m);
    } else if (lua_type(L, 1) == LUA_TTABLE) {
      lua_pushvalue(L, 4);
      lua_gettable(L, 1);  // 5
      filled = is_filled(L, 5);
    }
    if (!filled) {
      lua_pushvalue(L, 4);
      lua_rawseti(L, 3, ++found);
    }
    lua_settop(L, 3);
  }
  if (n > 64) core(L).charge_or_raise(static_cast<std::uint64_t>(n));
  return 1;
}

// path(node [, key]) -> "activiteit[2].bijdrage.2019"
int l_path(lua_State* L) {
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (!document_of(L, 1, &doc, &id)) {
    return luaL_argerror(L, 1, "verwacht een deel van de aanvraag of van de parameters");
  }
  char buf[512];
  int key_type = lua_type(L, 2);
  std::size_t klen = 0;
  const char* key = key_type == LUA_TSTRING ? lua_tolstring(L, 2, &klen) : nullptr;
  lua_Integer ikey = key_type == LUA_TNUMBER ? lua_tointeger(L, 2) : 0;
  if (key_type != LUA_TNONE && key_type != LUA_TNIL && key_type != LUA_TSTRING &&
      key_type != LUA_TNUMBER) {
    return luaL_argerror(L, 2, "sleutel moet tekst of een getal zijn");
  }
  try {
    std::string p = doc->path(id);
    const Node& n = doc->node(id);
    if (key_type == LUA_TSTRING) {
      if (!p.empty()) p += '.';
      p.append(key, klen);
    } else if (key_type == LUA_TNUMBER) {
      if (n.kind == NodeKind::array) {
        p += fmt::format("[{}]", ikey - 1);
      } else {
        if (!p.empty()) p += '.';
        p += fmt::format("{}", ikey);
      }
    }
    std::snprintf(buf, sizeof buf, "%s", p.c_str());
  } catch (...) {
    buf[0] = '\0';
  }
  lua_pushstring(L, buf);
  return 1;
}

// years(t) -> sorted list of the integer keys of a per-year table
int l_years(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_newtable(L);
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (document_of(L, 1, &doc, &id)) {  // part of the submission: read the year keys directly
    lua_Integer found[64];
    int count = 0;
    for (NodeId c : children(*doc, id)) {
      const Node& n = doc->node(c);
      if (!is_year_key(n.key) || n.kind == NodeKind::null || count == 64) continue;
      lua_Integer y = year_of_key(n.key);
      int at = count++;
      while (at > 0 && found[at - 1] > y) {
        found[at] = found[at - 1];
        --at;
      }
      found[at] = y;
    }
    if (count < 64) {
      lua_createtable(L, count, 0);
      for (int i = 0; i < count; ++i) {
        lua_pushinteger(L, found[i]);
        lua_rawseti(L, -2, i + 1);
      }
      return 1;
    }
  }
  lua_newtable(L);  // 2: result
  lua_Integer n = 0;
  lua_pushcfunction(L, proxy_aware_next);
  int next_fn = lua_gettop(L);
  lua_pushnil(L);
  for (;;) {
    lua_pushvalue(L, next_fn);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2)) break;
    lua_pop(L, 1);
    if (lua_isinteger(L, -1)) {
      lua_pushvalue(L, -1);
      lua_rawseti(L, 2, ++n);
    }
    core(L).charge_or_raise(1);
    lua_remove(L, -2);
  }
  lua_settop(L, 2);
  // Sorted in a buffer the collector owns (no C++ object across Lua calls). An insertion sort,
  // fine for a handful of years, took minutes on a table with a million integer keys.
  SandboxCore& c = core(L);
  c.charge_or_raise(static_cast<std::uint64_t>(n) * 2);
  auto* keys = static_cast<lua_Integer*>(
      lua_newuserdatauv(L, static_cast<std::size_t>(n) * sizeof(lua_Integer), 0));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, 2, i);
    keys[i - 1] = lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  std::sort(keys, keys + n);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_pushinteger(L, keys[i - 1]);
    lua_rawseti(L, 2, i);
  }
  lua_settop(L, 2);
  return 1;
}

// contains(list, value) -> boolean
int l_contains(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  lua_Integer n = luaL_len(L, 1);
  SandboxCore& c = core(L);
  for (lua_Integer i = 1; i <= n; ++i) {
    c.charge_or_raise(1);  // #t may be a __len claiming 2^63 elements
    lua_geti(L, 1, i);
    bool eq = lua_rawequal(L, -1, 2) != 0;
    lua_pop(L, 1);
    if (eq) {
      lua_pushboolean(L, 1);
      return 1;
    }
  }
  lua_pushboolean(L, 0);
  return 1;
}

// count(t) -> number of entries (lists and tables alike)
int l_count(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushinteger(L, 0);
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  const Document* doc = nullptr;
  NodeId id = kNoNode;
  if (document_of(L, 1, &doc, &id)) {
    lua_Integer n = 0;
    for (NodeId c : children(*doc, id)) n += doc->node(c).kind == NodeKind::null ? 0 : 1;
    lua_pushinteger(L, n);
    return 1;
  }
  lua_settop(L, 1);
  lua_Integer n = 0;
  lua_pushcfunction(L, proxy_aware_next);
  int next_fn = lua_gettop(L);
  lua_pushnil(L);
  for (;;) {
    lua_pushvalue(L, next_fn);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2)) break;
    lua_pop(L, 1);
    lua_remove(L, -2);
    ++n;
  }
  lua_pushinteger(L, n);
  return 1;
}

// note(label, value): recorded for `meetlat explain`; free otherwise.
int l_note(lua_State* L) {
  SandboxCore& c = core(L);
  if (c.trace == nullptr) return 0;
  std::size_t len = 0;
  const char* label = luaL_checklstring(L, 1, &len);
  try {
    c.trace->notes.push_back(
        fmt::format("{} = {}", std::string_view(label, len), describe_value(L, 2)));
  } catch (...) {
  }
  return 0;
}

// print(...): lines go to the explain trace; rules have no console.
int l_print(lua_State* L) {
  SandboxCore& c = core(L);
  if (c.trace == nullptr) return 0;
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  std::size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  try {
    c.trace->notes.push_back(clip_text(std::string_view(s, len), kMaxErrorBytes));
  } catch (...) {
  }
  return 0;
}

constexpr const char* kMonths[] = {"januari",   "februari", "maart",    "april",
                                   "mei",       "juni",     "juli",     "augustus",
                                   "september", "oktober",  "november", "december"};

// dutch_date("2018-10-01") -> "1 oktober 2018"
int l_dutch_date(lua_State* L) {
  std::size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  if (len != 10 || s[4] != '-' || s[7] != '-') {
    return luaL_argerror(L, 1, "verwacht een datum JJJJ-MM-DD");
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return luaL_argerror(L, 1, "verwacht een datum JJJJ-MM-DD");
  }
  char year[5] = {s[0], s[1], s[2], s[3], '\0'};
  lua_pushfstring(L, "%d %s %s", day, kMonths[month - 1], year);
  return 1;
}

// ledger.committed(thema) -> cents already committed from the uitvoeringsbudget (ML-08).
int l_committed(lua_State* L) {
  std::size_t len = 0;
  const char* thema = luaL_checklstring(L, 1, &len);
  SandboxCore& c = core(L);
  Cents amount = 0;
  bool ok = true;
  try {
    amount = c.host != nullptr ? c.host->committed(c.regio, std::string_view(thema, len)) : 0;
  } catch (...) {
    ok = false;
  }
  if (!ok) return luaL_error(L, "het grootboek van toekenningen kon niet worden gelezen");
  lua_pushinteger(L, amount);
  return 1;
}

void set_functions(lua_State* L, const luaL_Reg* fns) {
  for (; fns->name != nullptr; ++fns) {
    lua_pushcfunction(L, fns->func);
    lua_setfield(L, -2, fns->name);
  }
}

}  // namespace

void register_rule_api(lua_State* L) {
  static const luaL_Reg kTop[] = {
      {"rule", l_rule},         {"pass", l_pass},         {"fail", l_fail},
      {"skip", l_skip},         {"euro", l_euro},         {"words", l_words},
      {"trim", l_trim},         {"filled", l_filled},     {"path", l_path},
      {"years", l_years},       {"contains", l_contains}, {"count", l_count},
      {"note", l_note},         {"print", l_print},       {"dutch_date", l_dutch_date},
      {"find_all", l_find_all}, {"missing", l_missing},   {nullptr, nullptr}};
  set_functions(L, kTop);
  static const luaL_Reg kMoney[] = {{"cents", l_money_cents},
                                    {"mul", l_money_mul},
                                    {"pct", l_money_pct},
                                    {"sum", l_money_sum},
                                    {"per_year", l_money_per_year},
                                    {"per_year_by", l_money_per_year_by},
                                    {"format", l_euro},
                                    {nullptr, nullptr}};
  lua_newtable(L);
  set_functions(L, kMoney);
  freeze_in_place(L, -1, nullptr);
  lua_setfield(L, -2, "money");
  static const luaL_Reg kLedger[] = {{"committed", l_committed}, {nullptr, nullptr}};
  lua_newtable(L);
  set_functions(L, kLedger);
  freeze_in_place(L, -1, nullptr);
  lua_setfield(L, -2, "ledger");
}

}  // namespace meetlat::lua_detail
