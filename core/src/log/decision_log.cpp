// The decision log in SQLite (see decision_log.h). One writer thread owns the write connection
// and commits pending entries in groups: with synchronous=FULL every commit is an fsync of the
// WAL, and one fsync for a group of decisions instead of one each is what lets the service answer
// many requests per second while still committing each decision before it is answered.
#include "meetlat/decision_log.h"

#include <fmt/format.h>

#include <condition_variable>
#include <ctime>
#include <deque>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "sqlite.h"

namespace meetlat {

namespace fs = std::filesystem;

std::string_view to_string(EntryKind k) {
  switch (k) {
    case EntryKind::decision:
      return "decision";
    case EntryKind::rule_override:
      return "override";
    case EntryKind::approval:
      return "approval";
  }
  return "decision";
}

namespace {

std::optional<EntryKind> kind_from_string(std::string_view s) {
  if (s == "decision") return EntryKind::decision;
  if (s == "override") return EntryKind::rule_override;
  if (s == "approval") return EntryKind::approval;
  return std::nullopt;
}

// The schema. The summary columns are generated from the content (STORED, so they can be
// indexed and filtered cheaply): the content is the only copy of the data and the only thing the
// hash covers, so no column can disagree with what was hashed. `pack_files` holds each pack's
// files once, keyed by the pack hash (content-addressed; verify() re-reads them and recomputes).
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  decision_id INTEGER NOT NULL,
  at TEXT NOT NULL,
  content TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  titel TEXT GENERATED ALWAYS AS (json_extract(content, '$.titel')) STORED,
  regio TEXT GENERATED ALWAYS AS (json_extract(content, '$.regio')) STORED,
  regeling TEXT GENERATED ALWAYS AS (json_extract(content, '$.regeling')) STORED,
  soort TEXT GENERATED ALWAYS AS (json_extract(content, '$.soort')) STORED,
  verdict TEXT GENERATED ALWAYS AS (json_extract(content, '$.verdict')) STORED,
  packs TEXT GENERATED ALWAYS AS (json_extract(content, '$.packs')) STORED,
  thema TEXT GENERATED ALWAYS AS (json_extract(content, '$.thema')) STORED,
  bedrag_cents INTEGER GENERATED ALWAYS AS (json_extract(content, '$.bedrag_cents')) STORED
);
CREATE INDEX IF NOT EXISTS entries_by_decision ON entries(decision_id, kind);
CREATE TABLE IF NOT EXISTS pack_snapshots(
  hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pack_files(
  hash TEXT NOT NULL REFERENCES pack_snapshots(hash),
  path TEXT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY(hash, path)
);
INSERT OR IGNORE INTO meta(key, value) VALUES ('format', 'meetlat-besluitenlog-v1');
)sql";

struct Pending {
  EntryKind kind;
  std::int64_t decision_id;
  std::string content;
  std::vector<std::shared_ptr<const PackSnapshot>> snapshots;
  DecisionLog::Done done;
};

LogEntry read_entry(const sql::Statement& q) {
  LogEntry e;
  e.seq = q.int64(0);
  e.kind = kind_from_string(q.text(1)).value_or(EntryKind::decision);
  e.decision_id = q.int64(2);
  e.at = q.text(3);
  e.content = q.text(4);
  e.prev_hash = q.text(5);
  e.hash = q.text(6);
  return e;
}

constexpr const char* kEntryColumns = "seq, kind, decision_id, at, content, prev_hash, hash";

}  // namespace

std::string utc_now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

namespace {
// The hash of an entry from its fields (the format is fixed: every stored hash depends on it).
std::string hash_of(std::int64_t seq, EntryKind kind, std::int64_t decision_id, std::string_view at,
                    std::string_view prev_hash, std::string_view content) {
  std::string input = fmt::format("meetlat-besluitenlog-v1\n{}\n{}\n{}\n{}\n{}\n", seq,
                                  to_string(kind), decision_id, at, prev_hash);
  input += content;
  return "sha256:" + sha256_hex(input);
}
}  // namespace

std::string entry_hash(const LogEntry& e) {
  return hash_of(e.seq, e.kind, e.decision_id, e.at, e.prev_hash, e.content);
}

