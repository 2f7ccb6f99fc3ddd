// The TOML and JSON readers and the submission-format validation (submission-format.md).
#include <sys/stat.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {

const InputError* error_at(const Submission& s, const std::string& path) {
  for (const auto& e : s.errors) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

std::string all_errors(const Submission& s) {
  std::string out;
  for (const auto& e : s.errors)
    out += fmt::format("{}:{}:{} {}\n", e.path, e.line, e.column, e.message);
  return out;
}

// A canonical dump of a document, to compare the TOML and JSON readings of a submission.
void dump(const Document& d, NodeId id, std::string& out) {
  const Node& n = d.node(id);
  out += std::string(n.key) + ":" + std::string(kind_name(n.kind)) + "=";
  switch (n.kind) {
    case NodeKind::integer:
      out += std::to_string(n.value.integer);
      break;
    case NodeKind::money:
      out += std::to_string(n.value.cents);
      break;
    case NodeKind::boolean:
      out += n.value.boolean ? "true" : "false";
      break;
    case NodeKind::string:
    case NodeKind::date:
      out += std::string(n.text);
      break;
    case NodeKind::real:
      out += fmt::format("{}", n.value.real);
      break;
    default:
      break;
  }
  out += "{";
  for (NodeId c : children(d, id)) dump(d, c, out);
  out += "}";
}

const char* kPlanToml = R"toml(
[aanvraag]
soort = "transformatieplan"
regio = "IJmond"
titel = "Plan"
ingediend = 2018-09-30
periode = [2018, 2020]

[[activiteit]]
onderwerp = "POH"
actielijnen = [1]
bijdrage = { 2018 = 50000, 2019 = 75000.5 }

[begroting]
jaren = [2020]
[[begroting.post]]
categorie = "Organisatie"
omschrijving = "Kwartiermaker"
bedrag = { 2020 = 121440 }
berekening = { uren_per_week = 2.5, tarief = 110, weken = { 2020 = 46 } }
)toml";

const char* kPlanJson = R"json({
  "aanvraag": { "soort": "transformatieplan", "regio": "IJmond", "titel": "Plan",
                "ingediend": "2018-09-30", "periode": [2018, 2020] },
  "activiteit": [ { "onderwerp": "POH", "actielijnen": [1],
                    "bijdrage": { "2018": 50000, "2019": 75000.5 } } ],
  "begroting": { "jaren": [2020], "post": [ { "categorie": "Organisatie",
      "omschrijving": "Kwartiermaker", "bedrag": { "2020": 121440 },
      "berekening": { "uren_per_week": 2.5, "tarief": 110, "weken": { "2020": 46 } } } ] }
})json";

}  // namespace

TEST_CASE("a TOML submission and its JSON twin read into the same document", "[reader]") {
  Submission t = parse_submission(kPlanToml, SubmissionFormat::toml, "plan.toml");
  Submission j = parse_submission(kPlanJson, SubmissionFormat::json, "plan.json");
  INFO(all_errors(t) << all_errors(j));
  REQUIRE(t.readable());
  REQUIRE(j.readable());
  std::string a;
  std::string b;
  dump(t.doc, t.doc.root(), a);
  dump(j.doc, j.doc.root(), b);
  CHECK(a == b);
  NodeId amount = t.doc.find_path("activiteit");
  REQUIRE(amount != kNoNode);
  CHECK(t.soort == "transformatieplan");
  CHECK(t.ingediend == "2018-09-30");
  CHECK(t.has_begroting);
}

TEST_CASE("money becomes exact cents; problems are located errors", "[reader][money]") {
  Submission s = parse_submission(R"toml(
[aanvraag]
soort = "initiatief"
regio = "IJsselland"
titel = "x"
ingediend = 2020-01-01

[initiatief]
gevraagd_bedrag = 12.345

[subsidie]
toegekend = -3
saldo = { 2020 = 20000000000, twintig = 5 }
)toml",
                                  SubmissionFormat::toml, "s.toml");
  INFO(all_errors(s));
  const InputError* e = error_at(s, "initiatief.gevraagd_bedrag");
  REQUIRE(e != nullptr);
  CHECK(e->line == 9);
  CHECK(e->column == 19);
  CHECK(e->message.find("meer dan twee decimalen") != std::string::npos);
  REQUIRE(error_at(s, "subsidie.toegekend") != nullptr);
  CHECK(error_at(s, "subsidie.toegekend")->message.find("negatief") != std::string::npos);
  REQUIRE(error_at(s, "subsidie.saldo.2020") != nullptr);
  CHECK(error_at(s, "subsidie.saldo.2020")->message.find("groot") != std::string::npos);
  REQUIRE(error_at(s, "subsidie.saldo.twintig") != nullptr);
  CHECK(s.errors.size() == 4);  // all problems of the file at once
}

