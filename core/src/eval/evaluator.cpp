// Evaluation of one submission (rule-catalogue.md; interfaces.md "meetlat check").
#include "meetlat/evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>

#include "../lua/lua_sandbox.h"

namespace meetlat {

PackRegistry::PackRegistry(PackSearchPath path) : path_(std::move(path)) {}

int compare_versions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    std::size_t da = a.find('.');
    std::size_t db = b.find('.');
    std::string_view pa = a.substr(0, da);
    std::string_view pb = b.substr(0, db);
    bool na = !pa.empty() && pa.find_first_not_of("0123456789") == std::string_view::npos;
    bool nb = !pb.empty() && pb.find_first_not_of("0123456789") == std::string_view::npos;
    if (na && nb) {
      std::string_view ta = pa.substr(std::min(pa.find_first_not_of('0'), pa.size()));
      std::string_view tb = pb.substr(std::min(pb.find_first_not_of('0'), pb.size()));
      if (ta.size() != tb.size()) return ta.size() < tb.size() ? -1 : 1;
      if (int c = ta.compare(tb); c != 0) return c < 0 ? -1 : 1;
    } else if (int c = pa.compare(pb); c != 0) {
      return c < 0 ? -1 : 1;
    }
    a = da == std::string_view::npos ? std::string_view{} : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view{} : b.substr(db + 1);
  }
  return 0;
}

namespace {
bool in_force(const RulePack& p, std::string_view date) {
  if (date.empty()) return true;
  const PackManifest& m = p.manifest;
  return (m.valid_from.empty() || date >= m.valid_from) &&
         (m.valid_to.empty() || date <= m.valid_to);
}

// The highest version in force on `date`; on equal versions the first on the search path.
std::shared_ptr<const RulePack> pick(const std::vector<std::shared_ptr<const RulePack>>& versions,
                                     std::string_view date) {
  std::shared_ptr<const RulePack> best;
  for (const auto& p : versions) {
    if (!in_force(*p, date)) continue;
    if (!best || compare_versions(p->manifest.version, best->manifest.version) > 0) best = p;
  }
  return best;
}
}  // namespace

Expected<std::shared_ptr<const RulePack>> PackRegistry::read_cached(const std::string& dir) {
  auto it = cache_.find(dir);
  if (it != cache_.end()) return it->second;
  Expected<std::shared_ptr<const RulePack>> result = read_rule_pack(dir);
  cache_.emplace(dir, result);
  return result;
}

void PackRegistry::scan() {
  if (scanned_) return;
  scanned_ = true;
  std::error_code ec;
  for (const auto& root : path_.dirs()) {
    if (!std::filesystem::is_directory(root, ec)) continue;
    std::vector<std::filesystem::path> folders;
    for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
      if (entry.is_directory(ec) && std::filesystem::exists(entry.path() / "pack.toml", ec)) {
        folders.push_back(entry.path());
      }
    }
    std::sort(folders.begin(), folders.end());
    for (const auto& folder : folders) {
      auto pack = read_cached(folder.string());
      if (pack) {
        versions_[(*pack)->manifest.name].push_back(*pack);
      } else {
        unreadable_.emplace(folder.filename().string(), pack.error().message);
      }
    }
  }
}

Expected<std::shared_ptr<const RulePack>> PackRegistry::get(const std::string& name_or_path,
                                                            std::string_view date) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::error_code ec;
  bool is_path =
      name_or_path.find('/') != std::string::npos || name_or_path == "." || name_or_path == "..";
  if (is_path) {
    // Once read, a pack is not read again (read_cached); skip the file-system check as well, it
    // ran once per submission for every --pack PATH.
    if (auto hit = cache_.find(name_or_path); hit != cache_.end()) return hit->second;
    auto dir = path_.resolve(name_or_path);
    if (!dir) return dir.error();
    return read_cached(dir->string());
  }
  scan();
  auto it = versions_.find(name_or_path);
  if (it == versions_.end()) {
    auto bad = unreadable_.find(name_or_path);
    if (bad != unreadable_.end()) return Error{bad->second};
    auto dir = path_.resolve(name_or_path);  // a folder in the working directory, or not found
    if (!dir) return dir.error();
    return read_cached(dir->string());
  }
  if (auto chosen = pick(it->second, date)) return chosen;
  std::string versions;
  for (const auto& p : it->second) {
    versions += fmt::format("{}{} ({} t/m {})", versions.empty() ? "" : ", ", p->manifest.version,
                            p->manifest.valid_from.empty() ? "…" : p->manifest.valid_from,
                            p->manifest.valid_to.empty() ? "…" : p->manifest.valid_to);
  }
  return Error{fmt::format("geen versie van regelpakket '{}' geldt op {}; geïnstalleerd: {}",
                           name_or_path, date, versions)};
}

