// The decision log of `meetlat serve` (issue "meetlat serve"; interfaces.md "HTTP service":
// "Every evaluation the service makes is written to the decision log ... before the answer is
// sent"). An embedded SQLite database in WAL mode holding a hash chain of entries: decisions
// (the submission, the full report, the engine version and the hash of every pack), overrides of
// a rule's outcome and approvals of an amount. Each entry's hash is SHA-256 over the previous
// entry's hash and the entry's canonical serialisation, so editing, inserting or deleting a row
// breaks the chain from that row on (verify()). The packs a decision used are stored once,
// content-addressed by their pack hash, so that a decision can be replayed with the logged rules.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "meetlat/expected.h"
#include "meetlat/money.h"
#include "meetlat/rule_pack.h"

namespace meetlat {

enum class EntryKind { decision, rule_override, approval };

std::string_view to_string(EntryKind k);  ///< "decision", "override", "approval"

/// The files of a pack as they were when a decision used them: pack.toml, params.toml and
/// rules/*.lua, exactly the inputs of the pack hash (read_rule_pack).
struct PackSnapshot {
  std::string hash;  ///< "sha256:..." of the pack
  std::string name;
  std::string version;
  std::vector<std::pair<std::string, std::string>> files;  ///< relative path, bytes
};

/// Takes a snapshot of a pack that was read from disk and checks it: written to a temporary
/// folder and read back, it must have the same hash. Fails when the files changed since the
/// pack was read (an edit in between); the caller then retries with the newer pack.
Expected<PackSnapshot> snapshot_pack(const RulePack& pack);

/// Writes the snapshot's files under `dir` (created). Refuses paths that would leave `dir`.
Expected<std::filesystem::path> materialise_snapshot(const PackSnapshot& snapshot,
                                                     const std::filesystem::path& dir);

/// The hash of the pack the snapshot's files make: written to a scratch folder, read as a pack,
/// removed again. What snapshot_pack and verify() compare with the hash the pack was logged with.
Expected<std::string> snapshot_hash(const PackSnapshot& snapshot);

/// A temporary folder name unique in this process and across processes ("meetlat-WHAT-PID-N");
/// not created.
std::filesystem::path scratch_dir(std::string_view what);

/// What append() reports once the entry is committed.
struct CommittedEntry {
  std::int64_t seq = 0;  ///< position in the chain; a decision's id
  std::string at;        ///< ISO-8601 UTC, e.g. "2024-05-01T12:00:00.123Z"
  std::string hash;      ///< "sha256:..."
};

/// One row of the chain as stored.
struct LogEntry {
  std::int64_t seq = 0;
  EntryKind kind = EntryKind::decision;
  std::int64_t decision_id = 0;  ///< the decision this entry belongs to (its own seq for one)
  std::string at;
  std::string content;  ///< canonical JSON (compact, fixed key order)
  std::string prev_hash;
  std::string hash;
};

/// A row of the decision list (GET /v1/decisions).
struct DecisionSummary {
  std::int64_t id = 0;
  std::string at;
  std::string titel;
  std::string regio;
  std::string regeling;
  std::string soort;
  std::string verdict;
  std::string packs_json;  ///< the `packs` array of the entry, as stored
  std::string hash;
  std::int64_t overrides = 0;
  std::optional<Cents> toegekend_cents;
  std::string toegekend_thema;
};

/// Filters of GET /v1/decisions; empty strings and zeros mean "any".
struct DecisionFilter {
  std::string verdict;
  std::string regio;
  std::string regeling;
  std::string text;  ///< part of the titel, case-insensitive for ASCII
  std::string from;  ///< "YYYY-MM-DD" or an ISO-8601 time; inclusive
  std::string to;    ///< "YYYY-MM-DD" (the whole day) or an ISO-8601 time; inclusive
  int limit = 50;
  std::int64_t before = 0;  ///< only ids below this (paging)
};

/// The result of recomputing the chain.
struct VerifyReport {
  bool intact = true;
  std::int64_t entries = 0;
  std::int64_t snapshots = 0;
  std::int64_t first_bad = 0;  ///< seq of the first entry that does not verify
  std::string problem;         ///< Dutch, names the entry and what is wrong
  std::string head_hash;       ///< hash of the last entry (to anchor elsewhere)
  /// Not tampering, but worth knowing (Dutch): a decision whose pack has no snapshot.
  std::vector<std::string> warnings;
};

struct LogOptions {
  /// PRAGMA synchronous=FULL: a commit is on disk before append() returns, so an answered
  /// decision survives a power loss. NORMAL (false) survives a crash of the process, not of the
  /// machine; bench/README.md measures both.
  bool synchronous_full = true;
  /// Group commit: the writer thread commits up to this many pending entries in one transaction
  /// (one fsync) and answers them after it. 1 commits every entry on its own.
  std::size_t max_batch = 128;
  bool read_only = false;  ///< verify-log, replay: never write, never create
};

/// The decision log. Thread-safe: any number of threads may append and read; one writer thread
/// owns the write connection and commits in batches.
class DecisionLog {
 public:
  /// Opens (or, unless read_only, creates) the database. Errors name the file.
  static Expected<std::unique_ptr<DecisionLog>> open(const std::filesystem::path& file,
                                                     const LogOptions& options = {});
  ~DecisionLog();  ///< commits what is pending, then closes
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  using Done = std::function<void(Expected<CommittedEntry>)>;

