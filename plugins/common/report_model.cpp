// Reading a submission report (interfaces.md, "JSON report") with simdjson; see report_model.h.
#include "report_model.h"

#include <simdjson.h>

#include "dutch.h"

namespace meetlat_plugins {

namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::string text(const object& o, std::string_view key) {
  std::string_view v;
  if (o[key].get(v) == SUCCESS) return std::string(v);
  return {};
}

std::int64_t integer(const object& o, std::string_view key) {
  std::int64_t v = 0;
  if (o[key].get(v) == SUCCESS) return v;
  return 0;
}

std::vector<std::string> strings(const object& o, std::string_view key) {
  std::vector<std::string> out;
  array a;
  if (o[key].get(a) != SUCCESS) return out;
  for (element e : a) {
    std::string_view v;
    if (e.get(v) == SUCCESS) out.emplace_back(v);
  }
  return out;
}

PackData pack_of(const object& o) {
  PackData p;
  p.name = text(o, "name");
  p.version = text(o, "version");
  p.hash = text(o, "hash");
  p.params_version = text(o, "params_version");
  return p;
}

}  // namespace

bool parse_submission(const char* json, std::size_t length, SubmissionData& out,
                      std::string& error) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json, length);
  object root;
  if (parser.parse(padded).get(root) != SUCCESS) {
    error = "het rapport van een aanvraag is geen JSON-object";
    return false;
  }
  out = SubmissionData{};
  out.file = text(root, "file");
  out.verdict = text(root, "verdict");
  out.verdict_label = text(root, "verdict_label");
  out.titel = text(root, "titel");
  out.soort = text(root, "soort");
  out.regio = text(root, "regio");
  out.ingediend = text(root, "ingediend");
  if (out.verdict.empty()) {
    error = "het rapport van een aanvraag heeft geen 'verdict'";
    return false;
  }
  array a;
  if (root["input_errors"].get(a) == SUCCESS) {
    for (element e : a) {
      object o;
      if (e.get(o) != SUCCESS) continue;
      InputErrorData d;
      d.path = text(o, "path");
      d.line = integer(o, "line");
      d.column = integer(o, "column");
      d.message = text(o, "message");
      out.input_errors.push_back(std::move(d));
    }
  }
  if (root["packs"].get(a) == SUCCESS) {
    for (element e : a) {
      object o;
      if (e.get(o) == SUCCESS) out.packs.push_back(pack_of(o));
    }
  }
  if (root["rules"].get(a) == SUCCESS) {
    for (element e : a) {
      object o;
      if (e.get(o) != SUCCESS) continue;
      RuleData r;
      r.pack = text(o, "pack");
      r.id = text(o, "id");
      r.title = text(o, "title");
      r.severity = text(o, "severity");
      r.outcome = text(o, "outcome");
      r.message = text(o, "message");
      r.source = text(o, "source");
      r.quote = text(o, "quote");
      r.evidence = strings(o, "evidence");
      r.detail = text(o, "detail");
      array findings;
      if (o["findings"].get(findings) == SUCCESS) {
        for (element f : findings) {
          object fo;
          if (f.get(fo) != SUCCESS) continue;
          r.findings.push_back({text(fo, "message"), strings(fo, "evidence")});
        }
      }
      out.rules.push_back(std::move(r));
    }
  }
  return true;
}

bool parse_packs(const char* json, std::size_t length, std::vector<PackData>& out,
                 std::string& error) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json, length);
  array a;
  if (parser.parse(padded).get(a) != SUCCESS) {
    error = "de lijst met regelpakketten is geen JSON-array";
    return false;
  }
  out.clear();
  for (element e : a) {
    object o;
    if (e.get(o) == SUCCESS) out.push_back(pack_of(o));
  }
  return true;
}

Tally tally(const SubmissionData& s) {
  Tally t;
  for (const RuleData& r : s.rules) {
    if (r.outcome == "pass") {
      ++t.pass;
    } else if (r.outcome == "fail") {
      (r.severity == "advisory" ? t.advisory_fail : t.blocking_fail)++;
    } else if (r.outcome == "skip") {
      ++t.skip;
    } else {
      ++t.error;
    }
  }
  return t;
}

std::string_view outcome_label(const RuleData& r) {
  if (r.outcome == "pass") return "voldoet";
  if (r.outcome == "fail") return r.severity == "advisory" ? "aandachtspunt" : "voldoet niet";
  if (r.outcome == "skip") return "niet van toepassing";
  return "fout";
}

std::string_view severity_label(std::string_view severity) {
  return severity == "advisory" ? "advies" : "blokkerend";
}

std::string verdict_reason(const SubmissionData& s) {
  if (s.verdict == "ongeldig") {
    return "er is geen regel uitgevoerd; herstel de invoerfouten";
  }
  Tally t = tally(s);
  std::vector<std::string> parts;
  if (t.error > 0) {
    parts.push_back(std::to_string(t.error) + (t.error == 1
                                                   ? " regel kon niet worden uitgevoerd"
                                                   : " regels konden niet worden uitgevoerd"));
  }
  if (t.blocking_fail > 0) {
    parts.push_back(std::to_string(t.blocking_fail) + (t.blocking_fail == 1
                                                           ? " blokkerende regel voldoet niet"
                                                           : " blokkerende regels voldoen niet"));
  }
  if (t.advisory_fail > 0) {
    parts.push_back(std::to_string(t.advisory_fail) +
                    (t.advisory_fail == 1 ? " aandachtspunt" : " aandachtspunten"));
  }
  if (parts.empty()) {
    parts.push_back("alle " + std::to_string(s.rules.size()) +
                    " regels voldoen of zijn niet van toepassing");
  }
  std::string why;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) why += i + 1 == parts.size() ? " en " : ", ";
    why += parts[i];
  }
  return why;
}

std::string dutch_date_or_text(std::string_view iso) {
  Date d;
  if (parse_iso_date(iso, d)) return dutch_date(d);
  return std::string(iso);
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace meetlat_plugins
