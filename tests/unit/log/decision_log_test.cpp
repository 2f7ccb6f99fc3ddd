// The decision log (core/src/log/): appending in groups, the hash chain, tamper detection by
// editing rows with SQLite behind the log's back, pack snapshots and replay with logged rules.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "meetlat/decision_log.h"
#include "meetlat/decision_record.h"
#include "meetlat/replay.h"
#include "meetlat/report.h"
#include "serve/budget_ledger.h"
#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {

// Runs SQL on the database file directly, as someone with file access would.
void tamper(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* c = nullptr;
  REQUIRE(sqlite3_open(db.string().c_str(), &c) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(c, sql.c_str(), nullptr, nullptr, &err);
  INFO((err != nullptr ? err : ""));
  sqlite3_free(err);
  sqlite3_close(c);
  REQUIRE(rc == SQLITE_OK);
}

std::unique_ptr<DecisionLog> open_log(const std::filesystem::path& db, bool read_only = false) {
  LogOptions o;
  o.read_only = read_only;
  auto log = DecisionLog::open(db, o);
  INFO((log ? std::string() : log.error().message));
  REQUIRE(log);
  return std::move(*log);
}

DecisionRecord small_record(const std::string& titel, const std::string& verdict) {
  DecisionRecord r;
  r.titel = titel;
  r.regio = "IJsselland";
  r.regeling = "ijsselland-meetlat";
  r.soort = "initiatief";
  r.verdict = verdict;
  r.engine = "test";
  r.name = "a.toml";
  r.text = "[aanvraag]\n";
  r.report_json = "{\"file\":\"a.toml\",\"verdict\":\"" + verdict + "\",\"rules\":[]}";
  return r;
}

// A pack with one rule whose outcome depends on a parameter, and ML-08-like use of the ledger.
constexpr const char* kRule = R"lua(
rule {
  id = "T-01", title = "Bedrag binnen budget", severity = "blocking", source = "test", quote = "q",
  check = function(s, p)
    local left = p.budget - ledger.committed(s.initiatief.thema)
    if s.initiatief.gevraagd_bedrag <= left then return pass("past") end
    return fail("te veel: " .. euro(s.initiatief.gevraagd_bedrag - left))
  end,
}
)lua";

struct LoggedEvaluation {
  TempDir dir;
  std::filesystem::path db;
  std::shared_ptr<const RulePack> pack;
  SubmissionReport report;
  DecisionRecord record;

