// `meetlat verify-log [--db FILE]`: recomputes the hash chain of the decision log and checks the
// stored packs against their hashes (issue "meetlat serve"). Exit 0 intact, 1 tampered (the
// first bad entry named), 3 when the log cannot be opened.
#include <cstdio>

#include "cli.h"
#include "meetlat/decision_log.h"

namespace meetlat::cli {

namespace {
struct VerifyOptions {
  std::string db = "meetlat-log.sqlite";
};
}  // namespace

void add_verify_log(CLI::App& app, Action& action) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify-log", "Controleer de hash-keten van het besluitenlog (verify the decision log)");
  cmd->add_option("--db", o->db, "Het besluitenlog (SQLite)")->capture_default_str();
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      LogOptions lo;
      lo.read_only = true;
      auto log = DecisionLog::open(o->db, lo);
      if (!log) {
        std::fprintf(stderr, "meetlat verify-log: %s\n", log.error().message.c_str());
        return kExitUsage;
      }
      VerifyReport r = (*log)->verify();
      for (const std::string& w : r.warnings) std::printf("waarschuwing: %s\n", w.c_str());
      if (!r.intact) {
        if (r.first_bad > 0) {
          std::printf(
              "Besluitenlog %s is GEWIJZIGD vanaf regel %lld: %s\n"
              "Decision log tampered: first bad entry %lld.\n",
              o->db.c_str(), static_cast<long long>(r.first_bad), r.problem.c_str(),
              static_cast<long long>(r.first_bad));
        } else {
          std::printf("Besluitenlog %s is GEWIJZIGD: %s\nDecision log tampered: %s\n",
                      o->db.c_str(), r.problem.c_str(), r.problem.c_str());
        }
        return 1;
      }
      std::printf(
          "Besluitenlog %s is intact: %lld regels, %lld regelpakketten; laatste hash %s\n"
          "Decision log intact: %lld entries, %lld pack snapshots.\n",
          o->db.c_str(), static_cast<long long>(r.entries), static_cast<long long>(r.snapshots),
          r.head_hash.c_str(), static_cast<long long>(r.entries),
          static_cast<long long>(r.snapshots));
      return 0;
    };
  });
}

}  // namespace meetlat::cli
