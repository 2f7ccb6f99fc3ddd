// `meetlat serve`: the HTTP service (interfaces.md "HTTP service"; docs/serve.md). Signals are
// taken by one thread with sigwait() so that the stop runs outside a signal handler: SIGINT or
// SIGTERM stop accepting, let the requests in progress finish and commit the decision log.
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli.h"
#include "meetlat/http_service.h"

namespace meetlat::cli {

namespace {

struct ServeCliOptions {
  EngineOptions engine;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::vector<std::string> packs;
  std::string db = "meetlat-log.sqlite";
  unsigned workers = 0;
  unsigned http_threads = 0;
  std::string token;
  std::size_t max_body_kb = 1024;
  int timeout_ms = 10'000;
  std::string web_dir;
  std::string log_sync = "full";
  std::size_t log_batch = 128;
  int reload_interval_ms = 1000;
};

// 160 random bits, hex: enough that guessing is hopeless, short enough to paste.
std::string random_token() {
  unsigned char bytes[20];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

int run_serve(const ServeCliOptions& o) {
  ServeOptions s;
  s.host = o.host;
  s.port = o.port;
  s.packs = o.packs;
  s.db = o.db;
  s.workers = o.workers;
  s.http_threads = o.http_threads;
  s.max_body_bytes = o.max_body_kb << 10;
  s.timeout_ms = o.timeout_ms;
  s.web_dir = o.web_dir;
  s.reload_interval_ms = std::max(50, o.reload_interval_ms);
  if (o.log_sync != "full" && o.log_sync != "normal") {
    std::fprintf(stderr, "meetlat serve: --log-sync moet full of normal zijn\n");
    return kExitUsage;
  }
  s.log.synchronous_full = o.log_sync == "full";
  s.log.max_batch = std::max<std::size_t>(1, o.log_batch);
  s.token = o.token;
  if (s.token.empty()) {
    if (const char* env = std::getenv("MEETLAT_TOKEN")) s.token = env;
  }
  bool generated = s.token.empty();
  if (generated) s.token = random_token();
  const std::string token = s.token;
  if (s.token.empty()) {
    std::fprintf(stderr, "meetlat serve: kan geen schrijftoken maken\n");
    return kExitUsage;
  }
  if (!s.web_dir.empty() && !std::filesystem::is_directory(s.web_dir)) {
    std::fprintf(stderr, "meetlat serve: --web-dir %s is geen map\n", s.web_dir.c_str());
    return kExitUsage;
  }
  PackSearchPath env = PackSearchPath::from_environment();
  for (const auto& p : o.engine.rules_path) s.search_path.add(p);
  for (const auto& p : env.dirs()) s.search_path.add(p);
  s.limits = o.engine.limits();
  s.read_limits = o.engine.read_limits();

  // Signals are blocked before any thread starts, so that every thread inherits the mask and
  // only the waiting thread below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // only to wake the waiting thread when run() ends by itself
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A client that goes away mid-answer must not end the service.
  ::signal(SIGPIPE, SIG_IGN);

  auto plugins = o.engine.plugins();  // outlives the service: rules call into plugin code
  s.plugins = &plugins->bindings();
  for (const PluginInfo& p : plugins->plugins()) s.plugin_versions.emplace_back(p.name, p.version);

  auto service = HttpService::create(std::move(s));
  if (!service) {
    std::fprintf(stderr, "meetlat serve: %s\n", service.error().message.c_str());
    return kExitUsage;
  }
  HttpService& svc = **service;
  if (auto bound = svc.bind(); !bound) {
    std::fprintf(stderr, "meetlat serve: %s\n", bound.error().message.c_str());
    return kExitUsage;
  }
  std::string problems = svc.load_errors();
  if (!problems.empty()) {
    std::fprintf(stderr, "meetlat serve: regelpakketten met fouten (niet in gebruik):\n%s",
                 problems.c_str());
  }
  if (generated) {
    std::fprintf(stderr, "schrijftoken: %s\n", token.c_str());
  }
  std::fprintf(stderr, "meetlat serve: besluitenlog %s\n", o.db.c_str());
  std::fprintf(stderr, "meetlat serve: luistert op %s (listening; Ctrl-C stopt)\n",
               svc.url().c_str());
  std::fflush(stderr);

  std::atomic<bool> finished{false};  // run() returned
  std::atomic<bool> stopping{false};  // the waiter took a signal and stops the service
  std::thread waiter([&svc, &finished, &stopping, signals] {
    for (;;) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGUSR1) {
        if (finished) return;
        continue;  // someone else's SIGUSR1: not ours to act on
      }
      stopping = true;
      std::fprintf(stderr, "meetlat serve: %s ontvangen, stopt (stopping)\n",
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
      // httplib ignores a stop() that comes before it listens: repeat until run() returns.
      while (!finished) {
        svc.stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      return;
    }
  });
  svc.run();
  // run() also returns when listening fails: wake the waiter so that it can be joined.
  finished = true;
  if (!stopping) pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  service->reset();  // finishes the workers, commits the log
  std::fprintf(stderr, "meetlat serve: gestopt; besluitenlog bijgewerkt (stopped)\n");
  return 0;
}

}  // namespace

void add_serve(CLI::App& app, Action& action) {
  auto o = std::make_shared<ServeCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Start de webservice: HTTP-API, besluitenlog en de webpagina (docs/serve.md)");
  cmd->add_option("--port", o->port, "Poort (0: een vrije poort)")->capture_default_str();
  cmd->add_option("--host", o->host, "Adres om op te luisteren")->capture_default_str();
  cmd->add_option("--pack", o->packs,
                  "Regelpakket (naam of map) voor verzoeken zonder ?pack=, herhaalbaar; zonder "
                  "--pack kiest aanvraag.regeling")
      ->allow_extra_args(false);
  cmd->add_option("--db", o->db, "Het besluitenlog (SQLite)")->capture_default_str();
  cmd->add_option("--workers", o->workers, "Aantal werkers voor toetsingen (0: één per kern)")
      ->capture_default_str();
  cmd->add_option("--http-threads", o->http_threads,
                  "Aantal threads voor verbindingen (0: 4 per werker, minstens 16)")
      ->capture_default_str();
  cmd->add_option("--token", o->token,
                  "Schrijftoken voor toekennen en afwijken (ook MEETLAT_TOKEN); zonder token "
                  "wordt er een gemaakt en getoond");
  cmd->add_option("--max-body-kb", o->max_body_kb, "Grootste aanvraag, in KiB")
      ->capture_default_str();
  cmd->add_option("--timeout-ms", o->timeout_ms,
                  "Hoe lang een toetsing (wachten plus rekenen) mag duren, in ms; daarna 503")
      ->capture_default_str();
  cmd->add_option("--web-dir", o->web_dir,
                  "Serveer de webpagina uit deze map in plaats van de ingebouwde (ontwikkeling)");
  cmd->add_option("--log-sync", o->log_sync,
                  "full: elk besluit staat op schijf voor het antwoord, ook na stroomuitval; "
                  "normal: alleen bestand tegen het stoppen van het proces")
      ->capture_default_str();
  cmd->add_option("--log-batch", o->log_batch,
                  "Group commit: zoveel besluiten hoogstens per transactie (1: elk apart)")
      ->capture_default_str();
  cmd->add_option("--reload-interval", o->reload_interval_ms,
                  "Hoe vaak de regelpakketten op wijzigingen worden gecontroleerd, in ms")
      ->capture_default_str();
  o->engine.add_to(*cmd);
  cmd->callback([o, &action]() { action = [o]() { return run_serve(*o); }; });
}

}  // namespace meetlat::cli
