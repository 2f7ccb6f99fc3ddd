// Dutch amounts and dates (see dutch.h). Amounts: a dot between groups of three digits, a comma
// before the cents ("€ 1.082.131,50"), as in the seed documents and as the engine's euro()
// writes them. Dates: "1 oktober 2018", lower-case month names, no leading zero.
#include "dutch.h"

#include <cstdio>
#include <limits>

namespace meetlat_plugins {

const char* const kWeekdays[7] = {"maandag", "dinsdag",  "woensdag", "donderdag",
                                  "vrijdag", "zaterdag", "zondag"};
const char* const kMonths[12] = {"januari",   "februari", "maart",    "april",
                                 "mei",       "juni",     "juli",     "augustus",
                                 "september", "oktober",  "november", "december"};

namespace {

constexpr std::int64_t kMaxCents = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ci(std::string_view text, std::size_t at, std::string_view word) {
  if (at > text.size() || text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(text[at + i]) != word[i]) return false;
  }
  return true;
}

// Spaces as they appear around amounts: ASCII, no-break (U+00A0), thin (U+2009) and narrow
// no-break (U+202F). Returns the number of bytes of one space at `at`, or 0.
std::size_t space_at(std::string_view t, std::size_t at) {
  if (at >= t.size()) return 0;
  if (t[at] == ' ' || t[at] == '\t') return 1;
  if (t.substr(at, 2) == "\xC2\xA0") return 2;
  if (t.substr(at, 3) == "\xE2\x80\x89" || t.substr(at, 3) == "\xE2\x80\xAF") return 3;
  return 0;
}

std::size_t skip_spaces(std::string_view t, std::size_t at) {
  while (std::size_t n = space_at(t, at)) at += n;
  return at;
}

constexpr std::string_view kEuroSign = "\xE2\x82\xAC";   // €
constexpr std::string_view kEnDash = "\xE2\x80\x93";     // – as in "€ 10,–"
constexpr std::string_view kMinusSign = "\xE2\x88\x92";  // − (U+2212)

// Reads the number part at `at`: "1.082.131", "1082131", with ",50", ",5", ",-", ",--" or ",–".
// `end` is set past what was read. Returns false with a reason when the text at `at` starts like
// a number but is not one written the Dutch way; `strict` (whole-text parsing) also refuses three
// or more digits after the comma, which find_amount treats as "not an amount".
bool scan_number(std::string_view t, std::size_t at, std::int64_t& cents, std::size_t& end,
                 std::string& reason) {
  std::size_t p = at;
  std::size_t first = 0;
  while (p < t.size() && is_digit(t[p])) ++p, ++first;
  if (first == 0) {
    reason = "er staat geen getal";
    return false;
  }
  std::int64_t euros = 0;
  auto add_digit = [&](char c) {
    if (euros > (kMaxCents / 100 - 9) / 10) return false;
    euros = euros * 10 + (c - '0');
    return true;
  };
  for (std::size_t i = at; i < p; ++i) {
    if (!add_digit(t[i])) {
      reason = "het bedrag is te groot";
      return false;
    }
  }
  // Groups of three after dots: "1.082.131". A dot not followed by exactly three digits ends
  // the number (the full stop of a sentence: "begroot van € 10.000.").
  bool grouped = false;
  auto group_at = [&](std::size_t q) {
    return q + 4 <= t.size() && t[q] == '.' && is_digit(t[q + 1]) && is_digit(t[q + 2]) &&
           is_digit(t[q + 3]) && (q + 4 == t.size() || !is_digit(t[q + 4]));
  };
  while (group_at(p)) {
    if (!grouped && first > 3) {
      reason = "voor de eerste punt staan meer dan drie cijfers";
      return false;
    }
    grouped = true;
    for (std::size_t i = p + 1; i < p + 4; ++i) {
      if (!add_digit(t[i])) {
        reason = "het bedrag is te groot";
        return false;
      }
    }
    p += 4;
  }
  std::int64_t rest = 0;
  if (p < t.size() && t[p] == ',') {
    std::size_t q = p + 1;
    if (q < t.size() && is_digit(t[q])) {
      std::size_t digits = 0;
      while (q < t.size() && is_digit(t[q])) ++q, ++digits;
      if (digits > 2) {
        reason = "na de komma staan meer dan twee cijfers";
        return false;
      }
      rest = (t[p + 1] - '0') * 10 + (digits == 2 ? t[p + 2] - '0' : 0);
      p = q;
    } else if (t.substr(q, 2) == "--") {
      p = q + 2;
    } else if (q < t.size() && t[q] == '-') {
      p = q + 1;
    } else if (t.substr(q, kEnDash.size()) == kEnDash) {
      p = q + kEnDash.size();
    }
  }
  cents = euros * 100 + rest;
  end = p;
  return true;
}

bool is_minus(std::string_view t, std::size_t at, std::size_t& len) {
  if (at < t.size() && t[at] == '-') {
    len = 1;
    return true;
  }
  if (t.substr(at, kMinusSign.size()) == kMinusSign) {
    len = kMinusSign.size();
    return true;
  }
  return false;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Month names and the abbreviations Dutch texts use ("okt.", "mrt", "sept").
int month_from_word(std::string_view w) {
  struct Alias {
    std::string_view word;
    int month;
  };
  static constexpr Alias kAliases[] = {
      {"jan", 1}, {"feb", 2}, {"mrt", 3}, {"maa", 3},  {"apr", 4},  {"mei", 5},  {"jun", 6},
      {"jul", 7}, {"aug", 8}, {"sep", 9}, {"sept", 9}, {"okt", 10}, {"nov", 11}, {"dec", 12}};
  for (int m = 0; m < 12; ++m) {
    if (w == kMonths[m]) return m + 1;
  }
  for (const Alias& a : kAliases) {
    if (w == a.word) return a.month;
  }
  return 0;
}

}  // namespace

std::string format_amount(std::int64_t cents) {
  bool negative = cents < 0;
  std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  std::string digits = std::to_string(magnitude / 100);
  std::uint64_t rest = magnitude % 100;
  std::string out;
  if (negative) out.push_back('-');
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back('.');
    out.push_back(digits[i]);
  }
  if (rest != 0) {
    out.push_back(',');
    out.push_back(static_cast<char>('0' + rest / 10));
    out.push_back(static_cast<char>('0' + rest % 10));
  }
  return out;
}

