// Evaluating submissions: choosing the packs for a submission, running their rules in a sandbox
// and aggregating the verdict (rule-catalogue.md; interfaces.md "meetlat check").
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "meetlat/limits.h"
#include "meetlat/money.h"
#include "meetlat/outcome.h"
#include "meetlat/rule_pack.h"
#include "meetlat/submission.h"

namespace meetlat {

class HostData;
struct PluginBinding;
struct RuleTrace;

/// Resolves pack names and paths and caches the packs read; shared by all worker threads.
class PackRegistry {
 public:
  explicit PackRegistry(PackSearchPath path);

  /// A pack by folder path, or by name on the search path. Several versions of a pack (folders
  /// whose manifests share a name) may be installed: `date` ("YYYY-MM-DD", a submission's
  /// ingediend) selects the highest version in force on that date; without a date the highest
  /// version. Packs are read once, then cached.
  Expected<std::shared_ptr<const RulePack>> get(const std::string& name_or_path,
                                                std::string_view date = {});
  /// Packs that join a submission on their own when it has certain keys (joins_when_present),
  /// the version in force on `date`.
  std::vector<std::shared_ptr<const RulePack>> joining_packs(std::string_view date = {});
  const PackSearchPath& search_path() const { return path_; }

 private:
  Expected<std::shared_ptr<const RulePack>> read_cached(const std::string& dir);
  void scan();

  PackSearchPath path_;
  std::mutex mutex_;
  std::map<std::string, Expected<std::shared_ptr<const RulePack>>> cache_;  // by folder
  bool scanned_ = false;
  // By manifest name: every readable version on the search path, in search-path order.
  std::map<std::string, std::vector<std::shared_ptr<const RulePack>>> versions_;
  std::map<std::string, std::string> unreadable_;  // folder name -> error
};

/// Compares version strings component by component, numerically where both are numbers:
/// "1.10.0" > "1.9.2". Negative, zero or positive.
int compare_versions(std::string_view a, std::string_view b);

/// Which packs a submission is evaluated with: those named (`--pack`), or else the pack its
/// `aanvraag.regeling` names plus packs that join on their own (interfaces.md).
struct PackChoice {
  std::vector<std::string> named;
};

/// The id of the synthetic rule that reports keys a strict pack does not know.
inline constexpr std::string_view kUnknownKeysRule = "SCHEMA";

/// Evaluates submissions on one thread. Owns a Lua sandbox; not thread-safe: one per worker.
class Evaluator {
 public:
  Evaluator(std::shared_ptr<PackRegistry> registry, const Limits& limits,
            const std::vector<PluginBinding>* plugins = nullptr);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  /// Evaluates one submission. Never throws for bad input or bad rules: those end up in the
  /// report (input errors, `error` outcomes). `pack_failure` is set when a pack could not be
  /// loaded (exit status 3).
  SubmissionReport evaluate(Submission& s, const PackChoice& choice, const HostData& host,
                            bool* pack_failure = nullptr);

  /// Runs one rule with read tracing, for `meetlat explain`.
  SubmissionReport explain(Submission& s, const std::string& pack, const std::string& rule_id,
                           const HostData& host, RuleTrace& trace, bool* pack_failure = nullptr);

  /// Loads a pack into this evaluator's sandbox; the error lists every located problem.
  Expected<std::vector<std::string>> load(const std::shared_ptr<const RulePack>& pack);

  /// Bytes held by this evaluator's Lua state.
  std::size_t lua_memory() const;

  /// Count every rule's VM instructions (RuleResult::instructions; `meetlat check --profile`).
  /// Off by default: a rule then runs without Lua's count hook when its result provably stays
  /// within the instruction budget, and its instructions are reported as 0.
  void count_instructions(bool on);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Paths of keys in a submission that neither the submission format nor `extra` (dotted paths
/// without indices, e.g. "activiteit.kosten") declares.
std::vector<std::pair<std::string, std::string>> unknown_keys(
    const Document& doc, const std::vector<std::string>& extra);

}  // namespace meetlat
