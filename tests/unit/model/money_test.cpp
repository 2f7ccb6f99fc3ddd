#include <catch2/catch.hpp>

#include "meetlat/money.h"

using namespace meetlat;

TEST_CASE("money texts parse to exact cents", "[money]") {
  Cents c = 0;
  CHECK(parse_money("121440", c) == MoneyProblem::none);
  CHECK(c == 12144000);
  CHECK(parse_money("17480.5", c) == MoneyProblem::none);
  CHECK(c == 1748050);
  CHECK(parse_money("17480.50", c) == MoneyProblem::none);
  CHECK(c == 1748050);
  CHECK(parse_money("0.29", c) == MoneyProblem::none);
  CHECK(c == 29);
  CHECK(parse_money("1_082_131", c) == MoneyProblem::none);
  CHECK(c == 108213100);
  CHECK(parse_money("1.5e3", c) == MoneyProblem::none);
  CHECK(c == 150000);
  CHECK(parse_money("12.345", c) == MoneyProblem::too_many_decimals);
  CHECK(parse_money("12.3450", c) == MoneyProblem::too_many_decimals);
  CHECK(parse_money("-5", c) == MoneyProblem::negative);
  CHECK(parse_money("10000000001", c) == MoneyProblem::too_large);
  CHECK(parse_money("10000000000", c) == MoneyProblem::none);
  CHECK(parse_money("1e30", c) != MoneyProblem::none);
  CHECK(parse_money("abc", c) == MoneyProblem::syntax);
  CHECK(parse_money("", c) == MoneyProblem::syntax);
  CHECK(parse_money("1..2", c) == MoneyProblem::syntax);
  CHECK(parse_money("inf", c) == MoneyProblem::syntax);
  CHECK(parse_money("nan", c) == MoneyProblem::syntax);
}

TEST_CASE("amounts are formatted the Dutch way", "[money]") {
  CHECK(format_euro(108213100) == "€ 1.082.131");
  CHECK(format_euro(3101250) == "€ 31.012,50");
  CHECK(format_euro(0) == "€ 0");
  CHECK(format_euro(5) == "€ 0,05");
  CHECK(format_euro(-4180000) == "€ -41.800");
  CHECK(format_euro(100000) == "€ 1.000");
  CHECK(format_amount(INT64_MIN).size() > 10);
}

TEST_CASE("decimals from doubles are their shortest text", "[money]") {
  auto d = decimal_from_double(2.5);
  REQUIRE(d);
  CHECK(d->units == 25);
  CHECK(d->scale == 1);
  d = decimal_from_double(0.1);
  REQUIRE(d);
  CHECK(d->units == 1);
  CHECK(d->scale == 1);
  CHECK_FALSE(decimal_from_double(1.0 / 0.0));
}

TEST_CASE("money multiplication is exact and rounds half away from zero", "[money]") {
  Decimal f[] = {{25, 1}, {46, 0}};  // 2,5 uur × 46 weken
  Rounded r = multiply(9500, f, 2);  // € 95
  CHECK(r.cents == 1092500);
  CHECK(r.exact);
  Decimal pct[] = {{75, 1}, {1, 2}};  // 7,5 %
  r = multiply(41350000, pct, 2);
  CHECK(r.cents == 3101250);
  CHECK(r.exact);
  Decimal third[] = {{3333, 4}};
  r = multiply(150, third, 1);  // 1,50 × 0,3333 = 0,49995 → 0,50
  CHECK(r.cents == 50);
  CHECK_FALSE(r.exact);
  Decimal huge[] = {{999999999999999999LL, 0}, {999999999999999999LL, 0}};
  CHECK(multiply(INT64_MAX, huge, 2).overflow);
}
