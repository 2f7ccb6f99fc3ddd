// Hot reload (live_registry.h): what counts as a change of the packs, and how a broken edit is
// reported while the last good version stays in use.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>

#include "meetlat/live_registry.h"
#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {
// Moves a file's modification time forward, so a change is seen even on a coarse clock.
void touch_later(const std::filesystem::path& p) {
  std::filesystem::last_write_time(p,
                                   std::filesystem::last_write_time(p) + std::chrono::seconds(2));
}
}  // namespace

TEST_CASE("live registry: a change reloads, a broken edit keeps the last good version",
          "[eval][reload]") {
  TempDir dir;
  auto write_rule = [&](const std::string& message) {
    dir.write("rules/p/rules/r.lua",
              "rule { id = \"R-01\", title = \"t\", severity = \"blocking\", source = \"s\", "
              "quote = \"q\",\n  check = function(s, p) return pass(\"" +
                  message + "\") end }\n");
  };
  dir.write("rules/p/pack.toml", manifest("p"));
  write_rule("eerste");
  PackSearchPath path;
  path.add(dir.path() / "rules");
  LiveRegistry live(path, {}, Limits{});
  CHECK(live.status().ok);
  auto message = [&]() {
    Evaluator ev(live.current(), Limits{});
    Submission s = parse_submission(kInitiative, SubmissionFormat::toml, "s.toml");
    return ev.evaluate(s, PackChoice{{"p"}}, HostData{}).rules.at(0).message;
  };
  CHECK(message() == "eerste");
  CHECK_FALSE(live.poll().changed);

  write_rule("tweede");
  CHECK_FALSE(live.poll().changed);  // taken once the files stand still for one poll
  auto changed = live.poll();
  CHECK(changed.changed);
  CHECK(changed.ok);
  CHECK(changed.generation == 1);
  CHECK(message() == "tweede");

  dir.write("rules/p/rules/r.lua", "rule { id = \"R-01\",\n  title = \n}\n");  // broken
  live.poll();
  auto broken = live.poll();
  CHECK(broken.changed);
  CHECK_FALSE(broken.ok);
  CHECK(broken.error.find("r.lua:3") != std::string::npos);
  CHECK(broken.generation == 1);
  CHECK(message() == "tweede");  // the last good version keeps serving

  write_rule("derde");
  live.poll();
  auto fixed = live.poll();
  CHECK(fixed.ok);
  CHECK(message() == "derde");
}

TEST_CASE("only pack files trigger a reload; a broken edit is located and keeps the last good",
          "[eval]") {
  TempDir dir;
  dir.write("rules/p/pack.toml", manifest("p"));
  auto script = dir.write("rules/p/rules/a.lua", kSentinelRule);
  // A decision log beside the packs changes with every request.
  auto log = dir.write("rules/besluiten.sqlite-wal", "x");
  PackSearchPath path;
  path.add(dir.path() / "rules");
  LiveRegistry live(path, {}, Limits{});
  REQUIRE(live.status().ok);
  auto first = live.current();

  dir.write("rules/besluiten.sqlite-wal", "xyz");
  touch_later(log);
  CHECK_FALSE(live.poll().changed);
  CHECK_FALSE(live.poll().changed);
  CHECK(live.current() == first);

  dir.write("rules/p/rules/a.lua", std::string(kSentinelRule) + "\nrule { id = \n");
  touch_later(script);
  // A change is taken once the files stand still for one poll (no half-written packs).
  CHECK_FALSE(live.poll().changed);
  LiveRegistry::Status st = live.poll();
  CHECK(st.changed);
  CHECK_FALSE(st.ok);
  CHECK(live.current() == first);
  REQUIRE(st.problems.size() == 1);
  CHECK(st.problems[0].pack == "p");
  CHECK(st.problems[0].where.file.ends_with("a.lua"));
  CHECK(st.problems[0].where.line > 0);
  CHECK(st.problems[0].where.message.find("a.lua") == std::string::npos);
  CHECK(st.error.find("a.lua:") != std::string::npos);

  dir.write("rules/p/rules/a.lua", kSentinelRule);
  touch_later(script);
  CHECK_FALSE(live.poll().changed);
  st = live.poll();
  CHECK(st.ok);
  CHECK(st.problems.empty());
  CHECK(live.current() != first);
}
