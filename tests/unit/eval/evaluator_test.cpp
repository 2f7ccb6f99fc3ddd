// Choosing packs, applies-to conditions, verdicts (rule-catalogue.md; interfaces.md).
#include <catch2/catch.hpp>

#include "meetlat/batch.h"
#include "meetlat/report.h"
#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {

// Two packs on a search path: "meet" (initiatives in IJsselland) and "bud" (joins on [begroting]).
struct TwoPacks {
  TempDir dir;
  std::shared_ptr<PackRegistry> registry;
  TwoPacks() {
    dir.write(
        "rules/meet/pack.toml",
        manifest("meet", "[applies_to]\nsoort = [\"initiatief\"]\nregio = [\"IJsselland\"]\n"));
    dir.write("rules/meet/rules/r.lua", R"lua(
rule { id = "M-01", title = "blocking", severity = "blocking", source = "s", quote = "q",
  check = function(s, p)
    if s.initiatief and s.initiatief.gevraagd_bedrag > 5000000 then return fail("te veel") end
    return pass() end }
rule { id = "M-02", title = "advisory", severity = "advisory", source = "s", quote = "q",
  check = function(s, p)
    if s.initiatief and s.initiatief.omschrijving == nil then return fail("omschrijving") end
    return pass() end }
)lua");
    dir.write("rules/bud/pack.toml",
              manifest("bud", "[applies_to]\njoins_when_present = [\"begroting\"]\n"));
    dir.write("rules/bud/rules/r.lua", R"lua(
rule { id = "B-01", title = "b", severity = "blocking", source = "s", quote = "q",
  check = function(s, p)
    if s.begroting == nil then return skip("geen begroting") end
    return pass() end }
)lua");
    PackSearchPath path;
    path.add(dir.path() / "rules");
    registry = std::make_shared<PackRegistry>(path);
  }

  SubmissionReport run(const std::string& text, std::vector<std::string> named = {}) {
    Evaluator ev(registry, Limits{});
    Submission s = parse_submission(text, SubmissionFormat::toml, "s.toml");
    return ev.evaluate(s, PackChoice{std::move(named)}, HostData{});
  }
};

std::string initiative(const std::string& extra) {
  return std::string(R"toml(
[aanvraag]
soort = "initiatief"
regeling = "meet"
regio = "IJsselland"
titel = "x"
ingediend = 2020-04-14
)toml") + extra;
}

}  // namespace

TEST_CASE("aanvraag.regeling names the pack; begroting-like packs join on their own", "[eval]") {
  TwoPacks t;
  SubmissionReport r =
      t.run(initiative("[initiatief]\ngevraagd_bedrag = 10\nomschrijving = \"x\"\n"));
  CHECK(r.verdict == Verdict::voldoet);
  REQUIRE(r.packs.size() == 1);
  CHECK(r.packs[0].name == "meet");
  SubmissionReport j = t.run(initiative("[initiatief]\ngevraagd_bedrag = 10\n[begroting]\n"));
  REQUIRE(j.packs.size() == 2);
  CHECK(j.packs[1].name == "bud");
  CHECK(j.verdict == Verdict::voldoet_met_aandachtspunten);  // M-02 advisory fail
}

TEST_CASE("verdicts: first match wins", "[eval]") {
  TwoPacks t;
  CHECK(t.run(initiative("[initiatief]\ngevraagd_bedrag = 60000\n")).verdict ==
        Verdict::voldoet_niet);
  SubmissionReport bad = t.run("[aanvraag]\nsoort = 1\n");
  CHECK(bad.verdict == Verdict::ongeldig);
  CHECK(bad.rules.empty());
}

