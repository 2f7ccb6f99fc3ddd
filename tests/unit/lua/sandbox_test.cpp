// Hostile rule scripts (issue "Engine core", Tests): each gets outcome `error` with a clear
// message, and every other rule and submission is still evaluated.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {

// Runs the hostile rule; checks it errors with `expected` in its message and the sentinel passed,
// on two submissions in a row (the second must not be affected by the first).
void expect_contained(const std::string& body, const std::string& expected) {
  PackFixture f(sentinel_and_rule(body));
  for (int round = 0; round < 2; ++round) {
    SubmissionReport r = f.run();
    INFO("round " << round);
    REQUIRE(r.rules.size() == 2);
    const RuleResult* bad = rule(r, "XX-01");
    const RuleResult* ok = rule(r, "OK-01");
    REQUIRE(bad != nullptr);
    REQUIRE(ok != nullptr);
    INFO(bad->message << "\n" << bad->detail);
    CHECK(bad->outcome == Outcome::error);
    CHECK((bad->message + bad->detail).find(expected) != std::string::npos);
    CHECK(ok->outcome == Outcome::pass);
    CHECK(r.verdict == Verdict::onbeslist);
  }
}

}  // namespace

TEST_CASE("an infinite loop exhausts the instruction budget", "[sandbox][hostile]") {
  expect_contained("while true do end", "rekenbudget overschreden");
}

TEST_CASE("a loop that swallows its own termination with pcall is still stopped",
          "[sandbox][hostile]") {
  expect_contained(
      "for i = 1, 100 do pcall(function() while true do end end) end return pass('ontsnapt')",
      "rekenbudget overschreden");
}

TEST_CASE("xpcall does not run the rule's handler once the evaluation is terminated",
          "[sandbox][hostile]") {
  expect_contained(
      "xpcall(function() while true do end end, function() while true do end end) "
      "return pass('ontsnapt')",
      "rekenbudget overschreden");
}

TEST_CASE("an error raised inside an error handler is contained", "[sandbox][hostile]") {
  expect_contained(
      "local ok = xpcall(function() error('a') end, function() error('b') end) "
      "error('na de handler')",
      "na de handler");
}

TEST_CASE("the time limit stops a loop when the instruction budget is large",
          "[sandbox][hostile]") {
  PackFixture f(sentinel_and_rule("while true do end"));
  f.limits.rule.instructions = 1'000'000'000'000ULL;
  f.limits.rule.time = std::chrono::milliseconds(50);
  f.reset();
  SubmissionReport r = f.run();
  REQUIRE(rule(r, "XX-01")->outcome == Outcome::error);
  CHECK(rule(r, "XX-01")->message.find("tijdslimiet overschreden") != std::string::npos);
  CHECK(rule(r, "OK-01")->outcome == Outcome::pass);
}

TEST_CASE("a memory bomb hits the memory limit", "[sandbox][hostile]") {
  expect_contained("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end",
                   "geheugenlimiet overschreden");
}

TEST_CASE("a memory bomb caught by pcall is still stopped", "[sandbox][hostile]") {
  expect_contained(
      "local t = {} pcall(function() for i = 1, 1e9 do t[i] = {i} end end) "
      "return pass('ontsnapt')",
      "geheugenlimiet overschreden");
}

TEST_CASE("string.rep bombs fail without taking the memory", "[sandbox][hostile]") {
  expect_contained("local s = string.rep('x', 1 << 40) return pass(#s)", "");
  expect_contained("local s = ('abc'):rep(1e8, ',') return pass(#s)", "geheugenlimiet");
}

TEST_CASE("os, io, require, load, debug, package do not exist", "[sandbox][hostile]") {
  expect_contained("os.exit(1)", "onbekende naam 'os'");
  expect_contained("io.open('/etc/passwd')", "onbekende naam 'io'");
  expect_contained("require('os')", "onbekende naam 'require'");
  expect_contained("return load('return 1')()", "onbekende naam 'load'");
  expect_contained("debug.sethook()", "onbekende naam 'debug'");
  expect_contained("package.loadlib('x', 'y')", "onbekende naam 'package'");
  expect_contained("dofile('/etc/passwd')", "onbekende naam 'dofile'");
  expect_contained("collectgarbage('stop')", "onbekende naam 'collectgarbage'");
  expect_contained("coroutine.wrap(function() end)()", "onbekende naam 'coroutine'");
}

