// Format "junit": JUnit XML for automated pre-checks in CI systems (GitLab, Jenkins, Azure
// DevOps read it). One <testsuite> per submission, one <testcase> per rule: fail -> <failure>,
// error -> <error>, skip -> <skipped>; a submission that could not be read gets one testcase
// "invoer" with an <error>. No timestamps or durations: the output is deterministic.
#include <string>

#include "writers.h"

namespace meetlat_plugins {

namespace {

// Attribute values: escaped, and line breaks kept as character references (an XML parser turns
// a literal newline in an attribute into a space).
std::string attr(std::string_view text) {
  std::string escaped = xml_escaped(text);
  std::string out;
  for (char c : escaped) {
    if (c == '\n') {
      out += "&#10;";
    } else if (c == '\r') {
      out += "&#13;";
    } else if (c == '\t') {
      out += "&#9;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

class JunitWriter final : public FormatWriter {
 public:
  void begin(std::string& out) override {
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"meetlat\">\n";
  }

  void submission(const SubmissionData& s, std::string& out) override {
    Tally t = tally(s);
    std::size_t tests = s.rules.size();
    std::size_t failures = t.blocking_fail + t.advisory_fail;
    std::size_t errors = t.error;
    bool unreadable = !s.input_errors.empty();
    if (unreadable) {
      ++tests;
      ++errors;
    }
    out += "  <testsuite name=\"" + attr(s.file) + "\" tests=\"" + std::to_string(tests) +
           "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
           "\" skipped=\"" + std::to_string(t.skip) + "\">\n";
    out += "    <properties>\n";
    property(out, "oordeel", s.verdict);
    if (!s.titel.empty()) property(out, "titel", s.titel);
    if (!s.soort.empty()) property(out, "soort", s.soort);
    if (!s.regio.empty()) property(out, "regio", s.regio);
    if (!s.ingediend.empty()) property(out, "ingediend", s.ingediend);
    for (const PackData& p : s.packs) {
      property(out, "regelpakket", p.name + " " + p.version + " " + p.hash);
    }
    out += "    </properties>\n";
    if (unreadable) {
      std::string all;
      for (const InputErrorData& e : s.input_errors) {
        if (!all.empty()) all += "\n";
        if (!e.path.empty()) all += e.path + ": ";
        all += e.message;
        if (e.line > 0) {
          all += " (regel " + std::to_string(e.line) + ", kolom " + std::to_string(e.column) + ")";
        }
      }
      out += "    <testcase classname=\"invoer\" name=\"De aanvraag is leesbaar\">\n";
      out += "      <error type=\"invoerfout\" message=\"" +
             attr(std::to_string(s.input_errors.size()) +
                  (s.input_errors.size() == 1 ? " invoerfout" : " invoerfouten")) +
             "\">" + xml_escaped(all) + "</error>\n    </testcase>\n";
    }
    for (const RuleData& r : s.rules) {
      out += "    <testcase classname=\"" + attr(r.pack) + "\" name=\"" +
             attr(r.id + " " + r.title) + "\"";
      if (r.outcome == "pass") {
        out += " />\n";
        continue;
      }
      out += ">\n";
      std::string body = r.message;
      if (!r.source.empty()) {
        body += "\nBron: " + r.source + (r.quote.empty() ? "" : " — “" + r.quote + "”");
      }
      if (r.outcome == "fail" && !r.evidence.empty()) {
        body += "\nGegevens: ";
        for (std::size_t i = 0; i < r.evidence.size(); ++i) {
          body += (i > 0 ? ", " : "") + r.evidence[i];
        }
      }
      if (r.outcome == "fail") {
        out += "      <failure type=\"" + attr(r.severity) + "\" message=\"" +
               attr(first_line(r.message)) + "\">" + xml_escaped(body) + "</failure>\n";
      } else if (r.outcome == "skip") {
        out += "      <skipped message=\"" + attr(first_line(r.message)) + "\" />\n";
      } else {
        if (!r.detail.empty()) body += "\n" + r.detail;
        out += "      <error type=\"error\" message=\"" + attr(first_line(r.message)) + "\">" +
               xml_escaped(body) + "</error>\n";
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }

  void end(const std::vector<PackData>& /*packs*/, std::string& out) override {
    out += "</testsuites>\n";
  }

 private:
  static void property(std::string& out, std::string_view name, std::string_view value) {
    out += "      <property name=\"" + attr(name) + "\" value=\"" + attr(value) + "\" />\n";
  }
};

}  // namespace

std::unique_ptr<FormatWriter> make_junit_writer() {
  return std::make_unique<JunitWriter>();
}

}  // namespace meetlat_plugins