std::vector<std::shared_ptr<const RulePack>> PackRegistry::joining_packs(std::string_view date) {
  std::lock_guard<std::mutex> lock(mutex_);
  scan();
  std::vector<std::shared_ptr<const RulePack>> out;
  for (const auto& [name, versions] : versions_) {
    auto chosen = pick(versions, date);
    if (chosen && !chosen->manifest.joins_when_present.empty()) out.push_back(chosen);
  }
  return out;
}

// A pack chosen for a submission: a pointer into Evaluator::Impl's memory of chosen packs.
using PackRef = const std::shared_ptr<const RulePack>*;

struct Evaluator::Impl {
  std::shared_ptr<PackRegistry> registry;
  LuaSandbox sandbox;
  // The packs the registry gave for a name and date, and the joining packs for a date, so that a
  // submission finds them here rather than in the registry shared by all workers: its mutex and
  // the packs' reference counts, written by every worker for every submission, cost --jobs 2 a
  // few per cent on two cores (bench/README.md). The registry reads a pack once and from then on
  // answers the same for a name and date, so this is only a shortcut; failures are not kept (a
  // folder may appear later). Cleared when large (many distinct dates).
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
  };
  std::unordered_map<std::string, std::shared_ptr<const RulePack>, KeyHash, std::equal_to<>> named;
  std::unordered_map<std::string, std::vector<std::shared_ptr<const RulePack>>, KeyHash,
                     std::equal_to<>>
      joining;
  static constexpr std::size_t kMaxRemembered = 4096;
  std::string key;  // scratch for look-ups

  /// Forgets everything remembered when it grew large; only between submissions, as the packs
  /// chosen for a submission point into it.
  void trim() {
    if (named.size() >= kMaxRemembered) named.clear();
    if (joining.size() >= kMaxRemembered) joining.clear();
  }
  struct Loaded {
    int handle = -1;
    std::string error;
  };
  std::map<const RulePack*, Loaded> loaded;
  std::vector<std::shared_ptr<const RulePack>> keep;

  Impl(std::shared_ptr<PackRegistry> r, const Limits& limits,
       const std::vector<PluginBinding>* plugins)
      : registry(std::move(r)),
        sandbox(limits, plugins != nullptr ? *plugins : std::vector<PluginBinding>{}) {}

  // The pack `name_or_path` in force on `date`, from the registry the first time.
  Expected<PackRef> pack_named(const std::string& name_or_path, std::string_view date) {
    key.assign(name_or_path).append(1, '\0').append(date);
    if (auto it = named.find(std::string_view(key)); it != named.end()) return &it->second;
    auto pack = registry->get(name_or_path, date);
    if (!pack) return pack.error();
    return &named.emplace(key, *pack).first->second;
  }
  // The packs that join on their own on `date`.
  const std::vector<std::shared_ptr<const RulePack>>& joining_packs(std::string_view date) {
    if (auto it = joining.find(date); it != joining.end()) return it->second;
    return joining.emplace(std::string(date), registry->joining_packs(date)).first->second;
  }

  const Loaded& ensure(const std::shared_ptr<const RulePack>& pack) {
    auto it = loaded.find(pack.get());
    if (it != loaded.end()) return it->second;
    std::vector<RuleDecl> rules;
    std::vector<LoadProblem> problems;
    auto handle = sandbox.load_pack(*pack, rules, problems);
    Loaded l;
    if (handle) {
      l.handle = *handle;
    } else {
      l.error = handle.error().message;
    }
    keep.push_back(pack);
    return loaded.emplace(pack.get(), std::move(l)).first->second;
  }
};