struct DecisionLog::Impl {
  fs::path file;
  LogOptions options;
  // Read connections still need the WAL index: opened read-write by SQLite's rules, although
  // this class never writes through them.
  static constexpr int kReadFlags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

  // Read connections, reused (opening one parses the schema each time).
  mutable std::mutex pool_mutex;
  mutable std::vector<sql::Connection> pool;

  // The writer.
  sql::Connection writer;
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<Pending> queue;
  bool stopping = false;
  std::thread thread;
  std::int64_t last_seq = 0;
  std::string last_hash{kGenesisHash};

  mutable std::mutex snapshots_mutex;
  std::set<std::string> snapshots;  // stored or queued

  // Borrows a read connection for the duration of `fn`.
  template <class Fn>
  auto with_reader(Fn&& fn) const {
    sql::Connection c;
    {
      std::lock_guard<std::mutex> lock(pool_mutex);
      if (!pool.empty()) {
        c = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (!c) {
      auto opened = sql::Connection::open(file.string(), kReadFlags);
      if (opened) c = std::move(*opened);
    }
    struct Return {
      const Impl* self;
      sql::Connection* c;
      ~Return() {
        if (!*c) return;
        std::lock_guard<std::mutex> lock(self->pool_mutex);
        if (self->pool.size() < 8) self->pool.push_back(std::move(*c));
      }
    } give_back{this, &c};
    return fn(c);
  }

  Expected<bool> load_head() {
    sql::Statement q(writer, "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1");
    if (!q.ok()) return Error{q.prepare_error()};
    last_seq = 0;
    last_hash = std::string(kGenesisHash);
    if (q.step() == SQLITE_ROW) {
      last_seq = q.int64(0);
      last_hash = q.text(1);
    }
    sql::Statement s(writer, "SELECT hash FROM pack_snapshots");
    std::lock_guard<std::mutex> lock(snapshots_mutex);
    while (s.ok() && s.step() == SQLITE_ROW) snapshots.insert(s.text(0));
    return true;
  }

  // The writer's three inserts, prepared once per commit and reset after each row: this thread
  // is what group commit relieves, so it should not parse the same SQL for every entry and file.
  struct Inserts {
    sql::Statement entry;
    sql::Statement snapshot;
    sql::Statement file;
    explicit Inserts(sql::Connection& w)
        : entry(w,
                "INSERT INTO entries(seq, kind, decision_id, at, content, prev_hash, hash) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
          snapshot(w,
                   "INSERT OR IGNORE INTO pack_snapshots(hash, name, version) VALUES (?1,?2,?3)"),
          file(w, "INSERT OR IGNORE INTO pack_files(hash, path, content) VALUES (?1,?2,?3)") {}
    const sql::Statement* failed() const {
      for (const sql::Statement* st : {&entry, &snapshot, &file}) {
        if (!st->ok()) return st;
      }
      return nullptr;
    }
  };

  // Runs a prepared insert once and makes it ready for the next row.
  static Expected<bool> run_once(sql::Statement& st) {
    int rc = st.step();
    std::string error = rc == SQLITE_DONE ? std::string() : st.error();
    st.reset();
    if (rc != SQLITE_DONE) return Error{error};
    return true;
  }

  // Inserts one entry inside the open transaction; advances seq/hash on success only.
  Expected<CommittedEntry> insert(Inserts& ins, Pending& p, std::int64_t& seq, std::string& prev) {
    std::int64_t at_seq = seq + 1;
    std::int64_t decision_id = p.kind == EntryKind::decision ? at_seq : p.decision_id;
    std::string at = utc_now_iso8601();
    std::string hash = hash_of(at_seq, p.kind, decision_id, at, prev, p.content);
    ins.entry.bind(1, at_seq)
        .bind(2, to_string(p.kind))
        .bind(3, decision_id)
        .bind(4, at)
        .bind(5, p.content)
        .bind(6, prev)
        .bind(7, hash);
    if (auto r = run_once(ins.entry); !r) return r.error();
    for (const auto& snap : p.snapshots) {
      ins.snapshot.bind(1, snap->hash).bind(2, snap->name).bind(3, snap->version);
      if (auto r = run_once(ins.snapshot); !r) return r.error();
      for (const auto& [path, bytes] : snap->files) {
        ins.file.bind(1, snap->hash).bind(2, path).bind_blob(3, bytes);
        if (auto r = run_once(ins.file); !r) return r.error();
      }
    }
    seq = at_seq;
    prev = hash;
    return CommittedEntry{at_seq, std::move(at), std::move(hash)};
  }

  // Commits `batch` in one transaction. On failure the transaction is rolled back and, when the
  // batch held several entries, each is retried on its own so that one bad entry does not fail
  // the others.
  void commit(std::vector<Pending>& batch) {
    std::vector<Expected<CommittedEntry>> results;
    Inserts ins(writer);
    auto attempt = [&](std::size_t from, std::size_t to) -> bool {
      if (const sql::Statement* bad = ins.failed()) {
        for (std::size_t i = from; i < to; ++i) results.emplace_back(Error{bad->prepare_error()});
        return false;
      }
      std::int64_t seq = last_seq;
      std::string prev = last_hash;
      if (!writer.exec("BEGIN IMMEDIATE")) {
        for (std::size_t i = from; i < to; ++i) results.emplace_back(Error{writer.error()});
        return false;
      }
      for (std::size_t i = from; i < to; ++i) {
        auto r = insert(ins, batch[i], seq, prev);
        if (!r) {
          (void)writer.exec("ROLLBACK");
          results.erase(results.begin() + static_cast<std::ptrdiff_t>(from), results.end());
          for (std::size_t j = from; j < to; ++j) results.emplace_back(r.error());
          return false;
        }
        results.emplace_back(std::move(r));
      }
      auto committed = writer.exec("COMMIT");
      if (!committed) {
        (void)writer.exec("ROLLBACK");
        results.erase(results.begin() + static_cast<std::ptrdiff_t>(from), results.end());
        for (std::size_t j = from; j < to; ++j) results.emplace_back(committed.error());
        return false;
      }
      last_seq = seq;
      last_hash = prev;
      return true;
    };
    if (!attempt(0, batch.size()) && batch.size() > 1) {
      results.clear();
      for (std::size_t i = 0; i < batch.size(); ++i) (void)attempt(i, i + 1);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!results[i]) {
        // Not stored after all: forget the snapshots it was to bring, so a later decision
        // brings them again.
        std::lock_guard<std::mutex> lock(snapshots_mutex);
        for (const auto& s : batch[i].snapshots) {
          sql::Statement q(writer, "SELECT 1 FROM pack_snapshots WHERE hash = ?1");
          q.bind(1, s->hash);
          if (q.step() != SQLITE_ROW) snapshots.erase(s->hash);
        }
      }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move(results[i]));
    }
  }

  void run() {
    for (;;) {
      std::vector<Pending> batch;
      {
        std::unique_lock<std::mutex> lock(queue_mutex);
        queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping and drained
        std::size_t n = std::min(queue.size(), std::max<std::size_t>(1, options.max_batch));
        batch.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      commit(batch);
    }
  }
};

DecisionLog::DecisionLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DecisionLog::~DecisionLog() {
  if (impl_->thread.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->queue_mutex);
      impl_->stopping = true;
    }
    impl_->queue_cv.notify_all();
    impl_->thread.join();
  }
}

