// Parts of `meetlat serve` that need no socket: amounts as people type them (approvals), and the
// embedded web page. The API itself is tested end to end (tests/serve/check_api.py).
#include <catch2/catch.hpp>

#include "meetlat/http_service.h"
#include "serve/web_assets.h"

using namespace meetlat;

TEST_CASE("amounts in euros as written in Dutch", "[serve]") {
  CHECK(parse_euro_text("€ 12.500,00") == Cents{1'250'000});
  CHECK(parse_euro_text("€\xC2\xA0"
                        "12.500") == Cents{1'250'000});
  CHECK(parse_euro_text("12500") == Cents{1'250'000});
  CHECK(parse_euro_text("12500,5") == Cents{1'250'050});
  CHECK(parse_euro_text("1.082.131,50") == Cents{108'213'150});
  CHECK(parse_euro_text("  0,01 ") == Cents{1});
  CHECK(parse_euro_text("0") == Cents{0});
  // Refused rather than guessed: a dot is a thousands separator, groups have three digits.
  CHECK_FALSE(parse_euro_text("12.50"));
  CHECK_FALSE(parse_euro_text("1234.567"));
  CHECK_FALSE(parse_euro_text("12,505"));
  CHECK_FALSE(parse_euro_text("-5"));
  CHECK_FALSE(parse_euro_text("€"));
  CHECK_FALSE(parse_euro_text(""));
  CHECK_FALSE(parse_euro_text("12,"));
  CHECK_FALSE(parse_euro_text("1e3"));
  CHECK_FALSE(parse_euro_text("12 500"));
  CHECK_FALSE(parse_euro_text("99999999999999999999"));
}

TEST_CASE("the web page is embedded, with index.html", "[serve]") {
  auto assets = web_assets();
  REQUIRE_FALSE(assets.empty());
  bool index = false;
  for (const WebAsset& a : assets) {
    CHECK_FALSE(a.path.empty());
    CHECK(a.path.find("..") == std::string_view::npos);
    if (a.path == "index.html") {
      index = true;
      std::string_view text(reinterpret_cast<const char*>(a.data), a.size);
      CHECK(text.find("<html") != std::string_view::npos);
    }
  }
  CHECK(index);
}
