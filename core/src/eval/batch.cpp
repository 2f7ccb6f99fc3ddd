// Batch evaluation with ordered, streamed output (issue "Engine core": "--jobs N evaluates in
// parallel with output in a deterministic order"; "memory flat in the batch size").
#include "meetlat/batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "../lua/lua_sandbox.h"

namespace meetlat {

namespace fs = std::filesystem;

int BatchSummary::exit_status() const {
  if (pack_failure) return 3;
  bool undecided = per_verdict[static_cast<int>(Verdict::onbeslist)] > 0 ||
                   per_verdict[static_cast<int>(Verdict::ongeldig)] > 0;
  return meetlat::exit_status(per_verdict[static_cast<int>(Verdict::voldoet_niet)] > 0, undecided);
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      out.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& p = it->path();
      std::string name = p.filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(ec)) continue;
      if (format_of(name)) found.push_back(p.string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

namespace {

void tally(BatchSummary& summary, const SubmissionReport& r, bool profile) {
  ++summary.total;
  if (profile) {
    for (const RuleResult& rule : r.rules) {
      auto it =
          std::find_if(summary.rule_costs.begin(), summary.rule_costs.end(),
                       [&](const RuleCost& c) { return c.pack == rule.pack && c.id == rule.id; });
      if (it == summary.rule_costs.end()) {
        summary.rule_costs.push_back({rule.pack, rule.id, 0, 0, 0, 0});
        it = summary.rule_costs.end() - 1;
      }
      ++it->evaluations;
      it->total_ns += rule.nanoseconds;
      it->max_ns = std::max(it->max_ns, rule.nanoseconds);
      it->instructions += rule.instructions;
    }
  }
  ++summary.per_verdict[static_cast<int>(r.verdict)];
  for (const PackUse& p : r.packs) {
    bool known = std::any_of(summary.packs.begin(), summary.packs.end(), [&](const PackUse& q) {
      return q.name == p.name && q.hash == p.hash && q.params_version == p.params_version;
    });
    if (!known) summary.packs.push_back(p);
  }
}

void sort_costs(BatchSummary& summary) {
  std::sort(summary.rule_costs.begin(), summary.rule_costs.end(),
            [](const RuleCost& a, const RuleCost& b) { return a.total_ns > b.total_ns; });
}

// The batch limits (BatchLimits): files [0, admitted) are evaluated, the rest reported with
// `refusal`. Decided up front, from the list and the sizes on disk, so that the outcome does not
// depend on --jobs or on timing.
struct Admission {
  std::size_t admitted = 0;
  std::string refusal;
};

Admission admit(const std::vector<std::string>& files, const BatchLimits& limits) {
  Admission a;
  a.admitted = files.size();
  if (limits.max_files > 0 && files.size() > limits.max_files) {
    a.admitted = limits.max_files;
    a.refusal = fmt::format(
        "niet beoordeeld: de batch telt {} aanvragen, meer dan de limiet van {} "
        "(--max-batch-files); deze en alle volgende aanvragen zijn overgeslagen",
        files.size(), limits.max_files);
  }
  if (limits.max_bytes > 0) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < a.admitted; ++i) {
      std::error_code ec;
      std::uintmax_t size = fs::file_size(files[i], ec);
      if (ec) continue;  // the reader reports the file itself
      total += size;
      if (total > limits.max_bytes) {
        a.admitted = i;
        a.refusal = fmt::format(
            "niet beoordeeld: de aanvragen van de batch zijn samen groter dan de limiet van {} "
            "MiB (--max-batch-size); deze en alle volgende aanvragen zijn overgeslagen",
            limits.max_bytes >> 20);
        break;
      }
    }
  }
  return a;
}

SubmissionReport not_evaluated(const std::string& file, std::string why) {
  SubmissionReport r;
  r.file = file;
  r.verdict = Verdict::ongeldig;
  r.input_errors.push_back({"", 0, 0, std::move(why)});
  return r;
}

struct BatchClock {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::chrono::milliseconds limit{0};
  explicit BatchClock(std::chrono::milliseconds time) : limit(time) {
    if (time.count() > 0) deadline = std::chrono::steady_clock::now() + time;
  }
  bool passed() const { return limit.count() > 0 && std::chrono::steady_clock::now() > deadline; }
};

SubmissionReport evaluate_file(Evaluator& ev, std::size_t index, const std::string& file,
                               const BatchOptions& o, const Admission& admission,
                               const BatchClock& clock, const HostData& host, bool& pack_failure) {
  if (index >= admission.admitted) return not_evaluated(file, admission.refusal);
  if (clock.passed()) {
    return not_evaluated(
        file, fmt::format("niet beoordeeld: de tijdslimiet van de batch van {} s is overschreden "
                          "(--limit-batch-time)",
                          clock.limit.count() / 1000));
  }
  Submission s = read_submission(file, o.read_limits);
  return ev.evaluate(s, o.packs, host, &pack_failure);
}

}  // namespace