Expected<std::unique_ptr<DecisionLog>> DecisionLog::open(const fs::path& file,
                                                         const LogOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  impl->options = options;
  std::error_code ec;
  if (options.read_only) {
    if (!fs::is_regular_file(file, ec)) {
      return Error{
          fmt::format("{}: besluitenlog niet gevonden (decision log not found)", file.string())};
    }
    auto probe = sql::Connection::open(file.string(), Impl::kReadFlags);
    if (!probe) return probe.error();
    sql::Statement q(*probe, "SELECT value FROM meta WHERE key = 'format'");
    if (!q.ok() || q.step() != SQLITE_ROW) {
      return Error{fmt::format("{}: geen besluitenlog van meetlat (not a meetlat decision log)",
                               file.string())};
    }
    return std::unique_ptr<DecisionLog>(new DecisionLog(std::move(impl)));
  }
  auto writer = sql::Connection::open(
      file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (!writer) return writer.error();
  impl->writer = std::move(*writer);
  // WAL: readers (the list, the ledger, verify-log) never block the writer. synchronous=FULL
  // syncs the WAL at every commit: an answered decision is on disk even after a power loss.
  std::string pragmas =
      fmt::format("PRAGMA journal_mode=WAL; PRAGMA synchronous={}; PRAGMA foreign_keys=ON;",
                  options.synchronous_full ? "FULL" : "NORMAL");
  if (auto r = impl->writer.exec(pragmas); !r) {
    return Error{fmt::format("{}: {}", file.string(), r.error().message)};
  }
  if (auto r = impl->writer.exec(kSchema); !r) {
    return Error{fmt::format("{}: schema: {}", file.string(), r.error().message)};
  }
  sql::Statement fmt_check(impl->writer, "SELECT value FROM meta WHERE key = 'format'");
  if (!fmt_check.ok() || fmt_check.step() != SQLITE_ROW ||
      fmt_check.text(0) != "meetlat-besluitenlog-v1") {
    return Error{fmt::format("{}: onbekend formaat van het besluitenlog", file.string())};
  }
  if (auto r = impl->load_head(); !r) {
    return Error{fmt::format("{}: {}", file.string(), r.error().message)};
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<DecisionLog>(new DecisionLog(std::move(impl)));
}

void DecisionLog::append_async(EntryKind kind, std::int64_t decision_id, std::string content,
                               std::vector<std::shared_ptr<const PackSnapshot>> snapshots,
                               Done done) {
  if (impl_->options.read_only || !impl_->thread.joinable()) {
    done(Error{"besluitenlog is alleen-lezen geopend"});
    return;
  }
  {
    std::lock_guard<std::mutex> lock(impl_->snapshots_mutex);
    for (const auto& s : snapshots) impl_->snapshots.insert(s->hash);
  }
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mutex);
    impl_->queue.push_back(
        {kind, decision_id, std::move(content), std::move(snapshots), std::move(done)});
  }
  impl_->queue_cv.notify_one();
}

