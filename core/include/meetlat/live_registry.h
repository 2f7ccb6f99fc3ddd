// Hot reload of rule packs (issue "Policy staff's workflow": `meetlat check --watch`; issue
// "meetlat serve": packs reload atomically). A LiveRegistry notices when any file of the packs on
// its search path changes, reads and loads every pack again, and only then switches over; an edit
// that breaks a pack keeps the last good version in use and reports the error.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "meetlat/evaluator.h"
#include "meetlat/limits.h"
#include "meetlat/rule_pack.h"

namespace meetlat {

/// A cheap summary of a set of files: path, size and modification time of each.
class FileFingerprint {
 public:
  /// Every regular file under `roots` (recursively; hidden entries skipped) and the roots that
  /// are files themselves. With `extensions`, only files under the roots whose names end in one
  /// of them: a pack folder may sit beside files that change all the time (a decision log).
  static FileFingerprint of(const std::vector<std::filesystem::path>& roots,
                            const std::vector<std::string>& extensions = {});
  bool operator==(const FileFingerprint& o) const { return entries_ == o.entries_; }
  bool operator!=(const FileFingerprint& o) const { return !(*this == o); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string path;
    std::uintmax_t size;
    std::int64_t mtime_ns;
    bool operator==(const Entry& o) const {
      return path == o.path && size == o.size && mtime_ns == o.mtime_ns;
    }
  };
  std::vector<Entry> entries_;
};

class LiveRegistry {
 public:
  /// `extra_packs`: packs named by path (outside the search path) that are watched too.
  LiveRegistry(PackSearchPath path, std::vector<std::string> extra_packs, const Limits& limits,
               const std::vector<PluginBinding>* plugins = nullptr);

  /// The registry in use: the last version in which every pack loaded.
  std::shared_ptr<PackRegistry> current() const;

  /// One reason a reload was refused, located (meetlat serve lists them on /v1/packs).
  struct Problem {
    std::string pack;  ///< the pack's name; its folder when even the manifest could not be read
    PackProblem where;
  };
  struct Status {
    bool changed = false;           ///< files changed since the last poll
    bool ok = true;                 ///< the current registry reflects the files (no broken edit)
    std::string error;              ///< why the last reload was refused, with file and line
    std::vector<Problem> problems;  ///< the same, one by one
    int generation = 0;             ///< incremented on every successful switch
  };
  /// Checks the files; when they changed and then stayed the same for one more poll, reloads
  /// and switches if every pack loads.
  Status poll();
  /// The state after the last poll.
  Status status() const;

 private:
  std::vector<std::filesystem::path> roots() const;
  /// Reads and loads every pack; every problem, none when all load.
  std::vector<Problem> try_load(const std::shared_ptr<PackRegistry>& candidate) const;
  /// Records the outcome of try_load in status_ (mutex_ held).
  void set_problems(std::vector<Problem> problems);

  PackSearchPath path_;
  std::vector<std::string> extra_;
  Limits limits_;
  const std::vector<PluginBinding>* plugins_;
  mutable std::mutex mutex_;
  std::shared_ptr<PackRegistry> current_;
  FileFingerprint fingerprint_;  ///< what the current registry was loaded from
  FileFingerprint pending_;      ///< what the last poll saw
  Status status_;
};

}  // namespace meetlat
