// The rule API of docs/rule-api.md, exercised from Lua.
#include <catch2/catch.hpp>

#include "meetlat/pack_tests.h"
#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {

// Runs `body` as the check of rule T-01 and returns its result.
RuleResult run_check(const std::string& body, const std::string& submission = kInitiative,
                     const HostData& host = HostData{}) {
  PackFixture f(R"lua(
rule {
  id = "T-01", title = "t", severity = "advisory", source = "s", quote = "q",
  check = function(s, p)
)lua" + body + R"lua(
  end,
}
)lua");
  SubmissionReport r = f.run(submission, SubmissionFormat::toml, host);
  REQUIRE(r.rules.size() == 1);
  return r.rules[0];
}

const char* kPlan = R"toml(
[aanvraag]
soort = "transformatieplan"
regio = "IJmond"
titel = "Plan"
ingediend = 2018-09-30
periode = [2018, 2020]

[[activiteit]]
onderwerp = "Eén"
bijdrage = { 2020 = 10, 2018 = 50000.5, 2019 = 75000 }
partners = ["  ", ""]

[[activiteit]]
onderwerp = "Twee"
bijdrage = 70000
partners = ["GGD"]
eindproducten = []
)toml";

}  // namespace

TEST_CASE("money is integer cents and formats the Dutch way", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local b = s.activiteit[1].bijdrage
    assert(math.type(b[2018]) == "integer" and b[2018] == 5000050)
    assert(s.activiteit[2].bijdrage == 7000000)
    assert(money.sum(b) == 5000050 + 7500000 + 1000)
    assert(euro(b[2018]) == "€ 50.000,50")
    assert(money.cents(301291) == 30129100)
    assert(money.cents(0.29) == 29)
    local v, exact = money.mul(9500, 2.5, 46)
    assert(v == 1092500 and exact)
    local pct = money.pct(41350000, 7.5)
    assert(pct == 3101250, pct)
    local rounded, exact2 = money.mul(150, 0.3333)
    assert(rounded == 50 and not exact2)
    return pass(money.format(123456789))
  )lua",
                           kPlan);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
  CHECK(r.message == "€ 1.234.567,89");
}

TEST_CASE("per-year tables have integer keys; years() sorts them; pairs keeps file order",
          "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local b = s.activiteit[1].bijdrage
    local ys = years(b)
    assert(#ys == 3 and ys[1] == 2018 and ys[3] == 2020)
    local order = {}
    for y in pairs(b) do order[#order + 1] = y end
    assert(order[1] == 2020 and order[2] == 2018, table.concat(order, ","))
    assert(#s.activiteit == 2 and count(s.activiteit) == 2)
    local names = {}
    for i, a in ipairs(s.activiteit) do names[i] = a.onderwerp end
    assert(table.concat(names, "+") == "Eén+Twee")
    assert(next(s.aanvraag) ~= nil)
    assert(count(s.aanvraag) == 5)
    assert(s.aanvraag.periode[2] == 2020)
    assert(s.aanvraag.ingediend == "2018-09-30" and s.aanvraag.ingediend < "2018-10-01")
    assert(s.nergens == nil)
    return pass("ok")
  )lua",
                           kPlan);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("words, filled, contains, dutch_date", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    assert(words("één-op-één gesprek, 2020!") == 5)
    assert(words(nil) == 0)
    assert(filled("x") and not filled("  ") and not filled(nil))
    assert(not filled(s.activiteit[1].partners), "only blank strings")
    assert(filled(s.activiteit[2].partners))
    assert(not filled(s.activiteit[2].eindproducten))
    assert(filled(s.activiteit[1].bijdrage))
    assert(filled({ "", "a" }) and not filled({ "", " " }) and not filled({}))
    assert(contains(s.activiteit[2].partners, "GGD") and not contains(s.activiteit[2].partners, "x"))
    assert(dutch_date("2018-10-01") == "1 oktober 2018")
    return pass("ok")
  )lua",
                           kPlan);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("evidence: key paths from parts of the submission", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local a = s.activiteit[2]
    return fail("Activiteit 2", a, path(a, "doel"), path(s.activiteit[1].bijdrage, 2019),
                path(s.activiteit, 2), "vrij/pad")
  )lua",
                           kPlan);
  INFO(r.message << r.detail);
  REQUIRE(r.outcome == Outcome::fail);
  REQUIRE(r.evidence.size() == 5);
  CHECK(r.evidence[0] == "activiteit[1]");
  CHECK(r.evidence[1] == "activiteit[1].doel");
  CHECK(r.evidence[2] == "activiteit[0].bijdrage.2019");
  CHECK(r.evidence[3] == "activiteit[1]");
  CHECK(r.evidence[4] == "vrij/pad");
}