Expected<CommittedEntry> DecisionLog::append(
    EntryKind kind, std::int64_t decision_id, std::string content,
    std::vector<std::shared_ptr<const PackSnapshot>> snapshots) {
  std::promise<Expected<CommittedEntry>> promise;
  auto future = promise.get_future();
  append_async(kind, decision_id, std::move(content), std::move(snapshots),
               [&promise](Expected<CommittedEntry> r) { promise.set_value(std::move(r)); });
  return future.get();
}

bool DecisionLog::has_snapshot(const std::string& pack_hash) const {
  std::lock_guard<std::mutex> lock(impl_->snapshots_mutex);
  return impl_->snapshots.count(pack_hash) > 0;
}

Expected<PackSnapshot> DecisionLog::snapshot(const std::string& pack_hash) const {
  return impl_->with_reader([&](sql::Connection& c) -> Expected<PackSnapshot> {
    if (!c) return Error{"besluitenlog kan niet worden gelezen"};
    sql::Statement q(c, "SELECT name, version FROM pack_snapshots WHERE hash = ?1");
    q.bind(1, pack_hash);
    if (q.step() != SQLITE_ROW) {
      return Error{fmt::format("geen kopie van regelpakket {} in het besluitenlog", pack_hash)};
    }
    PackSnapshot s;
    s.hash = pack_hash;
    s.name = q.text(0);
    s.version = q.text(1);
    sql::Statement f(c, "SELECT path, content FROM pack_files WHERE hash = ?1 ORDER BY path");
    f.bind(1, pack_hash);
    while (f.step() == SQLITE_ROW) s.files.emplace_back(f.text(0), f.blob(1));
    return s;
  });
}

std::optional<LogEntry> DecisionLog::entry(std::int64_t seq) const {
  return impl_->with_reader([&](sql::Connection& c) -> std::optional<LogEntry> {
    if (!c) return std::nullopt;
    sql::Statement q(c, fmt::format("SELECT {} FROM entries WHERE seq = ?1", kEntryColumns));
    q.bind(1, seq);
    if (q.step() != SQLITE_ROW) return std::nullopt;
    return read_entry(q);
  });
}

