// Format "markdown": readable in a merge request (GitLab, GitHub) or a wiki. Per submission the
// facts, the verdict, a table of every rule, and the details of every rule that did not pass.
// Text from reports is escaped (CommonMark backslash escapes) so that a title with * or | does
// not change the layout.
#include <string>

#include "../common/dutch.h"
#include "writers.h"

namespace meetlat_plugins {

namespace {

// Escapes what CommonMark could read as markup, and a leading list or heading marker.
std::string md(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '#':
      case '&':
        out += '\\';
        out += c;
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Text that starts a list item: also a leading marker that would open a nested list ("- ",
// "1. ") or a heading underline is escaped.
std::string md_item(std::string_view text) {
  std::string out = md(text);
  if (!out.empty() && (out[0] == '-' || out[0] == '+' || out[0] == '=')) out.insert(0, "\\");
  std::size_t digits = 0;
  while (digits < out.size() && out[digits] >= '0' && out[digits] <= '9') ++digits;
  if (digits > 0 && digits < out.size() && (out[digits] == '.' || out[digits] == ')')) {
    out.insert(digits, "\\");
  }
  return out;
}

// A code span; text with a backtick falls back to escaped text.
std::string code(std::string_view text) {
  if (text.find('`') != std::string_view::npos || text.find('\n') != std::string_view::npos) {
    return md(text);
  }
  return "`" + std::string(text) + "`";
}

const char* mark(const RuleData& r) {
  if (r.outcome == "pass") return "✓";
  if (r.outcome == "fail") return r.severity == "advisory" ? "!" : "✗";
  if (r.outcome == "skip") return "–";
  return "?";
}

class MarkdownWriter final : public FormatWriter {
 public:
  void begin(std::string& out) override {
    out += "# Voorcontrole van aanvragen\n\n";
    out +=
        "Meetlat heeft deze aanvragen automatisch getoetst aan de regels van het fonds. Dit is "
        "een voorcontrole: een medewerker neemt het besluit.\n";
  }

  void submission(const SubmissionData& s, std::string& out) override {
    ++count_;
    std::string heading = s.titel.empty() ? s.file : s.titel;
    summary_.push_back("| " + std::to_string(count_) + " | " + md(heading) + " | " +
                       md(s.verdict_label) + " |\n");
    out += "\n## " + std::to_string(count_) + ". " + md(heading) + "\n\n";
    out += "| | |\n| --- | --- |\n";
    out += "| Bestand | " + code(s.file) + " |\n";
    if (!s.soort.empty()) out += "| Soort | " + md(s.soort) + " |\n";
    if (!s.regio.empty()) out += "| Regio | " + md(s.regio) + " |\n";
    if (!s.ingediend.empty())
      out += "| Ingediend | " + md(dutch_date_or_text(s.ingediend)) + " |\n";
    out += "| Oordeel | **" + md(s.verdict_label) + "** — " + md(verdict_reason(s)) + " |\n";
    for (const PackData& p : s.packs) {
      out += "| Regelpakket | " + md(p.name) + " " + md(p.version) + " (" + code(p.hash) +
             (p.params_version.empty() ? "" : ", parameters geldig " + md(p.params_version)) +
             ") |\n";
    }

    if (!s.input_errors.empty()) {
      out += "\n**Invoerfouten (" + std::to_string(s.input_errors.size()) + ")**\n\n";
      for (const InputErrorData& e : s.input_errors) {
        out += "- ";
        if (!e.path.empty()) out += code(e.path) + ": ";
        out += e.path.empty() ? md_item(e.message) : md(e.message);
        if (e.line > 0) {
          out += " (regel " + std::to_string(e.line) + ", kolom " + std::to_string(e.column) + ")";
        }
        out += "\n";
      }
    }

    if (s.rules.empty()) return;
    out += "\n| Regel | Uitkomst | Titel |\n| --- | --- | --- |\n";
    for (const RuleData& r : s.rules) {
      out += "| " + md(r.id) + " | " + mark(r) + " " + std::string(outcome_label(r)) + " (" +
             std::string(severity_label(r.severity)) + ") | " + md(r.title) + " |\n";
    }
    for (const RuleData& r : s.rules) {
      if (r.outcome != "fail" && r.outcome != "error") continue;
      out += "\n### " + std::string(mark(r)) + " " + md(r.id) + " — " + md(r.title) + "\n\n";
      out += "*" + std::string(outcome_label(r)) + ", " + std::string(severity_label(r.severity)) +
             " · regelpakket " + md(r.pack) + "*\n\n";
      if (!r.findings.empty()) {
        for (const FindingData& f : r.findings) out += "- " + md_item(f.message) + "\n";
      } else {
        for (std::string_view line : lines(r.message)) out += "- " + md_item(line) + "\n";
      }
      if (r.outcome == "error" && !r.detail.empty()) {
        out += "- Fout: " + code(lines(r.detail).front()) + "\n";
      }
      out += "\n> Bron: " + md(r.source);
      if (!r.quote.empty()) out += " — “" + md(r.quote) + "”";
      out += "\n";
      if (r.outcome == "fail" && !r.evidence.empty()) {
        out += "\nGegevens: ";
        for (std::size_t i = 0; i < r.evidence.size(); ++i) {
          if (i > 0) out += ", ";
          out += code(r.evidence[i]);
        }
        out += "\n";
      }
    }
  }

  void end(const std::vector<PackData>& packs, std::string& out) override {
    if (count_ > 1) {
      out += "\n## Overzicht\n\n| # | Aanvraag | Oordeel |\n| --- | --- | --- |\n";
      for (const std::string& row : summary_) out += row;
    }
    out += "\n---\n\nGetoetst met de regelpakketten: ";
    if (packs.empty()) out += "geen";
    for (std::size_t i = 0; i < packs.size(); ++i) {
      if (i > 0) out += "; ";
      out += md(packs[i].name) + " " + md(packs[i].version) + " (" + code(packs[i].hash) + ")";
    }
    out += ".\n";
  }

 private:
  std::size_t count_ = 0;
  std::vector<std::string> summary_;
};

}  // namespace

std::unique_ptr<FormatWriter> make_markdown_writer() {
  return std::make_unique<MarkdownWriter>();
}

}  // namespace meetlat_plugins