TEST_CASE("findings collect several problems into one fail, or pass when empty", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local f = findings()
    for i, a in ipairs(s.activiteit) do
      if not filled(a.doel) then f:add(("Activiteit %d mist een doel."):format(i), path(a, "doel")) end
    end
    assert(f:count() == 2)
    return f:result("Elke activiteit heeft een doel.")
  )lua",
                           kPlan);
  INFO(r.message << r.detail);
  REQUIRE(r.outcome == Outcome::fail);
  CHECK(r.message == "Activiteit 1 mist een doel.\nActiviteit 2 mist een doel.");
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[1].evidence == std::vector<std::string>{"activiteit[1].doel"});
  CHECK(r.evidence.size() == 2);

  RuleResult ok = run_check("return findings():result('Niets gevonden.')", kPlan);
  CHECK(ok.outcome == Outcome::pass);
  CHECK(ok.message == "Niets gevonden.");
}

TEST_CASE("skip needs a reason; pass may be silent", "[rule-api]") {
  CHECK(run_check("return skip('Geen begroting.')").outcome == Outcome::skip);
  CHECK(run_check("return skip()").outcome == Outcome::error);
  CHECK(run_check("return pass()").outcome == Outcome::pass);
  CHECK(run_check("return fail()").outcome == Outcome::error);
}

TEST_CASE("the host supplies committed amounts", "[rule-api]") {
  MapHostData host({{"ambulantisering", 25000000}});
  RuleResult r = run_check(R"lua(
    return pass(euro(ledger.committed(s.initiatief.thema)) .. "/" .. euro(ledger.committed("x")))
  )lua",
                           kInitiative, host);
  CHECK(r.message == "€ 250.000/€ 0");
}

TEST_CASE("a rule that reads past a missing table gets a clear error", "[rule-api]") {
  RuleResult r = run_check("return pass(s.begroting.post)");
  REQUIRE(r.outcome == Outcome::error);
  CHECK(r.message.find("attempt to index a nil value (field 'begroting')") != std::string::npos);
}

namespace {

const char* kBegroting = R"toml(
[aanvraag]
soort = "transformatieplan"
regio = "IJmond"
titel = "Plan"
ingediend = 2018-09-30
periode = [2020, 2022]

[[begroting.post]]
categorie = "Organisatie"
omschrijving = "a"
bedrag = { 2020 = 100, 2021 = 200 }

[[begroting.post]]
categorie = "  organisatie "
omschrijving = "b"
bedrag = { 2021 = 0.5, 2022 = 3 }

[[begroting.post]]
categorie = "Inkoop"
omschrijving = "c"
bedrag = { 2020 = 7 }

[[begroting.post]]
omschrijving = "zonder categorie en bedrag"
)toml";

}  // namespace

TEST_CASE("money.per_year and per_year_by add per-year tables over a list", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local posts = s.begroting.post
    local t = money.per_year(posts, "bedrag")
    assert(t[2020] == 10700 and t[2021] == 20050 and t[2022] == 300, tostring(t[2021]))
    local sums, counts = money.per_year_by(posts, "categorie", "bedrag")
    assert(counts["organisatie"] == 2 and counts["inkoop"] == 1 and counts[""] == 1)
    assert(sums["organisatie"][2020] == 10000 and sums["organisatie"][2021] == 20050)
    assert(sums["organisatie"][2022] == 300 and sums["inkoop"][2020] == 700)
    assert(next(sums[""]) == nil)
    -- The results belong to the rule: it may change them.
    sums["organisatie"][2020] = 1
    -- A list the rule built itself, of views and of plain tables, gives the same sums.
    local mixed = { posts[1], { bedrag = { [2020] = 5 } }, {} }
    local m = money.per_year(mixed, "bedrag")
    assert(m[2020] == 10005 and m[2021] == 20000)
    assert(next((money.per_year(nil, "bedrag"))) == nil)
    local empty_sums, empty_counts = money.per_year_by({}, "categorie", "bedrag")
    assert(next(empty_sums) == nil and next(empty_counts) == nil)
    return pass("ok")
  )lua",
                           kBegroting);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("money.per_year names the place of a value that is not an amount", "[rule-api]") {
  // omschrijving is text, not a per-year table: an error naming the key path, never a sum that
  // silently skipped something.
  RuleResult r = run_check(R"lua(
    local t = money.per_year(s.begroting.post, "omschrijving")
    return pass("niet bereikt")
  )lua",
                           kBegroting);
  CHECK(r.outcome == Outcome::error);
  CHECK_THAT(r.message, Catch::Contains("money.per_year: begroting.post[0].omschrijving"));
  CHECK_THAT(r.message, Catch::Contains("geen tabel per jaar"));

  RuleResult plain = run_check(R"lua(
    money.per_year({ { bedrag = { [2020] = "veel" } } }, "bedrag")
    return pass("niet bereikt")
  )lua",
                               kBegroting);
  CHECK(plain.outcome == Outcome::error);
  CHECK_THAT(plain.message, Catch::Contains("geen bedrag"));
}

