// The parse arena (parse_arena.h) and the program's operator new and delete that serve it.
//
// Replacing the global operator new is allowed by the standard ([new.delete]); a program that
// links this file gets these definitions instead of libstdc++'s or jemalloc's, and so do the
// shared libraries it loads (toml++ among them). Outside a Window they do what the defaults do:
// malloc with the new-handler loop, free (jemalloc's sized free where it is linked, as its own
// operator delete does).
#include "parse_arena.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(MEETLAT_JEMALLOC)
#include <jemalloc/jemalloc.h>
#endif

namespace meetlat::detail {

namespace {

// The state of this thread's arena. Plain data with constant initialisation, so that reading it
// in operator new and delete needs no thread-local initialisation guard.
struct ArenaState {
  std::uintptr_t begin = 0;  // the chunk [begin, end)
  std::uintptr_t end = 0;
  std::uintptr_t next = 0;  // first free byte
  std::size_t live = 0;     // blocks handed out and not yet freed
  std::size_t wanted = 0;   // bytes asked for in this arena's windows, fitting or not
  std::size_t grow_to = 0;  // size of the next chunk after one was too small
  std::size_t dropped = 0;  // trees dropped by drop_tree on this thread
  bool window = false;      // operator new takes from the arena
  bool in_use = false;      // a ParseArena is alive on this thread
};

thread_local ArenaState tls_arena;

// A chunk abandoned because a block outlived its ParseArena: never reused, never freed, and its
// blocks are still recognised by operator delete (on any thread). Pushed onto a list that is
// only ever prepended to.
struct Abandoned {
  std::uintptr_t begin;
  std::uintptr_t end;
  Abandoned* next;
};
std::atomic<Abandoned*> g_abandoned{nullptr};
std::atomic<std::size_t> g_abandoned_count{0};

// Frees this thread's chunk when the thread ends (if nothing in it is alive).
struct ChunkOwner {
  ChunkOwner() = default;
  ChunkOwner(const ChunkOwner&) = delete;
  ChunkOwner& operator=(const ChunkOwner&) = delete;
  ~ChunkOwner() {
    ArenaState& a = tls_arena;
    if (a.begin != 0 && a.live == 0) {
      std::free(reinterpret_cast<void*>(a.begin));
      a.begin = a.end = a.next = 0;
    }
  }
};

#if defined(MEETLAT_PARSE_ARENA)
constexpr bool kCompiledIn = true;
#else
constexpr bool kCompiledIn = false;
#endif

bool switched_off() noexcept {
  return !kCompiledIn ||
         g_abandoned_count.load(std::memory_order_relaxed) >= ParseArena::kMaxAbandoned;
}

void abandon(ArenaState& a) noexcept {
  auto* node = static_cast<Abandoned*>(std::malloc(sizeof(Abandoned)));
  if (node == nullptr) {
    // Cannot record it: keep the chunk as this thread's, full, so that its blocks are still
    // recognised here, and stop using the arena.
    a.next = a.end;
    g_abandoned_count.store(ParseArena::kMaxAbandoned, std::memory_order_relaxed);
    return;
  }
  node->begin = a.begin;
  node->end = a.end;
  node->next = g_abandoned.load(std::memory_order_relaxed);
  while (!g_abandoned.compare_exchange_weak(node->next, node, std::memory_order_release,
                                            std::memory_order_relaxed)) {
  }
  g_abandoned_count.fetch_add(1, std::memory_order_relaxed);
  a.begin = a.end = a.next = 0;
  a.live = 0;
}

}  // namespace

ParseArena::ParseArena() noexcept {
  ArenaState& a = tls_arena;
  if (a.in_use || switched_off()) return;
  if (a.begin == 0) {
    std::size_t bytes = a.grow_to > kInitialBytes ? a.grow_to : kInitialBytes;
    void* chunk = std::malloc(bytes);
    if (chunk == nullptr) return;
    static thread_local ChunkOwner owner;  // frees the chunk when the thread ends
    (void)owner;
    a.begin = reinterpret_cast<std::uintptr_t>(chunk);
    a.end = a.begin + bytes;
  }
  a.next = a.begin;
  a.wanted = 0;
  a.in_use = true;
  active_ = true;
}

ParseArena::~ParseArena() {
  if (!active_) return;
  ArenaState& a = tls_arena;
  a.window = false;
  a.in_use = false;
  if (a.live != 0) {
    abandon(a);
    return;
  }
  if (a.wanted > a.end - a.begin && a.end - a.begin < kMaxBytes) {
    // The tree did not fit (the rest came from malloc): a larger chunk next time.
    std::size_t bytes = a.end - a.begin;
    while (bytes < a.wanted && bytes < kMaxBytes) bytes *= 2;
    a.grow_to = bytes < kMaxBytes ? bytes : kMaxBytes;
    std::free(reinterpret_cast<void*>(a.begin));
    a.begin = a.end = a.next = 0;
  }
}

ParseArena::Window::Window(ParseArena& arena) noexcept {
  if (arena.active_ && !tls_arena.window) {
    tls_arena.window = true;
    opened_ = true;
  }
}

ParseArena::Window::~Window() {
  if (opened_) tls_arena.window = false;
}

bool ParseArena::drop_tree(std::size_t blocks) noexcept {
  ArenaState& a = tls_arena;
  // Every byte asked for is in the arena (nothing spilled to malloc) exactly when the bump
  // pointer moved by all of it.
  bool spilled = a.wanted != a.next - a.begin;
  if (!active_ || a.window || spilled || a.live != blocks) return false;
  a.live = 0;
  ++a.dropped;
  return true;
}

std::size_t ParseArena::trees_dropped() noexcept {
  return tls_arena.dropped;
}

bool ParseArena::enabled() noexcept {
  return !switched_off();
}

bool ParseArena::owns(const void* p) noexcept {
  auto q = reinterpret_cast<std::uintptr_t>(p);
  return q >= tls_arena.begin && q < tls_arena.end;
}

std::size_t ParseArena::abandoned() noexcept {
  return g_abandoned_count.load(std::memory_order_relaxed);
}

#if defined(MEETLAT_PARSE_ARENA)

namespace {

bool in_abandoned(std::uintptr_t p) noexcept {
  for (const Abandoned* a = g_abandoned.load(std::memory_order_acquire); a != nullptr;
       a = a->next) {
    if (p >= a->begin && p < a->end) return true;
  }
  return false;
}

// A block from the arena, or nullptr (no window open, or the chunk is full).
inline void* arena_take(std::size_t n) noexcept {
  ArenaState& a = tls_arena;
  if (!a.window) return nullptr;
  // Every block keeps operator new's alignment; a zero-sized request still gets its own block.
  std::size_t size = (n + 15) & ~std::size_t{15};
  if (size == 0) size = 16;
  a.wanted += size;
  if (size > a.end - a.next) return nullptr;
  auto p = a.next;
  a.next += size;
  ++a.live;
  return reinterpret_cast<void*>(p);
}

// True when `p` is an arena block (which is then only counted as freed).
inline bool arena_release(void* p) noexcept {
  ArenaState& a = tls_arena;
  auto q = reinterpret_cast<std::uintptr_t>(p);
  if (q >= a.begin && q < a.end) {
    --a.live;
    return true;
  }
  return g_abandoned.load(std::memory_order_relaxed) != nullptr && in_abandoned(q);
}

void* allocate(std::size_t n) {
  if (void* p = arena_take(n)) return p;
  if (n == 0) n = 1;
  for (;;) {
    if (void* p = std::malloc(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* allocate_nothrow(std::size_t n) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}

void release(void* p) noexcept {
  if (p == nullptr || arena_release(p)) return;
  std::free(p);
}

void release_sized(void* p, std::size_t n) noexcept {
  if (p == nullptr || arena_release(p)) return;
#if defined(MEETLAT_JEMALLOC)
  if (n != 0) {
    sdallocx(p, n, 0);
    return;
  }
#else
  (void)n;
#endif
  std::free(p);
}

}  // namespace

}  // namespace meetlat::detail

void* operator new(std::size_t n) {
  return meetlat::detail::allocate(n);
}
void* operator new[](std::size_t n) {
  return meetlat::detail::allocate(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return meetlat::detail::allocate_nothrow(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return meetlat::detail::allocate_nothrow(n);
}
void operator delete(void* p) noexcept {
  meetlat::detail::release(p);
}
void operator delete[](void* p) noexcept {
  meetlat::detail::release(p);
}
void operator delete(void* p, std::size_t n) noexcept {
  meetlat::detail::release_sized(p, n);
}
void operator delete[](void* p, std::size_t n) noexcept {
  meetlat::detail::release_sized(p, n);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  meetlat::detail::release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  meetlat::detail::release(p);
}

#else

}  // namespace meetlat::detail

#endif
