// Plugin "rapport": the report formats html, markdown, junit and csv (docs/plugins.md).
#include "meetlat/plugin.h"
#include "writers.h"

namespace {

using meetlat_plugins::FormatWriter;

// register_format<W> constructs its writer by type; this wraps each factory as one.
template <std::unique_ptr<FormatWriter> (*Make)()>
struct Made final : FormatWriter {
  std::unique_ptr<FormatWriter> w = Make();
  void begin(std::string& out) override { w->begin(out); }
  void submission(const meetlat_plugins::SubmissionData& s, std::string& out) override {
    w->submission(s, out);
  }
  void end(const std::vector<meetlat_plugins::PackData>& p, std::string& out) override {
    w->end(p, out);
  }
};
using Html = Made<meetlat_plugins::make_html_writer>;
using Markdown = Made<meetlat_plugins::make_markdown_writer>;
using Junit = Made<meetlat_plugins::make_junit_writer>;
using Csv = Made<meetlat_plugins::make_csv_writer>;

int init(const meetlat_host_v1* host) {
  using meetlat_plugins::register_format;
  if (register_format<Html>(host, "html",
                            "één HTML-bestand, zelfstandig en af te drukken, voor bij een "
                            "besluitmemo") != 0 ||
      register_format<Markdown>(host, "markdown",
                                "Markdown, leesbaar in een merge request of wiki") != 0 ||
      register_format<Junit>(host, "junit",
                             "JUnit-XML voor CI-systemen: een testsuite per aanvraag, een "
                             "testcase per regel") != 0 ||
      register_format<Csv>(host, "csv",
                           "CSV voor spreadsheets (';', UTF-8 met BOM): een rij per aanvraag en "
                           "regel") != 0) {
    host->fail(host->host, "een rapportformaat kon niet worden geregistreerd");
    return 1;
  }
  return 0;
}

constexpr meetlat_plugin_info kInfo = {
    MEETLAT_PLUGIN_MAGIC,
    MEETLAT_PLUGIN_ABI_VERSION,
    sizeof(meetlat_host_v1),
    "rapport",
    "1.0.0",
    "Rapportformaten: html, markdown, junit en csv",
    init,
};

}  // namespace

extern "C" MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v1(void) {
  return &kInfo;
}