TEST_CASE("pairs over views: file order, same views as indexing, still read-only", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local keys = {}
    for k, v in pairs(s.begroting.post[1]) do
      keys[#keys + 1] = k
      if k == "bedrag" then assert(rawequal(v, s.begroting.post[1].bedrag)) end
    end
    assert(table.concat(keys, ",") == "categorie,omschrijving,bedrag", table.concat(keys, ","))
    local n = 0
    for i, post in pairs(s.begroting.post) do
      n = n + 1
      assert(i == n and rawequal(post, s.begroting.post[i]))
    end
    assert(n == 4)
    -- A leaf (per-year table) is filled when its view is made; it is as read-only as any view.
    local ok, err = pcall(function() s.begroting.post[2].bedrag[2021] = 1 end)
    assert(not ok and err:find("alleen%-lezen"), err)
    assert(s.begroting.post[2].bedrag[2021] == 50)
    -- An iterator taken from pairs keeps working after other reads.
    local f = pairs(s.begroting.post[3].bedrag)
    local y, a = f()
    assert(y == 2020 and a == 700 and f() == nil)
    return pass("ok")
  )lua",
                           kBegroting);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("money.per_year_by merges a group whose items are not next to each other", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local sums, counts = money.per_year_by(s.begroting.post, "categorie", "bedrag")
    assert(counts["a"] == 3 and counts["b"] == 2, tostring(counts["a"]))
    assert(sums["a"][2020] == 111 * 100 and sums["a"][2021] == 1000 * 100)
    assert(sums["b"][2020] == 22 * 100 and sums["b"][2021] == nil)
    return pass("ok")
  )lua",
                           R"toml(
[aanvraag]
soort = "transformatieplan"
regio = "IJmond"
titel = "Plan"
ingediend = 2018-09-30
periode = [2020, 2022]