std::string format_euro(std::int64_t cents) {
  std::string amount = format_amount(cents);
  if (cents < 0) return "-€ " + amount.substr(1);
  return "€ " + amount;
}

bool parse_amount(std::string_view text, std::int64_t& cents, std::string& reason) {
  std::size_t p = skip_spaces(text, 0);
  std::size_t stop = text.size();
  while (stop > p) {  // trailing spaces
    if (text[stop - 1] == ' ' || text[stop - 1] == '\t') {
      --stop;
    } else if (stop - p >= 2 && text.substr(stop - 2, 2) == "\xC2\xA0") {
      stop -= 2;
    } else {
      break;
    }
  }
  std::string_view t = text.substr(0, stop);
  if (p >= t.size()) {
    reason = "de tekst is leeg";
    return false;
  }
  bool negative = false;
  std::size_t len = 0;
  if (is_minus(t, p, len)) {
    negative = true;
    p = skip_spaces(t, p + len);
  }
  bool currency = false;
  if (t.substr(p, kEuroSign.size()) == kEuroSign) {
    currency = true;
    p = skip_spaces(t, p + kEuroSign.size());
  } else if (t.substr(p, 3) == "EUR") {
    currency = true;
    p = skip_spaces(t, p + 3);
  }
  if (!negative && is_minus(t, p, len)) {
    negative = true;
    p = skip_spaces(t, p + len);
  }
  std::size_t end = 0;
  if (!scan_number(t, p, cents, end, reason)) return false;
  std::size_t after = skip_spaces(t, end);
  if (!currency && after < t.size() && starts_with_ci(t, after, "euro") && after + 4 == t.size()) {
    after = t.size();
  }
  if (after != t.size()) {
    if (t[end] == '.' || t[end] == ',') {
      reason =
          "geen bedrag zoals in het Nederlands geschreven (punt tussen duizendtallen, komma "
          "voor de centen)";
    } else {
      reason = "na het bedrag staat nog tekst";
    }
    return false;
  }
  if (negative) cents = -cents;
  return true;
}

bool find_amount(std::string_view text, std::size_t from, std::int64_t& cents, std::size_t& begin,
                 std::size_t& end) {
  std::size_t at = from;
  while (at < text.size()) {
    std::size_t sign = text.find(kEuroSign, at);
    if (sign == std::string_view::npos) return false;
    std::size_t p = skip_spaces(text, sign + kEuroSign.size());
    bool negative = false;
    std::size_t len = 0;
    if (is_minus(text, p, len)) {
      negative = true;
      p += len;
    }
    std::string reason;
    std::size_t stop = 0;
    if (scan_number(text, p, cents, stop, reason)) {
      if (negative) cents = -cents;
      begin = sign;
      end = stop;
      return true;
    }
    at = sign + kEuroSign.size();
  }
  return false;
}

