// Money is integer cents everywhere (DEVELOPERS.md, house style); no floating point near an amount.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "meetlat/expected.h"

namespace meetlat {

using Cents = std::int64_t;

/// The largest amount a submission may state: EUR 10 000 000 000 (submission-format.md, Money).
inline constexpr Cents kMaxMoneyCents = 10'000'000'000LL * 100;

/// An exact decimal number: `units / 10^scale`. Used for the factors of money arithmetic
/// (hours per week, percentages) so that they never pass through binary floating point.
struct Decimal {
  std::int64_t units = 0;
  int scale = 0;  ///< number of digits after the decimal point, 0..9
};

/// Why a decimal text is not an acceptable amount of money.
enum class MoneyProblem { none, syntax, too_many_decimals, negative, too_large };

/// Parses the text of a number as written in a submission ("121440", "121440.5", "-3", "1e3")
/// into an exact decimal. Accepts an optional sign, digits with optional '_' separators (TOML),
/// a fraction and an exponent. Fails on anything else or when more than 18 significant digits.
std::optional<Decimal> parse_decimal(std::string_view text);

/// Converts an exact decimal into cents, checking the rules for money: at most two decimals,
/// not negative, at most kMaxMoneyCents.
MoneyProblem decimal_to_cents(const Decimal& d, Cents& out);

/// Parses a money text straight to cents; returns MoneyProblem::none on success.
MoneyProblem parse_money(std::string_view text, Cents& out);

/// A Dutch explanation of a money problem, e.g. "heeft meer dan twee decimalen".
std::string_view describe(MoneyProblem p);

/// Converts a double that came from a decimal literal (a Lua number, a TOML float) into an exact
/// decimal by taking its shortest round-trip representation. Fails for NaN, infinities and
/// numbers that need more than 9 decimals or 18 significant digits.
std::optional<Decimal> decimal_from_double(double x);

/// Formats cents the Dutch way: "€ 1.082.131", "€ 1.082.131,50", "€ -41.800".
std::string format_euro(Cents cents);

/// Formats cents without the euro sign: "1.082.131" or "1.082.131,50".
std::string format_amount(Cents cents);

/// Rounding applied when a product of money and decimal factors is not a whole number of cents.
struct Rounded {
  Cents cents = 0;
  bool exact = true;      ///< false when the product had to be rounded to whole cents
  bool overflow = false;  ///< the product does not fit in 64-bit cents
};

/// cents × f1 × f2 × ..., exact, rounded half away from zero to whole cents.
Rounded multiply(Cents cents, const Decimal* factors, int n_factors);

}  // namespace meetlat