std::optional<LogEntry> DecisionLog::entry_with_hash(std::string_view hash) const {
  return impl_->with_reader([&](sql::Connection& c) -> std::optional<LogEntry> {
    if (!c) return std::nullopt;
    sql::Statement q(c, fmt::format("SELECT {} FROM entries WHERE hash = ?1 ORDER BY seq LIMIT 1",
                                    kEntryColumns));
    q.bind(1, hash);
    if (q.step() != SQLITE_ROW) return std::nullopt;
    return read_entry(q);
  });
}

std::optional<LogEntry> DecisionLog::decision(std::int64_t id) const {
  auto e = entry(id);
  if (!e || e->kind != EntryKind::decision) return std::nullopt;
  return e;
}

std::vector<LogEntry> DecisionLog::entries_for(std::int64_t decision_id) const {
  return impl_->with_reader([&](sql::Connection& c) {
    std::vector<LogEntry> out;
    if (!c) return out;
    sql::Statement q(c, fmt::format("SELECT {} FROM entries WHERE decision_id = ?1 AND kind != "
                                    "'decision' ORDER BY seq",
                                    kEntryColumns));
    q.bind(1, decision_id);
    while (q.step() == SQLITE_ROW) out.push_back(read_entry(q));
    return out;
  });
}

std::vector<DecisionSummary> DecisionLog::list(const DecisionFilter& f) const {
  return impl_->with_reader([&](sql::Connection& c) {
    std::vector<DecisionSummary> out;
    if (!c) return out;
    // The newest approval of a decision counts (there is at most one: the service refuses a
    // second); overrides are counted.
    sql::Statement q(c, R"sql(
SELECT e.seq, e.at, e.titel, e.regio, e.regeling, e.soort, e.verdict, e.packs, e.hash,
  (SELECT count(*) FROM entries o WHERE o.decision_id = e.seq AND o.kind = 'override'),
  a.bedrag_cents, a.thema
FROM entries e
LEFT JOIN entries a ON a.seq = (SELECT max(x.seq) FROM entries x
                                WHERE x.decision_id = e.seq AND x.kind = 'approval')
WHERE e.kind = 'decision'
  AND (?1 = '' OR e.verdict = ?1)
  AND (?2 = '' OR e.regio = ?2)
  AND (?3 = '' OR e.regeling = ?3)
  AND (?4 = '' OR instr(lower(coalesce(e.titel, '')), lower(?4)) > 0)
  AND (?5 = '' OR e.at >= ?5)
  AND (?6 = '' OR substr(e.at, 1, length(?6)) <= ?6)
  AND (?7 = 0 OR e.seq < ?7)
ORDER BY e.seq DESC
LIMIT ?8
)sql");
    if (!q.ok()) return out;
    q.bind(1, f.verdict)
        .bind(2, f.regio)
        .bind(3, f.regeling)
        .bind(4, f.text)
        .bind(5, f.from)
        .bind(6, f.to)
        .bind(7, f.before)
        .bind(8, static_cast<std::int64_t>(f.limit));
    while (q.step() == SQLITE_ROW) {
      DecisionSummary s;
      s.id = q.int64(0);
      s.at = q.text(1);
      s.titel = q.text(2);
      s.regio = q.text(3);
      s.regeling = q.text(4);
      s.soort = q.text(5);
      s.verdict = q.text(6);
      s.packs_json = q.is_null(7) ? "[]" : q.text(7);
      s.hash = q.text(8);
      s.overrides = q.int64(9);
      if (!q.is_null(10)) {
        s.toegekend_cents = q.int64(10);
        s.toegekend_thema = q.text(11);
      }
      out.push_back(std::move(s));
    }
    return out;
  });
}

std::map<std::pair<std::string, std::string>, Cents> DecisionLog::approved_totals() const {
  return impl_->with_reader([&](sql::Connection& c) {
    std::map<std::pair<std::string, std::string>, Cents> out;
    if (!c) return out;
    sql::Statement q(c,
                     "SELECT coalesce(regio, ''), coalesce(thema, ''), sum(bedrag_cents) FROM "
                     "entries WHERE kind = 'approval' GROUP BY 1, 2");
    while (q.ok() && q.step() == SQLITE_ROW) out[{q.text(0), q.text(1)}] = q.int64(2);
    return out;
  });
}

