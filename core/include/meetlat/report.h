// Report writers: the Dutch text report for people and the JSON report of interfaces.md for
// programs. Writers stream: one submission at a time, in a deterministic order.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <optional>

#include "meetlat/limits.h"
#include "meetlat/outcome.h"

namespace meetlat {

/// Engine version, reported in every report ("meetlat" field) and by --version.
std::string_view engine_version();

struct ReportOptions {
  bool color = false;
  bool verbose = false;  ///< text: also show tracebacks of `error` outcomes
  /// JSON: the limits in effect, written as the top-level "limits" object (not written when
  /// absent).
  std::optional<LimitsInEffect> limits;
};

/// Writes one report document. render() may run on worker threads (it only reads its argument);
/// begin(), write() and end() run on one thread, in order.
class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual void begin() = 0;
  /// The bytes for one submission; thread-safe.
  virtual std::string render(const SubmissionReport& r) const = 0;
  /// Writes what render() produced, in submission order.
  virtual void write(const std::string& rendered, Verdict verdict) = 0;
  /// `packs`: every pack used in the batch, in first-use order.
  virtual void end(const std::vector<PackUse>& packs) = 0;
  /// Whether writing failed (a plugin format reported an error; the message went to stderr).
  /// The built-in formats never fail.
  virtual bool failed() const { return false; }

  void submission(const SubmissionReport& r) { write(render(r), r.verdict); }
};

/// Writers for the built-in formats "text" and "json"; nullptr for an unknown name.
std::unique_ptr<ReportWriter> make_report_writer(std::string_view format, std::FILE* out,
                                                 const ReportOptions& options);

/// The JSON object of one submission (interfaces.md, `submissions[i]`), appended to `out`.
void write_submission_json(std::string& out, const SubmissionReport& r, bool pretty,
                           int indent_levels = 0);

/// The `packs` array entries.
void write_packs_json(std::string& out, const std::vector<PackUse>& packs, bool pretty);

/// The text report of one submission.
std::string format_submission_text(const SubmissionReport& r, const ReportOptions& options);

}  // namespace meetlat