bool valid_date(const Date& d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

bool parse_iso_date(std::string_view t, Date& out) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!is_digit(t[i])) return false;
  }
  Date d;
  d.year = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  d.month = (t[5] - '0') * 10 + (t[6] - '0');
  d.day = (t[8] - '0') * 10 + (t[9] - '0');
  if (!valid_date(d)) return false;
  out = d;
  return true;
}

std::string iso_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string dutch_date(const Date& d) {
  return std::to_string(d.day) + " " + kMonths[d.month - 1] + " " + std::to_string(d.year);
}

int weekday(const Date& d) {
  // Sakamoto's method; 0 = Sunday there, shifted so that 0 = maandag.
  static constexpr int kT[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  int y = d.year - (d.month < 3 ? 1 : 0);
  int sunday_based = (y + y / 4 - y / 100 + y / 400 + kT[d.month - 1] + d.day) % 7;
  return (sunday_based + 6) % 7;
}

bool parse_dutch_date(std::string_view text, Date& out, std::string& reason) {
  {
    std::string_view trimmed = text;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
    if (parse_iso_date(trimmed, out)) return true;  // 2018-10-01 as it is
  }
  // Words: letters, digits; separators: spaces, commas.
  std::string s;
  for (char c : text) s.push_back(lower(c));
  std::size_t p = skip_spaces(s, 0);
  auto word = [&](std::size_t at, std::size_t& stop) {
    stop = at;
    while (stop < s.size() && s[stop] >= 'a' && s[stop] <= 'z') ++stop;
    return std::string_view(s).substr(at, stop - at);
  };
  int wanted_weekday = -1;
  std::size_t stop = 0;
  std::string_view first = word(p, stop);
  if (!first.empty()) {
    for (int i = 0; i < 7; ++i) {
      if (first == kWeekdays[i]) wanted_weekday = i;
    }
    if (wanted_weekday < 0) {
      reason = "geen datum: begin met de dag, bijvoorbeeld '1 oktober 2018'";
      return false;
    }
    p = stop;
    if (p < s.size() && s[p] == ',') ++p;
    p = skip_spaces(s, p);
  }
  auto number = [&](std::size_t at, std::size_t& after, int max_digits) {
    int value = 0;
    int digits = 0;
    after = at;
    while (after < s.size() && is_digit(s[after]) && digits < max_digits + 1) {
      value = value * 10 + (s[after] - '0');
      ++after;
      ++digits;
    }
    return digits == 0 || digits > max_digits ? -1 : value;
  };
  Date d;
  std::size_t after = 0;
  d.day = number(p, after, 2);
  if (d.day < 0) {
    reason = "geen datum: de dag ontbreekt, bijvoorbeeld '1 oktober 2018'";
    return false;
  }
  p = after;
  if (p < s.size() && (s[p] == '-' || s[p] == '/')) {  // 1-10-2018
    char sep = s[p];
    d.month = number(p + 1, after, 2);
    if (d.month < 0 || after >= s.size() || s[after] != sep) {
      reason = "geen datum: schrijf dag-maand-jaar, bijvoorbeeld '1-10-2018'";
      return false;
    }
    p = after + 1;
  } else {
    std::size_t q = skip_spaces(s, p);
    if (q == p) {
      reason = "geen datum: na de dag hoort een spatie en de maand";
      return false;
    }
    std::string_view m = word(q, stop);
    d.month = month_from_word(m);
    if (d.month == 0) {
      reason =
          "onbekende maand '" + shorten(m.empty() ? std::string_view(s).substr(q) : m, 30) + "'";
      return false;
    }
    p = stop;
    if (p < s.size() && s[p] == '.' && m.size() <= 4) ++p;  // "okt."
    std::size_t r = skip_spaces(s, p);
    if (r == p) {
      reason = "geen datum: na de maand hoort een spatie en het jaar";
      return false;
    }
    p = r;
  }
  d.year = number(p, after, 4);
  if (d.year < 0 || after - p != 4) {
    reason = "het jaar moet vier cijfers hebben";
    return false;
  }
  p = skip_spaces(s, after);
  if (p != s.size()) {
    reason = "na het jaar staat nog tekst";
    return false;
  }
  if (!valid_date(d)) {
    reason = "die datum bestaat niet";
    return false;
  }
  if (wanted_weekday >= 0 && weekday(d) != wanted_weekday) {
    reason =
        dutch_date(d) + " is een " + kWeekdays[weekday(d)] + ", geen " + kWeekdays[wanted_weekday];
    return false;
  }
  out = d;
  return true;
}

std::string shorten(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

}  // namespace meetlat_plugins
