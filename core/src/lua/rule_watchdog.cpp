// Rules run without the count hook, and the watchdog that stops the ones that do not end.
//
// While a count hook is installed, Lua 5.4 calls luaG_traceexec before every VM instruction,
// whatever the count: about a tenth of the time of the built-in rules (bench/README.md). The
// budget (issue "Engine core": instructions, time and memory per rule) does not need the hook
// for a rule that is obviously cheap, so a rule first runs without it:
//  - No CPU executes more than kMaxInstructionsPerNs Lua VM instructions a nanosecond: each is a
//    fetch, a decode and an indirect jump, several machine instructions and never under one
//    cycle, so ten a nanosecond would take a 10 GHz CPU. A hook-free run that returned within
//    (budget - steps charged by C functions) / 10 ns therefore stayed within the instruction
//    budget, and its result is the one a counted run gives: the hook only observes.
//  - Every other run is done again from the start with the hook: one that took longer, was
//    stopped or killed, or met the memory cap. (A run that raised a Lua error within the window
//    stands: a counted run raises the same error at the same place.) So every error message, every
//    kill and every budget decision is still the counted one, and decisions replay identically.
// The counted run is kept wherever its count is shown (`meetlat check --profile`, explain).
//
// A hook-free run that does not end is stopped by the watchdog, a thread that looks at the
// enrolled sandboxes every kPollInterval and sends kWatchSignal to the thread of a run older
// than its window. The handler, on that thread, sets fast_abort and installs the count hook with
// lua_sethook, which Lua documents as safe in a signal handler (its own interpreter stops a
// script on Ctrl-C that way); the hook then kills the run on every instruction, so that a pcall in
// the rule cannot swallow it, and run_pack does the rule again, counted. The watchdog sleeps
// after kIdlePolls polls without a hook-free run and the next one wakes it.
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <mutex>
#include <thread>

#include "lua_internal.h"

