// Names, labels and aggregation of outcomes (rule-catalogue.md, "Outcomes, severities, verdicts").
#include "meetlat/outcome.h"

namespace meetlat {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::pass:
      return "pass";
    case Outcome::fail:
      return "fail";
    case Outcome::skip:
      return "skip";
    case Outcome::error:
      return "error";
  }
  return "error";
}

std::string_view to_string(Severity s) {
  return s == Severity::blocking ? "blocking" : "advisory";
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::voldoet:
      return "voldoet";
    case Verdict::voldoet_met_aandachtspunten:
      return "voldoet_met_aandachtspunten";
    case Verdict::voldoet_niet:
      return "voldoet_niet";
    case Verdict::onbeslist:
      return "onbeslist";
    case Verdict::ongeldig:
      return "ongeldig";
  }
  return "ongeldig";
}

std::optional<Outcome> outcome_from_string(std::string_view s) {
  for (Outcome o : {Outcome::pass, Outcome::fail, Outcome::skip, Outcome::error}) {
    if (to_string(o) == s) return o;
  }
  return std::nullopt;
}

std::optional<Severity> severity_from_string(std::string_view s) {
  if (s == "blocking") return Severity::blocking;
  if (s == "advisory") return Severity::advisory;
  return std::nullopt;
}

std::optional<Verdict> verdict_from_string(std::string_view s) {
  for (Verdict v : {Verdict::voldoet, Verdict::voldoet_met_aandachtspunten, Verdict::voldoet_niet,
                    Verdict::onbeslist, Verdict::ongeldig}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

std::string_view label(Outcome o) {
  switch (o) {
    case Outcome::pass:
      return "voldoet";
    case Outcome::fail:
      return "voldoet niet";
    case Outcome::skip:
      return "niet van toepassing";
    case Outcome::error:
      return "fout";
  }
  return "fout";
}

std::string_view label(Severity s) {
  return s == Severity::blocking ? "blokkerend" : "advies";
}

std::string_view label(Verdict v) {
  switch (v) {
    case Verdict::voldoet:
      return "Voldoet";
    case Verdict::voldoet_met_aandachtspunten:
      return "Voldoet, met aandachtspunten";
    case Verdict::voldoet_niet:
      return "Voldoet niet";
    case Verdict::onbeslist:
      return "Onbeslist: een medewerker moet beslissen";
    case Verdict::ongeldig:
      return "Ongeldig: de aanvraag kon niet worden gelezen";
  }
  return "?";
}

Verdict aggregate_verdict(const InputErrors& input_errors, const std::vector<RuleResult>& rules) {
  if (!input_errors.empty()) return Verdict::ongeldig;
  bool error = false;
  bool blocking_fail = false;
  bool advisory_fail = false;
  for (const RuleResult& r : rules) {
    if (r.outcome == Outcome::error) error = true;
    if (r.outcome == Outcome::fail) {
      (r.severity == Severity::blocking ? blocking_fail : advisory_fail) = true;
    }
  }
  if (error) return Verdict::onbeslist;
  if (blocking_fail) return Verdict::voldoet_niet;
  if (advisory_fail) return Verdict::voldoet_met_aandachtspunten;
  return Verdict::voldoet;
}

int exit_status(bool any_voldoet_niet, bool any_undecided) {
  if (any_undecided) return 2;
  if (any_voldoet_niet) return 1;
  return 0;
}

}  // namespace meetlat
