// Reading rule packs: manifests, typed and dated parameters, hashes, search path.
#include <catch2/catch.hpp>

#include "meetlat/rule_pack.h"
#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

TEST_CASE("a pack reads its manifest, parameters and scripts", "[pack]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p", R"toml(
[applies_to]
soort = ["initiatief"]
regio = ["IJsselland"]

[documents]
"004" = "Plan van aanpak"

[parameters.budget]
type = "money_map"
[parameters.pct]
type = "decimal"
[parameters.deadline]
type = "date"
)toml"));
  dir.write("p/params.toml", R"toml(
pct = 7.5
deadline = 2018-10-01
[budget]
ambulantisering = 300000
verbinding-jeugdhulp-onderwijs = 250000.50

[severity]
"A-01" = "advisory"

[[versions]]
geldig_vanaf = 2021-01-01
pct = 10
)toml");
  dir.write("p/rules/b.lua", "-- b\n");
  dir.write("p/rules/a.lua", "-- a\n");
  auto pack = read_rule_pack(dir.path() / "p");
  INFO((pack ? "" : pack.error().message));
  REQUIRE(pack);
  const RulePack& p = **pack;
  CHECK(p.manifest.name == "p");
  CHECK(p.manifest.documents.at("004") == "Plan van aanpak");
  REQUIRE(p.scripts.size() == 2);
  CHECK(p.scripts[0].relative_path == "rules/a.lua");
  CHECK(p.severity_overrides.at("A-01") == Severity::advisory);
  CHECK(p.hash.rfind("sha256:", 0) == 0);
  CHECK(p.hash.size() == 7 + 64);
  const Document& base = *p.params_for("2020-06-01").values;
  NodeId b = base.find_path("budget.verbinding-jeugdhulp-onderwijs");
  REQUIRE(b != kNoNode);
  CHECK(base.node(b).kind == NodeKind::money);
  CHECK(base.node(b).value.cents == 25000050);
  CHECK(p.params_for("2020-06-01").label.empty());
  const ParamVersion& later = p.params_for("2021-03-01");
  CHECK(later.label == "2021-01-01 t/m …");
  CHECK(later.values->node(later.values->find_path("pct")).value.integer == 10);
  // The later version keeps the values it does not override.
  CHECK(later.values->find_path("budget.ambulantisering") != kNoNode);
  CHECK(p.params_for("").label.empty());
}

TEST_CASE("the hash changes with any file of the pack", "[pack]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/a.lua", "-- a\n");
  std::string h1 = (*read_rule_pack(dir.path() / "p"))->hash;
  dir.write("p/rules/a.lua", "-- b\n");
  std::string h2 = (*read_rule_pack(dir.path() / "p"))->hash;
  CHECK(h1 != h2);
  CHECK(h2 == (*read_rule_pack(dir.path() / "p"))->hash);
}

TEST_CASE("manifest and parameter errors name the file, the key and the line", "[pack]") {
  TempDir dir;
  dir.write("p/pack.toml", R"toml([pack]
name = "Met Spaties"
version = "1"
titel = "x"

[parameters.budget]
type = "geld"
[parameters.limiet]
type = "integer"
)toml");
  dir.write("p/params.toml", "limiet = \"veel\"\nonbekend = 3\n");
  dir.write("p/rules/a.lua", "");
  auto pack = read_rule_pack(dir.path() / "p");
  REQUIRE_FALSE(pack);
  const std::string& m = pack.error().message;
  INFO(m);
  CHECK(m.find("pack.toml:2:8: [pack].name") != std::string::npos);
  CHECK(m.find("[pack].title: ontbreekt") != std::string::npos);
  CHECK(m.find("[pack].titel: onbekende sleutel; bedoelde u 'title'?") != std::string::npos);
  CHECK(m.find("onbekend type 'geld'") != std::string::npos);
  CHECK(m.find("params.toml:1:10: limiet: verwacht een geheel getal") != std::string::npos);
  CHECK(m.find("parameter 'onbekend' is niet gedeclareerd") != std::string::npos);
  CHECK(m.find("parameter 'budget' is gedeclareerd maar heeft geen waarde") != std::string::npos);
}

TEST_CASE("a pack without rules or with a broken manifest is refused", "[pack]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  auto none = read_rule_pack(dir.path() / "p");
  REQUIRE_FALSE(none);
  CHECK(none.error().message.find("geen regels gevonden") != std::string::npos);
  dir.write("q/pack.toml", "[pack\n");
  auto broken = read_rule_pack(dir.path() / "q");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message.find("pack.toml:1:") != std::string::npos);
}

TEST_CASE("packs are found by path or by name on the search path", "[pack]") {
  TempDir dir;
  dir.write("one/a/pack.toml", manifest("a"));
  dir.write("two/a/pack.toml", manifest("a"));
  dir.write("two/b/pack.toml", manifest("b"));
  PackSearchPath path;
  path.add(dir.path() / "one");
  path.add(dir.path() / "two");
  CHECK(*path.resolve("a") == dir.path() / "one" / "a");
  CHECK(*path.resolve("b") == dir.path() / "two" / "b");
  CHECK(*path.resolve((dir.path() / "two" / "a").string()) == dir.path() / "two" / "a");
  auto missing = path.resolve("c");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("niet gevonden; gezocht in") != std::string::npos);
  CHECK(path.all_packs().size() == 2);
}

TEST_CASE("located messages split into file, line, column and text", "[pack]") {
  PackProblem p = split_problem("p/params.toml:12:5: budget: de waarde is geen bedrag");
  CHECK(p.file == "p/params.toml");
  CHECK(p.line == 12);
  CHECK(p.column == 5);
  CHECK(p.message == "budget: de waarde is geen bedrag");

  // Lua repeats the chunk name and line inside its own message: said once.
  p = split_problem("p/rules/a.lua: p/rules/a.lua:4: 'end' expected near <eof>");
  CHECK(p.file == "p/rules/a.lua");
  CHECK(p.line == 4);
  CHECK(p.message == "'end' expected near <eof>");
  p = split_problem("p/rules/a.lua:4: p/rules/a.lua:4: unexpected symbol");
  CHECK(p.line == 4);
  CHECK(p.message == "unexpected symbol");
  p = split_problem("/tmp/x/p/rules/a.lua: ...x/p/rules/a.lua:4: 'end' expected");
  CHECK(p.line == 4);
  CHECK(p.message == "'end' expected");
  // Another line inside the message is information, not a repeat.
  p = split_problem("p/rules/a.lua:4: p/rules/a.lua:9: unexpected symbol");
  CHECK(p.line == 4);
  CHECK(p.message == "p/rules/a.lua:9: unexpected symbol");

  p = split_problem("geen locatie");
  CHECK(p.file.empty());
  CHECK(p.message == "geen locatie");
}
