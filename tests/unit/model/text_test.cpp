#include <catch2/catch.hpp>

#include "meetlat/text.h"

using namespace meetlat;

TEST_CASE("words are maximal runs of Unicode letters or digits", "[text]") {
  CHECK(count_words("") == 0);
  CHECK(count_words("   ... !!! ") == 0);
  CHECK(count_words("één-op-één") == 3);
  CHECK(count_words("coördinator") == 1);
  CHECK(count_words("Ouders komen op adem; kinderen blijven.") == 6);
  CHECK(count_words("2020 en 2021") == 3);
  CHECK(count_words("e\xCC\x81\xC3\xA9n") == 1);  // decomposed é followed by én
  CHECK(count_words("Ελληνικά και русский") == 3);
  CHECK(count_words("a\xFF"
                    "b") == 2);  // an invalid byte separates
}

TEST_CASE("non-empty means at least one non-whitespace character", "[text]") {
  CHECK_FALSE(is_non_empty(""));
  CHECK_FALSE(is_non_empty(" \t\n"));
  CHECK_FALSE(is_non_empty("\xC2\xA0\xE2\x80\x83"));  // no-break space, em space
  CHECK(is_non_empty(" x "));
  CHECK(is_non_empty("."));
}

TEST_CASE("UTF-8 validation", "[text]") {
  CHECK(is_valid_utf8("één"));
  CHECK_FALSE(is_valid_utf8("\xC3"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
}

TEST_CASE("edit distance", "[text]") {
  CHECK(edit_distance("partnrs", "partners") == 1);
  CHECK(edit_distance("titel", "title") == 2);
  CHECK(edit_distance("", "abc") == 3);
}