TEST_CASE("bytecode cannot be produced or loaded", "[sandbox][hostile]") {
  expect_contained("local f = string.dump(function() end)", "dump");
}

TEST_CASE("unknown names suggest the intended one", "[sandbox]") {
  expect_contained("return pas('x')", "bedoelde u 'pass'?");
}

TEST_CASE("deep recursion is an error, not a crash", "[sandbox][hostile]") {
  expect_contained("local function f(n) return 1 + f(n + 1) end return pass(f(1))", "");
}

TEST_CASE("finalizers cannot be installed", "[sandbox][hostile]") {
  expect_contained("setmetatable({}, { __gc = function() while true do end end })",
                   "__gc is niet toegestaan");
  expect_contained("setmetatable({}, { __close = function() end })", "__close is niet toegestaan");
}

TEST_CASE("an error value with a hostile __tostring is never converted by the host",
          "[sandbox][hostile]") {
  expect_contained("error(setmetatable({}, { __tostring = function() while true do end end }))",
                   "fout zonder tekst");
}

TEST_CASE("returning something that is not an outcome is an error", "[sandbox][hostile]") {
  expect_contained("return 42", "42");
  expect_contained("return nil", "geen uitkomst");
  expect_contained("return { outcome = 'pass' }", "tabel");
  expect_contained(
      "return setmetatable({}, { __index = function() while true do end end, "
      "__tostring = function() while true do end end, __eq = function() return true end })",
      "tabel");
  expect_contained("return 'pass'", "\"pass\"");
}

TEST_CASE("rules cannot modify the submission", "[sandbox][hostile]") {
  expect_contained("s.aanvraag.regio = 'Elders'", "alleen-lezen");
  expect_contained("s.nieuw = {}", "alleen-lezen");
  expect_contained("table.insert(s.aanvraag, 'x')", "alleen-lezen");
  expect_contained("rawset(s.aanvraag, 'regio', 'x')", "onbekende naam 'rawset'");
  expect_contained("setmetatable(s.aanvraag, nil)", "alleen-lezen");
  expect_contained("getmetatable(s.aanvraag).__index = nil", "attempt to index");
}

TEST_CASE("rules cannot modify the parameters", "[sandbox][hostile]") {
  PackFixture f(sentinel_and_rule("p.limiet = 0"), "[parameters.limiet]\ntype = \"integer\"\n",
                "limiet = 5\n");
  SubmissionReport r = f.run();
  CHECK(rule(r, "XX-01")->outcome == Outcome::error);
  CHECK(rule(r, "XX-01")->message.find("alleen-lezen") != std::string::npos);
}

TEST_CASE("rules cannot create or change globals or the standard library", "[sandbox][hostile]") {
  expect_contained("x = 1", "globale naam 'x' kan niet worden toegewezen");
  expect_contained("pass = function() end", "kan niet worden toegewezen");
  expect_contained("string.upper = nil", "alleen-lezen");
  expect_contained("math.floor = nil", "alleen-lezen");
  expect_contained("getmetatable('').__index.upper = nil", "attempt to index");
  expect_contained("setmetatable(_ENV, {})", "alleen-lezen");
  expect_contained("local _ENV = {} return pass('x')", "attempt to call");
}

TEST_CASE("pathological patterns are stopped inside the matcher", "[sandbox][hostile]") {
  expect_contained("return pass(string.find(('a'):rep(40), ('a*'):rep(40) .. 'b'))",
                   "rekenbudget overschreden");
  expect_contained(
      "return pass(select(2, string.gsub(('a'):rep(5000), '(a-)(a-)(a-)(a-)b', '%1')))",
      "rekenbudget overschreden");
  expect_contained("for w in (('a'):rep(40)):gmatch(('a?'):rep(40) .. ('a'):rep(40) .. 'b') do end",
                   "rekenbudget overschreden");
}

TEST_CASE("table.move over a huge range is refused", "[sandbox][hostile]") {
  expect_contained("table.move({}, 1, math.maxinteger, 2, {})", "te veel elementen");
}

TEST_CASE("state kept outside check() does not leak between submissions", "[sandbox]") {
  // A counter at the top of the script is reset after every evaluation.
  PackFixture f(std::string(kSentinelRule) + R"lua(
local n = 0
local function bump() n = n + 1 return n end
rule {
  id = "XX-01", title = "Counter", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
    local v = bump()
    if v ~= 1 then return fail("state leaked: " .. v) end
    return pass("fresh")
  end,
}
)lua");
  for (int i = 0; i < 3; ++i) {
    SubmissionReport r = f.run();
    CHECK(rule(r, "XX-01")->outcome == Outcome::pass);
  }
}

