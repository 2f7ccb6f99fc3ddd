// Batch evaluation with ordered, streamed output (issue "Engine core": "--jobs N evaluates in
// parallel with output in a deterministic order"; "memory flat in the batch size").
#include "meetlat/batch.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
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
      auto it = std::find_if(summary.rule_costs.begin(), summary.rule_costs.end(),
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

SubmissionReport evaluate_file(Evaluator& ev, const std::string& file, const BatchOptions& o,
                               const HostData& host, bool& pack_failure) {
  Submission s = read_submission(file, o.read_limits);
  return ev.evaluate(s, o.packs, host, &pack_failure);
}

}  // namespace

BatchSummary run_batch(const std::vector<std::string>& files,
                       const std::shared_ptr<PackRegistry>& registry, const BatchOptions& options,
                       const HostData& host, ReportWriter& writer) {
  BatchSummary summary;
  writer.begin();
  unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, 64));
  if (jobs == 1 || files.size() <= 1) {
    Evaluator ev(registry, options.limits, options.plugins);
    for (const std::string& f : files) {
      bool pack_failure = false;
      SubmissionReport r = evaluate_file(ev, f, options, host, pack_failure);
      summary.pack_failure = summary.pack_failure || pack_failure;
      tally(summary, r, options.profile);
      writer.submission(r);
    }
    writer.end(summary.packs);
    sort_costs(summary);
    return summary;
  }

  const std::size_t window = std::size_t{jobs} * 8;
  std::vector<std::optional<SubmissionReport>> ring(window);
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t emitted = 0;  // guarded by mutex
  std::atomic<std::size_t> next{0};
  std::atomic<bool> any_pack_failure{false};

  auto worker = [&]() {
    Evaluator ev(registry, options.limits, options.plugins);
    for (;;) {
      std::size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return i < emitted + window; });
      }
      bool pack_failure = false;
      SubmissionReport r = evaluate_file(ev, files[i], options, host, pack_failure);
      if (pack_failure) any_pack_failure = true;
      {
        std::lock_guard<std::mutex> lock(mutex);
        ring[i % window] = std::move(r);
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (std::size_t i = 0; i < files.size(); ++i) {
    SubmissionReport r;
    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [&] { return ring[i % window].has_value(); });
      r = std::move(*ring[i % window]);
      ring[i % window].reset();
      ++emitted;
    }
    changed.notify_all();
    tally(summary, r, options.profile);
    writer.submission(r);
  }
  for (auto& t : threads) t.join();
  summary.pack_failure = summary.pack_failure || any_pack_failure;
  writer.end(summary.packs);
  sort_costs(summary);
  return summary;
}

}  // namespace meetlat