  LoggedEvaluation() : db(dir.path() / "log.sqlite") {
    dir.write("pack/pack.toml",
              manifest("testpack", "[parameters.budget]\ntype = \"money\"\ndescription = \"b\"\n"));
    // € 30.050 with € 100 committed leaves € 29.950: the € 30.000 asked for is € 50 too much;
    // with nothing committed it would pass. The committed amount decides.
    dir.write("pack/params.toml", "budget = 30050\n");
    dir.write("pack/rules/rules.lua", kRule);
    auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
    Evaluator evaluator(registry, Limits{});
    auto got = registry->get((dir.path() / "pack").string());
    REQUIRE(got);
    pack = *got;
    Submission s = parse_submission(kInitiative, SubmissionFormat::toml, "initiatief.toml");
    BudgetLedger ledger({{{"IJsselland", "ambulantisering"}, 10'000}});
    RecordingHostData host(ledger);
    PackChoice choice{{(dir.path() / "pack").string()}};
    report = evaluator.evaluate(s, choice, host);
    record.titel = report.titel;
    record.regio = report.regio;
    record.soort = report.soort;
    record.verdict = std::string(to_string(report.verdict));
    record.engine = std::string(engine_version());
    record.packs = report.packs;
    record.name = "initiatief.toml";
    record.text = kInitiative;
    record.rule_budget = Limits{}.rule;
    record.committed = host.reads();
    write_submission_json(record.report_json, report, false);
  }
};

}  // namespace

TEST_CASE("decision log: entries are chained and verify as intact", "[log]") {
  TempDir dir;
  auto db = dir.path() / "log.sqlite";
  {
    auto log = open_log(db);
    auto a = log->append(EntryKind::decision, 0, to_content(small_record("Een", "voldoet")));
    REQUIRE(a);
    CHECK(a->seq == 1);
    CHECK(a->hash.rfind("sha256:", 0) == 0);
    auto b = log->append(EntryKind::decision, 0, to_content(small_record("Twee", "voldoet_niet")));
    REQUIRE(b);
    CHECK(b->seq == 2);
    auto o = log->append(EntryKind::rule_override, 1,
                         R"({"decision":1,"rule":"T-01","outcome":"pass","motivatie":"m"})");
    REQUIRE(o);
    CHECK(o->seq == 3);

    auto e2 = log->entry(2);
    REQUIRE(e2);
    CHECK(e2->prev_hash == log->entry(1)->hash);
    CHECK(e2->hash == entry_hash(*e2));
    CHECK(log->entry(1)->prev_hash == kGenesisHash);
    CHECK_FALSE(log->decision(3));  // an override is not a decision
    REQUIRE(log->entries_for(1).size() == 1);
    CHECK(log->entries_for(1)[0].kind == EntryKind::rule_override);

    auto rows = log->list(DecisionFilter{});
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 2);  // newest first
    CHECK(rows[0].titel == "Twee");
    CHECK(rows[1].overrides == 1);
    DecisionFilter f;
    f.verdict = "voldoet_niet";
    CHECK(log->list(f).size() == 1);
    f = DecisionFilter{};
    f.text = "een";
    REQUIRE(log->list(f).size() == 1);
    CHECK(log->list(f)[0].id == 1);
    f = DecisionFilter{};
    f.before = 2;
    CHECK(log->list(f).size() == 1);

    VerifyReport v = log->verify();
    CHECK(v.intact);
    CHECK(v.entries == 3);
    CHECK(v.head_hash == o->hash);
  }
  // Reopened, the chain continues from the last entry.
  auto log = open_log(db);
  auto c = log->append(EntryKind::decision, 0, to_content(small_record("Drie", "voldoet")));
  REQUIRE(c);
  CHECK(c->seq == 4);
  CHECK(log->entry(4)->prev_hash == log->entry(3)->hash);
  CHECK(log->verify().intact);
}

TEST_CASE("decision log: editing, deleting or inserting a row is detected", "[log]") {
  TempDir dir;
  auto db = dir.path() / "log.sqlite";
  {
    auto log = open_log(db);
    for (const char* t : {"Een", "Twee", "Drie"}) {
      REQUIRE(log->append(EntryKind::decision, 0, to_content(small_record(t, "voldoet_niet"))));
    }
    REQUIRE(log->verify().intact);
  }
  SECTION("a changed verdict") {
    tamper(db,
           "UPDATE entries SET content = replace(content, '\"voldoet_niet\"', '\"voldoet\"') "
           "WHERE seq = 2");
    auto v = open_log(db, true)->verify();
    CHECK_FALSE(v.intact);
    CHECK(v.first_bad == 2);
    CHECK_THAT(v.problem, Catch::Contains("regel 2"));
    // The summary column follows the content: the list shows what was tampered with, and the
    // chain is what tells.
    DecisionFilter f;
    f.verdict = "voldoet";
    CHECK(open_log(db, true)->list(f).size() == 1);
  }
  SECTION("a changed time") {
    tamper(db, "UPDATE entries SET at = '2000-01-01T00:00:00.000Z' WHERE seq = 3");
    auto v = open_log(db, true)->verify();
    CHECK_FALSE(v.intact);
    CHECK(v.first_bad == 3);
  }
  SECTION("a deleted row") {
    tamper(db, "DELETE FROM entries WHERE seq = 2");
    auto v = open_log(db, true)->verify();
    CHECK_FALSE(v.intact);
    CHECK(v.first_bad == 3);
  }
  SECTION("a rehashed row still breaks the link to the next") {
    // Someone who recomputes the hash of the row they edited must also rewrite every later row.
    auto log = open_log(db, true);
    LogEntry e = *log->entry(2);
    e.content = to_content(small_record("Twee", "voldoet"));
    e.hash = entry_hash(e);
    tamper(db, "UPDATE entries SET content = '" + e.content + "', hash = '" + e.hash +
                   "' WHERE seq = 2");
    auto v = open_log(db, true)->verify();
    CHECK_FALSE(v.intact);
    CHECK(v.first_bad == 3);
  }
}

TEST_CASE("decision log: group commit keeps every concurrent append, in one chain", "[log]") {
  TempDir dir;
  auto db = dir.path() / "log.sqlite";
  auto log = open_log(db);
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = log->append(EntryKind::decision, 0,
                             to_content(small_record(std::to_string(t * 1000 + i), "voldoet")));
        if (r && r->seq > 0) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == kThreads * kEach);
  DecisionFilter f;
  f.limit = 500;
  CHECK(log->list(f).size() == static_cast<std::size_t>(kThreads * kEach));
  VerifyReport v = log->verify();
  CHECK(v.intact);
  CHECK(v.entries == kThreads * kEach);
}

