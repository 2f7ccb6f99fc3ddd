// `meetlat serve`: the HTTP API, the evaluation workers and the web page (issue "meetlat serve";
// interfaces.md "HTTP service"; docs/serve.md is the reference of every endpoint).
//
// Threads: cpp-httplib's connection threads parse requests and wait; evaluations run on a fixed
// pool of workers, each with its own Evaluator (Lua states are per thread in this engine); the
// decision log's writer thread commits decisions in groups and completes each request after its
// commit, so that no answer leaves before its decision is on disk. A reload thread polls the
// packs' files (hot reload) and keeps the list of packs, their load errors and snapshots current.
#include "meetlat/http_service.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "budget_ledger.h"
#include "meetlat/decision_record.h"
#include "meetlat/evaluator.h"
#include "meetlat/json_writer.h"
#include "meetlat/live_registry.h"
#include "meetlat/replay.h"
#include "meetlat/report.h"
#include "meetlat/text.h"
#include "web_assets.h"

namespace meetlat {

namespace fs = std::filesystem;

std::optional<Cents> parse_euro_text(std::string_view text) {
  std::string_view t = text;
  auto trim = [&] {
    for (;;) {
      if (!t.empty() && (t.front() == ' ' || t.front() == '\t')) {
        t.remove_prefix(1);
      } else if (t.substr(0, 2) == "\xC2\xA0") {  // no-break space, as in "€ 12.500"
        t.remove_prefix(2);
      } else {
        break;
      }
    }
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  };
  trim();
  if (t.substr(0, 3) == "\xE2\x82\xAC") t.remove_prefix(3);  // €
  trim();
  auto digits_only = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::size_t comma = t.find(',');
  std::string_view whole = t.substr(0, comma);
  std::string_view fraction = comma == std::string_view::npos ? "" : t.substr(comma + 1);
  if (comma != std::string_view::npos && (!digits_only(fraction) || fraction.size() > 2)) {
    return std::nullopt;
  }
  // Whole euros: plain digits, or groups of three after the first, separated by dots
  // ("12.500"); "12.50" is refused rather than guessed at.
  std::string digits;
  std::size_t groups = 0;
  while (true) {
    std::size_t dot = whole.find('.');
    std::string_view group = whole.substr(0, dot);
    if (!digits_only(group)) return std::nullopt;
    if (groups > 0 && group.size() != 3) return std::nullopt;
    if (groups == 0 && dot != std::string_view::npos && group.size() > 3) return std::nullopt;
    digits += group;
    ++groups;
    if (dot == std::string_view::npos) break;
    whole.remove_prefix(dot + 1);
  }
  if (!fraction.empty()) digits += "." + std::string(fraction);
  Cents cents = 0;
  if (parse_money(digits, cents) != MoneyProblem::none) return std::nullopt;
  return cents;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Responses

void json_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message) {
  std::string body;
  JsonWriter w(body, false);
  w.begin_object().key("error").begin_object();
  w.key("code").value(code).key("message").value(message);
  w.end_object().end_object();
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void json_ok(httplib::Response& res, const std::string& body, int status = 200) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

std::string_view status_code_name(int status) {
  switch (status) {
    case 400:
      return "ongeldig_verzoek";
    case 401:
      return "niet_geautoriseerd";
    case 404:
      return "niet_gevonden";
    case 405:
      return "methode_niet_toegestaan";
    case 413:
      return "te_groot";
    case 415:
      return "onbekend_type";
    case 503:
      return "overbelast";
    default:
      return status >= 500 ? "interne_fout" : "fout";
  }
}

std::string_view status_message(int status) {
  switch (status) {
    case 404:
      return "Niet gevonden (not found).";
    case 413:
      return "Het verzoek is te groot (payload too large).";
    case 400:
      return "Ongeldig verzoek (bad request).";
    default:
      return "Er ging iets mis (error).";
  }
}

// The page loads nothing from elsewhere: scripts, styles, images and API calls all come from
// this service, and it may not be framed.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

std::string content_type_of(std::string_view path) {
  auto dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "webp") return "image/webp";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// ---------------------------------------------------------------------------------------------
// Evaluation jobs

enum class JobState : int { queued, running, logging, cancelled };

struct Job {
  std::string body;
  SubmissionFormat format = SubmissionFormat::toml;
  std::string name;
  std::vector<std::string> requested;  // as asked (names), logged
  PackChoice choice;                   // names resolved (paths of --pack PATH packs)
  std::atomic<JobState> state{JobState::queued};

  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  int status = 500;
  std::string response;
  std::string error_code;

  void finish(int s, std::string body_or_message, std::string code = {}) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      status = s;
      response = std::move(body_or_message);
      error_code = std::move(code);
      done = true;
    }
    cv.notify_all();
  }
};

struct PackInfo {
  std::string name;
  std::string version;
  std::string title;
  std::string hash;
  std::string dir;
  std::string loaded_at;
};

