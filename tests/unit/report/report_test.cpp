// The JSON report's contract fields (interfaces.md) and the Dutch text report.
#include <fmt/format.h>
#include <simdjson.h>
#include <catch2/catch.hpp>

#include "meetlat/json_writer.h"
#include "meetlat/report.h"

using namespace meetlat;

namespace {
SubmissionReport sample() {
  SubmissionReport r;
  r.file = "a \"quoted\" file.toml";
  r.titel = "Plan";
  r.verdict = Verdict::voldoet_niet;
  r.input_errors.push_back({"activiteit[2].bijdrage.2019", 40, 12, "bedrag\nmet regel"});
  r.packs.push_back({"begroting", "1.0.0", "sha256:abc", ""});
  RuleResult rule;
  rule.pack = "begroting";
  rule.id = "BG-01";
  rule.title = "Subtotalen";
  rule.severity = Severity::blocking;
  rule.outcome = Outcome::fail;
  rule.message = "Subtotaal € 394.360";
  rule.source = "004 Bijlage 1";
  rule.quote = "Subtotaal Doorontwikkeling Inkoop";
  rule.evidence = {"begroting.subtotaal[3]"};
  r.rules.push_back(rule);
  return r;
}
}  // namespace

TEST_CASE("the JSON report has the fields of interfaces.md and is valid JSON", "[report]") {
  std::string out;
  write_submission_json(out, sample(), true);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(out).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["file"].get_string().value()) == "a \"quoted\" file.toml");
  CHECK(std::string_view(doc["verdict"].get_string().value()) == "voldoet_niet");
  auto err = doc["input_errors"].at(0);
  CHECK(std::string_view(err["path"].get_string().value()) == "activiteit[2].bijdrage.2019");
  CHECK(err["line"].get_int64().value() == 40);
  CHECK(err["column"].get_int64().value() == 12);
  auto rule = doc["rules"].at(0);
  for (const char* key :
       {"pack", "id", "title", "severity", "outcome", "message", "source", "quote"}) {
    INFO(key);
    CHECK(rule[key].is_string());
  }
  CHECK(std::string_view(rule["severity"].get_string().value()) == "blocking");
  CHECK(std::string_view(rule["outcome"].get_string().value()) == "fail");
  CHECK(std::string_view(rule["evidence"].at(0).get_string().value()) == "begroting.subtotaal[3]");
}

TEST_CASE("the text report names verdict, rule, message, source and quote in Dutch", "[report]") {
  std::string text = format_submission_text(sample(), ReportOptions{});
  CHECK(text.find("Oordeel    Voldoet niet — 1 blokkerende regel voldoet niet") !=
        std::string::npos);
  CHECK(text.find("✗ BG-01") != std::string::npos);
  CHECK(text.find("Bron: 004 Bijlage 1 — “Subtotaal Doorontwikkeling Inkoop”") !=
        std::string::npos);
  CHECK(text.find("a \"quoted\" file.toml:40:12: activiteit[2].bijdrage.2019: bedrag") !=
        std::string::npos);
  CHECK(text.find("\033[") == std::string::npos);  // plain unless asked for colour
  ReportOptions color;
  color.color = true;
  CHECK(format_submission_text(sample(), color).find("\033[") != std::string::npos);
}

TEST_CASE("JSON escaping, eight bytes at a time, matches the byte-by-byte rule", "[report]") {
  // Reference: every byte below 0x20, '"' and '\\' escaped, everything else (UTF-8 too) as is.
  auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20) {
        out += fmt::format("\\u{:04x}", c);
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  const std::string alphabet = std::string("aZ 09.,€é\"\\\n\t\r", 17) + '\x01' + '\x1f' + '\x7f';
  std::uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    seed = seed * 1664525u + 1013904223u;
    std::size_t len = seed % 40;
    for (std::size_t i = 0; i < len; ++i) {
      seed = seed * 1664525u + 1013904223u;
      // Mostly plain text, sometimes a character that needs escaping, anywhere in a word of 8.
      s += (seed >> 24) % 5 == 0 ? alphabet[(seed >> 8) % alphabet.size()] : 'x';
    }
    std::string out;
    JsonWriter::escape(out, s);
    INFO(s);
    REQUIRE(out == reference(s));
  }
}