TEST_CASE("required keys, types and soort are checked with key paths", "[reader]") {
  Submission s = parse_submission(R"toml(
[aanvraag]
soort = "subsidie"
titel = 5
ingediend = "gisteren"

[[activiteit]]
actielijnen = ["twee"]
[[activiteit]]
bijdrage = { 2019 = "veel" }
)toml",
                                  SubmissionFormat::toml, "s.toml");
  INFO(all_errors(s));
  CHECK(error_at(s, "aanvraag.regio") != nullptr);
  CHECK(error_at(s, "aanvraag.titel") != nullptr);
  CHECK(error_at(s, "aanvraag.ingediend") != nullptr);
  CHECK(error_at(s, "aanvraag.soort") != nullptr);
  CHECK(error_at(s, "aanvraag.soort")->message.find("onbekende soort 'subsidie'") !=
        std::string::npos);
  CHECK(error_at(s, "activiteit[0].actielijnen[0]") != nullptr);
  const InputError* e = error_at(s, "activiteit[1].bijdrage.2019");
  REQUIRE(e != nullptr);
  CHECK(e->line == 10);
}

TEST_CASE("periode is required for a transformatieplan only", "[reader]") {
  std::string base = "[aanvraag]\nregio = \"x\"\ntitel = \"x\"\ningediend = 2018-01-01\n";
  Submission p2 =
      parse_submission(base + "soort = \"transformatieplan\"\n", SubmissionFormat::toml, "a.toml");
  CHECK(error_at(p2, "aanvraag.periode") != nullptr);
  Submission i =
      parse_submission(base + "soort = \"initiatief\"\n", SubmissionFormat::toml, "a.toml");
  CHECK(i.readable());
}

TEST_CASE("TOML syntax errors, duplicate keys and invalid UTF-8 are located", "[reader]") {
  Submission s = parse_submission("[aanvraag]\nsoort = \"x\"\nsoort = \"y\"\n",
                                  SubmissionFormat::toml, "d.toml");
  REQUIRE(s.errors.size() == 1);
  CHECK(s.errors[0].line == 3);
  CHECK(s.errors[0].message.find("TOML") != std::string::npos);
  Submission u =
      parse_submission("[aanvraag]\ntitel = \"a\xFF\"\n", SubmissionFormat::toml, "u.toml");
  REQUIRE(u.errors.size() == 1);
  CHECK(u.errors[0].line == 2);
  Submission bad = parse_submission("[aanvraag\n", SubmissionFormat::toml, "b.toml");
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].line == 1);
}

TEST_CASE("JSON duplicate keys, invalid UTF-8 and syntax errors are errors", "[reader]") {
  Submission d = parse_submission(R"({"aanvraag": {"soort": "initiatief", "soort": "x"}})",
                                  SubmissionFormat::json, "d.json");
  REQUIRE_FALSE(d.readable());
  CHECK(error_at(d, "aanvraag.soort") != nullptr);
  CHECK(error_at(d, "aanvraag.soort")->message.find("dubbele sleutel") != std::string::npos);
  Submission u =
      parse_submission("{\"aanvraag\": {\"titel\": \"a\xFF\"}}", SubmissionFormat::json, "u.json");
  REQUIRE(u.errors.size() == 1);
  CHECK(u.errors[0].message.find("UTF-8") != std::string::npos);
  Submission syntax = parse_submission("{\n  \"aanvraag\": {\n    \"soort\": tru\n  }\n}",
                                       SubmissionFormat::json, "s.json");
  REQUIRE(syntax.errors.size() == 1);
  CHECK(syntax.errors[0].line == 3);
  Submission array = parse_submission("[1, 2]", SubmissionFormat::json, "a.json");
  REQUIRE(array.errors.size() == 1);
  CHECK(array.errors[0].message.find("object") != std::string::npos);
}

