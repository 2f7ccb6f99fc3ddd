// Dutch amounts and dates, shared by the in-tree plugins (nl, rapport, brief). Plain functions
// without state: safe from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace meetlat_plugins {

/// "1.082.131" or "31.012,50": dots between thousands, a comma before the cents, cents only
/// when not zero (as the engine's euro() writes them).
std::string format_amount(std::int64_t cents);
/// "€ 1.082.131", "€ 31.012,50", "-€ 5" for negative amounts.
std::string format_euro(std::int64_t cents);

/// Reads an amount written the Dutch way, the whole text: "€ 1.082.131", "1.082.131,50",
/// "€1082131", "€ 10,-", "-€ 5", "1.000 euro". On failure returns false and a Dutch reason.
bool parse_amount(std::string_view text, std::int64_t& cents, std::string& reason);

/// Finds the next amount written with a euro sign ("€ 4.000", "€ 69.920,50") in `text` at or
/// after byte `from`. Sets the cents and the byte range [begin, end) of the amount.
bool find_amount(std::string_view text, std::size_t from, std::int64_t& cents, std::size_t& begin,
                 std::size_t& end);

struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
};

bool valid_date(const Date& d);
/// "2018-10-01" (exactly that form).
bool parse_iso_date(std::string_view text, Date& out);
std::string iso_date(const Date& d);
/// "1 oktober 2018".
std::string dutch_date(const Date& d);
/// "1 oktober 2018", "maandag 1 oktober 2018", "1 okt. 2018", "01-10-2018", "1/10/2018".
bool parse_dutch_date(std::string_view text, Date& out, std::string& reason);
/// 0 = maandag ... 6 = zondag.
int weekday(const Date& d);
extern const char* const kWeekdays[7];
extern const char* const kMonths[12];

/// Text shortened to at most `max` bytes at a character boundary, with "…" when cut.
std::string shorten(std::string_view text, std::size_t max);

}  // namespace meetlat_plugins