TEST_CASE("a named pack that does not apply makes the submission ongeldig, saying why", "[eval]") {
  TwoPacks t;
  SubmissionReport r = t.run(R"toml(
[aanvraag]
soort = "initiatief"
regio = "IJmond"
titel = "x"
ingediend = 2020-04-14
)toml",
                             {"meet"});
  CHECK(r.verdict == Verdict::ongeldig);
  REQUIRE(r.input_errors.size() == 1);
  CHECK(r.input_errors[0].message.find("geldt alleen voor regio IJsselland") != std::string::npos);
  CHECK(r.input_errors[0].message.find("'IJmond'") != std::string::npos);
}

TEST_CASE("an unknown regeling or no pack at all is an input error", "[eval]") {
  TwoPacks t;
  SubmissionReport r = t.run(R"toml(
[aanvraag]
soort = "initiatief"
regeling = "bestaat-niet"
regio = "IJsselland"
titel = "x"
ingediend = 2020-04-14
)toml");
  CHECK(r.verdict == Verdict::ongeldig);
  CHECK(r.input_errors[0].path == "aanvraag.regeling");
  CHECK(r.input_errors[0].line == 4);
  SubmissionReport none = t.run(R"toml(
[aanvraag]
soort = "initiatief"
regio = "IJsselland"
titel = "x"
ingediend = 2020-04-14
)toml");
  CHECK(none.verdict == Verdict::ongeldig);
  CHECK(none.input_errors[0].message.find("geen regelpakket") != std::string::npos);
}

TEST_CASE("strict packs report unknown keys as an aandachtspunt with a suggestion", "[eval]") {
  TempDir dir;
  dir.write(
      "p/pack.toml",
      manifest("p", "[schema]\nstrict_keys = true\nextra_keys = [\"initiatief.doelgroep\"]\n"));
  dir.write("p/rules/r.lua", kSentinelRule);
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, Limits{});
  Submission s = parse_submission(
      std::string(kInitiative) + "omschrijving = \"x\"\ndoelgroep = \"jeugd\"\npartnrs = 1\n",
      SubmissionFormat::toml, "s.toml");
  SubmissionReport r = ev.evaluate(s, PackChoice{{(dir.path() / "p").string()}}, HostData{});
  const RuleResult* k = rule(r, "SCHEMA");
  REQUIRE(k != nullptr);
  CHECK(k->outcome == Outcome::fail);
  CHECK(k->severity == Severity::advisory);
  CHECK(k->message == "Onbekende sleutel initiatief.partnrs: deze wordt door geen regel gelezen.");
  CHECK(r.verdict == Verdict::voldoet_met_aandachtspunten);
}

TEST_CASE("a pack that cannot be loaded makes its submissions onbeslist", "[eval]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/r.lua", "rule {");
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, Limits{});
  Submission s = parse_submission(kInitiative, SubmissionFormat::toml, "s.toml");
  bool failure = false;
  SubmissionReport r =
      ev.evaluate(s, PackChoice{{(dir.path() / "p").string()}}, HostData{}, &failure);
  CHECK(failure);
  CHECK(r.verdict == Verdict::onbeslist);
}

namespace {
class Collect : public ReportWriter {
 public:
  std::vector<std::string> files;
  void begin() override {}
  std::string render(const SubmissionReport& r) const override { return r.file; }
  void write(const std::string& rendered, Verdict) override { files.push_back(rendered); }
  void end(const std::vector<PackUse>&) override {}
};
}  // namespace

TEST_CASE("batches keep input order with several workers and survive broken files", "[batch]") {
  TwoPacks t;
  std::vector<std::string> files;
  for (int i = 0; i < 60; ++i) {
    std::string name = "s" + std::to_string(100 + i) + (i % 7 == 3 ? ".json" : ".toml");
    std::string body = i % 7 == 3 ? "{ broken" : initiative("[initiatief]\ngevraagd_bedrag = 10\n");
    files.push_back(t.dir.write("in/" + name, body).string());
  }
  t.dir.write("in/.hidden.toml", "x");
  t.dir.write("in/notes.md", "x");
  auto expanded = expand_inputs({(t.dir.path() / "in").string()});
  REQUIRE(expanded == files);
  for (unsigned jobs : {1u, 2u, 3u, 8u}) {
    Collect c;
    BatchOptions o;
    o.jobs = jobs;
    BatchSummary sum = run_batch(expanded, t.registry, o, HostData{}, c);
    CHECK(c.files == files);
    CHECK(sum.total == 60);
    CHECK(sum.per_verdict[static_cast<int>(Verdict::ongeldig)] == 9);
    CHECK(sum.exit_status() == 2);
  }
}

