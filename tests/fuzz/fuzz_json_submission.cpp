// Fuzz target: a JSON submission read from memory (parse_submission). Besides crashes and
// sanitizer reports it checks that errors are located and in file order, and that no document
// nests deeper than max_depth.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "meetlat/submission.h"

using namespace meetlat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (unsigned max_depth : {32u, 4u}) {
    ReadLimits limits;
    limits.max_depth = max_depth;
    Submission s = parse_submission(text, SubmissionFormat::json, "fuzz.json", limits);
    fuzz::check_errors(s.errors);
    MEETLAT_FUZZ_CHECK(fuzz::depth(s.doc) <= max_depth, "document deeper than max_depth");
  }
  return 0;
}
