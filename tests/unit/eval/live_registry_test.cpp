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
  CHECK(live.current() == first);

  dir.write("rules/p/rules/a.lua", std::string(kSentinelRule) + "\nrule { id = \n");
  touch_later(script);
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
  st = live.poll();
  CHECK(st.ok);
  CHECK(st.problems.empty());
  CHECK(live.current() != first);
}
