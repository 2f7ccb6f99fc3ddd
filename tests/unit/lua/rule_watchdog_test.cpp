// Rules without the count hook (core/src/lua/rule_watchdog.cpp): a hook-free run stands only
// where a counted run would give the same result; everything else is run again, counted, and a
// run that does not end is stopped by the watchdog, on whatever thread it runs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "meetlat/plugins.h"
#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {

std::string counting_rule(long long n) {
  return sentinel_and_rule("local x = 0 for i = 1, " + std::to_string(n) +
                           " do x = x + 1 end return pass('klaar: ' .. x)");
}

struct Both {
  SubmissionReport counted;
  SubmissionReport free;
};

Both run_both(PackFixture& f) {
  Both b;
  f.evaluator->count_instructions(true);
  b.counted = f.run();
  f.evaluator->count_instructions(false);
  b.free = f.run();
  return b;
}

}  // namespace

TEST_CASE("hook-free runs stand only within the budget: the outcome is the counted one",
          "[sandbox][watchdog]") {
  // PackFixture: 2 000 000 instructions, 60 s. A numeric for loop is one VM instruction per
  // iteration plus its body.
  for (long long n : {1000LL, 100000LL, 900000LL, 3000000LL, 50000000LL}) {
    INFO("n = " << n);
    PackFixture f(counting_rule(n));
    Both b = run_both(f);
    const RuleResult* c = rule(b.counted, "XX-01");
    const RuleResult* h = rule(b.free, "XX-01");
    REQUIRE(c != nullptr);
    REQUIRE(h != nullptr);
    CHECK(h->outcome == c->outcome);
    CHECK(h->message == c->message);
    CHECK(h->detail == c->detail);
    if (n <= 100000) CHECK(c->outcome == Outcome::pass);
    if (n >= 100000) CHECK(c->instructions > 0);  // counted in steps of the hook interval
    if (n >= 3000000) {
      CHECK(c->outcome == Outcome::error);
      CHECK(c->message.find("rekenbudget overschreden") != std::string::npos);
    }
    CHECK(rule(b.free, "OK-01")->outcome == Outcome::pass);
  }
}

TEST_CASE("a short rule runs without the hook: its instructions are not counted",
          "[sandbox][watchdog]") {
  // 1 000 iterations take microseconds, far inside the window of a 2 000 000-instruction budget
  // (200 µs). A run can still be preempted past it and then be counted; not twenty in a row.
  PackFixture f(counting_rule(1000));
  int hook_free = 0;
  for (int i = 0; i < 20; ++i) {
    SubmissionReport r = f.run();
    REQUIRE(rule(r, "XX-01")->outcome == Outcome::pass);
    CHECK(rule(r, "XX-01")->message == "klaar: 1000");
    if (rule(r, "XX-01")->instructions == 0) ++hook_free;
  }
  CHECK(hook_free > 0);
  f.evaluator->count_instructions(true);
  CHECK(rule(f.run(), "XX-01")->instructions >= 1000);  // counted: a hook call per 1 000
}

TEST_CASE("the built-in packs give the same report on every example with and without counting",
          "[sandbox][watchdog]") {
  PluginSet plugins;
  auto loaded = plugins.load(std::string(MEETLAT_PLUGIN_BUILD_DIR) + "/meetlat-nl.so");
  REQUIRE(loaded);
  auto registry = std::make_shared<PackRegistry>(PackSearchPath::from_environment());
  Evaluator counted(registry, Limits{}, &plugins.bindings());
  counted.count_instructions(true);
  Evaluator hook_free(registry, Limits{}, &plugins.bindings());
  std::filesystem::path examples =
      std::filesystem::path(MEETLAT_BUILTIN_RULES_DIR).parent_path() / "examples";
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(examples)) {
    if (e.path().extension() != ".toml") continue;
    ++files;
    INFO(e.path());
    Submission a = read_submission(e.path().string());
    Submission b = read_submission(e.path().string());
    SubmissionReport ra = counted.evaluate(a, PackChoice{}, HostData{});
    SubmissionReport rb = hook_free.evaluate(b, PackChoice{}, HostData{});
    CHECK(ra.verdict == rb.verdict);
    REQUIRE(ra.rules.size() == rb.rules.size());
    REQUIRE_FALSE(ra.rules.empty());
    for (std::size_t i = 0; i < ra.rules.size(); ++i) {
      INFO(ra.rules[i].id);
      CHECK(ra.rules[i].id == rb.rules[i].id);
      CHECK(ra.rules[i].outcome == rb.rules[i].outcome);
      CHECK(ra.rules[i].message == rb.rules[i].message);
      CHECK(ra.rules[i].evidence == rb.rules[i].evidence);
      CHECK(ra.rules[i].detail == rb.rules[i].detail);
    }
  }
  CHECK(files >= 5);
}

TEST_CASE("the watchdog stops a hook-free loop on another thread, inside pcall",
          "[sandbox][watchdog]") {
  // A budget so large that only the time limit can stop the loop: the watchdog must interrupt
  // the hook-free run (no hook, no C call that charges), then the counted run hits the limit.
  PackFixture f(sentinel_and_rule(
      "for i = 1, 10 do pcall(function() while true do end end) end return pass('ontsnapt')"));
  f.limits.rule.instructions = 1'000'000'000'000ULL;
  f.limits.rule.time = std::chrono::milliseconds(300);
  f.reset();
  SubmissionReport r;
  std::thread worker([&] { r = f.run(); });  // a hang here fails the test by ctest's timeout
  worker.join();
  const RuleResult* bad = rule(r, "XX-01");
  REQUIRE(bad != nullptr);
  CHECK(bad->outcome == Outcome::error);
  CHECK(bad->message.find("tijdslimiet overschreden") != std::string::npos);
  CHECK(rule(r, "OK-01")->outcome == Outcome::pass);
}