Evaluator::Evaluator(std::shared_ptr<PackRegistry> registry, const Limits& limits,
                     const std::vector<PluginBinding>* plugins)
    : impl_(std::make_unique<Impl>(std::move(registry), limits, plugins)) {}

Evaluator::~Evaluator() = default;

void Evaluator::count_instructions(bool on) {
  impl_->sandbox.count_instructions(on);
}

std::size_t Evaluator::lua_memory() const {
  return impl_->sandbox.memory_in_use();
}

Expected<std::vector<std::string>> Evaluator::load(const std::shared_ptr<const RulePack>& pack) {
  const Impl::Loaded& l = impl_->ensure(pack);
  if (!l.error.empty()) return Error{l.error};
  return std::vector<std::string>{};
}

namespace {

SubmissionReport base_report(const Submission& s) {
  SubmissionReport r;
  r.file = s.file;
  r.titel = s.titel;
  r.regio = s.regio;
  r.soort = s.soort;
  r.ingediend = s.ingediend;
  r.input_errors = s.errors;
  return r;
}

void add_input_error(SubmissionReport& r, const Submission& s, std::string_view path,
                     std::string message) {
  NodeId id = path.empty() ? kNoNode : s.doc.find_path(path);
  SourcePos pos = id != kNoNode ? s.doc.node(id).pos : SourcePos{};
  r.input_errors.push_back({std::string(path), pos.line, pos.column, std::move(message)});
}

// Which packs, in order; input errors for packs that are unknown or do not apply.
template <typename Lookup>
std::vector<PackRef> choose_packs(Lookup& registry, Submission& s, const PackChoice& choice,
                                  SubmissionReport& report, bool* pack_failure) {
  std::vector<PackRef> packs;
  if (!choice.named.empty()) {
    for (const std::string& name : choice.named) {
      auto pack = registry.pack_named(name, s.ingediend);
      if (!pack) {
        if (pack_failure != nullptr) *pack_failure = true;
        add_input_error(
            report, s, "",
            fmt::format("regelpakket kon niet worden gelezen: {}", pack.error().message));
        continue;
      }
      std::string why = (**pack)->why_not_applicable(s);
      if (!why.empty()) {
        add_input_error(report, s, "aanvraag.soort", why);
        continue;
      }
      packs.push_back(*pack);
    }
    return packs;
  }
  if (!s.regeling.empty()) {
    auto pack = registry.pack_named(s.regeling, s.ingediend);
    if (!pack) {
      add_input_error(report, s, "aanvraag.regeling",
                      fmt::format("onbekende regeling '{}': {}", s.regeling, pack.error().message));
    } else {
      std::string why = (**pack)->why_not_applicable(s);
      if (!why.empty()) {
        add_input_error(report, s, "aanvraag.regeling", why);
      } else {
        packs.push_back(*pack);
      }
    }
  }
  for (const auto& joining_ref : registry.joining_packs(s.ingediend)) {
    const RulePack* joining = joining_ref.get();
    bool present = false;
    for (const std::string& key : joining->manifest.joins_when_present) {
      present = present || s.doc.find(s.doc.root(), key) != kNoNode;
    }
    bool already = std::any_of(packs.begin(), packs.end(), [&](PackRef p) {
      return (*p)->manifest.name == joining->manifest.name;
    });
    if (present && !already && joining->why_not_applicable(s).empty()) {
      packs.push_back(&joining_ref);
    }
  }
  if (packs.empty() && report.input_errors.empty()) {
    add_input_error(report, s, "aanvraag.regeling",
                    "geen regelpakket van toepassing: vul aanvraag.regeling in (bijvoorbeeld "
                    "\"transformatiefonds-2018\") of noem een pakket met --pack");
  }
  return packs;
}

RuleResult unknown_keys_result(const Submission& s, const RulePack& pack) {
  RuleResult r;
  r.pack = pack.manifest.name;
  r.id = std::string(kUnknownKeysRule);
  r.title = "Onbekende sleutels in de aanvraag";
  r.severity = Severity::advisory;
  r.source = "submission-format";
  r.quote =
      "A pack may declare the keys it knows; the engine then reports any other key as an "
      "aandachtspunt";
  auto unknown = unknown_keys(s.doc, pack.manifest.extra_keys);
  if (unknown.empty()) {
    r.outcome = Outcome::pass;
    r.message = "Alle sleutels in de aanvraag zijn bekend.";
    return r;
  }
  r.outcome = Outcome::fail;
  for (const auto& [path, suggestion] : unknown) {
    std::string msg =
        suggestion.empty()
            ? fmt::format("Onbekende sleutel {}: deze wordt door geen regel gelezen.", path)
            : fmt::format("Onbekende sleutel {}: bedoelde u '{}'?", path, suggestion);
    r.findings.push_back({msg, {path}});
    r.evidence.push_back(path);
    if (!r.message.empty()) r.message += '\n';
    r.message += msg;
  }
  return r;
}

RuleResult pack_error_result(const RulePack& pack, const std::string& error) {
  RuleResult r;
  r.pack = pack.manifest.name;
  r.id = "PACK";
  r.title = "Regelpakket laden";
  r.outcome = Outcome::error;
  r.severity = Severity::blocking;
  r.source = pack.dir.string();
  r.message = "Het regelpakket kon niet worden geladen; een medewerker moet beslissen.";
  r.detail = error;
  return r;
}

}  // namespace

