// Memory for the tree toml++ builds while it parses a submission (issue "Engine core", Speed).
//
// toml++ has no allocator parameter: its tree (a node, a std::map entry and often a std::string
// for every key and value, about five times the size of the file) comes from the global operator
// new, one block at a time, and goes back the same way once the reader has copied it into the
// Document. While a ParseArena::Window is open on a thread, operator new on that thread takes
// blocks from the thread's arena instead (a pointer bump), operator delete of such a block only
// counts it, and closing the ParseArena makes the whole arena free again. The same few hundred
// KB are reused for every file, so the tree also stays in the CPU's caches.
//
// Safety rests on two rules, both enforced here rather than assumed:
//  - Only what is allocated inside a Window comes from the arena, and a Window is opened around
//    nothing but toml::parse. The reader closes it before it builds its own Document.
//  - The arena is reused only when every block taken from it was freed. If something allocated
//    in a Window outlives its ParseArena (a cache a library fills on first use, say), the arena
//    is abandoned instead: its memory is never handed out again and operator delete keeps
//    recognising its blocks. After kMaxAbandoned abandonments the arena is switched off for the
//    process.
//
// A reader that knows exactly how many blocks its tree holds may drop the tree instead of
// destroying it node by node (drop_tree): the arena is then free again at once. It does so only
// when the count of blocks alive in the arena equals the count the reader made by walking the
// tree and nothing spilled to malloc, so a block that is not part of the tree (a survivor) or a
// miscount means the tree is destroyed as usual and the rules above apply.
//
// The replacement operator new/delete are in parse_arena.cpp and are compiled only where no
// sanitizer provides its own (MEETLAT_PARSE_ARENA); elsewhere ParseArena does nothing.
#pragma once

#include <cstddef>

namespace meetlat::detail {

class ParseArena {
 public:
  ParseArena() noexcept;
  ~ParseArena();
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;

  /// While one exists, operator new on this thread allocates from the arena.
  class Window {
   public:
    explicit Window(ParseArena& arena) noexcept;
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

   private:
    bool opened_ = false;
  };

  /// Makes every block of this arena free without it being freed, when exactly `blocks` blocks
  /// are alive and every block of its windows came from the arena; true then, and the caller
  /// must not touch (nor destroy) what lived there. False: nothing changed.
  bool drop_tree(std::size_t blocks) noexcept;

  /// Whether the replacement operator new is compiled in and not switched off.
  static bool enabled() noexcept;
  /// Whether `p` lies in this thread's current arena (tests).
  static bool owns(const void* p) noexcept;
  /// How many trees this thread dropped with drop_tree (tests, diagnostics).
  static std::size_t trees_dropped() noexcept;
  /// How many arenas were abandoned because a block outlived them (tests, diagnostics).
  static std::size_t abandoned() noexcept;

  static constexpr std::size_t kInitialBytes = std::size_t{256} << 10;
  static constexpr std::size_t kMaxBytes = std::size_t{16} << 20;
  static constexpr std::size_t kMaxAbandoned = 4;

 private:
  bool active_ = false;  // false for a nested ParseArena or when the arena is off
};

}  // namespace meetlat::detail