TEST_CASE("a variable two rules share is restored after each rule", "[sandbox]") {
  // Both rules reach the same upvalue `n` (through bump and directly); it is recorded once for
  // the pack and restored after every rule, so B-02 sees 0 although B-01 ran first.
  PackFixture f(R"lua(
local n = 0
local function bump() n = n + 10 return n end
rule { id = "B-01", title = "a", severity = "blocking", source = "t", quote = "t",
  check = function(s, p) bump() return pass(tostring(n)) end }
rule { id = "B-02", title = "b", severity = "blocking", source = "t", quote = "t",
  check = function(s, p) local before = n bump() return pass(before .. "/" .. n) end }
)lua");
  for (int i = 0; i < 2; ++i) {
    SubmissionReport r = f.run();
    CHECK(rule(r, "B-01")->message == "10");
    CHECK(rule(r, "B-02")->message == "0/10");
  }
}

TEST_CASE("tables built at load time are frozen", "[sandbox][hostile]") {
  PackFixture f(std::string(kSentinelRule) + R"lua(
local seen = { "a" }
rule {
  id = "XX-01", title = "Frozen", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
    seen[#seen + 1] = "b"
    return pass(#seen)
  end,
}
)lua");
  SubmissionReport r = f.run();
  CHECK(rule(r, "XX-01")->outcome == Outcome::error);
  CHECK(rule(r, "XX-01")->message.find("alleen-lezen") != std::string::npos);
  CHECK(rule(r, "OK-01")->outcome == Outcome::pass);
}

TEST_CASE("one rule's locals are invisible to the next rule", "[sandbox]") {
  PackFixture f(R"lua(
rule { id = "A-01", title = "a", severity = "blocking", source = "t", quote = "t",
  check = function(s, p) local secret = 1 return pass() end }
rule { id = "A-02", title = "b", severity = "blocking", source = "t", quote = "t",
  check = function(s, p) return pass(tostring(secret)) end }
)lua");
  SubmissionReport r = f.run();
  CHECK(rule(r, "A-01")->outcome == Outcome::pass);
  CHECK(rule(r, "A-02")->outcome == Outcome::error);
  CHECK(rule(r, "A-02")->message.find("onbekende naam 'secret'") != std::string::npos);
}

TEST_CASE("a script that loops while loading is refused with a located message",
          "[sandbox][hostile]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/a.lua", "while true do end\n");
  Limits limits;
  limits.load.instructions = 1'000'000;
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, limits);
  auto pack = registry->get((dir.path() / "p").string());
  REQUIRE(pack);
  auto loaded = ev.load(*pack);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().message.find("a.lua:1") != std::string::npos);
  CHECK(loaded.error().message.find("rekenbudget") != std::string::npos);
}

TEST_CASE("rule metadata is required and typos are named", "[sandbox][pack]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/a.lua", R"lua(
rule { id = "A-01", titel = "x", severity = "blocking", source = "s", quote = "q",
       check = function() return pass() end }
rule { id = "A-02", title = "x", severity = "hard", source = "s",
       check = function() return pass() end }
rule { id = "A-02", title = "x", severity = "blocking", source = "s", quote = "q", check = 1 }
)lua");
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, Limits{});
  auto loaded = ev.load(*registry->get((dir.path() / "p").string()));
  REQUIRE_FALSE(loaded);
  const std::string& m = loaded.error().message;
  CHECK(m.find("a.lua:2: onbekend veld 'titel'") != std::string::npos);
  CHECK(m.find("gebruik 'title'") != std::string::npos);
  CHECK(m.find("'title' ontbreekt") != std::string::npos);
  CHECK(m.find("a.lua:4: regel A-02: 'severity' moet \"blocking\" of \"advisory\" zijn, niet "
               "\"hard\"") != std::string::npos);
  CHECK(m.find("'quote' ontbreekt") != std::string::npos);
  CHECK(m.find("'check' moet een functie zijn") != std::string::npos);
}

TEST_CASE("a syntax error in a script names file and line", "[sandbox][pack]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/a.lua", "rule {\n  id = 'A-01',\n  title = \n}\n");
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, Limits{});
  auto loaded = ev.load(*registry->get((dir.path() / "p").string()));
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().message.find("a.lua:4:") != std::string::npos);
}