SubmissionReport Evaluator::evaluate(Submission& s, const PackChoice& choice, const HostData& host,
                                     bool* pack_failure) {
  SubmissionReport report = base_report(s);
  if (!s.readable()) {
    report.verdict = Verdict::ongeldig;
    return report;
  }
  impl_->trim();
  auto packs = choose_packs(*impl_, s, choice, report, pack_failure);
  if (!report.input_errors.empty()) {
    report.verdict = Verdict::ongeldig;
    return report;
  }
  impl_->sandbox.begin_submission(s.doc);
  for (PackRef ref : packs) {
    const std::shared_ptr<const RulePack>& pack = *ref;
    const Impl::Loaded& l = impl_->ensure(pack);
    const ParamVersion& params = pack->params_for(s.ingediend);
    report.packs.push_back({pack->manifest.name, pack->manifest.version, pack->hash, params.label});
    if (!l.error.empty()) {
      if (pack_failure != nullptr) *pack_failure = true;
      report.rules.push_back(pack_error_result(*pack, l.error));
      continue;
    }
    // Reported only when there is something to report: a passing row would be noise.
    if (pack->manifest.strict_keys && !s.keys_all_known) {
      RuleResult keys = unknown_keys_result(s, *pack);
      if (keys.outcome != Outcome::pass) report.rules.push_back(std::move(keys));
    }
    impl_->sandbox.run_pack(l.handle, *pack, *params.values, s.regio, host, report.rules);
  }
  impl_->sandbox.end_submission();
  report.verdict = aggregate_verdict(report.input_errors, report.rules);
  return report;
}

SubmissionReport Evaluator::explain(Submission& s, const std::string& pack_name,
                                    const std::string& rule_id, const HostData& host,
                                    RuleTrace& trace, bool* pack_failure) {
  SubmissionReport report = base_report(s);
  if (!s.readable()) {
    report.verdict = Verdict::ongeldig;
    return report;
  }
  PackChoice choice{{pack_name}};
  impl_->trim();
  auto packs = choose_packs(*impl_, s, choice, report, pack_failure);
  if (!report.input_errors.empty() || packs.empty()) {
    report.verdict = Verdict::ongeldig;
    return report;
  }
  const std::shared_ptr<const RulePack>& pack = *packs.front();
  const Impl::Loaded& l = impl_->ensure(pack);
  const ParamVersion& params = pack->params_for(s.ingediend);
  report.packs.push_back({pack->manifest.name, pack->manifest.version, pack->hash, params.label});
  if (!l.error.empty()) {
    if (pack_failure != nullptr) *pack_failure = true;
    report.rules.push_back(pack_error_result(*pack, l.error));
  } else {
    impl_->sandbox.begin_submission(s.doc);
    impl_->sandbox.run_pack(l.handle, *pack, *params.values, s.regio, host, report.rules, rule_id,
                            &trace);
    impl_->sandbox.end_submission();
  }
  report.verdict = aggregate_verdict(report.input_errors, report.rules);
  return report;
}

}  // namespace meetlat
