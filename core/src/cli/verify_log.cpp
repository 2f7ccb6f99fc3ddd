// `meetlat verify-log [--db FILE]`: recomputes the hash chain of the decision log and checks the
// stored packs against their hashes (issue "meetlat serve"). Exit 0 intact, 1 tampered (the
// first bad entry named), 3 when the log cannot be opened.
//
// The chain alone cannot show that its newest entries were cut off, or that the whole chain was
// recomputed after an edit. Against both, note the last hash somewhere else (a daily e-mail, a
// minute of the board) and check later with --anker HASH that the log still contains it.
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "meetlat/decision_log.h"

namespace meetlat::cli {

namespace {
struct VerifyOptions {
  std::string db = "meetlat-log.sqlite";
  std::vector<std::string> anchors;
};
}  // namespace

void add_verify_log(CLI::App& app, Action& action) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify-log", "Controleer de hash-keten van het besluitenlog (verify the decision log)");
  cmd->add_option("--db", o->db, "Het besluitenlog (SQLite)")->capture_default_str();
  cmd->add_option("--anker,--anchor", o->anchors,
                  "Een eerder elders genoteerde hash die nog in het log moet staan (herhaalbaar)");
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
      for (const std::string& anchor : o->anchors) {
        auto e = (*log)->entry_with_hash(anchor);
        if (!e) {
          std::printf(
              "Besluitenlog %s is INGEKORT OF HERSCHREVEN: de genoteerde hash %s komt er niet "
              "(meer) in voor.\nDecision log truncated or rewritten: anchor %s not found.\n",
              o->db.c_str(), anchor.c_str(), anchor.c_str());
          return 1;
        }
        std::printf("Anker %s gevonden: regel %lld van %s.\n", anchor.c_str(),
                    static_cast<long long>(e->seq), e->at.c_str());
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