TEST_CASE("JSON schema errors get line numbers", "[reader]") {
  Submission s = parse_submission(
      "{\n\"aanvraag\": {\n  \"soort\": \"initiatief\",\n  \"regio\": \"x\",\n  \"titel\": 7,\n"
      "  \"ingediend\": \"2020-02-30\"\n}\n}",
      SubmissionFormat::json, "s.json");
  const InputError* t = error_at(s, "aanvraag.titel");
  REQUIRE(t != nullptr);
  CHECK(t->line == 5);
  const InputError* d = error_at(s, "aanvraag.ingediend");
  REQUIRE(d != nullptr);
  CHECK(d->line == 6);
}

TEST_CASE("deep nesting is refused before it reaches the parsers", "[reader][hostile]") {
  std::string toml = "a = " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  Submission t = parse_submission(toml, SubmissionFormat::toml, "deep.toml");
  REQUIRE(t.errors.size() == 1);
  CHECK(t.errors[0].message.find("te diep genest") != std::string::npos);
  std::string dotted = "a";
  for (int i = 0; i < 50000; ++i) dotted += ".a";
  Submission k = parse_submission(dotted + " = 1\n", SubmissionFormat::toml, "dotted.toml");
  REQUIRE(k.errors.size() == 1);
  CHECK(k.errors[0].message.find("te diep genest") != std::string::npos);
  std::string header = "[" + dotted + "]\n";
  Submission h = parse_submission(header, SubmissionFormat::toml, "header.toml");
  REQUIRE(h.errors.size() == 1);
  std::string json = std::string(100000, '[') + std::string(100000, ']');
  Submission j = parse_submission("{\"a\": " + json + "}", SubmissionFormat::json, "deep.json");
  REQUIRE(j.errors.size() == 1);
  CHECK(j.errors[0].message.find("diep") != std::string::npos);
  // Brackets inside strings and comments do not count.
  Submission ok = parse_submission(
      "[aanvraag]\ntitel = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n# "
      "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\n",
      SubmissionFormat::toml, "ok.toml");
  for (const auto& e : ok.errors) CHECK(e.message.find("diep") == std::string::npos);
}