TEST_CASE("exit status follows interfaces.md", "[batch]") {
  BatchSummary s;
  s.per_verdict[static_cast<int>(Verdict::voldoet_met_aandachtspunten)] = 1;
  CHECK(s.exit_status() == 0);
  s.per_verdict[static_cast<int>(Verdict::voldoet_niet)] = 1;
  CHECK(s.exit_status() == 1);
  s.per_verdict[static_cast<int>(Verdict::onbeslist)] = 1;
  CHECK(s.exit_status() == 2);
  s.pack_failure = true;
  CHECK(s.exit_status() == 3);
}

TEST_CASE("the pack version in force on the submission date is chosen", "[eval][versions]") {
  TempDir dir;
  auto version = [&](const std::string& folder, const std::string& v, const std::string& period,
                     const std::string& limit) {
    dir.write("rules/" + folder + "/pack.toml", "[pack]\nname = \"regeling\"\nversion = \"" + v +
                                                    "\"\ntitle = \"R\"\n" + period +
                                                    "\n[parameters.limiet]\ntype = \"money\"\n");
    dir.write("rules/" + folder + "/params.toml",
              "limiet = " + limit + "\n[[versions]]\ngeldig_vanaf = 2022-07-01\nlimiet = 1\n");
    dir.write("rules/" + folder + "/rules/r.lua", R"lua(
rule { id = "R-01", title = "limiet", severity = "blocking", source = "s", quote = "q",
  check = function(s, p) return pass(euro(p.limiet)) end }
)lua");
  };
  version("regeling-1", "1.0.0", "geldig_tot = 2020-12-31", "1000");
  version("regeling-2", "2.0.0", "geldig_vanaf = 2021-01-01", "2000");
  version("regeling-10", "10.0.0", "geldig_vanaf = 2030-01-01", "9000");
  PackSearchPath path;
  path.add(dir.path() / "rules");
  auto registry = std::make_shared<PackRegistry>(path);
  Evaluator ev(registry, Limits{});
  auto run = [&](const std::string& date) {
    Submission s = parse_submission(
        "[aanvraag]\nsoort = \"initiatief\"\nregeling = \"regeling\"\n"
        "regio = \"x\"\ntitel = \"x\"\ningediend = " +
            date + "\n",
        SubmissionFormat::toml, "s.toml");
    return ev.evaluate(s, PackChoice{}, HostData{});
  };
  SubmissionReport old = run("2020-06-01");
  REQUIRE(old.packs.size() == 1);
  CHECK(old.packs[0].version == "1.0.0");
  CHECK(old.rules[0].message == "€ 1.000");
  SubmissionReport now = run("2021-03-01");
  CHECK(now.packs[0].version == "2.0.0");
  CHECK(now.rules[0].message == "€ 2.000");
  // Within a version, dated parameter values ([[versions]] in params.toml) apply too.
  SubmissionReport later = run("2022-08-01");
  CHECK(later.packs[0].version == "2.0.0");
  CHECK(later.packs[0].params_version == "2022-07-01 t/m …");
  CHECK(later.rules[0].message == "€ 1");
  // "10.0.0" > "2.0.0": versions compare as numbers.
  CHECK(run("2031-01-01").packs[0].version == "10.0.0");
  CHECK(compare_versions("1.10.0", "1.9.2") > 0);
  CHECK(compare_versions("2.0", "2.0.0") < 0);
  CHECK(compare_versions("1.0.0", "1.0.0") == 0);
}
