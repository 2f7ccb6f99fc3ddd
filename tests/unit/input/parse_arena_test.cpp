// The parse arena (core/src/input/parse_arena.h): toml++'s tree is allocated there during a
// parse; nothing allocated outside a window lands in it; a block that outlives its arena is never
// handed out again. Without the replacement operator new (sanitizer builds) the arena is off and
// only the reader's behaviour is checked.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "input/parse_arena.h"
#include "meetlat/submission.h"

using meetlat::detail::ParseArena;

namespace {
// Not a small string: its characters are a block of their own.
const std::string kLong(200, 'x');
}  // namespace

TEST_CASE("parse arena: blocks of a window come from the arena and are reused afterwards",
          "[arena]") {
  if (!ParseArena::enabled()) {
    SUCCEED("arena not compiled in (sanitizer build)");
    return;
  }
  const void* first = nullptr;
  {
    ParseArena arena;
    std::unique_ptr<std::string> inside;
    {
      ParseArena::Window window(arena);
      inside = std::make_unique<std::string>(kLong);
    }
    auto outside = std::make_unique<std::string>(kLong);  // window closed: ordinary heap
    CHECK(ParseArena::owns(inside.get()));
    CHECK(ParseArena::owns(inside->data()));
    CHECK_FALSE(ParseArena::owns(outside.get()));
    CHECK_FALSE(ParseArena::owns(outside->data()));
    first = inside.get();
  }
  // Every block was freed: the next arena starts at the same place.
  ParseArena again;
  ParseArena::Window window(again);
  auto reused = std::make_unique<int>(7);
  CHECK(static_cast<const void*>(reused.get()) == first);
}

TEST_CASE("parse arena: a block that outlives its arena is never handed out again", "[arena]") {
  if (!ParseArena::enabled()) return;
  std::size_t before = ParseArena::abandoned();
  std::string* survivor = nullptr;
  {
    ParseArena arena;
    ParseArena::Window window(arena);
    survivor = new std::string(kLong);
  }
  CHECK(ParseArena::abandoned() == before + 1);
  CHECK_FALSE(ParseArena::owns(survivor));  // its chunk is no longer this thread's arena
  {
    ParseArena arena;
    ParseArena::Window window(arena);
    std::vector<std::string> fill(64, std::string(300, 'y'));
    CHECK(ParseArena::owns(fill.data()));
  }
  CHECK(*survivor == kLong);  // not overwritten by the next arena
  delete survivor;            // recognised as an arena block: not passed to free()
}

TEST_CASE("parse arena: a tree larger than the arena spills to the heap and the arena grows",
          "[arena]") {
  if (!ParseArena::enabled()) return;
  const std::size_t big = ParseArena::kInitialBytes * 2;
  {
    ParseArena arena;
    ParseArena::Window window(arena);
    std::vector<std::unique_ptr<std::string>> blocks;
    for (std::size_t used = 0; used < big; used += kLong.size() + 64)
      blocks.push_back(std::make_unique<std::string>(kLong));
    CHECK(ParseArena::owns(blocks.front().get()));
    CHECK_FALSE(ParseArena::owns(blocks.back().get()));  // did not fit: from malloc
  }
  ParseArena arena;
  ParseArena::Window window(arena);
  std::vector<std::unique_ptr<std::string>> blocks;
  for (std::size_t used = 0; used < big; used += kLong.size() + 64)
    blocks.push_back(std::make_unique<std::string>(kLong));
  CHECK(ParseArena::owns(blocks.back().get()));  // the grown arena holds all of it
}

TEST_CASE("parse arena: a nested arena is inert and windows do not nest", "[arena]") {
  if (!ParseArena::enabled()) return;
  ParseArena outer;
  ParseArena inner;  // inert: the outer one is in use on this thread
  {
    ParseArena::Window window(inner);
    auto p = std::make_unique<int>(1);
    CHECK_FALSE(ParseArena::owns(p.get()));
  }
  ParseArena::Window window(outer);
  auto q = std::make_unique<int>(2);
  CHECK(ParseArena::owns(q.get()));
}

TEST_CASE("TOML reading through the arena: documents, syntax errors and a reused arena",
          "[arena][toml]") {
  const std::string good = R"(
[aanvraag]
soort = "initiatief"
titel = "Een titel die langer is dan een korte string"
bedrag = 1234.56
lijst = [1, 2, 3]
)";
  const std::string bad = "[aanvraag]\ntitel = \"open\n";
  for (int round = 0; round < 3; ++round) {
    meetlat::Submission ok = meetlat::parse_submission(good, meetlat::SubmissionFormat::toml, "a");
    const meetlat::Document& d = ok.doc;
    meetlat::NodeId titel = d.find(d.find(d.root(), "aanvraag"), "titel");
    REQUIRE(titel != meetlat::kNoNode);
    CHECK(d.node(titel).text == "Een titel die langer is dan een korte string");
    CHECK_FALSE(ParseArena::owns(d.node(titel).text.data()));  // the document owns its texts
    meetlat::Submission broken =
        meetlat::parse_submission(bad, meetlat::SubmissionFormat::toml, "b");
    REQUIRE_FALSE(broken.errors.empty());
    CHECK(broken.errors[0].line == 2);
    CHECK(broken.errors[0].message.find("TOML-syntaxfout") != std::string::npos);
  }
  CHECK(ParseArena::abandoned() <= ParseArena::kMaxAbandoned);
}