TEST_CASE("decision record: canonical content round-trips", "[log]") {
  DecisionRecord r = small_record("Titel met \"quotes\"\nen regel", "voldoet");
  r.packs.push_back({"p", "1.0.0", "sha256:abc", "2021-01-01 t/m …"});
  r.requested_packs = {"p"};
  r.committed.push_back({"IJsselland", "ambulantisering", 12'345});
  r.plugins.emplace_back("nl", "1.0.0");
  r.format = SubmissionFormat::json;
  std::string content = to_content(r);
  CHECK(to_content(r) == content);  // deterministic
  auto back = parse_decision_content(content);
  REQUIRE(back);
  CHECK(back->titel == r.titel);
  CHECK(back->packs.size() == 1);
  CHECK(back->packs[0].params_version == "2021-01-01 t/m …");
  CHECK(back->committed.at(0).cents == 12'345);
  CHECK(back->format == SubmissionFormat::json);
  CHECK(back->report_json == r.report_json);
  CHECK(to_content(*back) == content);

  SECTION("a submission that is not UTF-8 is kept byte for byte") {
    r.text = std::string("titel = \"\xff\xfe\"\n", 14);
    auto again = parse_decision_content(to_content(r));
    REQUIRE(again);
    CHECK(again->text == r.text);
  }
}

TEST_CASE("decision log: pack snapshots and replay with the logged rules", "[log][replay]") {
  LoggedEvaluation ev;
  REQUIRE(ev.report.verdict == Verdict::voldoet_niet);
  REQUIRE(ev.record.committed.size() == 1);
  CHECK(ev.record.committed[0].cents == 10'000);

  auto snap = snapshot_pack(*ev.pack);
  REQUIRE(snap);
  CHECK(snap->hash == ev.pack->hash);
  CHECK(snap->files.size() == 3);  // pack.toml, params.toml, rules/rules.lua

  auto log = open_log(ev.db);
  auto shared = std::make_shared<const PackSnapshot>(*snap);
  auto c = log->append(EntryKind::decision, 0, to_content(ev.record), {shared});
  REQUIRE(c);
  CHECK(log->has_snapshot(ev.pack->hash));
  // The same pack again: stored once.
  REQUIRE(log->append(EntryKind::decision, 0, to_content(ev.record), {shared}));
  CHECK(log->verify().snapshots == 1);

  // The pack on disk changes afterwards (a higher budget): the replay still uses the logged one.
  ev.dir.write("pack/params.toml", "budget = 99999\n");
  auto replay = replay_decision(*log, c->seq);
  REQUIRE(replay);
  CHECK(replay->reproduces);
  CHECK(replay->report_identical);
  CHECK(replay->differences.empty());
  CHECK(replay->replay_verdict == "voldoet_niet");

  SECTION("a logged report that the rules do not give is reported as a difference") {
    DecisionRecord wrong = ev.record;
    wrong.verdict = "voldoet";
    std::string needle = "\"outcome\":\"fail\"";
    auto at = wrong.report_json.find(needle);
    REQUIRE(at != std::string::npos);
    wrong.report_json.replace(at, needle.size(), "\"outcome\":\"pass\"");
    auto d = log->append(EntryKind::decision, 0, to_content(wrong));
    REQUIRE(d);
    auto r = replay_decision(*log, d->seq);
    REQUIRE(r);
    CHECK_FALSE(r->reproduces);
    REQUIRE(r->differences.size() == 1);
    CHECK(r->differences[0].rule == "T-01");
    CHECK(r->differences[0].original_outcome == "pass");
    CHECK(r->differences[0].replay_outcome == "fail");
  }
  SECTION("the committed amount the rule saw is what the replay gives it") {
    // Had the rule seen nothing committed, it would have passed: a record claiming so does not
    // reproduce the logged failure.
    DecisionRecord none = ev.record;
    none.committed.clear();
    auto d = log->append(EntryKind::decision, 0, to_content(none));
    REQUIRE(d);
    auto r = replay_decision(*log, d->seq);
    REQUIRE(r);
    CHECK_FALSE(r->reproduces);
    REQUIRE(r->differences.size() == 1);
    CHECK(r->differences[0].replay_outcome == "pass");
  }
  SECTION("an unknown decision is an error") {
    auto r = replay_decision(*log, 999);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("999"));
  }
  SECTION("a tampered snapshot fails verification and replay") {
    log.reset();
    tamper(ev.db,
           "UPDATE pack_files SET content = CAST('budget = 1' AS BLOB) WHERE path = "
           "'params.toml'");
    auto ro = open_log(ev.db, true);
    auto v = ro->verify();
    CHECK_FALSE(v.intact);
    CHECK_THAT(v.problem, Catch::Contains("testpack"));
    CHECK_FALSE(replay_decision(*ro, c->seq));
  }
}

TEST_CASE("snapshot of a pack whose files changed since it was read is refused", "[log]") {
  LoggedEvaluation ev;
  ev.dir.write("pack/params.toml", "budget = 5\n");
  auto snap = snapshot_pack(*ev.pack);
  REQUIRE_FALSE(snap);
  CHECK_THAT(snap.error().message, Catch::Contains("gewijzigd"));
}

TEST_CASE("a recording host data answers and remembers each read once", "[log]") {
  BudgetLedger ledger({{{"IJsselland", "ambulantisering"}, 500}});
  RecordingHostData host(ledger);
  CHECK(host.committed("IJsselland", "ambulantisering") == 500);
  ledger.add("IJsselland", "ambulantisering", 100);
  // Within one evaluation the answer stays what the rule saw first.
  CHECK(host.committed("IJsselland", "ambulantisering") == 500);
  CHECK(host.committed("IJsselland", "onderwijs") == 0);
  REQUIRE(host.reads().size() == 2);
  CHECK(ledger.committed("IJsselland", "ambulantisering") == 600);
}
