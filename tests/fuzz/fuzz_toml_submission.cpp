// Fuzz target: a TOML submission read from memory (parse_submission), as `meetlat check` reads a
// file. Besides crashes and sanitizer reports it checks that the depth pre-scan bounds what
// reaches toml++: with a small max_depth, no readable document may nest deeper than a table
// header plus a dotted key plus the brackets of one line allow (2 * max_depth + 1 levels).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "meetlat/submission.h"

using namespace meetlat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // The limits `meetlat check` uses.
  Submission s = parse_submission(text, SubmissionFormat::toml, "fuzz.toml");
  fuzz::check_errors(s.errors);
  MEETLAT_FUZZ_CHECK(fuzz::depth(s.doc) <= 2 * 32 + 1, "document deeper than the pre-scan allows");

  // Small depth limits, so that a way past the pre-scan shows without a stack overflow. The
  // pre-scan bounds brackets plus dots per line: a table header gives at most max_depth levels,
  // a key/value line max_depth + 1. Checked whatever the validation found: the document is what
  // reached toml++.
  for (unsigned max_depth : {1u, 4u}) {
    ReadLimits small;
    small.max_depth = max_depth;
    Submission t = parse_submission(text, SubmissionFormat::toml, "fuzz.toml", small);
    fuzz::check_errors(t.errors);
    MEETLAT_FUZZ_CHECK(fuzz::depth(t.doc) <= 2 * max_depth + 1,
                       "document deeper than the pre-scan allows");
  }
  return 0;
}