TEST_CASE("bytecode is refused when loading a pack", "[sandbox][hostile]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/a.lua", std::string("\x1bLua\x54\x00 garbage", 14));
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, Limits{});
  auto pack = registry->get((dir.path() / "p").string());
  if (!pack) {
    SUCCEED("refused while reading: " << pack.error().message);
    return;
  }
  auto loaded = ev.load(*pack);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().message.find("binary") != std::string::npos);
}

TEST_CASE("a rule error carries file, line and traceback", "[sandbox]") {
  PackFixture f(sentinel_and_rule("local t = nil\nreturn pass(t.x)"));
  SubmissionReport r = f.run();
  const RuleResult* bad = rule(r, "XX-01");
  REQUIRE(bad->outcome == Outcome::error);
  CHECK(bad->message.find("rules.lua:") != std::string::npos);
  CHECK(bad->message.find("attempt to index a nil value") != std::string::npos);
  CHECK(bad->detail.find("stack traceback") != std::string::npos);
}

TEST_CASE("the contents behind a read-only view cannot be reached through __index",
          "[sandbox][hostile]") {
  // Regression: when a proxy's metatable doubled as its contents, `t.__index` handed out the
  // contents table and a rule could change the string library or the submission through it.
  PackFixture f(R"lua(
rule { id = "A-01", title = "a", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
    local d = ("x").__index
    if d ~= nil then d.upper = function() return "kapot" end end
    local a = s.aanvraag.__index
    if a ~= nil then a.regio = "Elders" end
    local st = string.__index
    if st ~= nil then st.lower = nil end
    return pass(tostring(d) .. tostring(a) .. tostring(st))
  end }
rule { id = "A-02", title = "b", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
    if ("x"):upper() ~= "X" or string.lower("A") ~= "a" then return fail("library changed") end
    if s.aanvraag.regio ~= "IJsselland" then return fail("submission changed") end
    return pass("intact")
  end }
)lua");
  SubmissionReport r = f.run();
  CHECK(rule(r, "A-01")->outcome == Outcome::pass);
  CHECK(rule(r, "A-01")->message == "nilnilnil");
  CHECK(rule(r, "A-02")->outcome == Outcome::pass);
}

namespace {

// A pack with one rule V-01 whose check is `body` (the views tests below).
std::string view_rule(const std::string& body) {
  return R"lua(
rule { id = "V-01", title = "v", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
)lua" + body +
         "\n  end }\n";
}

// Evaluates `text` and returns the message of V-01, which must pass.
std::string passing_message(PackFixture& f, const std::string& text,
                            SubmissionFormat format = SubmissionFormat::toml) {
  SubmissionReport r = f.run(text, format);
  const RuleResult* v = rule(r, "V-01");
  REQUIRE(v != nullptr);
  INFO(v->message << "\n" << v->detail);
  REQUIRE(v->outcome == Outcome::pass);
  return v->message;
}

// An initiative whose [initiatief] holds `thema`, a long `toelichting` (longer than Lua's short
// strings) and a list of tables.
std::string initiative_with(const std::string& thema, const std::string& toelichting,
                            const std::string& partners) {
  return std::string(kInitiative) + "toelichting = \"" + toelichting + "\"\n" + "thema_extra = \"" +
         thema + "\"\n" + partners;
}

// A JSON initiative whose "initiatief" object has, after thema and gevraagd_bedrag, `members`.
std::string json_initiative_with(const std::string& members) {
  return R"({"aanvraag": {"soort": "initiatief", "regio": "IJsselland",
      "titel": "Test", "ingediend": "2020-04-14"},
      "initiatief": {"thema": "ambulantisering", "gevraagd_bedrag": 30000, )" +
         members + "}}";
}

}  // namespace