VerifyReport DecisionLog::verify() const {
  return impl_->with_reader([&](sql::Connection& c) {
    VerifyReport r;
    auto bad = [&](std::int64_t seq, std::string problem) {
      if (!r.intact) return;
      r.intact = false;
      r.first_bad = seq;
      r.problem = std::move(problem);
    };
    if (!c) {
      bad(0, "het besluitenlog kan niet worden geopend");
      return r;
    }
    // One read transaction: a consistent view while the service keeps appending.
    (void)c.exec("BEGIN");
    sql::Statement q(c, fmt::format("SELECT {} FROM entries ORDER BY seq", kEntryColumns));
    std::string expected_prev(kGenesisHash);
    std::int64_t expected_seq = 1;
    std::set<std::int64_t> decisions;
    while (q.ok() && q.step() == SQLITE_ROW) {
      ++r.entries;
      LogEntry e = read_entry(q);
      std::string kind = q.text(1);
      if (e.seq != expected_seq) {
        bad(e.seq, fmt::format("regel {}: volgnummer verwacht {} (ontbrekende regel?)", e.seq,
                               expected_seq));
      }
      if (!kind_from_string(kind)) {
        bad(e.seq, fmt::format("regel {}: onbekende soort '{}'", e.seq, kind));
      }
      if (e.prev_hash != expected_prev) {
        bad(e.seq, fmt::format("regel {}: prev_hash klopt niet met de hash van de vorige regel "
                               "(regel verwijderd of ingevoegd)",
                               e.seq));
      }
      if (entry_hash(e) != e.hash) {
        bad(e.seq,
            fmt::format("regel {} ({}): inhoud gewijzigd — de hash klopt niet", e.seq, kind));
      }
      if (e.kind == EntryKind::decision) {
        if (e.decision_id != e.seq) {
          bad(e.seq, fmt::format("regel {}: besluitnummer {} hoort {} te zijn", e.seq,
                                 e.decision_id, e.seq));
        }
        decisions.insert(e.seq);
      } else if (decisions.count(e.decision_id) == 0) {
        bad(e.seq, fmt::format("regel {}: verwijst naar besluit {} dat er niet (eerder) is", e.seq,
                               e.decision_id));
      }
      expected_prev = e.hash;
      expected_seq = e.seq + 1;
    }
    r.head_hash = expected_prev;
    // Every stored pack must still be exactly the pack its hash names.
    sql::Statement packs(c, "SELECT hash FROM pack_snapshots ORDER BY hash");
    std::vector<std::string> hashes;
    while (packs.ok() && packs.step() == SQLITE_ROW) hashes.push_back(packs.text(0));
    (void)c.exec("COMMIT");
    for (const std::string& h : hashes) {
      ++r.snapshots;
      auto snap = snapshot(h);
      if (!snap) {
        bad(0, snap.error().message);
        continue;
      }
      auto now = snapshot_hash(*snap);
      if (!now || *now != h) {
        bad(0,
            fmt::format("kopie van regelpakket {} {} is gewijzigd: de bestanden hebben niet "
                        "meer hash {}{}",
                        snap->name, snap->version, h, now ? "" : " (" + now.error().message + ")"));
      }
    }
    // Decisions whose packs have no snapshot cannot be replayed; not tampering by itself.
    sql::Statement missing(c, R"sql(
SELECT DISTINCT json_extract(p.value, '$.hash'), json_extract(p.value, '$.name')
FROM entries e, json_each(e.packs) p
WHERE e.kind = 'decision'
  AND json_extract(p.value, '$.hash') NOT IN (SELECT hash FROM pack_snapshots)
)sql");
    while (missing.ok() && missing.step() == SQLITE_ROW) {
      r.warnings.push_back(
          fmt::format("geen kopie van regelpakket {} ({}): besluiten ermee "
                      "kunnen niet worden nagespeeld",
                      missing.text(1), missing.text(0)));
    }
    return r;
  });
}

}  // namespace meetlat
