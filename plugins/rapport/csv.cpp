// Format "csv": one row per submission and rule, for spreadsheets. Chosen so that Excel and
// LibreOffice with Dutch settings open it correctly by double-clicking: ';' as separator (the
// Dutch list separator, since ',' is the decimal comma), UTF-8 with a byte order mark (or Excel
// reads € and ë wrongly), CRLF line ends and quoting as in RFC 4180. A submission that could not
// be read gets one row with its input errors. A field that starts with = + - @ gets a leading '
// so that a spreadsheet never runs it as a formula (text from submissions is not trusted).
#include <string>

#include "../common/dutch.h"
#include "writers.h"

namespace meetlat_plugins {

namespace {

constexpr char kSeparator = ';';

void field(std::string& out, std::string_view value, bool last = false) {
  std::string v(value);
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(0, "'");
  }
  bool quote = v.find_first_of(";\",\r\n") != std::string::npos ||
               (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (quote) {
    out += '"';
    for (char c : v) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  } else {
    out += v;
  }
  out += last ? "\r\n" : std::string(1, kSeparator);
}

std::string verdict_text(std::string_view verdict) {
  std::string v(verdict);
  for (char& c : v) {
    if (c == '_') c = ' ';
  }
  return v;
}

class CsvWriter final : public FormatWriter {
 public:
  void begin(std::string& out) override {
    out += "\xEF\xBB\xBF";  // UTF-8 byte order mark
    const char* columns[] = {"bestand",  "titel",   "soort", "regio",       "ingediend",
                             "oordeel",  "pakket",  "regel", "titel_regel", "ernst",
                             "uitkomst", "melding", "bron",  "citaat",      "gegevens"};
    std::size_t n = sizeof columns / sizeof columns[0];
    for (std::size_t i = 0; i < n; ++i) field(out, columns[i], i + 1 == n);
  }

  void submission(const SubmissionData& s, std::string& out) override {
    auto common = [&]() {
      field(out, s.file);
      field(out, s.titel);
      field(out, s.soort);
      field(out, s.regio);
      field(out, s.ingediend);
      field(out, verdict_text(s.verdict));
    };
    if (!s.input_errors.empty() || s.rules.empty()) {
      std::string all;
      for (const InputErrorData& e : s.input_errors) {
        if (!all.empty()) all += "\n";
        if (!e.path.empty()) all += e.path + ": ";
        all += e.message;
        if (e.line > 0) {
          all += " (regel " + std::to_string(e.line) + ", kolom " + std::to_string(e.column) + ")";
        }
      }
      common();
      field(out, "");
      field(out, "");
      field(out, "");
      field(out, "");
      field(out, s.input_errors.empty() ? "geen regels" : "invoerfout");
      field(out, all);
      field(out, "");
      field(out, "");
      field(out, "", true);
    }
    for (const RuleData& r : s.rules) {
      common();
      field(out, r.pack);
      field(out, r.id);
      field(out, r.title);
      field(out, severity_label(r.severity));
      field(out, outcome_label(r));
      field(out, r.message);
      field(out, r.source);
      field(out, r.quote);
      std::string evidence;
      for (std::size_t i = 0; i < r.evidence.size(); ++i) {
        evidence += (i > 0 ? ", " : "") + r.evidence[i];
      }
      field(out, evidence, true);
    }
  }

  void end(const std::vector<PackData>& /*packs*/, std::string& /*out*/) override {}
};

}  // namespace

std::unique_ptr<FormatWriter> make_csv_writer() {
  return std::make_unique<CsvWriter>();
}

}  // namespace meetlat_plugins