TEST_CASE("views made from pooled contents show only their own submission", "[sandbox]") {
  // A view is reused by the next submission's node of the same shape (proxies.cpp, ViewPool).
  // A rule reads a long text directly in one submission and through pairs in the next, in a
  // table of the same shape: each must see its own text and values.
  PackFixture f(view_rule(R"lua(
    local i = s.initiatief
    local parts = { i.thema_extra }
    if i.thema_extra == "direct" then
      parts[#parts + 1] = i.toelichting
    else
      local keys = {}
      for k, v in pairs(i) do keys[#keys + 1] = k end
      table.sort(keys)
      for _, k in ipairs(keys) do
        if k == "toelichting" then parts[#parts + 1] = i[k] end
      end
    end
    for _, partner in ipairs(i.partner or {}) do
      parts[#parts + 1] = partner.naam .. "=" .. tostring(partner.rol)
    end
    return pass(table.concat(parts, "|")))lua"));
  const std::string text_a(60, 'a');
  const std::string text_b(60, 'b');
  const std::string two =
      "[[initiatief.partner]]\nnaam = \"P1\"\nrol = \"trekker\"\n"
      "[[initiatief.partner]]\nnaam = \"P2\"\nrol = \"lid\"\n";
  const std::string two_other =
      "[[initiatief.partner]]\nnaam = \"Q1\"\nrol = \"lid\"\n"
      "[[initiatief.partner]]\nnaam = \"Q2\"\nrol = \"trekker\"\n";
  const std::string one_short = "[[initiatief.partner]]\nnaam = \"R1\"\n";

  auto message = [&](const std::string& text) { return passing_message(f, text); };
  CHECK(message(initiative_with("direct", text_a, two)) ==
        "direct|" + text_a + "|P1=trekker|P2=lid");
  CHECK(message(initiative_with("pairs", text_b, two_other)) ==
        "pairs|" + text_b + "|Q1=lid|Q2=trekker");
  CHECK(message(initiative_with("direct", text_b, two)) ==
        "direct|" + text_b + "|P1=trekker|P2=lid");
  // Another shape: one partner without a rol, a short text.
  CHECK(message(initiative_with("pairs", "kort", one_short)) == "pairs|kort|R1=nil");
  CHECK(message(initiative_with("pairs", text_a, two)) == "pairs|" + text_a + "|P1=trekker|P2=lid");
}

TEST_CASE("a null member is missing also in a view made from pooled contents", "[sandbox]") {
  PackFixture f(view_rule(R"lua(
    local i = s.initiatief
    local n = 0
    for _ in pairs(i) do n = n + 1 end
    return pass(tostring(i.titel_extra) .. "/" .. n))lua"));
  auto message = [&](const std::string& extra) {
    return passing_message(f, json_initiative_with(extra), SubmissionFormat::json);
  };
  CHECK(message(R"("titel_extra": "een")") == "een/3");
  CHECK(message(R"("titel_extra": null)") == "nil/2");
  CHECK(message(R"("titel_extra": "twee")") == "twee/3");
  CHECK(message(R"("titel_extra": null)") == "nil/2");
}

TEST_CASE("a key holding a NUL byte does not give its view's keys to another table", "[sandbox]") {
  // With a terminator after each key in a ViewPool shape, {"k\0pz": ..} and {k = .., z = ..}
  // had the same shape: the second submission got the first one's view and its keys.
  PackFixture f(view_rule(R"lua(
    local i = s.initiatief
    return pass(tostring(i.k) .. "/" .. tostring(i.z)))lua"));
  auto message = [&](const std::string& members) {
    return passing_message(f, json_initiative_with(members), SubmissionFormat::json);
  };
  CHECK(message(R"("k\u0000pz": "X")") == "nil/nil");
  CHECK(message(R"("k": "een", "z": "twee")") == "een/twee");
  CHECK(message(R"("k\u0000pz": "Y")") == "nil/nil");
  CHECK(message(R"("k": "drie", "z": "vier")") == "drie/vier");
}

TEST_CASE("tables with an empty key or a very long shape are views like any other", "[sandbox]") {
  // An empty member name, and a table whose shape (ViewPool::kMaxShape) is too long to pool.
  PackFixture f(view_rule(R"lua(
    local i = s.initiatief
    local n = 0
    for _ in pairs(i.veel) do n = n + 1 end
    return pass(("%s/%s/%d/%s"):format(tostring(i[""]), tostring(i.x), n,
      tostring(i.veel.sleutel_nummer_0099_met_een_lange_naam))))lua"));
  auto message = [&](int round) {
    std::string many;
    for (int k = 0; k < 100; ++k) {
      many += fmt::format("{}\"sleutel_nummer_{:04}_met_een_lange_naam\": {}", k == 0 ? "" : ", ",
                          k, k + round);
    }
    return passing_message(f,
                           json_initiative_with(R"("": )" + std::to_string(round) +
                                                R"(, "x": "y", "veel": {)" + many + "}"),
                           SubmissionFormat::json);
  };
  CHECK(message(1) == "1/y/100/100");
  CHECK(message(2) == "2/y/100/101");
}
