// The text report for people (kwartiermakers, policy staff): Dutch labels, per rule the outcome,
// the message, the source and the quoted policy text; colour on a terminal, plain when piped.
#include <fmt/format.h>

#include "meetlat/report.h"

namespace meetlat {
namespace {

struct Palette {
  const char* reset = "";
  const char* bold = "";
  const char* dim = "";
  const char* green = "";
  const char* red = "";
  const char* yellow = "";
  const char* magenta = "";
  const char* cyan = "";
};

Palette palette(bool color) {
  Palette p;
  if (color) {
    p.reset = "\033[0m";
    p.bold = "\033[1m";
    p.dim = "\033[2m";
    p.green = "\033[32m";
    p.red = "\033[31m";
    p.yellow = "\033[33m";
    p.magenta = "\033[35m";
    p.cyan = "\033[36m";
  }
  return p;
}

const char* verdict_color(const Palette& p, Verdict v) {
  switch (v) {
    case Verdict::voldoet:
      return p.green;
    case Verdict::voldoet_met_aandachtspunten:
      return p.yellow;
    case Verdict::voldoet_niet:
      return p.red;
    case Verdict::onbeslist:
    case Verdict::ongeldig:
      return p.magenta;
  }
  return p.reset;
}

std::string dutch_date(std::string_view iso) {
  static constexpr const char* kMonths[] = {"januari",   "februari", "maart",    "april",
                                            "mei",       "juni",     "juli",     "augustus",
                                            "september", "oktober",  "november", "december"};
  if (iso.size() != 10) return std::string(iso);
  int month = (iso[5] - '0') * 10 + (iso[6] - '0');
  int day = (iso[8] - '0') * 10 + (iso[9] - '0');
  if (month < 1 || month > 12) return std::string(iso);
  return fmt::format("{} {} {}", day, kMonths[month - 1], iso.substr(0, 4));
}

void append_indented(std::string& out, std::string_view text, std::string_view indent) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? text.npos : nl - start);
    out += indent;
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

}  // namespace

std::string format_submission_text(const SubmissionReport& r, const ReportOptions& options) {
  Palette p = palette(options.color);
  std::string out;
  out += fmt::format("{}Aanvraag{}   {}\n", p.bold, p.reset, r.file);
  if (!r.titel.empty()) out += fmt::format("           {}\n", r.titel);
  std::string facts;
  if (!r.soort.empty()) facts += r.soort;
  if (!r.regio.empty()) facts += (facts.empty() ? "" : " · ") + std::string("regio ") + r.regio;
  if (!r.ingediend.empty()) {
    facts += (facts.empty() ? "" : " · ") + std::string("ingediend ") + dutch_date(r.ingediend);
  }
  if (!facts.empty()) out += fmt::format("           {}{}{}\n", p.dim, facts, p.reset);

  std::size_t blocking_fails = 0;
  std::size_t advisory_fails = 0;
  std::size_t errors = 0;
  for (const RuleResult& rule : r.rules) {
    if (rule.outcome == Outcome::fail) {
      (rule.severity == Severity::blocking ? blocking_fails : advisory_fails)++;
    }
    if (rule.outcome == Outcome::error) ++errors;
  }
  std::string why;
  if (r.verdict == Verdict::ongeldig) {
    why = "er is geen regel uitgevoerd; herstel de invoerfouten hieronder";
  } else {
    std::vector<std::string> parts;
    if (errors > 0) {
      parts.push_back(fmt::format("{} {} niet worden uitgevoerd", errors,
                                  errors == 1 ? "regel kon" : "regels konden"));
    }
    if (blocking_fails > 0) {
      parts.push_back(fmt::format("{} blokkerende {} niet", blocking_fails,
                                  blocking_fails == 1 ? "regel voldoet" : "regels voldoen"));
    }
    if (advisory_fails > 0) {
      parts.push_back(fmt::format("{} {}", advisory_fails,
                                  advisory_fails == 1 ? "aandachtspunt" : "aandachtspunten"));
    }
    if (parts.empty())
      parts.push_back(
          fmt::format("alle {} regels voldoen of zijn niet van toepassing", r.rules.size()));
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) why += i + 1 == parts.size() ? " en " : ", ";
      why += parts[i];
    }
  }
  out += fmt::format("{}Oordeel{}    {}{}{}{} — {}\n", p.bold, p.reset, p.bold,
                     verdict_color(p, r.verdict), label(r.verdict), p.reset, why);
  for (const PackUse& pack : r.packs) {
    std::string hash = pack.hash.size() > 19 ? pack.hash.substr(0, 19) + "…" : pack.hash;
    out += fmt::format(
        "{}Regels{}     {} {} {}({}){}{}\n", p.bold, p.reset, pack.name, pack.version, p.dim, hash,
        pack.params_version.empty() ? std::string()
                                    : fmt::format(", parameters geldig {}", pack.params_version),
        p.reset);
  }

  if (!r.input_errors.empty()) {
    out += fmt::format("\n{}Invoerfouten ({}){}\n", p.bold, r.input_errors.size(), p.reset);
    for (const InputError& e : r.input_errors) {
      std::string where = r.file;
      if (e.line > 0) where += fmt::format(":{}:{}", e.line, e.column);
      out += fmt::format("  {}{}{}: {}{}{}\n", p.magenta, where, p.reset,
                         e.path.empty() ? "" : e.path, e.path.empty() ? "" : ": ", e.message);
    }
  }

  if (!r.rules.empty()) out += '\n';
  for (const RuleResult& rule : r.rules) {
    const char* mark = "✓";
    const char* color = p.green;
    switch (rule.outcome) {
      case Outcome::pass:
        break;
      case Outcome::fail:
        mark = rule.severity == Severity::blocking ? "✗" : "!";
        color = rule.severity == Severity::blocking ? p.red : p.yellow;
        break;
      case Outcome::skip:
        mark = "–";
        color = p.dim;
        break;
      case Outcome::error:
        mark = "?";
        color = p.magenta;
        break;
    }
    std::string status = rule.outcome == Outcome::fail && rule.severity == Severity::advisory
                             ? std::string("aandachtspunt")
                             : std::string(label(rule.outcome));
    out += fmt::format("  {}{}{} {}{:<6}{} {}  {}[{}, {}]{}\n", color, mark, p.reset, p.bold,
                       rule.id, p.reset, rule.title, color, status, label(rule.severity), p.reset);
    if (!rule.message.empty()) append_indented(out, rule.message, "           ");
    if (!rule.source.empty() || !rule.quote.empty()) {
      out += fmt::format("           {}Bron: {}{}{}\n", p.dim, rule.source,
                         rule.quote.empty() ? "" : " — “" + rule.quote + "”", p.reset);
    }
    if (!rule.evidence.empty() && rule.outcome == Outcome::fail) {
      std::string ev;
      for (std::size_t i = 0; i < rule.evidence.size() && i < 8; ++i) {
        if (i > 0) ev += ", ";
        ev += rule.evidence[i];
      }
      if (rule.evidence.size() > 8) ev += fmt::format(" (en {} meer)", rule.evidence.size() - 8);
      out += fmt::format("           {}Gegevens: {}{}\n", p.dim, ev, p.reset);
    }
    if (rule.outcome == Outcome::error && !rule.detail.empty()) {
      if (options.verbose) {
        append_indented(out, rule.detail, "           | ");
      } else {
        std::string first(rule.detail.substr(0, rule.detail.find('\n')));
        out += fmt::format("           {}{}{}\n", p.dim, first, p.reset);
      }
    }
  }
  return out;
}

}  // namespace meetlat
