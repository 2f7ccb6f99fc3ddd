// `meetlat serve` (issue "meetlat serve"; interfaces.md "HTTP service"): the HTTP API over the
// engine, the decision log and the budget ledger, and the web page for kwartiermakers and policy
// staff. docs/serve.md is the API reference.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "meetlat/decision_log.h"
#include "meetlat/expected.h"
#include "meetlat/limits.h"
#include "meetlat/rule_pack.h"
#include "meetlat/submission.h"

namespace meetlat {

struct PluginBinding;

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  ///< 0: any free port (the chosen one is in url())
  /// Packs a request without ?pack= is evaluated with (as `check --pack`); empty: the
  /// submission's aanvraag.regeling chooses. Paths are watched for hot reload as well.
  std::vector<std::string> packs;
  std::filesystem::path db = "meetlat-log.sqlite";
  LogOptions log;
  unsigned workers = 0;       ///< evaluation workers, each with its own Lua states; 0: one per core
  unsigned http_threads = 0;  ///< connection threads; 0: 4 per worker, at least 16
  std::string token;          ///< for approvals and overrides (Authorization: Bearer ...)
  std::size_t max_body_bytes = 1u << 20;
  int timeout_ms = 10'000;    ///< waiting for a worker plus evaluating; 503 beyond
  std::size_t max_queue = 0;  ///< evaluations waiting for a worker; 0: 64 per worker; 503 beyond
  std::filesystem::path web_dir;  ///< serve the page from here instead of the embedded copy
  int reload_interval_ms = 1000;  ///< how often the packs' files are checked (hot reload)
  PackSearchPath search_path;
  Limits limits;
  ReadLimits read_limits;
  const std::vector<PluginBinding>* plugins = nullptr;
  std::vector<std::pair<std::string, std::string>> plugin_versions;  ///< name, version
};

/// The service. Construct, bind(), then run() until stop() (from another thread or a signal
/// handler thread). Not copyable.
class HttpService {
 public:
  /// Opens the decision log and loads the packs. Errors (Dutch) name the file.
  static Expected<std::unique_ptr<HttpService>> create(ServeOptions options);
  ~HttpService();
  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  /// Binds the listening socket; the error names host and port.
  Expected<bool> bind();
  /// "http://HOST:PORT/" after bind().
  std::string url() const;
  /// Serves until stop(); then finishes the requests in progress and commits the log.
  void run();
  /// Thread-safe; async-signal-unsafe (call it from a signal-waiting thread).
  void stop();
  /// Pack load problems now (for the start-up message).
  std::string load_errors() const;

  struct Impl;

 private:
  explicit HttpService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Parses an amount in euros as people write it: "€ 12.500,00", "12500", "12.500", "12500,5".
/// Dots are thousands separators, a comma the decimal separator (Dutch). Returns nullopt for
/// anything else, negative amounts and more than two decimals.
std::optional<Cents> parse_euro_text(std::string_view text);

}  // namespace meetlat
