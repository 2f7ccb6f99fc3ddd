// Throughput benchmark (issue "Engine core", Speed): on one core, for the files of a folder,
//   - the parser alone (toml++ or simdjson): the baseline the engine is measured against,
//   - the engine's reading (parse + validation into a Document),
//   - the full evaluation (reading + every rule of the packs the submission selects),
// and the time to load the built-in packs. Files are read into memory first, so disk speed does
// not enter. Results and the commands that produced them: bench/README.md.
#include <simdjson.h>
#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "meetlat/evaluator.h"
#include "meetlat/host_data.h"
#include "meetlat/plugins.h"
#include "meetlat/submission.h"

using namespace meetlat;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Result {
  double seconds;
  std::size_t count;
  std::size_t bytes;
};

void print(const char* what, const Result& r) {
  std::printf("  %-34s %9.0f submissions/s  %7.1f MB/s  (%.3f s for %zu)\n", what,
              static_cast<double>(r.count) / r.seconds,
              static_cast<double>(r.bytes) / r.seconds / 1e6, r.seconds, r.count);
}

// Passes over all texts with each of `fns` in turn, one warm-up round and then `repeat` rounds,
// keeping the best pass of each (least disturbed by other processes). Taking turns means a
// slower or faster spell of a shared machine hits every measurement alike, so the ratios
// between them hold better than the absolute numbers.
std::vector<Result> measure_in_turn(
    const std::vector<std::string>& texts, int repeat,
    const std::vector<std::function<void(const std::string&)>>& fns) {
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  std::vector<double> best(fns.size(), 1e99);
  for (int r = 0; r <= repeat; ++r) {
    for (std::size_t f = 0; f < fns.size(); ++f) {
      auto start = Clock::now();
      for (const auto& t : texts) fns[f](t);
      if (r > 0) best[f] = std::min(best[f], seconds_since(start));
    }
  }
  std::vector<Result> out;
  for (double b : best) out.push_back({b, texts.size(), bytes});
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::string format = "toml";
  int repeat = 3;
  std::size_t limit = 5000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (a == "--format" && i + 1 < argc)
      format = argv[++i];
    else if (a == "--repeat" && i + 1 < argc)
      repeat = std::stoi(argv[++i]);
    else if (a == "--limit" && i + 1 < argc)
      limit = std::stoul(argv[++i]);
  }
  if (dir.empty()) {
    std::fprintf(stderr,
                 "usage: meetlat_bench --dir DIR [--format toml|json] [--repeat N] [--limit N]\n");
    return 3;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == "." + format) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() > limit) files.resize(limit);
  std::vector<std::string> texts;
  // Read as `meetlat check` reads them (read_regular_file: room for the JSON parser's padding
  // behind the contents, so that it parses them in place).
  for (const auto& f : files) {
    auto text = read_regular_file(f, std::size_t{1} << 30);
    if (!text) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), text.error().message.c_str());
      return 1;
    }
    texts.push_back(std::move(*text));
  }
  SubmissionFormat fmt = format == "json" ? SubmissionFormat::json : SubmissionFormat::toml;
  std::printf("%zu %s files from %s, one thread\n", texts.size(), format.c_str(), dir.c_str());

  auto registry = std::make_shared<PackRegistry>(PackSearchPath::from_environment());
  // The built-in packs call the plugin nl (BG-05), as `meetlat check` gives it to them.
  PluginSet plugins;
  plugins.load_dirs(plugin_search_path());
  Evaluator evaluator(registry, Limits{}, &plugins.bindings());
  HostData host;
  std::size_t rules_run = 0;

  // Baseline: the parser on its own, as a program using it would call it.
  std::function<void(const std::string&)> parse_only;
  simdjson::dom::parser p;
  if (fmt == SubmissionFormat::toml) {
    parse_only = [](const std::string& t) {
      auto table = toml::parse(t);
      if (table.empty()) std::abort();
    };
  } else {
    parse_only = [&](const std::string& t) {
      simdjson::dom::element e;
      if (p.parse(t).get(e) != simdjson::SUCCESS) std::abort();  // in place: t has the padding
    };
  }
  auto read_only = [&](const std::string& t) {
    Submission s = parse_submission(t, fmt, "bench", {}, t.capacity() - t.size());
    if (!s.readable()) std::abort();
  };
  auto evaluate = [&](const std::string& t) {
    Submission s = parse_submission(t, fmt, "bench", {}, t.capacity() - t.size());
    SubmissionReport r = evaluator.evaluate(s, PackChoice{}, host);
    rules_run += r.rules.size();
    if (r.verdict == Verdict::ongeldig) std::abort();
  };
  auto results = measure_in_turn(texts, repeat, {parse_only, read_only, evaluate});
  const Result& parser = results[0];
  const Result& read = results[1];
  const Result& full = results[2];
  print(fmt == SubmissionFormat::toml ? "toml++ parse only" : "simdjson parse only", parser);
  print("meetlat read + validate", read);
  print("meetlat read + evaluate (all rules)", full);
  double per_sub_us = full.seconds / static_cast<double>(full.count) * 1e6;
  double parse_us = parser.seconds / static_cast<double>(parser.count) * 1e6;
  double read_us = read.seconds / static_cast<double>(read.count) * 1e6;
  std::printf(
      "  per submission: %.1f µs total = %.1f µs parser + %.1f µs validation + %.1f µs "
      "rules (%.1f rules each)\n",
      per_sub_us, parse_us, read_us - parse_us, per_sub_us - read_us,
      static_cast<double>(rules_run) / static_cast<double>(full.count * (repeat + 1)));
  std::printf("  share of time: parsing %.0f %%, validation %.0f %%, rules %.0f %%\n",
              100 * parse_us / per_sub_us, 100 * (read_us - parse_us) / per_sub_us,
              100 * (per_sub_us - read_us) / per_sub_us);
  std::printf("  end-to-end throughput is %.1f %% of the parser's own\n",
              100 * parser.seconds / full.seconds);
  std::printf("  Lua state after the run: %.1f MiB\n",
              static_cast<double>(evaluator.lua_memory()) / (1 << 20));

  // Pack load: reading the three built-in packs from disk and compiling them in a fresh sandbox.
  std::vector<double> loads;
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    auto fresh = std::make_shared<PackRegistry>(PackSearchPath::from_environment());
    Evaluator ev(fresh, Limits{}, &plugins.bindings());
    for (const char* name : {"transformatiefonds-2018", "begroting", "ijsselland-meetlat"}) {
      auto pack = fresh->get(name);
      if (!pack || !ev.load(*pack)) std::abort();
    }
    loads.push_back(seconds_since(start) * 1e3);
  }
  std::sort(loads.begin(), loads.end());
  std::printf(
      "  pack load (3 built-in packs, read + compile + freeze): median %.2f ms, max %.2f ms\n",
      loads[loads.size() / 2], loads.back());
  return 0;
}
