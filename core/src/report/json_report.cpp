// The JSON report of interfaces.md: { meetlat, packs, submissions: [...] }. Field names and values
// are contracts; extensions (findings, detail, packs per submission, line/column) are additions.
#include <fmt/format.h>

#include "meetlat/json_writer.h"
#include "meetlat/report.h"

namespace meetlat {

std::string_view engine_version() {
  return MEETLAT_VERSION;
}

void write_packs_json(std::string& out, const std::vector<PackUse>& packs, bool pretty) {
  JsonWriter w(out, pretty, 1);
  w.begin_array();
  for (const PackUse& p : packs) {
    w.begin_object();
    w.key("name").value(p.name);
    w.key("version").value(p.version);
    w.key("hash").value(p.hash);
    if (!p.params_version.empty()) w.key("params_version").value(p.params_version);
    w.end_object();
  }
  w.end_array();
}

void write_submission_json(std::string& out, const SubmissionReport& r, bool pretty,
                           int indent_levels) {
  JsonWriter w(out, pretty, indent_levels);
  w.begin_object();
  w.key("file").value(r.file);
  w.key("verdict").value(to_string(r.verdict));
  w.key("verdict_label").value(label(r.verdict));
  if (!r.titel.empty()) w.key("titel").value(r.titel);
  if (!r.soort.empty()) w.key("soort").value(r.soort);
  if (!r.regio.empty()) w.key("regio").value(r.regio);
  if (!r.ingediend.empty()) w.key("ingediend").value(r.ingediend);
  w.key("input_errors").begin_array();
  for (const InputError& e : r.input_errors) {
    w.begin_object();
    w.key("path").value(e.path);
    if (e.line > 0) {
      w.key("line").value(e.line);
      w.key("column").value(e.column);
    } else {
      w.key("line").null();
      w.key("column").null();
    }
    w.key("message").value(e.message);
    w.end_object();
  }
  w.end_array();
  w.key("packs").begin_array();
  for (const PackUse& p : r.packs) {
    w.begin_object();
    w.key("name").value(p.name);
    w.key("version").value(p.version);
    w.key("hash").value(p.hash);
    if (!p.params_version.empty()) w.key("params_version").value(p.params_version);
    w.end_object();
  }
  w.end_array();
  w.key("rules").begin_array();
  for (const RuleResult& rule : r.rules) {
    w.begin_object();
    w.key("pack").value(rule.pack);
    w.key("id").value(rule.id);
    w.key("title").value(rule.title);
    w.key("severity").value(to_string(rule.severity));
    w.key("outcome").value(to_string(rule.outcome));
    w.key("message").value(rule.message);
    w.key("source").value(rule.source);
    w.key("quote").value(rule.quote);
    w.key("evidence").begin_array();
    for (const auto& e : rule.evidence) w.value(e);
    w.end_array();
    if (!rule.findings.empty()) {
      w.key("findings").begin_array();
      for (const Finding& f : rule.findings) {
        w.begin_object();
        w.key("message").value(f.message);
        w.key("evidence").begin_array();
        for (const auto& e : f.evidence) w.value(e);
        w.end_array();
        w.end_object();
      }
      w.end_array();
    }
    if (!rule.detail.empty()) w.key("detail").value(rule.detail);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

namespace {

// "limits": what bounded this run, in the units of the command-line options (docs/hardening.md,
// "Limits"); 0 means "none" where a limit can be switched off.
void write_limits_json(std::string& out, const LimitsInEffect& l, bool pretty) {
  JsonWriter w(out, pretty, 1);
  auto budget = [&](const char* name, const Budget& b) {
    w.key(name).begin_object();
    w.key("instructions").value(b.instructions);
    w.key("time_ms").value(static_cast<std::int64_t>(b.time.count()));
    w.key("memory_mib").value(static_cast<std::uint64_t>(b.memory >> 20));
    w.end_object();
  };
  w.begin_object();
  budget("rule", l.limits.rule);
  budget("load", l.limits.load);
  w.key("submission").begin_object();
  w.key("time_ms").value(static_cast<std::int64_t>(l.limits.submission_time.count()));
  w.key("max_file_kib").value(static_cast<std::uint64_t>(l.max_file_bytes >> 10));
  w.end_object();
  w.key("batch").begin_object();
  w.key("max_files").value(static_cast<std::uint64_t>(l.batch.max_files));
  w.key("max_size_mib").value(static_cast<std::uint64_t>(l.batch.max_bytes >> 20));
  w.key("time_s").value(static_cast<std::int64_t>(l.batch.time.count() / 1000));
  w.end_object();
  w.end_object();
}

class JsonReportWriter : public ReportWriter {
 public:
  JsonReportWriter(std::FILE* out, bool pretty, std::optional<LimitsInEffect> limits)
      : out_(out), pretty_(pretty), limits_(limits) {}

  void begin() override {
    std::string head;
    JsonWriter::escape(head, engine_version());
    std::fputs(pretty_ ? "{\n  \"meetlat\": " : "{\"meetlat\":", out_);
    std::fputs(head.c_str(), out_);
    if (limits_) {
      std::string limits;
      write_limits_json(limits, *limits_, pretty_);
      std::fputs(pretty_ ? ",\n  \"limits\": " : ",\"limits\":", out_);
      std::fputs(limits.c_str(), out_);
    }
    std::fputs(pretty_ ? ",\n  \"submissions\": [" : ",\"submissions\":[", out_);
  }

  std::string render(const SubmissionReport& r) const override {
    std::string out;
    write_submission_json(out, r, pretty_, 2);
    return out;
  }

  void write(const std::string& rendered, Verdict) override {
    if (count_++ > 0) std::fputc(',', out_);
    if (pretty_) std::fputs("\n    ", out_);
    std::fwrite(rendered.data(), 1, rendered.size(), out_);
  }

  void end(const std::vector<PackUse>& packs) override {
    // `packs` comes last: it is only complete once every submission is evaluated, and the
    // report is streamed. JSON object members have no order.
    buffer_.clear();
    buffer_ +=
        pretty_ ? (count_ > 0 ? "\n  ],\n  \"packs\": " : "],\n  \"packs\": ") : "],\"packs\":";
    write_packs_json(buffer_, packs, pretty_);
    buffer_ += pretty_ ? "\n}\n" : "}\n";
    std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  bool pretty_;
  std::optional<LimitsInEffect> limits_;
  std::size_t count_ = 0;
  std::string buffer_;
};

class TextReportWriter : public ReportWriter {
 public:
  TextReportWriter(std::FILE* out, ReportOptions options) : out_(out), options_(options) {}

  void begin() override {}

  std::string render(const SubmissionReport& r) const override {
    return format_submission_text(r, options_);
  }

  void write(const std::string& rendered, Verdict verdict) override {
    if (count_++ > 0) std::fputs("\n", out_);
    std::fwrite(rendered.data(), 1, rendered.size(), out_);
    ++tally_[static_cast<int>(verdict)];
  }

  void end(const std::vector<PackUse>&) override {
    if (count_ > 1) {
      std::string line = fmt::format(
          "\nSamenvatting: {} aanvragen — {} voldoet, {} voldoet met aandachtspunten, {} voldoet "
          "niet, {} onbeslist, {} ongeldig\n",
          count_, tally_[0], tally_[1], tally_[2], tally_[3], tally_[4]);
      std::fwrite(line.data(), 1, line.size(), out_);
    }
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  ReportOptions options_;
  std::size_t count_ = 0;
  std::size_t tally_[5] = {0, 0, 0, 0, 0};
};

}  // namespace

std::unique_ptr<ReportWriter> make_report_writer(std::string_view format, std::FILE* out,
                                                 const ReportOptions& options) {
  if (format == "json") return std::make_unique<JsonReportWriter>(out, true, options.limits);
  if (format == "json-compact") {
    return std::make_unique<JsonReportWriter>(out, false, options.limits);
  }
  if (format == "text") return std::make_unique<TextReportWriter>(out, options);
  return nullptr;
}

}  // namespace meetlat
