// Exact money: parsing decimal texts into cents and formatting amounts the Dutch way.
// submission-format.md, "Money": integer or at most two decimals, not negative, at most
// EUR 10 000 000 000.
#include "meetlat/money.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace meetlat {
namespace {

constexpr std::int64_t kPow10[] = {1LL,
                                   10LL,
                                   100LL,
                                   1000LL,
                                   10000LL,
                                   100000LL,
                                   1000000LL,
                                   10000000LL,
                                   100000000LL,
                                   1000000000LL,
                                   10000000000LL,
                                   100000000000LL,
                                   1000000000000LL,
                                   10000000000000LL,
                                   100000000000000LL,
                                   1000000000000000LL,
                                   10000000000000000LL,
                                   100000000000000000LL,
                                   1000000000000000000LL};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<Decimal> parse_decimal(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  // Mantissa digits, collected without separators; `scale` counts digits after the point.
  std::int64_t units = 0;
  int significant = 0;
  int scale = 0;
  bool any_digit = false;
  bool in_fraction = false;
  char previous = '\0';
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (is_digit(c)) {
      any_digit = true;
      if (significant > 0 || c != '0') ++significant;
      if (significant > 18) return std::nullopt;
      units = units * 10 + (c - '0');
      if (in_fraction) ++scale;
    } else if (c == '_' && is_digit(previous) && i + 1 < text.size() && is_digit(text[i + 1])) {
      // TOML allows underscores between digits.
    } else if (c == '.' && !in_fraction && is_digit(previous) && i + 1 < text.size() &&
               is_digit(text[i + 1])) {
      in_fraction = true;
    } else {
      break;
    }
    previous = c;
  }
  if (!any_digit) return std::nullopt;
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    bool exp_digit = false;
    for (; i < text.size() && (is_digit(text[i]) || text[i] == '_'); ++i) {
      if (text[i] == '_') continue;
      exp_digit = true;
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 40) return std::nullopt;
    }
    if (!exp_digit) return std::nullopt;
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  scale -= exponent;
  // Drop trailing zeros after the point so that "12.50" has scale 1 and "1.0e2" is an integer.
  while (scale > 0 && units % 10 == 0) {
    units /= 10;
    --scale;
  }
  while (scale < 0) {
    if (units > kPow10[18] / 10) return std::nullopt;
    units *= 10;
    ++scale;
  }
  if (scale > 9) return std::nullopt;
  return Decimal{negative ? -units : units, scale};
}

MoneyProblem decimal_to_cents(const Decimal& d, Cents& out) {
  if (d.units < 0) return MoneyProblem::negative;
  if (d.scale > 2) return MoneyProblem::too_many_decimals;
  std::int64_t factor = kPow10[2 - d.scale];
  if (d.units > kMaxMoneyCents / factor) return MoneyProblem::too_large;
  out = d.units * factor;
  return MoneyProblem::none;
}

MoneyProblem parse_money(std::string_view text, Cents& out) {
  auto d = parse_decimal(text);
  if (!d) return MoneyProblem::syntax;
  return decimal_to_cents(*d, out);
}

std::string_view describe(MoneyProblem p) {
  switch (p) {
    case MoneyProblem::none:
      return "is in orde";
    case MoneyProblem::syntax:
      return "is geen bedrag (verwacht een getal in euro's, bijvoorbeeld 121440 of 17480.50)";
    case MoneyProblem::too_many_decimals:
      return "heeft meer dan twee decimalen; bedragen zijn in hele centen";
    case MoneyProblem::negative:
      return "is negatief; een bedrag moet nul of meer zijn";
    case MoneyProblem::too_large:
      return "is onwaarschijnlijk groot (meer dan € 10.000.000.000)";
  }
  return "?";
}

std::optional<Decimal> decimal_from_double(double x) {
  if (!std::isfinite(x)) return std::nullopt;
  // fmt's default formatting is the shortest text that reads back as the same double, so a
  // number written as 2.5 or 0.29 in a script or a file comes back as exactly that decimal.
  std::string text = fmt::format("{}", x);
  return parse_decimal(text);
}

std::string format_amount(Cents cents) {
  bool negative = cents < 0;
  // Work on the magnitude as unsigned so that INT64_MIN does not overflow.
  std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  std::uint64_t euros = magnitude / 100;
  std::uint64_t rest = magnitude % 100;
  std::string digits = std::to_string(euros);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3 + 5);
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

std::string format_euro(Cents cents) {
  return "€ " + format_amount(cents);
}

Rounded multiply(Cents cents, const Decimal* factors, int n_factors) {
  __extension__ typedef __int128 Wide;  // exact intermediate products (GCC, Clang)
  const Wide limit = static_cast<Wide>(kPow10[18]) * kPow10[18];  // 1e36, well inside int128
  Wide numerator = cents;
  int scale = 0;
  Rounded r;
  for (int i = 0; i < n_factors; ++i) {
    const Decimal& f = factors[i];
    Wide next = numerator * f.units;
    if (f.units != 0 && (next / f.units != numerator || next > limit || next < -limit)) {
      r.overflow = true;
      return r;
    }
    numerator = next;
    scale += f.scale;
    // Keep the denominator representable: fold exact trailing zeros back in.
    while (scale > 0 && numerator % 10 == 0) {
      numerator /= 10;
      --scale;
    }
    if (scale > 36) {
      r.overflow = true;
      return r;
    }
  }
  Wide denominator = 1;
  for (int i = 0; i < scale; ++i) denominator *= 10;
  Wide quotient = numerator / denominator;
  Wide remainder = numerator % denominator;
  if (remainder != 0) {
    r.exact = false;
    Wide twice = (remainder < 0 ? -remainder : remainder) * 2;
    if (twice >= denominator) quotient += numerator < 0 ? -1 : 1;
  }
  if (quotient > INT64_MAX || quotient < INT64_MIN) {
    r.overflow = true;
    return r;
  }
  r.cents = static_cast<Cents>(quotient);
  return r;
}

}  // namespace meetlat