bool valid_pack_name(std::string_view s) {
  if (s.empty() || s.size() > 100) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::string lower_media_type(std::string_view header) {
  std::string t(header.substr(0, header.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t;
}

bool looks_like_date(std::string_view s) {
  if (s.size() < 10) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return false;
  }
  return std::all_of(s.begin() + 10, s.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == 'T' || c == ':' || c == '.' || c == 'Z';
  });
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The members of a stored content object, without its braces.
std::string_view inner_members(std::string_view object) {
  if (object.size() < 2 || object.front() != '{' || object.back() != '}') return {};
  return object.substr(1, object.size() - 2);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct HttpService::Impl {
  ServeOptions opts;
  std::unique_ptr<DecisionLog> log;
  std::unique_ptr<LiveRegistry> live;
  BudgetLedger ledger;
  class Server : public httplib::Server {
   public:
    socket_t socket() const { return svr_sock_; }
  } server;
  int bound_port = 0;

  // The packs in use, their load problems and snapshots; rebuilt by the reload thread.
  mutable std::mutex catalog_mutex;
  std::vector<PackInfo> packs;
  std::vector<LiveRegistry::Problem> problems;
  std::map<std::string, std::string> path_by_name;  // --pack PATH packs, by manifest name
  std::map<std::string, std::shared_ptr<const PackSnapshot>> snapshots;  // by pack hash
  std::map<std::string, std::string> first_seen;                         // hash -> loaded_at
  int generation = -1;

  // Workers.
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<std::shared_ptr<Job>> queue;
  bool stopping = false;
  std::vector<std::thread> workers;
  std::atomic<int> replays{0};

  // Reload thread.
  std::mutex reload_mutex;
  std::condition_variable reload_cv;
  bool reload_stop = false;
  std::thread reloader;

  // Approvals and overrides are checked and appended one at a time: "already approved" must
  // be decided against what is committed.
  std::mutex decide_mutex;

  std::size_t max_queue() const {
    return opts.max_queue > 0 ? opts.max_queue : std::size_t{64} * opts.workers;
  }

  // ---- packs --------------------------------------------------------------------------------

  std::vector<std::string> extra_packs() const {
    std::vector<std::string> extra;
    for (const auto& p : opts.packs) {
      if (p.find('/') != std::string::npos) extra.push_back(p);
    }
    return extra;
  }

  void rebuild_catalog() {
    auto registry = live->current();
    LiveRegistry::Status st = live->status();
    std::vector<std::string> dirs = extra_packs();
    for (const auto& d : opts.search_path.all_packs()) dirs.push_back(d.string());
    std::vector<PackInfo> list;
    std::map<std::string, std::string> by_name;
    std::vector<std::shared_ptr<const RulePack>> loaded;
    std::string now = utc_now_iso8601();
    for (const auto& dir : dirs) {
      auto pack = registry->get(dir);
      if (!pack) continue;
      loaded.push_back(*pack);
      const PackManifest& m = (*pack)->manifest;
      if (dir.find('/') != std::string::npos &&
          std::find(opts.packs.begin(), opts.packs.end(), dir) != opts.packs.end()) {
        by_name[m.name] = dir;
      }
    }
    std::vector<LiveRegistry::Problem> found = st.problems;
    // Snapshots of packs not yet in the log, taken now rather than on a request's path.
    std::map<std::string, std::shared_ptr<const PackSnapshot>> snaps;
    {
      std::lock_guard<std::mutex> lock(catalog_mutex);
      snaps = snapshots;
    }
    for (const auto& pack : loaded) {
      if (log->has_snapshot(pack->hash) || snaps.count(pack->hash) > 0) continue;
      auto snap = snapshot_pack(*pack);
      if (snap) {
        snaps[pack->hash] = std::make_shared<const PackSnapshot>(std::move(*snap));
      } else {
        std::fprintf(stderr, "meetlat serve: waarschuwing: %s\n", snap.error().message.c_str());
      }
    }
    std::lock_guard<std::mutex> lock(catalog_mutex);
    for (const auto& pack : loaded) {
      const PackManifest& m = pack->manifest;
      auto [it, inserted] = first_seen.emplace(pack->hash, now);
      list.push_back({m.name, m.version, m.title, pack->hash, pack->dir.string(), it->second});
    }
    packs = std::move(list);
    problems = std::move(found);
    path_by_name = std::move(by_name);
    snapshots = std::move(snaps);
    generation = st.generation;
  }

  void reload_loop() {
    std::unique_lock<std::mutex> lock(reload_mutex);
    while (!reload_stop) {
      reload_cv.wait_for(lock, std::chrono::milliseconds(opts.reload_interval_ms));
      if (reload_stop) break;
      lock.unlock();
      LiveRegistry::Status st = live->poll();
      if (st.changed) {
        rebuild_catalog();
        if (st.ok) {
          std::fprintf(stderr, "meetlat serve: regelpakketten opnieuw geladen (versie %d)\n",
                       st.generation);
        } else {
          std::fprintf(stderr,
                       "meetlat serve: regelpakket kon niet worden geladen; de vorige versie "
                       "blijft in gebruik:\n%s",
                       st.error.c_str());
        }
      }
      lock.lock();
    }
  }

  // The snapshot of a pack that a decision used, unless the log has it already.
  std::shared_ptr<const PackSnapshot> snapshot_for(PackRegistry& registry, const PackUse& use,
                                                   std::string_view date) {
    if (log->has_snapshot(use.hash)) return nullptr;
    {
      std::lock_guard<std::mutex> lock(catalog_mutex);
      auto it = snapshots.find(use.hash);
      if (it != snapshots.end()) return it->second;
    }
    // A pack the catalog does not list (an older dated version): take it now.
    auto pack = registry.get(use.name, date);
    if (!pack || (*pack)->hash != use.hash) return nullptr;
    auto snap = snapshot_pack(**pack);
    if (!snap) return nullptr;
    auto shared = std::make_shared<const PackSnapshot>(std::move(*snap));
    std::lock_guard<std::mutex> lock(catalog_mutex);
    snapshots[use.hash] = shared;
    return shared;
  }

  // ---- workers ------------------------------------------------------------------------------

  void worker_loop() {
    std::shared_ptr<PackRegistry> registry;
    std::unique_ptr<Evaluator> evaluator;
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(queue_mutex);
        queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;
        job = std::move(queue.front());
        queue.pop_front();
      }
      JobState expected = JobState::queued;
      if (!job->state.compare_exchange_strong(expected, JobState::running)) continue;
      // A new generation of packs after a reload: a new Evaluator, so every Lua state of this
      // worker has the same rules.
      auto current = live->current();
      if (current != registry) {
        evaluator = std::make_unique<Evaluator>(current, opts.limits, opts.plugins);
        registry = current;
      }
      evaluate(*evaluator, *registry, job);
    }
  }

  void evaluate(Evaluator& evaluator, PackRegistry& registry, const std::shared_ptr<Job>& job) {
    Submission s = parse_submission(job->body, job->format, job->name, opts.read_limits);
    RecordingHostData host(ledger);
    bool pack_failure = false;
    SubmissionReport report = evaluator.evaluate(s, job->choice, host, &pack_failure);
    DecisionRecord record;
    record.titel = report.titel;
    record.regio = report.regio;
    record.regeling = s.regeling;
    record.soort = report.soort;
    record.ingediend = report.ingediend;
    record.verdict = std::string(to_string(report.verdict));
    record.engine = std::string(engine_version());
    record.packs = report.packs;
    record.requested_packs = job->requested;
    record.name = job->name;
    record.format = job->format;
    record.text = std::move(job->body);
    record.rule_budget = opts.limits.rule;
    record.committed = host.reads();
    record.plugins = opts.plugin_versions;
    write_submission_json(record.report_json, report, false);
    std::vector<std::shared_ptr<const PackSnapshot>> snaps;
    for (const PackUse& use : report.packs) {
      if (auto snap = snapshot_for(registry, use, s.ingediend)) snaps.push_back(std::move(snap));
    }
    // Past this point the decision is logged and the request must wait for the commit; a
    // request that timed out while its job was evaluating is not logged (it was not answered).
    JobState expected = JobState::running;
    if (!job->state.compare_exchange_strong(expected, JobState::logging)) return;
    std::string content = to_content(record);
    log->append_async(
        EntryKind::decision, 0, std::move(content), std::move(snaps),
        [job, answer = std::move(record.report_json)](Expected<CommittedEntry> r) mutable {
          if (!r) {
            job->finish(500,
                        "Het besluit kon niet in het besluitenlog worden "
                        "vastgelegd: " +
                            r.error().message,
                        "besluitenlog");
            return;
          }
          // The report object exactly as check --format json writes it ("{...}", never empty),
          // with the decision added as its last member.
          while (!answer.empty() && answer.back() != '}') answer.pop_back();
          answer.pop_back();
          answer += ",\"decision\":";
          JsonWriter w(answer, false);
          w.begin_object();
          w.key("id").value(static_cast<std::int64_t>(r->seq));
          w.key("hash").value(r->hash);
          w.key("at").value(r->at);
          w.end_object();
          answer += '}';
          job->finish(200, std::move(answer));
        });
  }

  // ---- handlers -----------------------------------------------------------------------------

  bool authorised(const httplib::Request& req, httplib::Response& res) const {
    std::string header = req.get_header_value("Authorization");
    res.set_header("WWW-Authenticate", "Bearer realm=\"meetlat\"");
    if (header.empty()) {
      json_error(res, 401, "token_ontbreekt",
                 "Schrijftoken ontbreekt: stuur 'Authorization: Bearer TOKEN' (token missing).");
      return false;
    }
    std::string given = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : std::string();
    // Constant time: the comparison does not tell how many leading characters were right.
    bool ok = given.size() == opts.token.size() &&
              CRYPTO_memcmp(given.data(), opts.token.data(), given.size()) == 0;
    if (!ok) {
      json_error(res, 401, "token_onjuist", "Schrijftoken onjuist (wrong token).");
      return false;
    }
    return true;
  }

  void handle_evaluate(const httplib::Request& req, httplib::Response& res) {
    auto job = std::make_shared<Job>();
    std::string type = lower_media_type(req.get_header_value("Content-Type"));
    if (type == "application/json") {
      job->format = SubmissionFormat::json;
    } else if (type == "application/toml" || type == "text/toml" || type == "application/x-toml" ||
               type == "text/x-toml") {
      job->format = SubmissionFormat::toml;
    } else if (type.empty()) {
      // No type: a JSON submission starts with '{' (after white space or a BOM), TOML never.
      std::string_view b = req.body;
      if (b.substr(0, 3) == "\xEF\xBB\xBF") b.remove_prefix(3);
      std::size_t first = b.find_first_not_of(" \t\r\n");
      job->format = first != std::string_view::npos && b[first] == '{' ? SubmissionFormat::json
                                                                       : SubmissionFormat::toml;
    } else {
      json_error(res, 415, "onbekend_type",
                 fmt::format("Content-Type '{}' wordt niet ondersteund; stuur application/json "
                             "of application/toml (unsupported media type).",
                             type));
      return;
    }
    if (!is_non_empty(req.body)) {
      json_error(res, 400, "lege_aanvraag", "De aanvraag is leeg (empty body).");
      return;
    }
    std::string name = req.has_param("name") ? req.get_param_value("name") : "";
    if (name.empty() || name.size() > 200 || !is_valid_utf8(name) ||
        name.find_first_of("\r\n\t") != std::string::npos) {
      name = job->format == SubmissionFormat::json ? "aanvraag.json" : "aanvraag.toml";
    }
    job->name = name;
    std::size_t n = req.get_param_value_count("pack");
    std::vector<std::string> asked;
    for (std::size_t i = 0; i < n; ++i) asked.push_back(req.get_param_value("pack", i));
    if (asked.empty()) asked = opts.packs;  // the service's --pack, as check --pack
    auto registry = live->current();
    for (const std::string& p : asked) {
      std::string resolved = p;
      if (n > 0 && !valid_pack_name(p)) {
        json_error(res, 400, "onbekend_pakket",
                   fmt::format("'{}' is geen naam van een regelpakket (only names, no paths).", p));
        return;
      }
      {
        std::lock_guard<std::mutex> lock(catalog_mutex);
        auto it = path_by_name.find(p);
        if (it != path_by_name.end()) resolved = it->second;
      }
      auto pack = registry->get(resolved);
      if (!pack) {
        json_error(res, 400, "onbekend_pakket",
                   fmt::format("Onbekend regelpakket: {}", pack.error().message));
        return;
      }
      job->requested.push_back(p);
      job->choice.named.push_back(resolved);
    }
    job->body = req.body;
    {
      std::lock_guard<std::mutex> lock(queue_mutex);
      if (queue.size() >= max_queue()) {
        res.set_header("Retry-After", "1");
        json_error(res, 503, "overbelast",
                   "Te veel aanvragen tegelijk; probeer het zo opnieuw (overloaded).");
        return;
      }
      queue.push_back(job);
    }
    queue_cv.notify_one();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(opts.timeout_ms);
    std::unique_lock<std::mutex> lock(job->mutex);
    if (!job->cv.wait_until(lock, deadline, [&] { return job->done; })) {
      // Too late: withdraw the job unless it is being logged (then its answer must follow).
      JobState s = JobState::queued;
      bool withdrawn = job->state.compare_exchange_strong(s, JobState::cancelled);
      if (!withdrawn) {
        s = JobState::running;
        withdrawn = job->state.compare_exchange_strong(s, JobState::cancelled);
      }
      if (withdrawn) {
        res.set_header("Retry-After", "1");
        json_error(res, 503, "tijdslimiet",
                   fmt::format("De toetsing duurde langer dan {} ms (timeout); niets vastgelegd.",
                               opts.timeout_ms));
        return;
      }
      job->cv.wait(lock, [&] { return job->done; });
    }
    if (job->status == 200) {
      json_ok(res, job->response);
    } else {
      json_error(res, job->status, job->error_code, job->response);
    }
  }

  void handle_packs(const httplib::Request&, httplib::Response& res) const {
    std::string out;
    JsonWriter w(out, false);
    std::lock_guard<std::mutex> lock(catalog_mutex);
    w.begin_object();
    w.key("packs").begin_array();
    for (const PackInfo& p : packs) {
      w.begin_object();
      w.key("name").value(p.name);
      w.key("version").value(p.version);
      w.key("title").value(p.title);
      w.key("hash").value(p.hash);
      w.key("loaded_at").value(p.loaded_at);
      w.end_object();
    }
    w.end_array();
    w.key("errors").begin_array();
    for (const LiveRegistry::Problem& p : problems) {
      w.begin_object();
      w.key("pack").value(p.pack);
      w.key("file").value(p.where.file);
      if (p.where.line > 0) {
        w.key("line").value(p.where.line);
      } else {
        w.key("line").null();
      }
      w.key("message").value(p.where.message);
      w.end_object();
    }
    w.end_array();
    w.key("generation").value(generation);
    w.end_object();
    json_ok(res, out);
  }

  void handle_list(const httplib::Request& req, httplib::Response& res) const {
    DecisionFilter f;
    auto param = [&](const char* key) {
      return req.has_param(key) ? req.get_param_value(key) : std::string();
    };
    f.verdict = param("verdict");
    f.regio = param("regio");
    f.regeling = param("regeling");
    f.text = param("q");
    f.from = param("from");
    f.to = param("to");
    if (!f.verdict.empty() && !verdict_from_string(f.verdict)) {
      json_error(res, 400, "ongeldige_parameter",
                 fmt::format("verdict '{}' bestaat niet; kies voldoet, "
                             "voldoet_met_aandachtspunten, voldoet_niet, onbeslist of ongeldig",
                             f.verdict));
      return;
    }
    for (const std::string* d : {&f.from, &f.to}) {
      if (!d->empty() && !looks_like_date(*d)) {
        json_error(res, 400, "ongeldige_parameter",
                   fmt::format("'{}' is geen datum (JJJJ-MM-DD of ISO-8601)", *d));
        return;
      }
    }
    if (std::string l = param("limit"); !l.empty()) {
      auto v = parse_id(l);
      if (!v || *v < 1 || *v > 500) {
        json_error(res, 400, "ongeldige_parameter", "limit moet tussen 1 en 500 liggen");
        return;
      }
      f.limit = static_cast<int>(*v);
    }
    if (std::string b = param("before"); !b.empty()) {
      auto v = parse_id(b);
      if (!v) {
        json_error(res, 400, "ongeldige_parameter", "before moet een besluitnummer zijn");
        return;
      }
      f.before = *v;
    }
    auto rows = log->list(f);
    std::string out;
    JsonWriter w(out, false);
    w.begin_object();
    w.key("decisions").begin_array();
    for (const DecisionSummary& s : rows) {
      w.begin_object();
      w.key("id").value(static_cast<std::int64_t>(s.id));
      w.key("at").value(s.at);
      w.key("titel").value(s.titel);
      w.key("regio").value(s.regio);
      w.key("regeling").value(s.regeling);
      w.key("soort").value(s.soort);
      w.key("verdict").value(s.verdict);
      w.key("packs").raw(s.packs_json);
      w.key("hash").value(s.hash);
      w.key("overrides").value(static_cast<std::int64_t>(s.overrides));
      w.key("toegekend");
      if (s.toegekend_cents) {
        w.begin_object();
        w.key("bedrag_cents").value(static_cast<std::int64_t>(*s.toegekend_cents));
        w.key("thema").value(s.toegekend_thema);
        w.end_object();
      } else {
        w.null();
      }
      w.end_object();
    }
    w.end_array();
    w.key("next_before");
    if (static_cast<int>(rows.size()) == f.limit && !rows.empty()) {
      w.value(static_cast<std::int64_t>(rows.back().id));
    } else {
      w.null();
    }
    w.end_object();
    json_ok(res, out);
  }

  static void entry_json(JsonWriter& w, const LogEntry& e) {
    std::string obj = fmt::format("{{\"id\":{},\"at\":", e.seq);
    JsonWriter::escape(obj, e.at);
    obj += ",\"hash\":";
    JsonWriter::escape(obj, e.hash);
    obj += ",\"prev_hash\":";
    JsonWriter::escape(obj, e.prev_hash);
    std::string_view members = inner_members(e.content);
    if (!members.empty()) {
      obj += ',';
      obj += members;
    }
    obj += '}';
    w.raw(obj);
  }

  void handle_detail(const httplib::Request& req, httplib::Response& res) const {
    std::int64_t id = 0;
    LogEntry logged;
    std::optional<DecisionRecord> record = logged_record(req, res, id, &logged);
    if (!record) return;
    const DecisionRecord& r = *record;
    const LogEntry* entry = &logged;
    auto extra = log->entries_for(id);
    std::string out;
    JsonWriter w(out, false);
    w.begin_object();
    w.key("id").value(static_cast<std::int64_t>(entry->seq));
    w.key("at").value(entry->at);
    write_record_summary(w, r);
    w.key("packs").begin_array();
    for (const PackUse& p : r.packs) {
      w.begin_object();
      w.key("name").value(p.name);
      w.key("version").value(p.version);
      w.key("hash").value(p.hash);
      w.key("params_version").value(p.params_version);
      w.key("snapshot").value(log->has_snapshot(p.hash));
      w.end_object();
    }
    w.end_array();
    w.key("requested_packs").begin_array();
    for (const auto& p : r.requested_packs) w.value(p);
    w.end_array();
    w.key("submission").begin_object();
    w.key("name").value(r.name);
    w.key("format").value(r.format == SubmissionFormat::json ? "json" : "toml");
    if (is_valid_utf8(r.text)) {
      w.key("text").value(r.text);
    } else {
      w.key("text").null();
      w.key("note").value("geen geldige UTF-8; staat als base64 in het besluitenlog");
    }
    w.end_object();
    write_record_context(w, r);
    w.key("report").raw(r.report_json);
    w.key("overrides").begin_array();
    for (const LogEntry& e : extra) {
      if (e.kind == EntryKind::rule_override) entry_json(w, e);
    }
    w.end_array();
    w.key("approvals").begin_array();
    for (const LogEntry& e : extra) {
      if (e.kind == EntryKind::approval) entry_json(w, e);
    }
    w.end_array();
    w.key("prev_hash").value(entry->prev_hash);
    w.key("hash").value(entry->hash);
    w.end_object();
    json_ok(res, out);
  }

  void handle_replay(const httplib::Request& req, httplib::Response& res) {
    auto id = parse_id(req.matches[1].str());
    if (!id || !log->decision(*id)) {
      json_error(res, 404, "onbekend_besluit",
                 fmt::format("Besluit {} bestaat niet (unknown decision).", req.matches[1].str()));
      return;
    }
    // A replay loads packs into a fresh Lua state: bounded like the workers.
    if (replays.fetch_add(1) >= static_cast<int>(opts.workers)) {
      replays.fetch_sub(1);
      res.set_header("Retry-After", "1");
      json_error(res, 503, "overbelast", "Te veel naspelingen tegelijk (overloaded).");
      return;
    }
    auto result = replay_decision(*log, *id, opts.plugins, opts.plugin_versions);
    replays.fetch_sub(1);
    if (!result) {
      json_error(res, 409, "niet_na_te_spelen", result.error().message);
      return;
    }
    json_ok(res, replay_to_json(*result));
  }

  // Parses a JSON request body (approve, overrides); false after answering with an error.
  static bool json_body(const httplib::Request& req, httplib::Response& res,
                        simdjson::dom::parser& parser, simdjson::dom::object& out) {
    std::string type = lower_media_type(req.get_header_value("Content-Type"));
    if (!type.empty() && type != "application/json") {
      json_error(res, 415, "onbekend_type",
                 fmt::format("Content-Type '{}': stuur application/json.", type));
      return false;
    }
    simdjson::dom::element doc;
    if (parser.parse(req.body).get(doc) || doc.get_object().get(out)) {
      json_error(res, 400, "ongeldige_json", "De body is geen JSON-object (invalid JSON).");
      return false;
    }
    return true;
  }

  static std::optional<std::string> text_field(simdjson::dom::object& o, const char* key) {
    std::string_view s;
    if (o[key].get(s)) return std::nullopt;
    return std::string(s);
  }

  // The decision named in the path (/v1/decisions/ID/...) and its logged record; answers 404 or
  // 500 itself when there is none.
  std::optional<DecisionRecord> logged_record(const httplib::Request& req, httplib::Response& res,
                                              std::int64_t& id,
                                              LogEntry* entry_out = nullptr) const {
    auto parsed = parse_id(req.matches[1].str());
    auto entry = parsed ? log->decision(*parsed) : std::nullopt;
    if (!entry) {
      json_error(res, 404, "onbekend_besluit",
                 fmt::format("Besluit {} bestaat niet (unknown decision).", req.matches[1].str()));
      return std::nullopt;
    }
    auto record = parse_decision_content(entry->content);
    if (!record) {
      json_error(res, 500, "besluitenlog", record.error().message);
      return std::nullopt;
    }
    id = *parsed;
    if (entry_out != nullptr) *entry_out = std::move(*entry);
    return std::move(*record);
  }

  void handle_approve(const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    std::int64_t decision_id = 0;
    std::optional<DecisionRecord> record = logged_record(req, res, decision_id);
    if (!record) return;
    simdjson::dom::parser parser;
    simdjson::dom::object body;
    if (!json_body(req, res, parser, body)) return;
    if (record->verdict == "ongeldig" || record->regio.empty()) {
      json_error(res, 400, "niet_toe_te_kennen",
                 "Een ongeldige aanvraag (of een zonder regio) kan niet worden toegekend.");
      return;
    }
    // The submission's own thema and amount are the defaults.
    Submission s = parse_submission(record->text, record->format, record->name);
    std::string thema;
    Cents cents = -1;
    if (NodeId t = s.doc.find_path("initiatief.thema");
        t != kNoNode && s.doc.node(t).kind == NodeKind::string) {
      thema = std::string(s.doc.node(t).text);
    }
    if (NodeId b = s.doc.find_path("initiatief.gevraagd_bedrag");
        b != kNoNode && s.doc.node(b).kind == NodeKind::money) {
      cents = s.doc.node(b).value.cents;
    }
    if (auto t = text_field(body, "thema")) thema = *t;
    simdjson::dom::element amount;
    if (!body["bedrag_cents"].get(amount)) {
      std::int64_t v = 0;
      if (amount.get_int64().get(v) || v < 0 || v > kMaxMoneyCents) {
        json_error(res, 400, "ongeldig_bedrag",
                   "bedrag_cents moet een geheel, niet-negatief aantal centen zijn.");
        return;
      }
      cents = v;
    } else if (auto text = text_field(body, "bedrag")) {
      auto v = parse_euro_text(*text);
      if (!v) {
        json_error(
            res, 400, "ongeldig_bedrag",
            fmt::format("'{}' is geen bedrag; schrijf bijvoorbeeld \"€ 12.500,00\".", *text));
        return;
      }
      cents = *v;
    } else if (!body["bedrag"].get(amount)) {
      json_error(res, 400, "ongeldig_bedrag", "bedrag moet tekst zijn, bijvoorbeeld \"€ 12.500\".");
      return;
    }
    if (cents < 0) {
      json_error(res, 400, "ongeldig_bedrag",
                 "Geef bedrag_cents of bedrag: de aanvraag noemt geen gevraagd bedrag.");
      return;
    }
    if (thema.empty()) {
      json_error(res, 400, "thema_ontbreekt", "Geef het thema van het uitvoeringsbudget.");
      return;
    }
    std::string door = text_field(body, "door").value_or("");
    if (!is_non_empty(door)) {
      json_error(res, 400, "door_ontbreekt", "Vermeld wie toekent (door).");
      return;
    }
    std::string toelichting = text_field(body, "toelichting").value_or("");
    std::string content;
    JsonWriter w(content, false);
    w.begin_object();
    w.key("decision").value(static_cast<std::int64_t>(decision_id));
    w.key("regio").value(record->regio);
    w.key("thema").value(thema);
    w.key("bedrag_cents").value(static_cast<std::int64_t>(cents));
    w.key("door").value(door);
    w.key("toelichting").value(toelichting);
    w.end_object();
    std::lock_guard<std::mutex> lock(decide_mutex);
    for (const LogEntry& e : log->entries_for(decision_id)) {
      if (e.kind == EntryKind::approval) {
        json_error(res, 409, "al_toegekend",
                   fmt::format("Besluit {} is al toegekend (regel {} van het besluitenlog).",
                               decision_id, e.seq));
        return;
      }
    }
    auto committed = log->append(EntryKind::approval, decision_id, content);
    if (!committed) {
      json_error(res, 500, "besluitenlog", committed.error().message);
      return;
    }
    ledger.add(record->regio, thema, cents);
    std::string out;
    JsonWriter o(out, false);
    o.begin_object();
    o.key("approval");
    entry_json(o, *log->entry(committed->seq));
    o.key("toegekend_cents")
        .value(static_cast<std::int64_t>(ledger.committed(record->regio, thema)));
    o.end_object();
    json_ok(res, out, 201);
  }

  void handle_override(const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    std::int64_t decision_id = 0;
    std::optional<DecisionRecord> record = logged_record(req, res, decision_id);
    if (!record) return;
    simdjson::dom::parser parser;
    simdjson::dom::object body;
    if (!json_body(req, res, parser, body)) return;
    std::string rule = text_field(body, "rule").value_or("");
    std::string outcome = text_field(body, "outcome").value_or("");
    std::string motivatie = text_field(body, "motivatie").value_or("");
    std::string door = text_field(body, "door").value_or("");
    // The machine's outcome of that rule in this decision.
    std::string machine;
    std::string pack;
    std::vector<std::string> known;
    if (auto logged = parse_logged_report(record->report_json)) {
      for (const LoggedRule& r : logged->rules) {
        known.push_back(r.id);
        if (r.id == rule) {
          machine = r.outcome;
          pack = r.pack;
        }
      }
    }
    if (machine.empty()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      json_error(res, 400, "onbekende_regel",
                 fmt::format("Regel '{}' komt niet voor in besluit {}; wel: {}.", rule, decision_id,
                             list.empty() ? "geen regels" : list));
      return;
    }
    if (outcome != "pass" && outcome != "fail" && outcome != "skip") {
      json_error(res, 400, "ongeldige_uitkomst", "outcome moet pass, fail of skip zijn.");
      return;
    }
    if (!is_non_empty(motivatie)) {
      json_error(res, 400, "motivatie_ontbreekt",
                 "Een afwijking van de machine vraagt een geschreven motivatie (motivatie).");
      return;
    }
    if (!is_non_empty(door)) {
      json_error(res, 400, "door_ontbreekt", "Vermeld wie afwijkt (door).");
      return;
    }
    std::string content;
    JsonWriter w(content, false);
    w.begin_object();
    w.key("decision").value(static_cast<std::int64_t>(decision_id));
    w.key("pack").value(pack);
    w.key("rule").value(rule);
    w.key("machine_outcome").value(machine);
    w.key("outcome").value(outcome);
    w.key("motivatie").value(motivatie);
    w.key("door").value(door);
    w.end_object();
    std::lock_guard<std::mutex> lock(decide_mutex);
    auto committed = log->append(EntryKind::rule_override, decision_id, content);
    if (!committed) {
      json_error(res, 500, "besluitenlog", committed.error().message);
      return;
    }
    std::string out;
    JsonWriter o(out, false);
    o.begin_object();
    o.key("override");
    entry_json(o, *log->entry(committed->seq));
    o.end_object();
    json_ok(res, out, 201);
  }

  void handle_ledger(const httplib::Request&, httplib::Response& res) const {
    // Every pack that declares an uitvoeringsbudget (a money_map per thema) contributes its
    // themes, with the values in force today; the regio is the pack's applies_to regio.
    auto registry = live->current();
    std::vector<std::string> dirs;
    {
      std::lock_guard<std::mutex> lock(catalog_mutex);
      for (const PackInfo& p : packs) dirs.push_back(p.dir);
    }
    std::string today = utc_now_iso8601().substr(0, 10);
    auto totals = ledger.totals();
    std::set<std::pair<std::string, std::string>> shown;
    std::string out;
    JsonWriter w(out, false);
    w.begin_object();
    w.key("ledger").begin_array();
    auto row = [&](const std::string& regio, const std::string& thema, std::optional<Cents> budget,
                   const std::string& pack) {
      Cents given = 0;
      if (auto it = totals.find({regio, thema}); it != totals.end()) given = it->second;
      w.begin_object();
      w.key("regio").value(regio);
      w.key("thema").value(thema);
      w.key("budget_cents").value(static_cast<std::int64_t>(budget.value_or(0)));
      w.key("toegekend_cents").value(static_cast<std::int64_t>(given));
      w.key("resterend_cents").value(static_cast<std::int64_t>(budget.value_or(0) - given));
      w.key("pack").value(pack);
      w.end_object();
      shown.insert({regio, thema});
    };
    for (const auto& dir : dirs) {
      auto pack = registry->get(dir);
      if (!pack) continue;
      const RulePack& p = **pack;
      const Document& params = *p.params_for(today).values;
      NodeId budget = params.find(params.root(), "uitvoeringsbudget");
      if (budget == kNoNode || params.node(budget).kind != NodeKind::table) continue;
      std::string regio = p.manifest.applies_regio.size() == 1 ? p.manifest.applies_regio[0] : "";
      for (NodeId c : children(params, budget)) {
        const Node& n = params.node(c);
        if (n.kind != NodeKind::money) continue;
        row(regio, std::string(n.key), n.value.cents, p.manifest.name);
      }
    }
    // Approvals under a thema without a budget (the GR route): shown with budget 0.
    for (const auto& [key, cents] : totals) {
      if (shown.count(key) == 0) row(key.first, key.second, std::nullopt, "");
    }
    w.end_array();
    w.end_object();
    json_ok(res, out);
  }

  void handle_health(const httplib::Request&, httplib::Response& res) {
    std::size_t waiting = 0;
    {
      std::lock_guard<std::mutex> lock(queue_mutex);
      waiting = queue.size();
    }
    std::string out;
    JsonWriter w(out, false);
    std::lock_guard<std::mutex> lock(catalog_mutex);
    w.begin_object();
    w.key("status").value(problems.empty() ? "ok" : "degraded");
    w.key("engine").value(engine_version());
    w.key("packs").value(static_cast<std::uint64_t>(packs.size()));
    w.key("load_errors").value(static_cast<std::uint64_t>(problems.size()));
    w.key("workers").value(opts.workers);
    w.key("queue").value(static_cast<std::uint64_t>(waiting));
    w.key("db").value(opts.db.string());
    w.end_object();
    json_ok(res, out);
  }

  void handle_static(const httplib::Request& req, httplib::Response& res) const {
    std::string path = req.path.substr(1);
    if (path.empty()) path = "index.html";
    if (path.rfind("v1/", 0) == 0 || path == "v1") {
      json_error(res, 404, "niet_gevonden",
                 fmt::format("Onbekend pad {} (unknown route).", req.path));
      return;
    }
    bool safe = path.find("..") == std::string::npos && path.front() != '/' &&
                std::all_of(path.begin(), path.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' ||
                         c == '_' || c == '/';
                });
    if (safe && !opts.web_dir.empty()) {
      fs::path file = opts.web_dir / path;
      auto text = read_regular_file(file.string(), 16u << 20);
      if (text) {
        res.set_content(*text, content_type_of(path).c_str());
        res.set_header("Cache-Control", "no-cache");
        return;
      }
    } else if (safe) {
      for (const WebAsset& a : web_assets()) {
        if (a.path == path) {
          res.set_content(reinterpret_cast<const char*>(a.data), a.size,
                          content_type_of(path).c_str());
          res.set_header("Cache-Control", "no-cache");
          return;
        }
      }
    }
    json_error(res, 404, "niet_gevonden",
               fmt::format("Bestand {} bestaat niet (not found).", req.path));
  }

  void routes() {
    server.Post("/v1/evaluate", [this](const auto& req, auto& res) { handle_evaluate(req, res); });
    server.Get("/v1/packs", [this](const auto& req, auto& res) { handle_packs(req, res); });
    server.Get("/v1/decisions", [this](const auto& req, auto& res) { handle_list(req, res); });
    server.Get(R"(/v1/decisions/(\d+))",
               [this](const auto& req, auto& res) { handle_detail(req, res); });
    server.Post(R"(/v1/decisions/(\d+)/replay)",
                [this](const auto& req, auto& res) { handle_replay(req, res); });
    server.Post(R"(/v1/decisions/(\d+)/approve)",
                [this](const auto& req, auto& res) { handle_approve(req, res); });
    server.Post(R"(/v1/decisions/(\d+)/overrides)",
                [this](const auto& req, auto& res) { handle_override(req, res); });
    server.Get("/v1/ledger", [this](const auto& req, auto& res) { handle_ledger(req, res); });
    server.Get("/v1/health", [this](const auto& req, auto& res) { handle_health(req, res); });
    server.Get("/(.*)", [this](const auto& req, auto& res) { handle_static(req, res); });

    // Every error is JSON: httplib's own (404 for unknown routes, 413 for a body over the limit,
    // 400 for a malformed request) get a body here when they have none.
    server.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          json_error(res, res.status, status_code_name(res.status), status_message(res.status));
          return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
          std::string what = "onbekende fout";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          json_error(res, 500, "interne_fout", "Interne fout: " + what);
        });
    server.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Content-Security-Policy", kContentSecurityPolicy);
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("X-Frame-Options", "DENY");
      if (req.path.rfind("/v1/", 0) == 0) res.set_header("Cache-Control", "no-store");
    });
  }
};

