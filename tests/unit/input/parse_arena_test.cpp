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

TEST_CASE("parse arena: a tree is dropped only when every live block is accounted for", "[arena]") {
  if (!ParseArena::enabled()) return;
  const void* first = nullptr;
  {
    ParseArena arena;
    std::string* a = nullptr;
    std::string* b = nullptr;
    {
      ParseArena::Window window(arena);
      a = new std::string(kLong);  // two blocks each: the string and its characters
      b = new std::string(kLong);
      first = a;
    }
    CHECK_FALSE(arena.drop_tree(3));  // one block unaccounted for: nothing changes
    CHECK_FALSE(arena.drop_tree(5));
    delete b;  // freed as usual after a refused drop
    std::size_t before = ParseArena::trees_dropped();
    CHECK(arena.drop_tree(2));  // a and its characters: dropped, never freed one by one
    CHECK(ParseArena::trees_dropped() == before + 1);
    (void)a;
  }
  CHECK(ParseArena::abandoned() <= ParseArena::kMaxAbandoned);
  ParseArena again;  // the dropped blocks are free: the next arena starts where the last did
  ParseArena::Window window(again);
  auto reused = std::make_unique<int>(7);
  CHECK(static_cast<const void*>(reused.get()) == first);
}

TEST_CASE("parse arena: no drop while a window is open or after a spill", "[arena]") {
  if (!ParseArena::enabled()) return;
  {
    ParseArena arena;
    ParseArena::Window window(arena);
    auto p = std::make_unique<int>(1);
    CHECK_FALSE(arena.drop_tree(1));  // the window is still open
  }
  ParseArena arena;
  std::vector<std::unique_ptr<std::string>> blocks;
  {
    ParseArena::Window window(arena);
    for (std::size_t used = 0; used < ParseArena::kMaxBytes + (1u << 20); used += kLong.size() + 64)
      blocks.push_back(std::make_unique<std::string>(kLong));
  }
  CHECK_FALSE(ParseArena::owns(blocks.back().get()));  // spilled to malloc
  std::size_t live = 0;
  for (const auto& s : blocks) live += ParseArena::owns(s.get()) ? 2 : 0;
  CHECK_FALSE(arena.drop_tree(live));  // some of the tree is on the heap: destroy it as usual
}

// The reader counts the blocks of toml++'s tree while it converts it (toml_reader.cpp); the count
// must be exact for every kind of value, or no tree is ever dropped.
TEST_CASE("TOML reading drops toml++'s tree for every kind of value", "[arena][toml]") {
  if (!ParseArena::enabled()) return;
  const std::string every_kind = R"(
"a quoted key longer than fifteen bytes" = "x"
kort = ""
meerregelig = """
een tekst over
meer regels, langer dan vijftien tekens"""
letterlijk = 'een letterlijke tekst die lang genoeg is'
getal = 1.5
geheel = 42
waar = true
datum = 2020-01-02
tijd = 10:11:12
moment = 2020-01-02T10:11:12Z
lokaal = 2020-01-02T10:11:12
leeg = []
genest = [[], [1], ["een lange tekst in een geneste lijst", "k"]]
inline = { x = 1, y = { z = "een lange tekst in een inline tabel" }, "lange inline sleutel, zeker" = 2 }
een.gestippelde.sleutel.met.delen = 3
[[lijst]]
x = 1
[[lijst]]
[lijst.sub]
y = "ünïcödé tekst met accenten, lang genoeg"
[[lijst.sub2]]
[tabel."nog een lange sleutel tussen aanhalingstekens"]
k = 'v'
)";
  std::size_t before = ParseArena::trees_dropped();
  meetlat::Submission s =
      meetlat::parse_submission(every_kind, meetlat::SubmissionFormat::toml, "a");
  CHECK(ParseArena::trees_dropped() == before + 1);
  const meetlat::Document& d = s.doc;
  meetlat::NodeId y = d.find_path("lijst");
  REQUIRE(y != meetlat::kNoNode);
  CHECK(d.node(y).child_count == 2);
  CHECK(d.node(d.find_path("meerregelig")).text ==
        "een tekst over\nmeer regels, langer dan vijftien tekens");
  // A syntax error leaves no tree to drop.
  meetlat::Submission broken =
      meetlat::parse_submission("a = [1,\n", meetlat::SubmissionFormat::toml, "b");
  CHECK_FALSE(broken.errors.empty());
  CHECK(ParseArena::trees_dropped() == before + 1);
}
