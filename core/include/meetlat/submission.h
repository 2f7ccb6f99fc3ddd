// A submission: one TOML or JSON file read into a Document, with every input error found in it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "meetlat/document.h"
#include "meetlat/expected.h"
#include "meetlat/input_error.h"
#include "meetlat/money.h"

namespace meetlat {

enum class SubmissionFormat { toml, json };

/// Bounds on what reaches the parsers. Debian's toml++ 3.3 has no nesting limit and crashes on
/// deeply nested input, and will read FIFOs and devices: only regular files of bounded size and
/// depth may reach it (issue "Engine core", facts about the dependencies).
struct ReadLimits {
  std::size_t max_file_bytes = 8u << 20;  ///< 8 MiB; real submissions are about 20 KB
  unsigned max_depth = 32;                ///< nesting of tables, arrays and dotted keys
};

struct Submission {
  std::string file;  ///< as given by the user (or an id for HTTP requests)
  SubmissionFormat format = SubmissionFormat::toml;
  Document doc;
  InputErrors errors;

  // Read from [aanvraag] after validation; empty when absent.
  std::string soort;
  std::string regio;
  std::string regeling;
  std::string titel;
  std::string ingediend;  ///< "YYYY-MM-DD"
  bool has_begroting = false;
  /// Validation found every key of the submission in the schema of submission-format.md, so a
  /// pack with strict_keys has nothing to report and need not look again (false: not known).
  bool keys_all_known = false;

  bool readable() const { return errors.empty(); }
};

/// Bytes past the end of a text that a reader may read when it is told they are there
/// (parse_submission's `readable_after`): the JSON parser reads in blocks and needs this much
/// room (simdjson's padding). read_regular_file leaves it, zeroed, behind the file's contents.
inline constexpr std::size_t kInputPadding = 64;

/// Reads a whole regular file of at most `max_bytes`. Refuses directories, FIFOs, devices and
/// anything larger, with a Dutch message (without the path: callers name the file). The string
/// has room for kInputPadding more bytes (its capacity), so that it can be parsed in place.
Expected<std::string> read_regular_file(const std::string& path, std::size_t max_bytes);

/// The format a file name implies: ".toml" or ".json"; nullopt for anything else.
std::optional<SubmissionFormat> format_of(std::string_view file_name);

/// Parses and validates a submission held in memory. Never throws for bad input: problems end up
/// in `errors`, all of them where the format allows (a syntax error stops that file's parse).
/// `readable_after`: how many bytes after the end of `text` may be read (kInputPadding or more
/// lets the JSON reader parse the text where it is instead of copying it first).
Submission parse_submission(std::string_view text, SubmissionFormat format, std::string name,
                            const ReadLimits& limits = {}, std::size_t readable_after = 0);

/// Reads, parses and validates a submission file.
Submission read_submission(const std::string& path, const ReadLimits& limits = {});

namespace detail {
// The readers fill `out.doc` and append to `out.errors`; exposed for the unit tests.
void read_toml(std::string_view text, Submission& out, const ReadLimits& limits);
void read_json(std::string_view text, Submission& out, const ReadLimits& limits,
               std::size_t readable_after = 0);
/// Fills in line and column of errors in a JSON submission that only have a key path.
void locate_json_errors(std::string_view text, InputErrors& errors);
/// Checks nesting depth of TOML text before it reaches toml++; returns an error when too deep.
std::optional<InputError> check_toml_depth(std::string_view text, unsigned max_depth);
}  // namespace detail

/// Converts an integer or decimal node to exact cents in place (kind becomes money). Uses the
/// number's literal text when the reader kept it, else its shortest decimal form.
MoneyProblem convert_to_money(Node& n);

/// Validates a document against the submission format (required keys, types, `aanvraag.soort`,
/// money) and converts money to exact cents. Appends every problem to `out.errors`.
void validate_submission(Submission& out);

}  // namespace meetlat