HttpService::HttpService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpService::~HttpService() {
  Impl& s = *impl_;
  {
    std::lock_guard<std::mutex> lock(s.reload_mutex);
    s.reload_stop = true;
  }
  s.reload_cv.notify_all();
  if (s.reloader.joinable()) s.reloader.join();
  {
    std::lock_guard<std::mutex> lock(s.queue_mutex);
    s.stopping = true;
  }
  s.queue_cv.notify_all();
  for (auto& t : s.workers) t.join();
  // The log's destructor commits what is still pending.
  s.log.reset();
}

Expected<std::unique_ptr<HttpService>> HttpService::create(ServeOptions options) {
  auto impl = std::make_unique<Impl>();
  if (options.workers == 0) options.workers = std::max(1u, std::thread::hardware_concurrency());
  if (options.http_threads == 0) options.http_threads = std::max(16u, options.workers * 4);
  options.read_limits.max_file_bytes = options.max_body_bytes;
  impl->opts = std::move(options);
  Impl& s = *impl;
  auto log = DecisionLog::open(s.opts.db, s.opts.log);
  if (!log) return Error{"besluitenlog: " + log.error().message};
  s.log = std::move(*log);
  s.ledger.reset(s.log->approved_totals());
  s.live = std::make_unique<LiveRegistry>(s.opts.search_path, s.extra_packs(), s.opts.limits,
                                          s.opts.plugins);
  s.rebuild_catalog();
  for (const std::string& p : s.opts.packs) {
    std::string resolved = p;
    auto it = s.path_by_name.find(p);
    if (it != s.path_by_name.end()) resolved = it->second;
    if (auto pack = s.live->current()->get(resolved); !pack) {
      return Error{fmt::format("--pack {}: {}", p, pack.error().message)};
    }
  }
  s.server.new_task_queue = [n = s.opts.http_threads] { return new httplib::ThreadPool(n); };
  s.server.set_payload_max_length(s.opts.max_body_bytes);
  // Keep-alive connections hold a connection thread; a client that keeps sending (a page, a
  // load generator) should not be cut off every five requests, an idle one soon.
  s.server.set_keep_alive_max_count(10'000);
  s.server.set_keep_alive_timeout(2);
  s.server.set_read_timeout(10, 0);
  s.server.set_write_timeout(10, 0);
  s.server.set_tcp_nodelay(true);
  s.routes();
  for (unsigned i = 0; i < s.opts.workers; ++i) {
    s.workers.emplace_back([&s] { s.worker_loop(); });
  }
  s.reloader = std::thread([&s] { s.reload_loop(); });
  return std::unique_ptr<HttpService>(new HttpService(std::move(impl)));
}

Expected<bool> HttpService::bind() {
  Impl& s = *impl_;
  if (s.opts.port == 0) {
    s.bound_port = s.server.bind_to_any_port(s.opts.host);
    if (s.bound_port <= 0) {
      return Error{fmt::format("kan niet luisteren op {} (geen vrije poort)", s.opts.host)};
    }
  } else {
    if (!s.server.bind_to_port(s.opts.host, s.opts.port)) {
      return Error{fmt::format("kan niet luisteren op {}:{} (poort bezet of adres onbekend)",
                               s.opts.host, s.opts.port)};
    }
    s.bound_port = s.opts.port;
  }
  // cpp-httplib 0.11 listens with a backlog of 5; many clients connecting at once would see
  // dropped SYNs and one-second retransmits. listen() again only raises the backlog.
  ::listen(s.server.socket(), 512);
  return true;
}

std::string HttpService::url() const {
  const std::string& h = impl_->opts.host;
  bool v6 = h.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}/", v6 ? "[" : "", h, v6 ? "]" : "", impl_->bound_port);
}

void HttpService::run() {
  impl_->server.listen_after_bind();
}

void HttpService::stop() {
  impl_->server.stop();
}

std::string HttpService::load_errors() const {
  std::lock_guard<std::mutex> lock(impl_->catalog_mutex);
  std::string out;
  for (const auto& [pack, p] : impl_->problems) {
    out += fmt::format("{}{}{}{}\n", pack.empty() ? "" : pack + ": ", p.file,
                       p.line > 0 ? fmt::format(":{}", p.line) : "",
                       p.file.empty() ? p.message : ": " + p.message);
  }
  return out;
}

}  // namespace meetlat
