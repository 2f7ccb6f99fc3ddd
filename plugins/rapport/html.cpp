// Format "html": one self-contained HTML5 file (inline CSS, no scripts, no external resources)
// to attach to a decision memo; printable (A4, a page per submission, table headers repeated).
// Written as polyglot markup (also well-formed XML) so that it can be checked mechanically, and
// deterministic (no date or time unless it is in the report) so that it can be compared.
#include <string>

#include "../common/dutch.h"
#include "writers.h"

namespace meetlat_plugins {

namespace {

constexpr std::string_view kStyle = R"css(
:root { --rand: #c9ced6; --zacht: #5b6470; --groen: #1d6b34; --rood: #a4161a; --oranje: #8a5300;
        --paars: #6a1b9a; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; font-size: 11pt;
       line-height: 1.45; color: #1b1f24; margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding-top: .5rem; border-top: 2px solid #1b1f24; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
p { margin: .3rem 0; }
.toelichting { color: var(--zacht); }
dl.feiten { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dl.feiten dt { font-weight: 600; }
dl.feiten dd { margin: 0; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85em;
       overflow-wrap: anywhere; }
.oordeel { font-size: 1.05rem; padding: .5rem .75rem; border-left: 6px solid var(--zacht);
           background: #f3f4f6; margin: .75rem 0; }
.oordeel-voldoet { border-color: var(--groen); }
.oordeel-voldoet_met_aandachtspunten { border-color: var(--oranje); }
.oordeel-voldoet_niet { border-color: var(--rood); }
.oordeel-onbeslist, .oordeel-ongeldig { border-color: var(--paars); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--rand); padding: .35rem .5rem; text-align: left;
         vertical-align: top; }
thead th { background: #eef0f3; }
td.regel { width: 30%; }
td.uitkomst { width: 14%; white-space: nowrap; font-weight: 600; }
.id { font-weight: 700; }
.klein { color: var(--zacht); font-size: .85em; }
.uitkomst-pass td.uitkomst { color: var(--groen); }
.uitkomst-fail.ernst-blocking td.uitkomst { color: var(--rood); }
.uitkomst-fail.ernst-advisory td.uitkomst { color: var(--oranje); }
.uitkomst-error td.uitkomst { color: var(--paars); }
.uitkomst-skip { color: var(--zacht); }
ul.bevindingen { margin: .2rem 0; padding-left: 1.2rem; }
blockquote { margin: .3rem 0; padding: .1rem .6rem; border-left: 3px solid var(--rand);
             color: #2f3640; font-style: italic; }
.bron, .gegevens { font-size: .9em; color: var(--zacht); }
footer { margin-top: 2rem; border-top: 1px solid var(--rand); padding-top: .5rem;
         font-size: .9em; color: var(--zacht); }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 9.5pt; max-width: none; padding: 0; }
  section.aanvraag + section.aanvraag { break-before: page; }
  h2 { border-top: none; margin-top: 0; }
  tr, blockquote, .oordeel { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  .oordeel { background: none; }
}
)css";

std::string esc(std::string_view s) {
  return xml_escaped(s);
}

const char* mark(const RuleData& r) {
  if (r.outcome == "pass") return "✓";
  if (r.outcome == "fail") return r.severity == "advisory" ? "!" : "✗";
  if (r.outcome == "skip") return "–";
  return "?";
}

class HtmlWriter final : public FormatWriter {
 public:
  void begin(std::string& out) override {
    out += "<!DOCTYPE html>\n";
    out += "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"nl\" xml:lang=\"nl\">\n<head>\n";
    out += "<meta charset=\"utf-8\" />\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n";
    out += "<title>Voorcontrole van aanvragen</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<header>\n<h1>Voorcontrole van aanvragen</h1>\n";
    out +=
        "<p class=\"toelichting\">Meetlat heeft deze aanvragen automatisch getoetst aan de "
        "regels van het fonds. Dit is een voorcontrole: een medewerker neemt het besluit. Bij "
        "elke regel staat de beleidstekst waarop hij rust.</p>\n</header>\n<main>\n";
  }

  void submission(const SubmissionData& s, std::string& out) override {
    ++count_;
    std::string anchor = "aanvraag-" + std::to_string(count_);
    std::string heading = s.titel.empty() ? s.file : s.titel;
    rows_.push_back({anchor, heading, s.verdict, s.verdict_label});

    out += "<section class=\"aanvraag\" id=\"" + anchor + "\">\n";
    out += "<h2>" + std::to_string(count_) + ". " + esc(heading) + "</h2>\n";
    out += "<dl class=\"feiten\">\n";
    fact(out, "Bestand", "<code>" + esc(s.file) + "</code>");
    if (!s.soort.empty()) fact(out, "Soort", esc(s.soort));
    if (!s.regio.empty()) fact(out, "Regio", esc(s.regio));
    if (!s.ingediend.empty()) fact(out, "Ingediend", esc(dutch_date_or_text(s.ingediend)));
    for (const PackData& p : s.packs) {
      std::string v = esc(p.name) + " " + esc(p.version) + " <span class=\"klein\">(<code>" +
                      esc(p.hash) + "</code>";
      if (!p.params_version.empty()) v += ", parameters geldig " + esc(p.params_version);
      v += ")</span>";
      fact(out, "Regelpakket", v);
    }
    out += "</dl>\n";
    out += "<p class=\"oordeel oordeel-" + esc(s.verdict) +
           "\"><strong>Oordeel: " + esc(s.verdict_label) + "</strong> — " + esc(verdict_reason(s)) +
           "</p>\n";

    if (!s.input_errors.empty()) {
      out += "<h3>Invoerfouten (" + std::to_string(s.input_errors.size()) + ")</h3>\n<ul>\n";
      for (const InputErrorData& e : s.input_errors) {
        out += "<li>";
        if (!e.path.empty()) out += "<code>" + esc(e.path) + "</code>: ";
        out += esc(e.message);
        if (e.line > 0) {
          out += " <span class=\"klein\">(regel " + std::to_string(e.line) + ", kolom " +
                 std::to_string(e.column) + ")</span>";
        }
        out += "</li>\n";
      }
      out += "</ul>\n";
    }

    if (!s.rules.empty()) {
      out +=
          "<table class=\"regels\">\n<thead><tr><th scope=\"col\">Regel</th>"
          "<th scope=\"col\">Uitkomst</th><th scope=\"col\">Bevinding en bron</th></tr>"
          "</thead>\n<tbody>\n";
      for (const RuleData& r : s.rules) rule(out, r);
      out += "</tbody>\n</table>\n";
    }
    out += "</section>\n";
  }

  void end(const std::vector<PackData>& packs, std::string& out) override {
    out += "</main>\n<footer>\n";
    if (count_ > 1) {
      out +=
          "<h2>Overzicht</h2>\n<table class=\"overzicht\">\n<thead><tr>"
          "<th scope=\"col\">Aanvraag</th><th scope=\"col\">Oordeel</th></tr></thead>\n"
          "<tbody>\n";
      for (const Row& row : rows_) {
        out += "<tr><td><a href=\"#" + row.anchor + "\">" + esc(row.heading) +
               "</a></td><td class=\"oordeel-" + esc(row.verdict) + "\">" + esc(row.label) +
               "</td></tr>\n";
      }
      out += "</tbody>\n</table>\n";
    }
    out += "<p>Getoetst met de regelpakketten: ";
    if (packs.empty()) out += "geen.";
    for (std::size_t i = 0; i < packs.size(); ++i) {
      const PackData& p = packs[i];
      if (i > 0) out += "; ";
      out += esc(p.name) + " " + esc(p.version) + " (<code>" + esc(p.hash) + "</code>)";
    }
    if (!packs.empty()) out += ".";
    out +=
        " Met de naam, de versie en de hash van een pakket is na te gaan met welke regels is "
        "getoetst.</p>\n</footer>\n</body>\n</html>\n";
  }

 private:
  struct Row {
    std::string anchor;
    std::string heading;
    std::string verdict;
    std::string label;
  };

  static void fact(std::string& out, std::string_view term, const std::string& html) {
    out += "<dt>";
    out += term;
    out += "</dt><dd>" + html + "</dd>\n";
  }

  static void rule(std::string& out, const RuleData& r) {
    out += "<tr class=\"uitkomst-" + esc(r.outcome) + " ernst-" + esc(r.severity) + "\">\n";
    out += "<td class=\"regel\"><span class=\"id\">" + esc(r.id) + "</span> " + esc(r.title) +
           "<br /><span class=\"klein\">" + esc(r.pack) + " · " +
           std::string(severity_label(r.severity)) + "</span></td>\n";
    out += "<td class=\"uitkomst\">" + std::string(mark(r)) + " " + std::string(outcome_label(r)) +
           "</td>\n<td class=\"bevinding\">\n";
    if (!r.findings.empty()) {
      out += "<ul class=\"bevindingen\">\n";
      for (const FindingData& f : r.findings) out += "<li>" + esc(f.message) + "</li>\n";
      out += "</ul>\n";
    } else {
      for (std::string_view line : lines(r.message)) out += "<p>" + esc(line) + "</p>\n";
    }
    if (r.outcome == "error" && !r.detail.empty()) {
      out += "<p class=\"gegevens\">" + esc(lines(r.detail).front()) + "</p>\n";
    }
    if (!r.source.empty()) out += "<p class=\"bron\">Bron: " + esc(r.source) + "</p>\n";
    if (!r.quote.empty()) out += "<blockquote>“" + esc(r.quote) + "”</blockquote>\n";
    if (r.outcome == "fail" && !r.evidence.empty()) {
      out += "<p class=\"gegevens\">Gegevens: ";
      for (std::size_t i = 0; i < r.evidence.size(); ++i) {
        if (i > 0) out += ", ";
        out += "<code>" + esc(r.evidence[i]) + "</code>";
      }
      out += "</p>\n";
    }
    out += "</td>\n</tr>\n";
  }

  std::size_t count_ = 0;
  std::vector<Row> rows_;
};

}  // namespace

std::unique_ptr<FormatWriter> make_html_writer() {
  return std::make_unique<HtmlWriter>();
}

}  // namespace meetlat_plugins
