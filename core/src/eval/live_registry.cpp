// See live_registry.h.
#include "meetlat/live_registry.h"

#include <fmt/format.h>

#include <algorithm>

namespace meetlat {

namespace fs = std::filesystem;

namespace {
// What a pack is made of (manifest, parameters, test cases, rules); other files beside the
// packs, such as the decision log of meetlat serve, must not trigger a reload.
const std::vector<std::string> kPackFileExtensions = {".toml", ".lua"};
}  // namespace

FileFingerprint FileFingerprint::of(const std::vector<fs::path>& roots,
                                    const std::vector<std::string>& extensions) {
  FileFingerprint f;
  std::error_code ec;
  auto add = [&](const fs::path& p) {
    auto size = fs::file_size(p, ec);
    if (ec) return;
    auto time = fs::last_write_time(p, ec);
    if (ec) return;
    f.entries_.push_back(
        {p.string(), size,
         std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count()});
  };
  for (const auto& root : roots) {
    if (fs::is_regular_file(root, ec)) {
      add(root);
      continue;
    }
    if (!fs::is_directory(root, ec)) continue;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      bool wanted = extensions.empty() ||
                    std::any_of(extensions.begin(), extensions.end(),
                                [&](const std::string& e) { return name.ends_with(e); });
      if (wanted && it->is_regular_file(ec)) add(it->path());
    }
  }
  std::sort(f.entries_.begin(), f.entries_.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });
  return f;
}

LiveRegistry::LiveRegistry(PackSearchPath path, std::vector<std::string> extra_packs,
                           const Limits& limits, const std::vector<PluginBinding>* plugins)
    : path_(std::move(path)), extra_(std::move(extra_packs)), limits_(limits), plugins_(plugins) {
  current_ = std::make_shared<PackRegistry>(path_);
  fingerprint_ = FileFingerprint::of(roots(), kPackFileExtensions);
  pending_ = fingerprint_;
  set_problems(try_load(current_));
}

void LiveRegistry::set_problems(std::vector<Problem> problems) {
  status_.error.clear();
  for (const Problem& p : problems) {
    const PackProblem& w = p.where;
    if (!w.file.empty()) {
      status_.error += w.file + ":";
      if (w.line > 0) status_.error += std::to_string(w.line) + ":";
      if (w.line > 0 && w.column > 0) status_.error += std::to_string(w.column) + ":";
      status_.error += " ";
    }
    status_.error += w.message + "\n";
  }
  status_.problems = std::move(problems);
  status_.ok = status_.problems.empty();
}

std::vector<fs::path> LiveRegistry::roots() const {
  std::vector<fs::path> out = path_.dirs();
  for (const auto& e : extra_) out.emplace_back(e);
  return out;
}

std::vector<LiveRegistry::Problem> LiveRegistry::try_load(
    const std::shared_ptr<PackRegistry>& candidate) const {
  std::vector<Problem> problems;
  // Errors arrive as located lines ("file:line: text"), one per problem.
  auto add = [&](const std::string& pack, std::string_view text) {
    while (!text.empty()) {
      std::size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      if (!line.empty()) problems.push_back({pack, split_problem(line)});
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
  };
  Evaluator probe(candidate, limits_, plugins_);
  std::vector<std::string> names = extra_;
  for (const auto& dir : path_.all_packs()) names.push_back(dir.string());
  for (const auto& name : names) {
    auto pack = candidate->get(name);
    if (!pack) {
      add(fs::path(name).filename().string(), pack.error().message);
      continue;
    }
    auto loaded = probe.load(*pack);
    if (!loaded) add((*pack)->manifest.name, loaded.error().message);
  }
  return problems;
}

std::shared_ptr<PackRegistry> LiveRegistry::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

LiveRegistry::Status LiveRegistry::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

LiveRegistry::Status LiveRegistry::poll() {
  FileFingerprint now = FileFingerprint::of(roots(), kPackFileExtensions);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Reload only once the files have stood still for one poll: an editor (or a test) that
    // truncates a file and then writes it would otherwise have the half-written pack loaded,
    // and an empty rules file is a valid pack without those rules.
    bool settled = now == pending_;
    pending_ = now;
    if (now == fingerprint_ || !settled) {
      status_.changed = false;
      return status_;
    }
    fingerprint_ = now;
  }
  // Read and load everything anew, outside the lock: evaluations keep using the current set.
  auto candidate = std::make_shared<PackRegistry>(path_);
  std::vector<Problem> problems = try_load(candidate);
  std::lock_guard<std::mutex> lock(mutex_);
  status_.changed = true;
  set_problems(std::move(problems));
  if (status_.ok) {
    current_ = std::move(candidate);
    ++status_.generation;
  }
  return status_;
}

}  // namespace meetlat
