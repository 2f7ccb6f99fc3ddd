// Running a pack's test cases (interfaces.md, `meetlat test`).
#include "meetlat/pack_tests.h"

#include <fmt/format.h>

#include <algorithm>

namespace meetlat {

namespace fs = std::filesystem;

Cents MapHostData::committed(std::string_view, std::string_view thema) const {
  auto it = committed_.find(std::string(thema));
  return it == committed_.end() ? 0 : it->second;
}

std::vector<fs::path> pack_test_files(const fs::path& pack_dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(pack_dir / "tests", ec)) {
    std::string name = entry.path().filename().string();
    if (!name.empty() && name[0] != '.' && entry.is_regular_file(ec) && format_of(name)) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

PackTestCase read_test_case(const fs::path& file, Submission& submission,
                            const ReadLimits& limits) {
  PackTestCase t;
  t.file = file.string();
  submission = read_submission(file.string(), limits);
  const Document& doc = submission.doc;
  NodeId test = doc.find(doc.root(), "test");
  if (test == kNoNode || doc.node(test).kind != NodeKind::table) {
    t.problems.emplace_back("geen [test]-tabel met de verwachting");
    return t;
  }
  auto text = [&](NodeId id) -> std::string {
    const Node& n = doc.node(id);
    return n.kind == NodeKind::string ? std::string(n.text) : std::string();
  };
  for (NodeId c : children(doc, test)) {
    const Node& n = doc.node(c);
    if (n.key == "description") {
      t.description = text(c);
    } else if (n.key == "verdict") {
      t.verdict = verdict_from_string(text(c));
      if (!t.verdict) t.problems.push_back(fmt::format("onbekend oordeel '{}'", text(c)));
    } else if (n.key == "outcomes" && n.kind == NodeKind::table) {
      for (NodeId o : children(doc, c)) {
        auto outcome = outcome_from_string(text(o));
        if (!outcome) {
          t.problems.push_back(
              fmt::format("outcomes.{}: onbekende uitkomst '{}' (pass, fail, "
                          "skip, error)",
                          doc.node(o).key, text(o)));
          continue;
        }
        t.outcomes.emplace_back(std::string(doc.node(o).key), *outcome);
      }
    } else if (n.key == "message_contains" && n.kind == NodeKind::table) {
      for (NodeId o : children(doc, c)) {
        t.message_contains.emplace_back(std::string(doc.node(o).key), text(o));
      }
    } else if (n.key == "packs" && n.kind == NodeKind::array) {
      for (NodeId o : children(doc, c)) t.packs.push_back(text(o));
    } else if (n.key == "ledger" && n.kind == NodeKind::table) {
      for (NodeId o : children(doc, c)) {
        const Node& amount = doc.node(o);
        if (amount.kind == NodeKind::integer) {
          t.ledger[std::string(amount.key)] = amount.value.integer * 100;
        } else {
          t.problems.push_back(
              fmt::format("ledger.{}: verwacht een bedrag in hele euro's", amount.key));
        }
      }
    } else {
      t.problems.push_back(fmt::format("onbekende sleutel test.{}", n.key));
    }
  }
  submission.doc.remove(submission.doc.root(), "test");
  return t;
}

PackTestResult run_test_case(Evaluator& evaluator, const fs::path& pack_dir, const fs::path& file) {
  PackTestResult result;
  Submission s;
  result.test = read_test_case(file, s);
  PackChoice choice;
  choice.named =
      result.test.packs.empty() ? std::vector<std::string>{pack_dir.string()} : result.test.packs;
  MapHostData host(result.test.ledger);
  result.report = evaluator.evaluate(s, choice, host);
  for (const auto& p : result.test.problems) result.mismatches.push_back("testgeval: " + p);
  if (result.test.verdict && *result.test.verdict != result.report.verdict) {
    result.mismatches.push_back(fmt::format("oordeel: verwacht {}, kreeg {}",
                                            to_string(*result.test.verdict),
                                            to_string(result.report.verdict)));
  }
  auto find_rule = [&](const std::string& id) -> const RuleResult* {
    for (const RuleResult& r : result.report.rules) {
      if (r.id == id) return &r;
    }
    return nullptr;
  };
  for (const auto& [id, expected] : result.test.outcomes) {
    const RuleResult* r = find_rule(id);
    if (r == nullptr) {
      result.mismatches.push_back(
          fmt::format("{}: verwacht {}, maar deze regel bestaat niet of "
                      "is niet uitgevoerd",
                      id, to_string(expected)));
    } else if (r->outcome != expected) {
      result.mismatches.push_back(fmt::format("{}: verwacht {}, kreeg {} — {}", id,
                                              to_string(expected), to_string(r->outcome),
                                              r->message.substr(0, r->message.find('\n'))));
    }
  }
  for (const auto& [id, needle] : result.test.message_contains) {
    const RuleResult* r = find_rule(id);
    if (r == nullptr || r->message.find(needle) == std::string::npos) {
      result.mismatches.push_back(
          fmt::format("{}: bericht bevat niet \"{}\"{}", id, needle,
                      r == nullptr ? std::string(" (regel niet gevonden)") : " — " + r->message));
    }
  }
  if (!result.test.verdict && result.test.outcomes.empty() && result.test.problems.empty()) {
    result.mismatches.emplace_back("testgeval: geen verwachting (verdict of outcomes)");
  }
  result.passed = result.mismatches.empty();
  return result;
}

}  // namespace meetlat
