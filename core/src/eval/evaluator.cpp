// Evaluation of one submission (rule-catalogue.md; interfaces.md "meetlat check").
#include "meetlat/evaluator.h"

#include <fmt/format.h>

#include <algorithm>

#include "../lua/lua_sandbox.h"

namespace meetlat {

PackRegistry::PackRegistry(PackSearchPath path) : path_(std::move(path)) {}

Expected<std::shared_ptr<const RulePack>> PackRegistry::get(const std::string& name_or_path) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(name_or_path);
  if (it != cache_.end()) return it->second;
  auto dir = path_.resolve(name_or_path);
  Expected<std::shared_ptr<const RulePack>> result =
      dir ? read_rule_pack(*dir) : Expected<std::shared_ptr<const RulePack>>(dir.error());
  cache_.emplace(name_or_path, result);
  return result;
}

std::vector<std::shared_ptr<const RulePack>> PackRegistry::joining_packs() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (scanned_) return joining_;
  }
  std::vector<std::shared_ptr<const RulePack>> found;
  for (const auto& dir : path_.all_packs()) {
    auto pack = get(dir.filename().string());
    if (pack && !(*pack)->manifest.joins_when_present.empty()) found.push_back(*pack);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  scanned_ = true;
  joining_ = std::move(found);
  return joining_;
}

struct Evaluator::Impl {
  std::shared_ptr<PackRegistry> registry;
  LuaSandbox sandbox;
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
std::vector<std::shared_ptr<const RulePack>> choose_packs(PackRegistry& registry, Submission& s,
                                                          const PackChoice& choice,
                                                          SubmissionReport& report,
                                                          bool* pack_failure) {
  std::vector<std::shared_ptr<const RulePack>> packs;
  if (!choice.named.empty()) {
    for (const std::string& name : choice.named) {
      auto pack = registry.get(name);
      if (!pack) {
        if (pack_failure != nullptr) *pack_failure = true;
        add_input_error(
            report, s, "",
            fmt::format("regelpakket kon niet worden gelezen: {}", pack.error().message));
        continue;
      }
      std::string why = (*pack)->why_not_applicable(s);
      if (!why.empty()) {
        add_input_error(report, s, "aanvraag.soort", why);
        continue;
      }
      packs.push_back(*pack);
    }
    return packs;
  }
  if (!s.regeling.empty()) {
    auto pack = registry.get(s.regeling);
    if (!pack) {
      add_input_error(report, s, "aanvraag.regeling",
                      fmt::format("onbekende regeling '{}': {}", s.regeling, pack.error().message));
    } else {
      std::string why = (*pack)->why_not_applicable(s);
      if (!why.empty()) {
        add_input_error(report, s, "aanvraag.regeling", why);
      } else {
        packs.push_back(*pack);
      }
    }
  }
  for (const auto& joining : registry.joining_packs()) {
    bool present = false;
    for (const std::string& key : joining->manifest.joins_when_present) {
      present = present || s.doc.find(s.doc.root(), key) != kNoNode;
    }
    bool already = std::any_of(packs.begin(), packs.end(), [&](const auto& p) {
      return p->manifest.name == joining->manifest.name;
    });
    if (present && !already && joining->why_not_applicable(s).empty()) packs.push_back(joining);
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
  auto packs = choose_packs(*impl_->registry, s, choice, report, pack_failure);
  if (!report.input_errors.empty()) {
    report.verdict = Verdict::ongeldig;
    return report;
  }
  impl_->sandbox.begin_submission(s.doc);
  for (const auto& pack : packs) {
    const Impl::Loaded& l = impl_->ensure(pack);
    const ParamVersion& params = pack->params_for(s.ingediend);
    report.packs.push_back({pack->manifest.name, pack->manifest.version, pack->hash, params.label});
    if (!l.error.empty()) {
      if (pack_failure != nullptr) *pack_failure = true;
      report.rules.push_back(pack_error_result(*pack, l.error));
      continue;
    }
    // Reported only when there is something to report: a passing row would be noise.
    if (pack->manifest.strict_keys) {
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
  auto packs = choose_packs(*impl_->registry, s, choice, report, pack_failure);
  if (!report.input_errors.empty() || packs.empty()) {
    report.verdict = Verdict::ongeldig;
    return report;
  }
  const auto& pack = packs.front();
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
