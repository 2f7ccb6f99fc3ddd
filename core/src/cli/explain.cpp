// `meetlat explain --pack P --rule ID FILE`: what one rule read (key paths and values, of the
// submission and of the parameters), what it noted, and what it returned, for one submission.
#include <fmt/format.h>

#include <cstdio>

#include "../lua/lua_sandbox.h"
#include "cli.h"
#include "meetlat/host_data.h"
#include "meetlat/json_writer.h"
#include "meetlat/report.h"

namespace meetlat::cli {

namespace {
struct ExplainOptions {
  EngineOptions engine;
  std::string pack;
  std::string rule;
  std::string format = "text";
  std::string file;
};

void print_text(const SubmissionReport& r, const RuleTrace& trace) {
  if (!r.input_errors.empty()) {
    std::fputs(format_submission_text(r, ReportOptions{}).c_str(), stdout);
    return;
  }
  if (r.rules.empty()) {
    std::printf("Regel niet gevonden in het pakket.\n");
    return;
  }
  const RuleResult& rule = r.rules.front();
  std::printf("Regel     %s — %s (%s, %s)\n", rule.id.c_str(), rule.title.c_str(),
              rule.pack.c_str(), std::string(label(rule.severity)).c_str());
  std::printf("Bron      %s — “%s”\n", rule.source.c_str(), rule.quote.c_str());
  std::printf("Aanvraag  %s\n", r.file.c_str());
  if (!r.packs.empty() && !r.packs.front().params_version.empty()) {
    std::printf("Parameters geldig %s\n", r.packs.front().params_version.c_str());
  }
  std::printf("\nGelezen (%zu), in volgorde:\n", trace.reads.size());
  for (const auto& read : trace.reads) {
    std::printf("  %-48s %s\n", read.path.c_str(), read.value.c_str());
  }
  if (!trace.notes.empty()) {
    std::printf("\nBerekend (note/print in de regel):\n");
    for (const auto& n : trace.notes) std::printf("  %s\n", n.c_str());
  }
  std::string status = rule.outcome == Outcome::fail && rule.severity == Severity::advisory
                           ? std::string("aandachtspunt")
                           : std::string(label(rule.outcome));
  std::printf("\nUitkomst: %s (%s)\n", status.c_str(),
              std::string(to_string(rule.outcome)).c_str());
  std::size_t start = 0;
  while (start <= rule.message.size()) {
    std::size_t nl = rule.message.find('\n', start);
    std::printf("  %s\n", rule.message.substr(start, nl - start).c_str());
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (!rule.evidence.empty()) {
    std::string ev;
    for (const auto& e : rule.evidence) ev += (ev.empty() ? "" : ", ") + e;
    std::printf("  Gegevens: %s\n", ev.c_str());
  }
  if (rule.outcome == Outcome::error) std::printf("\n%s\n", rule.detail.c_str());
  // The budget hook counts in steps of 1000 instructions (lua_sandbox.cpp): below one step the
  // count is 0, which would read as "no work at all".
  if (rule.instructions < 1000) {
    std::printf("Rekenwerk: minder dan 1000 Lua-instructies\n");
  } else {
    std::printf("Rekenwerk: ongeveer %llu Lua-instructies\n",
                static_cast<unsigned long long>(rule.instructions));
  }
}

void print_json(const SubmissionReport& r, const RuleTrace& trace) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("meetlat").value(engine_version());
  w.key("reads").begin_array();
  for (const auto& read : trace.reads) {
    w.begin_object().key("path").value(read.path).key("value").value(read.value).end_object();
  }
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& n : trace.notes) w.value(n);
  w.end_array();
  std::string sub;
  write_submission_json(sub, r, true, 1);
  w.key("submission").raw(sub);
  w.end_object();
  out += "\n";
  std::fputs(out.c_str(), stdout);
}
}  // namespace

void add_explain(CLI::App& app, Action& action) {
  auto o = std::make_shared<ExplainOptions>();
  CLI::App* cmd =
      app.add_subcommand("explain", "Laat zien wat één regel las en berekende voor één aanvraag");
  cmd->add_option("--pack", o->pack, "Regelpakket (naam of map)")->required();
  cmd->add_option("--rule", o->rule, "Regel-id, bijvoorbeeld BG-01")->required();
  cmd->add_option("--format", o->format, "Uitvoer: text of json")->capture_default_str();
  o->engine.add_to(*cmd);
  cmd->add_option("file", o->file, "De aanvraag")->required();
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      auto registry = o->engine.registry();
      auto plugins = o->engine.plugins();  // rules may call plugin functions (nl.zoek_bedrag)
      if (!preload_packs(registry, {o->pack}, o->engine.limits(), &plugins->bindings())) {
        return kExitUsage;
      }
      Evaluator evaluator(registry, o->engine.limits(), &plugins->bindings());
      Submission s = read_submission(o->file, o->engine.read_limits());
      RuleTrace trace;
      HostData host;
      SubmissionReport r = evaluator.explain(s, o->pack, o->rule, host, trace);
      if (r.input_errors.empty() && r.rules.empty()) {
        std::fprintf(stderr, "meetlat: regel %s bestaat niet in pakket %s\n", o->rule.c_str(),
                     o->pack.c_str());
        return kExitUsage;
      }
      if (o->format == "json") {
        print_json(r, trace);
      } else {
        print_text(r, trace);
      }
      BatchSummary summary;
      summary.total = 1;
      ++summary.per_verdict[static_cast<int>(r.verdict)];
      return summary.exit_status();
    };
  });
}

}  // namespace meetlat::cli