  /// Queues an entry for the writer; `done` runs on the writer thread after the commit (or its
  /// failure). `decision_id` is ignored for decisions (their id is their seq). Snapshots not yet
  /// stored are stored in the same transaction.
  void append_async(EntryKind kind, std::int64_t decision_id, std::string content,
                    std::vector<std::shared_ptr<const PackSnapshot>> snapshots, Done done);
  /// append_async and wait for the commit.
  Expected<CommittedEntry> append(EntryKind kind, std::int64_t decision_id, std::string content,
                                  std::vector<std::shared_ptr<const PackSnapshot>> snapshots = {});

  /// Whether a snapshot of this pack hash is stored (or queued for storing).
  bool has_snapshot(const std::string& pack_hash) const;
  Expected<PackSnapshot> snapshot(const std::string& pack_hash) const;

  std::optional<LogEntry> entry(std::int64_t seq) const;
  /// The entry whose chain hash is `hash` ("sha256:..."); verify-log --anker uses it to show
  /// that the log still holds an entry whose hash was noted down elsewhere earlier.
  std::optional<LogEntry> entry_with_hash(std::string_view hash) const;
  /// A decision entry by id; nullopt when there is none (or the id names another kind).
  std::optional<LogEntry> decision(std::int64_t id) const;
  /// Overrides and approvals of a decision, in chain order.
  std::vector<LogEntry> entries_for(std::int64_t decision_id) const;
  std::vector<DecisionSummary> list(const DecisionFilter& filter) const;
  /// Approved amounts per (regio, thema), from every approval entry.
  std::map<std::pair<std::string, std::string>, Cents> approved_totals() const;

  /// Recomputes every hash of the chain and checks every stored pack snapshot against its hash.
  VerifyReport verify() const;

  struct Impl;

 private:
  explicit DecisionLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The hash of an entry: "sha256:" + SHA-256 over a version tag, the entry's position, kind,
/// decision id, time, the previous hash and the content (the stored canonical JSON), each on its
/// own line. Exposed for the tests.
std::string entry_hash(const LogEntry& e);

/// The prev_hash of the first entry.
inline constexpr std::string_view kGenesisHash =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// Current UTC time as ISO-8601 with milliseconds: "2024-05-01T12:00:00.123Z".
std::string utc_now_iso8601();

}  // namespace meetlat
