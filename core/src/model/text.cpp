// Word counts and emptiness as the rule catalogue defines them ("Outcomes, severities, verdicts").
#include "meetlat/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace meetlat {
namespace {

struct CodeRange {
  std::uint32_t first;
  std::uint32_t last;
};

#include "unicode_tables.inc"

template <std::size_t N>
bool in_ranges(const CodeRange (&table)[N], std::uint32_t cp) {
  // Binary search for the last range starting at or before cp.
  auto it = std::upper_bound(std::begin(table), std::end(table), cp,
                             [](std::uint32_t v, const CodeRange& r) { return v < r.first; });
  if (it == std::begin(table)) return false;
  --it;
  return cp <= it->last;
}

constexpr std::uint32_t kInvalid = 0xFFFFFFFFu;

// Decodes one UTF-8 sequence at s[i]; advances i. Returns kInvalid for a malformed sequence
// (and advances by one byte), so that a broken byte never merges or hides words.
std::uint32_t decode(std::string_view s, std::size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    ++i;
    return kInvalid;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return kInvalid;
  }
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

constexpr bool is_word_char(std::uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  return cp != kInvalid && in_ranges(kWordRanges, cp);
}

}  // namespace

std::size_t count_words(std::string_view s) {
  // ASCII (most of any Dutch text) by table; everything else decoded.
  static constexpr auto kAsciiWord = [] {
    std::array<bool, 128> t{};
    for (int c = 0; c < 128; ++c) t[c] = is_word_char(static_cast<std::uint32_t>(c));
    return t;
  }();
  std::size_t words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      bool word = kAsciiWord[b];
      words += static_cast<std::size_t>(word && !in_word);
      in_word = word;
      ++i;
      continue;
    }
    std::uint32_t cp = decode(s, i);
    if (is_word_char(cp)) {
      if (!in_word) ++words;
      in_word = true;
    } else if (in_word && cp != kInvalid && cp >= 0x300 && in_ranges(kMarkRanges, cp)) {
      // A combining mark continues the word it follows ("e" + U+0301).
    } else {
      in_word = false;
    }
  }
  return words;
}

bool is_non_empty(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = decode(s, i);
    if (cp == kInvalid) return true;
    if (cp < 0x80) {
      if (!(cp == ' ' || (cp >= 0x09 && cp <= 0x0D))) return true;
    } else if (!in_ranges(kSpaceRanges, cp)) {
      return true;
    }
  }
  return false;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    if (decode(s, i) == kInvalid) return false;
  }
  return true;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace meetlat
