// `meetlat check --watch`: evaluate, then evaluate again whenever a rule, a parameter or a
// submission changes (issue "Policy staff's workflow", hot reload). An edit that breaks a pack
// keeps the last good version in use and shows the error above the report.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "cli.h"
#include "meetlat/host_data.h"
#include "meetlat/live_registry.h"

namespace meetlat::cli {

int run_watch(const WatchRequest& w) {
  std::vector<std::string> extra;
  for (const auto& p : w.options.packs.named) {
    if (p.find('/') != std::string::npos) extra.push_back(p);
  }
  PackSearchPath path = w.registry->search_path();
  LiveRegistry live(path, extra, w.options.limits, w.options.plugins);
  std::vector<std::filesystem::path> inputs(w.inputs.begin(), w.inputs.end());
  FileFingerprint seen = FileFingerprint::of(inputs);
  bool tty = ::isatty(::fileno(stdout)) != 0;
  HostData host;
  int status = 0;
  for (int run = 1;; ++run) {
    if (tty) std::fputs("\033[2J\033[H", stdout);  // a fresh screen for every run
    LiveRegistry::Status st = live.status();
    if (!st.ok) {
      std::printf("Een regelpakket kon niet worden geladen; %s:\n%s\n",
                  st.generation > 0 ? "de vorige versie blijft in gebruik" : "herstel het",
                  st.error.c_str());
    }
    auto files = expand_inputs(w.inputs);
    auto writer = w.make_writer();
    BatchSummary summary = run_batch(files, live.current(), w.options, host, *writer);
    status = summary.exit_status();
    std::printf(
        "\n[run %d — wacht op wijzigingen in regels, parameters of aanvragen; Ctrl-C stopt]\n",
        run);
    std::fflush(stdout);
    if (w.max_runs > 0 && run >= w.max_runs) return status;
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(w.interval_ms));
      LiveRegistry::Status polled = live.poll();
      FileFingerprint now = FileFingerprint::of(inputs);
      bool inputs_changed = now != seen;
      seen = now;
      if (polled.changed || inputs_changed) break;
    }
  }
}

}  // namespace meetlat::cli