// Found with tests/fuzz (docs/hardening.md, "Fuzzing"): a multi-line string may end in one or two
// quotes of its own; the depth pre-scan took them for the start of a new string and skipped the
// rest of the line, so deep nesting after them reached toml++ and the recursive conversion
// (a stack overflow in `meetlat check`).
TEST_CASE("fuzz: quotes closing a multi-line string do not hide nesting", "[reader][hostile]") {
  std::string dotted = "k";
  for (int i = 0; i < 100000; ++i) dotted += ".k";
  std::string brackets = std::string(100000, '[') + std::string(100000, ']');
  for (std::string open : {R"("""a"""")", R"('''a''''')"}) {
    Submission k = parse_submission("x = { y = " + open + ", " + dotted + " = 1 }\n",
                                    SubmissionFormat::toml, "dotted.toml");
    REQUIRE(k.errors.size() == 1);
    CHECK(k.errors[0].message.find("te diep genest") != std::string::npos);
    Submission b = parse_submission("x = [ " + open + ", " + brackets + " ]\n",
                                    SubmissionFormat::toml, "brackets.toml");
    REQUIRE(b.errors.size() == 1);
    CHECK(b.errors[0].message.find("te diep genest") != std::string::npos);
  }
  // Shallow, the same strings read as TOML says: the extra quotes are part of the text.
  Submission ok = parse_submission(std::string(kInitiative) + R"(omschrijving = """a"""""
nulmeting = '''b''''
)",
                                   SubmissionFormat::toml, "ok.toml");
  INFO(all_errors(ok));
  REQUIRE(ok.readable());
  CHECK(ok.doc.node(ok.doc.find_path("initiatief.omschrijving")).text == "a\"\"");
  CHECK(ok.doc.node(ok.doc.find_path("initiatief.nulmeting")).text == "b'");
  // An unterminated string ends at its line; the lines after it are counted once.
  auto deep = detail::check_toml_depth("a = \"x\nb = [[[[\n", 2);
  REQUIRE(deep.has_value());
  CHECK(deep->line == 2);
}

// Found with tests/fuzz: toml++ 3.3 asks its Unicode whitespace table about non-ASCII characters
// between tokens and after a line-ending backslash, and for many of them that table reaches
// __builtin_unreachable() (upstream issues #190 and #295). Debian's build answers correctly;
// these cases pin that down.
TEST_CASE("fuzz: non-ASCII characters where toml++ looks for whitespace", "[reader][hostile]") {
  for (const char* text : {"\u00e9", "x = 1 \u00e9\n", "a = { b = 1, \u00e9 = 2 }\n",
                           "\u032a = 1\n", "s = \"\"\"\\\u00e9\"\"\"\n"}) {
    Submission s = parse_submission(text, SubmissionFormat::toml, "u.toml");
    INFO(text);
    REQUIRE(s.errors.size() == 1);
    CHECK(s.errors[0].message.find("TOML-syntaxfout") != std::string::npos);
    CHECK(s.errors[0].line == 1);
  }
  // After a line-ending backslash, text may go on with any character.
  Submission ok = parse_submission(std::string(kInitiative) +
                                       "omschrijving = \"\"\"Met \\\n  \u00e9\u00e9n plan \\\n"
                                       "\u00a7 3 en \\\n\u3001 \\\n\ufe10\"\"\"\n",
                                   SubmissionFormat::toml, "ok.toml");
  INFO(all_errors(ok));
  REQUIRE(ok.readable());
  CHECK(ok.doc.node(ok.doc.find_path("initiatief.omschrijving")).text ==
        "Met \u00e9\u00e9n plan \u00a7 3 en \u3001 \ufe10");
}

TEST_CASE("only regular files of bounded size are read", "[reader][hostile]") {
  TempDir dir;
  Submission d = read_submission(dir.path().string() + "/", {});
  CHECK_FALSE(d.readable());
  auto big = dir.write("big.toml", std::string(2000, '#'));
  ReadLimits small;
  small.max_file_bytes = 1000;
  Submission b = read_submission(big.string(), small);
  REQUIRE(b.errors.size() == 1);
  CHECK(b.errors[0].message.find("te groot") != std::string::npos);
  std::string fifo = (dir.path() / "pipe.toml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  Submission f = read_submission(fifo, {});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].message.find("geen gewoon bestand") != std::string::npos);
  std::filesystem::create_directories(dir.path() / "dir.toml");
  Submission m = read_submission((dir.path() / "dir.toml").string(), {});
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0].message.find("map") != std::string::npos);
  Submission missing = read_submission((dir.path() / "nope.toml").string(), {});
  REQUIRE(missing.errors.size() == 1);
  Submission other = read_submission((dir.path() / "x.txt").string(), {});
  CHECK(other.errors[0].message.find(".toml") != std::string::npos);
}

TEST_CASE("keys starting with __ are reserved", "[reader]") {
  Submission s = parse_submission(
      "[aanvraag]\nsoort = \"initiatief\"\nregio = \"x\"\ntitel = \"x\"\ningediend = 2020-01-01\n"
      "__index = 1\n",
      SubmissionFormat::toml, "r.toml");
  CHECK(error_at(s, "aanvraag.__index") != nullptr);
}

TEST_CASE("validation knows when every key is in the schema, as unknown_keys does", "[input]") {
  // A strict pack skips its walk for unknown keys when validation saw none (evaluator.cpp):
  // keys_all_known must never be true where unknown_keys() would report something.
  struct Case {
    std::string text;
    bool all_known;
  };
  const std::string plan = kPlanToml;  // its last table is a post of [[begroting.post]]
  std::vector<Case> cases = {
      {std::string(kInitiative), true},
      {plan, true},
      {std::string(kInitiative) + "partnrs = 1\n", false},           // in a table
      {plan + "bijdrag = 100\n", false},                             // in a list's table
      {std::string(kInitiative) + "[extra]\nsleutel = 1\n", false},  // at the top
  };
  for (const auto& c : cases) {
    Submission s = parse_submission(c.text, SubmissionFormat::toml, "s.toml");
    INFO(c.text << all_errors(s));
    REQUIRE(s.readable());
    CHECK(s.keys_all_known == c.all_known);
    CHECK(unknown_keys(s.doc, {}).empty() == c.all_known);
  }
}
