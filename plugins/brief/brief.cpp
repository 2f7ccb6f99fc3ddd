// Plugin "brief": a letter to the applicant in plain Dutch (taalniveau B1), made from the report
// of the pre-check (docs/plugins.md, "De brief aan de aanvrager").
//
// One letter per submission, as plain UTF-8 text wrapped at 78 columns; letters are separated by
// a form feed (a new page when printed). The letter says what was checked, what is in order, what
// must be improved and why — each point with the policy text it rests on — and what to do next.
// It also says plainly that it is not a decision: a person decides (a pre-check by a computer
// must never read as an automated decision).
#include <string>
#include <vector>

#include "../common/dutch.h"
#include "../common/format_plugin.h"
#include "meetlat/plugin.h"

namespace meetlat_plugins {

namespace {

constexpr std::size_t kWidth = 78;

std::size_t width_of(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Wraps `text` at word boundaries: the first line starts with `first`, the others with `rest`
// (both count towards the width). Existing line breaks are kept.
void wrap(std::string& out, std::string_view text, std::string_view first, std::string_view rest) {
  std::string_view indent = first;
  bool any = false;
  for (std::string_view para : lines(text)) {
    std::string line(indent);
    std::size_t used = width_of(indent);
    bool empty = true;
    while (!para.empty()) {
      std::size_t space = para.find(' ');
      std::string_view word = para.substr(0, space);
      para.remove_prefix(space == std::string_view::npos ? para.size() : space + 1);
      if (word.empty()) continue;
      // "€ 394.360" stays on one line: the sign travels with its amount.
      if ((word == "€" || word == "-€") && !para.empty()) {
        std::size_t next = para.find(' ');
        std::size_t len = word.size() + 1 + (next == std::string_view::npos ? para.size() : next);
        word = std::string_view(word.data(), len);
        para.remove_prefix(next == std::string_view::npos ? para.size() : next + 1);
      }
      std::size_t w = width_of(word);
      if (!empty && used + 1 + w > kWidth) {
        out += line + "\n";
        line = std::string(rest);
        used = width_of(rest);
        empty = true;
      }
      if (!empty) {
        line += ' ';
        ++used;
      }
      line += word;
      used += w;
      empty = false;
    }
    out += line + "\n";
    indent = rest;
    any = true;
  }
  if (!any) out += std::string(first) + "\n";
}

void paragraph(std::string& out, std::string_view text) {
  wrap(out, text, "", "");
}

std::string quote_of(const RuleData& r) {
  if (r.quote.empty()) return "dit staat in " + r.source + ".";
  return "dit staat in " + r.source + ": “" + r.quote + "”";
}

void point(std::string& out, std::size_t number, const RuleData& r) {
  std::string head = std::to_string(number) + ". ";
  wrap(out, r.title + ".", head, std::string(head.size(), ' '));
  std::string pad(head.size(), ' ');
  // What we saw: every finding on its own line.
  std::vector<std::string> seen;
  if (!r.findings.empty()) {
    for (const FindingData& f : r.findings) seen.push_back(f.message);
  } else {
    for (std::string_view line : lines(r.message)) seen.emplace_back(line);
  }
  if (seen.size() == 1) {
    wrap(out, "Wat wij zagen: " + seen.front(), pad, pad + "  ");
  } else if (!seen.empty()) {
    wrap(out, "Wat wij zagen:", pad, pad);
    for (const std::string& s : seen) wrap(out, s, pad + "- ", pad + "  ");
  }
  wrap(out, "Waarom: " + quote_of(r), pad, pad + "  ");
  out += "\n";
}

std::string short_hash(const std::string& hash) {
  // "sha256:" and 12 hex digits identify the rules well enough in a letter.
  return hash.size() > 19 ? hash.substr(0, 19) + "…" : hash;
}

class BriefWriter final : public FormatWriter {
 public:
  void begin(std::string& /*out*/) override {}

  void submission(const SubmissionData& s, std::string& out) override {
    if (count_++ > 0) out += "\f\n";
    out += "Onderwerp: uitkomst van de eerste controle van uw aanvraag\n";
    if (!s.titel.empty()) wrap(out, s.titel, "Uw aanvraag: ", "             ");
    if (!s.ingediend.empty()) out += "Ingediend op: " + dutch_date_or_text(s.ingediend) + "\n";
    if (!s.regio.empty()) out += "Regio: " + s.regio + "\n";
    out += "Bestand: " + s.file + "\n\n";
    out += "Beste aanvrager,\n\n";

    if (s.verdict == "ongeldig") {
      unreadable(s, out);
    } else {
      checked(s, out);
    }

    paragraph(out,
              "Deze brief is met de computer gemaakt. Het is nog geen besluit over uw aanvraag. "
              "Dat besluit neemt altijd een medewerker.");
    out += "\n";
    paragraph(out,
              "Heeft u vragen over deze brief? Neem dan contact op met de contactpersoon van het "
              "fonds in uw regio. Noem daarbij de naam van uw aanvraag.");
    out += "\nMet vriendelijke groet,\n\nHet beoordelingsteam van het fonds\n";
    if (!s.packs.empty()) {
      std::string ref = "Kenmerk van de controle: ";
      for (std::size_t i = 0; i < s.packs.size(); ++i) {
        if (i > 0) ref += ", ";
        ref +=
            s.packs[i].name + " " + s.packs[i].version + " (" + short_hash(s.packs[i].hash) + ")";
      }
      out += "\n";
      wrap(out, ref, "", "  ");
    }
  }

  void end(const std::vector<PackData>& /*packs*/, std::string& /*out*/) override {}

 private:
  static void unreadable(const SubmissionData& s, std::string& out) {
    paragraph(out,
              "Bedankt voor uw aanvraag. Wij wilden uw aanvraag eerst met de computer "
              "controleren. Dat lukte niet: wij konden het bestand niet goed lezen. Daarom hebben "
              "wij nog niets gecontroleerd.");
    out += "\nWat ging er mis?\n";
    for (const InputErrorData& e : s.input_errors) {
      std::string where;
      if (e.line > 0) where = " (regel " + std::to_string(e.line) + ")";
      std::string what = e.path.empty() ? e.message : "Bij '" + e.path + "': " + e.message;
      wrap(out, what + where, "- ", "  ");
    }
    out += "\nHoe gaat het verder?\n";
    paragraph(out,
              "Wilt u deze fouten herstellen? Stuur ons daarna het verbeterde bestand. Wij "
              "controleren uw aanvraag dan opnieuw. Lukt het niet? Neem dan contact met ons op.");
    out += "\n";
  }

  static void checked(const SubmissionData& s, std::string& out) {
    Tally t = tally(s);
    std::size_t applied = s.rules.size() - t.skip;
    paragraph(out,
              "Bedankt voor uw aanvraag. Wij hebben uw aanvraag eerst met de computer "
              "gecontroleerd. In deze brief leest u wat wij hebben gecontroleerd, wat in orde is "
              "en wat u nog moet verbeteren.");
    out += "\nWat hebben wij gecontroleerd?\n";
    std::string what =
        "Wij hebben uw aanvraag vergeleken met de regels van het fonds. Het ging om " +
        std::to_string(applied) + (applied == 1 ? " punt." : " punten.");
    if (t.skip > 0) {
      what += " " + std::to_string(t.skip) +
              (t.skip == 1 ? " ander punt geldt niet voor uw aanvraag. Dat punt hebben wij "
                             "overgeslagen."
                           : " andere punten gelden niet voor uw aanvraag. Die hebben wij "
                             "overgeslagen.");
    }
    what += " Bij elk punt dat u moet verbeteren, staat op welke regel het rust.";
    paragraph(out, what);

    out += "\nWat is in orde?\n";
    if (t.pass == 0) {
      paragraph(out, "Geen van de punten is al helemaal in orde.");
    }
    for (const RuleData& r : s.rules) {
      if (r.outcome == "pass") wrap(out, r.title + ".", "- ", "  ");
    }

    std::size_t number = 0;
    if (t.blocking_fail > 0) {
      out += "\nWat moet u verbeteren?\n";
      paragraph(out,
                "Deze punten moeten in orde zijn. Anders kunnen wij uw aanvraag niet goedkeuren.");
      out += "\n";
      for (const RuleData& r : s.rules) {
        if (r.outcome == "fail" && r.severity != "advisory") point(out, ++number, r);
      }
    }
    if (t.advisory_fail > 0) {
      out += (t.blocking_fail > 0 ? "" : "\n");
      out += "Wat kunt u nog beter maken?\n";
      paragraph(out,
                "Deze punten houden uw aanvraag niet tegen. Wij vragen u wel om ernaar te "
                "kijken.");
      out += "\n";
      for (const RuleData& r : s.rules) {
        if (r.outcome == "fail" && r.severity == "advisory") point(out, ++number, r);
      }
    }
    if (t.error > 0) {
      out += (t.blocking_fail + t.advisory_fail > 0 ? "" : "\n");
      out += "Wat konden wij niet controleren?\n";
      paragraph(out,
                "Bij deze punten ging er bij ons iets mis. Dat ligt niet aan u. Een medewerker "
                "bekijkt deze punten zelf.");
      for (const RuleData& r : s.rules) {
        if (r.outcome == "error") wrap(out, r.title + ".", "- ", "  ");
      }
      out += "\n";
    }
    if (t.blocking_fail + t.advisory_fail + t.error == 0) out += "\n";

    out += "Hoe gaat het verder?\n";
    if (s.verdict == "voldoet") {
      paragraph(out,
                "Uw aanvraag is in orde op alle punten die wij met de computer controleren. Een "
                "medewerker beoordeelt uw aanvraag nu verder. U hoeft nu niets te doen.");
    } else if (s.verdict == "voldoet_met_aandachtspunten") {
      paragraph(out,
                "Uw aanvraag kan verder. Een medewerker beoordeelt uw aanvraag nu. Wilt u de "
                "punten onder 'Wat kunt u nog beter maken?' bekijken? Past u iets aan? Stuur ons "
                "dan de nieuwe versie.");
    } else if (s.verdict == "voldoet_niet") {
      paragraph(out,
                "Wilt u de punten onder 'Wat moet u verbeteren?' aanpassen? Stuur ons daarna de "
                "nieuwe versie van uw aanvraag. Wij controleren die dan opnieuw.");
    } else {
      std::string next =
          "Een medewerker bekijkt uw aanvraag zelf. U hoort van ons wat er verder gebeurt.";
      if (t.blocking_fail > 0) {
        next += " Wilt u intussen de punten onder 'Wat moet u verbeteren?' aanpassen?";
      }
      paragraph(out, next);
    }
    out += "\n";
  }

  std::size_t count_ = 0;
};

int init(const meetlat_host_v1* host) {
  if (register_format<BriefWriter>(host, "brief",
                                   "een brief aan de aanvrager in eenvoudig Nederlands (B1): wat "
                                   "is gecontroleerd, wat in orde is en wat beter moet") != 0) {
    host->fail(host->host, "het formaat brief kon niet worden geregistreerd");
    return 1;
  }
  return 0;
}

constexpr meetlat_plugin_info kInfo = {
    MEETLAT_PLUGIN_MAGIC,
    MEETLAT_PLUGIN_ABI_VERSION,
    sizeof(meetlat_host_v1),
    "brief",
    "1.0.0",
    "Een brief aan de aanvrager in eenvoudig Nederlands, gemaakt uit het rapport",
    init,
};

}  // namespace

}  // namespace meetlat_plugins

extern "C" MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v1(void) {
  return &meetlat_plugins::kInfo;
}
