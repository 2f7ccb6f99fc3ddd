// Report formats from plugins, wrapped as ReportWriter (core/include/meetlat/report.h): render()
// runs on worker threads and produces the submission's JSON object of interfaces.md (the same
// bytes `write_submission_json` gives the JSON report, compact); write() hands it to the plugin's
// `submission` step on the one writing thread, in submission order.
#include <fmt/format.h>

#include "meetlat/plugins.h"
#include "meetlat/report.h"
#include "plugin_internal.h"

namespace meetlat {

namespace {

class PluginReportWriter final : public ReportWriter {
 public:
  PluginReportWriter(const FormatEntry& format, std::FILE* out) : format_(format), out_(out) {}

  PluginReportWriter(const PluginReportWriter&) = delete;
  PluginReportWriter& operator=(const PluginReportWriter&) = delete;

  ~PluginReportWriter() override {
    // end() frees the plugin's state; make sure it runs even when the batch was cut short.
    if (begun_ && !ended_) finish(nullptr);
  }

  void begin() override {
    if (format_.format.begin != nullptr) {
      int rc = format_.format.begin(format_.format.context, &state_, write_to_file, this);
      if (rc != 0) {
        report_failure("begin");
        return;
      }
    }
    begun_ = true;
  }

  std::string render(const SubmissionReport& r) const override {
    std::string json;
    write_submission_json(json, r, false);
    return json;
  }

  void write(const std::string& rendered, Verdict /*verdict*/) override {
    if (!begun_ || failed_) return;
    int rc = format_.format.submission(format_.format.context, state_, rendered.c_str(),
                                       rendered.size());
    if (rc != 0) report_failure("submission");
  }

  void end(const std::vector<PackUse>& packs) override {
    if (!begun_ || ended_) return;
    finish(&packs);
    std::fflush(out_);
  }

  bool failed() const override { return failed_; }

 private:
  void finish(const std::vector<PackUse>* packs) {
    ended_ = true;
    if (format_.format.end == nullptr) return;
    std::string json;
    if (packs != nullptr) {
      write_packs_json(json, *packs, false);
    } else {
      json = "[]";
    }
    int rc = format_.format.end(format_.format.context, state_, json.c_str(), json.size());
    if (rc != 0) report_failure("end");
  }

  void report_failure(const char* step) {
    failed_ = true;
    std::string why = format_.host->take_failure();
    if (why.empty()) why = "geen reden opgegeven";
    std::fprintf(stderr, "meetlat: formaat '%s' (%s): stap %s faalde: %s\n", format_.name.c_str(),
                 format_.file.c_str(), step, why.c_str());
  }

  static int write_to_file(void* sink, const char* bytes, std::size_t length) {
    auto* self = static_cast<PluginReportWriter*>(sink);
    if (length == 0) return 0;
    if (bytes == nullptr) return 1;
    return std::fwrite(bytes, 1, length, self->out_) == length ? 0 : 1;
  }

  const FormatEntry& format_;
  std::FILE* out_;
  void* state_ = nullptr;
  bool begun_ = false;
  bool ended_ = false;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<ReportWriter> PluginSet::make_report_writer(std::string_view format,
                                                            std::FILE* out) const {
  for (const FormatEntry& f : impl_->formats) {
    if (f.name == format) return std::make_unique<PluginReportWriter>(f, out);
  }
  return nullptr;
}

}  // namespace meetlat