namespace meetlat::lua_detail {

const char* const kFastRunStopped = "stopgezet door de bewaker; de regel wordt opnieuw geteld";

namespace {

constexpr std::int64_t kMaxInstructionsPerNs = 10;
// Below this window (an instruction budget under a million) every run is counted: ordinary rules
// would not finish inside it on a loaded machine and would run twice.
constexpr std::int64_t kMinWindowNs = 100'000;
constexpr auto kPollInterval = std::chrono::milliseconds(2);
constexpr int kIdlePolls = 500;  // about a second

int watch_signal() {
  return SIGRTMIN + 5;  // a real-time signal: queued, and unused by glibc and this program
}

// steady_clock is CLOCK_MONOTONIC on Linux; clock_gettime may be called in a signal handler.
std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t ns_of(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The sandbox whose hook-free run this thread is in, for the signal handler.
thread_local SandboxCore* tls_fast_run = nullptr;
thread_local int tls_thread_id = 0;  // gettid(), and the signal unblocked on this thread

void on_watch_signal(int /*signal*/) {
  int saved = errno;
  SandboxCore* c = tls_fast_run;
  if (c != nullptr) {
    std::int64_t since = c->fast_since.load(std::memory_order_relaxed);
    if (since != 0 && monotonic_ns() - since > c->fast_window_ns.load(std::memory_order_relaxed)) {
      c->fast_abort.store(true, std::memory_order_relaxed);
      lua_sethook(c->L, budget_hook, LUA_MASKCOUNT, 1);
    }
  }
  errno = saved;
}

struct Watchdog {
  std::mutex m;
  std::condition_variable cv;
  std::vector<SandboxCore*> cores;
  std::atomic<bool> asleep{false};
  bool started = false;

  [[noreturn]] void run() {
    std::unique_lock lock(m);
    int idle = 0;
    const pid_t process = getpid();
    for (;;) {
      bool busy = false;
      for (SandboxCore* c : cores) {
        std::int64_t since = c->fast_since.load();
        if (since == 0) continue;
        busy = true;
        int thread = c->fast_thread.load();
        if (thread != 0 &&
            monotonic_ns() - since > c->fast_window_ns.load(std::memory_order_relaxed)) {
          // tgkill, not pthread_kill: a thread that has ended since is an error, not a crash.
          syscall(SYS_tgkill, process, thread, watch_signal());
        }
      }
      idle = busy ? 0 : idle + 1;
      if (idle < kIdlePolls) {
        cv.wait_for(lock, kPollInterval);
        continue;
      }
      // Sleep until a run begins. A run that began before it could see `asleep` is seen by the
      // look below: both sides use sequentially consistent operations, so at least one of them
      // sees the other's write.
      asleep.store(true);
      bool any = false;
      for (SandboxCore* c : cores) any = any || c->fast_since.load() != 0;
      if (!any) cv.wait(lock, [this] { return !asleep.load(); });
      asleep.store(false);
      idle = 0;
    }
  }
};

Watchdog& watchdog() {
  static auto* w = new Watchdog;  // never destroyed: its thread runs until the process ends
  return *w;
}

// Registers the sandbox with the watchdog, starting it on first use; on any failure the sandbox
// counts every rule instead (fast_rules false, watched false).
void enroll(SandboxCore& c) noexcept {
  try {
    Watchdog& w = watchdog();
    std::lock_guard lock(w.m);
    if (!w.started) {
      struct sigaction action {};
      action.sa_handler = on_watch_signal;
      action.sa_flags = SA_RESTART;
      sigemptyset(&action.sa_mask);
      if (sigaction(watch_signal(), &action, nullptr) != 0) {
        c.fast_rules = false;
        return;
      }
      std::thread([&w] { w.run(); }).detach();
      w.started = true;
    }
    w.cores.push_back(&c);
    c.watched = true;
  } catch (...) {
    c.fast_rules = false;  // no thread or no memory: every rule is counted
  }
}

}  // namespace

bool fast_run_possible(SandboxCore& c, const Budget& b) {
  if (!c.fast_rules || b.instructions / static_cast<std::uint64_t>(kMaxInstructionsPerNs) <
                           static_cast<std::uint64_t>(kMinWindowNs)) {
    return false;
  }
  // Never without the watchdog: a hook-free run that does not end would have nothing to stop it.
  if (!c.watched) enroll(c);
  return c.watched;
}

void begin_fast_run(SandboxCore& c, std::chrono::steady_clock::time_point now) {
  if (tls_thread_id == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, watch_signal());
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    tls_thread_id = static_cast<int>(gettid());
  }
  if (c.hook_interval != 0) {
    lua_sethook(c.L, nullptr, 0, 0);
    c.hook_interval = 0;
  }
  c.fast_abort.store(false, std::memory_order_relaxed);
  // The watchdog stops the run when it may have left the instruction budget, or at the deadline
  // (the rule's or the submission's), whichever comes first; counted, it then ends at once.
  // Atomic: the watchdog may still be reading the window of the previous run.
  c.fast_window_ns.store(
      static_cast<std::int64_t>(std::min<std::uint64_t>(
          c.instructions_limit / kMaxInstructionsPerNs,
          static_cast<std::uint64_t>(std::max<std::int64_t>(0, ns_of(c.deadline) - ns_of(now))))),
      std::memory_order_relaxed);
  c.fast_thread.store(tls_thread_id, std::memory_order_relaxed);
  tls_fast_run = &c;
  c.fast_since.store(ns_of(now));
  Watchdog& w = watchdog();
  if (w.asleep.load()) {
    std::lock_guard lock(w.m);
    w.asleep.store(false);
    w.cv.notify_one();
  }
}

bool end_fast_run(SandboxCore& c, std::chrono::steady_clock::time_point start,
                  std::chrono::steady_clock::time_point end) {
  c.fast_since.store(0);  // from here on the handler leaves the run alone
  tls_fast_run = nullptr;
  bool stopped = c.fast_abort.exchange(false, std::memory_order_relaxed);
  if (stopped) c.hook_interval = 1;  // what the handler installed
  // A Lua error stands as it is (a counted run raises the same one at the same place); a kill,
  // a refused allocation or the watchdog do not.
  if (stopped || c.killed || c.memory_refused) return false;
  auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count();
  std::uint64_t most =
      c.instructions_used + static_cast<std::uint64_t>(elapsed) * kMaxInstructionsPerNs;
  return most <= c.instructions_limit;
}

void leave_watchdog(SandboxCore& c) {
  if (!c.watched) return;
  Watchdog& w = watchdog();
  std::lock_guard lock(w.m);
  std::erase(w.cores, &c);
  c.watched = false;
}

}  // namespace meetlat::lua_detail