[[begroting.post]]
categorie = "A"
bedrag = { 2020 = 1 }
[[begroting.post]]
categorie = "B"
bedrag = { 2020 = 2 }
[[begroting.post]]
categorie = "a "
bedrag = { 2020 = 10, 2021 = 1000 }
[[begroting.post]]
categorie = "b"
bedrag = { 2020 = 20 }
[[begroting.post]]
categorie = "A"
bedrag = { 2020 = 100 }
)toml");
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("a very large submission gets its views lazily, with the same behaviour", "[rule-api]") {
  // Over kEagerViewNodes nodes the views are made on first read instead of all at once; what a
  // rule sees must not differ.
  std::string toml = std::string(kPlan) + "\n[[activiteit]]\nonderwerp = \"Groot\"\npartners = [";
  for (int i = 0; i < 21000; ++i) toml += (i > 0 ? ", \"p" : "\"p") + std::to_string(i) + "\"";
  toml += "]\nbijdrage = { 2019 = 5 }\n";
  RuleResult r = run_check(R"lua(
    local a = s.activiteit[3]
    assert(a.onderwerp == "Groot" and #a.partners == 21000)
    assert(a.partners[1] == "p0" and a.partners[21000] == "p20999")
    local n = 0
    for i, p in ipairs(a.partners) do n = n + 1 end
    assert(n == 21000)
    assert(rawequal(s.activiteit[1].bijdrage, s.activiteit[1].bijdrage))
    local keys = {}
    for k in pairs(s.activiteit[1]) do keys[#keys + 1] = k end
    assert(table.concat(keys, ",") == "onderwerp,bijdrage,partners", table.concat(keys, ","))
    assert(money.per_year({ s.activiteit[1], a }, "bijdrage")[2019] == 7500000 + 500)
    local ok, err = pcall(function() a.partners[1] = "x" end)
    assert(not ok and err:find("alleen%-lezen"))
    ok, err = pcall(function() s.activiteit[1].bijdrage[2018] = 1 end)
    assert(not ok and err:find("alleen%-lezen"))
    return pass("ok")
  )lua",
                           toml);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("find_all matches one or more fields, ignoring case and outer spaces", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local posts = s.begroting.post
    local one = find_all(posts, "omschrijving", " A ")
    assert(#one == 1 and rawequal(one[1], posts[1]))
    local org = find_all(posts, "categorie", "ORGANISATIE")
    assert(#org == 2 and rawequal(org[2], posts[2]))
    -- Two conditions; a nil text sets none.
    assert(#find_all(posts, "omschrijving", "b", "categorie", "organisatie") == 1)
    assert(#find_all(posts, "omschrijving", "b", "categorie", "inkoop") == 0)
    assert(#find_all(posts, "omschrijving", "c", "categorie", nil) == 1)
    -- A post without categorie never matches a condition on it.
    assert(#find_all(posts, "categorie", "") == 0)
    assert(#find_all(nil, "categorie", "x") == 0)
    -- A list the rule built itself.
    local mine = { { naam = "Een" }, { naam = "een " }, { naam = 3 }, "geen tabel" }
    local got = find_all(mine, "naam", "EEN")
    assert(#got == 2 and got[1] == mine[1] and got[2] == mine[2])
    local ok, err = pcall(find_all, posts, "categorie")
    assert(not ok and err:find("paren"), err)
    return pass("ok")
  )lua",
                           kBegroting);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("missing lists the keys that are not filled, in the order asked", "[rule-api]") {
  RuleResult r = run_check(R"lua(
    local keys = { "partners", "onderwerp", "eindproducten", "bijdrage", "doel" }
    -- Activity 1: partners only blank strings, no eindproducten, no doel.
    local m1 = missing(s.activiteit[1], keys)
    assert(table.concat(m1, ",") == "partners,eindproducten,doel", table.concat(m1, ","))
    -- Activity 2: eindproducten is an empty list.
    local m2 = missing(s.activiteit[2], keys)
    assert(table.concat(m2, ",") == "eindproducten,doel", table.concat(m2, ","))
    -- The same answers as filled() key by key, on views and on a table the rule built.
    for _, a in ipairs(s.activiteit) do
      local expect = {}
      for _, k in ipairs(keys) do if not filled(a[k]) then expect[#expect + 1] = k end end
      assert(table.concat(missing(a, keys), ",") == table.concat(expect, ","))
    end
    local mine = { onderwerp = " x ", partners = { "", "  " }, bijdrage = 0 }
    assert(table.concat(missing(mine, keys), ",") == "partners,eindproducten,doel")
    assert(#missing(nil, keys) == #keys)
    return pass("ok")
  )lua",
                           kPlan);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("money.per_year counts an amount for the whole period apart", "[rule-api]") {
  // bijdrage is a per-year table or one amount for the whole period (submission format).
  RuleResult r = run_check(R"lua(
    local t, once = money.per_year(s.activiteit, "bijdrage")
    assert(t[2018] == 5000050 and t[2019] == 7500000 and t[2020] == 1000)
    assert(once == 7000000, tostring(once))
    local plain, plain_once = money.per_year({ { bijdrage = 5 }, { bijdrage = { [2019] = 1 } } },
                                            "bijdrage")
    assert(plain_once == 5 and plain[2019] == 1)
    local _, none = money.per_year(nil, "bijdrage")
    assert(none == 0)
    return pass("ok")
  )lua",
                           kPlan);
  INFO(r.message << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("string.format writes the common formats itself and leaves the rest to Lua",
          "[rule-api]") {
  // string_format.cpp: %s, %d, %i and %% directly; everything else through Lua's str_format.
  // Each line states what Lua 5.4's own string.format gives.
  RuleResult r = run_check(R"lua(
    local function eq(got, want)
      if got ~= want then error(("kreeg [%q], verwacht [%q]"):format(got, want)) end
    end
    eq(("%s is %d%%"):format("post", -3), "post is -3%")
    eq(string.format("%i/%s", 7, 12), "7/12")
    eq(("%s"):format(math.mininteger), "-9223372036854775808")
    eq(("€ %s;%s"):format("", "x"), "€ ;x")
    eq(("a\0b%s"):format("c\0d"), "a\0bc\0d")
    eq(("geen"):format(1, 2), "geen")
    -- Through Lua's own function.
    eq(("%5d|%-3s|"):format(3, "a"), "    3|a  |")
    eq(("%.2f"):format(1.5), "1.50")
    eq(("%s"):format(1.5), "1.5")
    eq(("%d"):format(3.0), "3")
    eq(("%s %s"):format(nil, true), "nil true")
    eq(("%q"):format("x\n"), '"x\\\n"')
    eq(("%x"):format(255), "ff")
    local ok, err = pcall(string.format, "%d", 3.5)
    assert(not ok and err:find("number has no integer representation"), err)
    ok, err = pcall(string.format, "%s %s", "a")
    assert(not ok and err:find("bad argument #3 to 'string.format'", 1, true), err)
    ok, err = pcall(string.format, "abc%")  -- a lone % wants an argument
    assert(not ok and err:find("bad argument #2 to 'string.format' (no value)", 1, true), err)
    ok, err = pcall(string.format, {})
    assert(not ok and err:find("bad argument #1 to 'string.format'", 1, true), err)
    return pass("ok")
  )lua");
  INFO(r.message << "\n" << r.detail);
  CHECK(r.outcome == Outcome::pass);
}
