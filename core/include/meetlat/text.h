// Text measures the rule catalogue defines ("Outcomes, severities, verdicts"): words, non-empty.
#pragma once

#include <cstddef>
#include <string_view>

namespace meetlat {

/// Number of words: maximal runs of Unicode letters or digits (rule-catalogue.md). Combining marks
/// continue a word, so a decomposed "é" does not split one. Invalid UTF-8 bytes separate words.
std::size_t count_words(std::string_view s);

/// True when the text holds at least one character that is not whitespace (rule-catalogue.md).
bool is_non_empty(std::string_view s);

/// True when the bytes are valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// Levenshtein distance, for "did you mean" suggestions on unknown keys and names.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace meetlat