BatchSummary run_batch(const std::vector<std::string>& files,
                       const std::shared_ptr<PackRegistry>& registry, const BatchOptions& options,
                       const HostData& host, ReportWriter& writer) {
  BatchSummary summary;
  const Admission admission = admit(files, options.batch_limits);
  const BatchClock clock(options.batch_limits.time);
  writer.begin();
  unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, 64));
  if (jobs == 1 || files.size() <= 1) {
    Evaluator ev(registry, options.limits, options.plugins);
    ev.count_instructions(options.profile);
    for (std::size_t i = 0; i < files.size(); ++i) {
      bool pack_failure = false;
      SubmissionReport r =
          evaluate_file(ev, i, files[i], options, admission, clock, host, pack_failure);
      summary.pack_failure = summary.pack_failure || pack_failure;
      tally(summary, r, options.profile);
      writer.submission(r);
    }
    writer.end(summary.packs);
    sort_costs(summary);
    return summary;
  }

  // Every thread evaluates and renders (formatting is a fair share of the work), the calling
  // thread included, and whichever thread finds the next result in order ready writes it, so
  // that N jobs are N threads on N cores: a separate writer thread made three threads share two
  // cores, and the preemptions cost --jobs 2 a tenth of its speed-up (bench/README.md). Results
  // pass through a ring of slots, each marked with the index of the submission it holds; threads
  // sleep (atomic wait) only when they are a whole ring ahead of the output: a mutex shared by
  // all threads, or a wake-up per result, showed up as futex calls costing a fifth of the run.
  struct Done {
    SubmissionReport report;
    std::string rendered;
  };
  struct Slot {
    std::atomic<std::size_t> holds{SIZE_MAX};  // index of the submission in `done`, or SIZE_MAX
    Done done;
  };
  const std::size_t window = std::size_t{jobs} * 16;
  std::vector<Slot> ring(window);
  std::atomic<std::size_t> emitted{0};  // submissions written so far
  std::atomic<std::size_t> next{0};
  std::atomic<bool> any_pack_failure{false};
  std::atomic<bool> writing{false};  // a thread is writing results (the summary is its too)

  // Writes every result that is next in order and ready. Only one thread writes at a time; one
  // that finds another writing leaves, and the writer looks again after it stops, so a result
  // stored meanwhile is not left behind (all sequentially consistent: each side's store comes
  // before its load of the other's, so at least one of them sees the other).
  auto write_ready = [&]() {
    for (;;) {
      if (writing.exchange(true)) return;
      for (std::size_t k = emitted.load(std::memory_order_relaxed); k < files.size(); ++k) {
        Slot& slot = ring[k % window];
        if (slot.holds.load() != k) break;
        Done done = std::move(slot.done);
        slot.holds.store(SIZE_MAX, std::memory_order_relaxed);
        emitted.store(k + 1);
        emitted.notify_all();
        tally(summary, done.report, options.profile);
        writer.write(done.rendered, done.report.verdict);
      }
      writing.store(false);
      std::size_t k = emitted.load();
      if (k >= files.size() || ring[k % window].holds.load() != k) return;
    }
  };
  auto worker = [&]() {
    Evaluator ev(registry, options.limits, options.plugins);
    ev.count_instructions(options.profile);
    for (;;) {
      std::size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      for (std::size_t e = emitted.load(std::memory_order_acquire); i >= e + window;
           e = emitted.load(std::memory_order_acquire)) {
        emitted.wait(e, std::memory_order_acquire);
      }
      Slot& slot = ring[i % window];
      bool pack_failure = false;
      slot.done.report =
          evaluate_file(ev, i, files[i], options, admission, clock, host, pack_failure);
      slot.done.rendered = writer.render(slot.done.report);
      if (pack_failure) any_pack_failure = true;
      slot.holds.store(i);
      write_ready();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs - 1);
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  write_ready();  // nothing is left by then; kept for certainty
  summary.pack_failure = summary.pack_failure || any_pack_failure;
  writer.end(summary.packs);
  sort_costs(summary);
  return summary;
}

}  // namespace meetlat
