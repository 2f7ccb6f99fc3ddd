// The functions of plugin nl (plugins/nl/nl.cpp), called through the loaded plugin exactly as
// the Lua sandbox calls them.
#include <catch2/catch.hpp>
#include <string>

#include "lua/lua_sandbox.h"
#include "meetlat/plugins.h"

using namespace meetlat;

namespace {

const PluginSet& nl_plugin() {
  static const PluginSet* set = [] {
    auto* s = new PluginSet();  // NOLINT: lives for the whole test run
    auto r = s->load(std::string(MEETLAT_PLUGIN_BUILD_DIR) + "/meetlat-nl.so");
    if (!r) FAIL(r.error().message);
    return s;
  }();
  return *set;
}

std::vector<PluginValue> call(const std::string& name, std::vector<PluginValue> args) {
  for (const PluginBinding& b : nl_plugin().bindings()) {
    if (b.ns == "nl" && b.name == name) {
      auto r = b.fn(args);
      if (!r) {
        PluginValue e;
        e.kind = PluginValue::Kind::string;
        e.string = "FOUT: " + r.error().message;
        return {e};
      }
      return *r;
    }
  }
  FAIL("nl." << name << " ontbreekt");
  return {};
}

PluginValue s(std::string text) {
  PluginValue v;
  v.kind = PluginValue::Kind::string;
  v.string = std::move(text);
  return v;
}

PluginValue i(std::int64_t n) {
  PluginValue v;
  v.kind = PluginValue::Kind::integer;
  v.integer = n;
  return v;
}

// One value shown as Lua would: 12, "tekst", true, nil.
std::string show(const PluginValue& v) {
  switch (v.kind) {
    case PluginValue::Kind::nil:
      return "nil";
    case PluginValue::Kind::boolean:
      return v.boolean ? "true" : "false";
    case PluginValue::Kind::integer:
      return std::to_string(v.integer);
    case PluginValue::Kind::number:
      return std::to_string(v.number);
    case PluginValue::Kind::string:
      return v.string;
  }
  return "?";
}

std::string show(const std::vector<PluginValue>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " | ") + show(v);
  return out;
}

std::string one(const std::string& name, const std::string& arg) {
  return show(call(name, {s(arg)}));
}

}  // namespace

TEST_CASE("nl.bedrag reads amounts written the Dutch way", "[plugin][nl]") {
  CHECK(one("bedrag", "€ 1.082.131") == "108213100");
  CHECK(one("bedrag", "1.082.131,50") == "108213150");
  CHECK(one("bedrag", "€1082131") == "108213100");
  CHECK(one("bedrag", "€ 31.012,5") == "3101250");
  CHECK(one("bedrag", "€ 10,-") == "1000");
  CHECK(one("bedrag", "€ 10,–") == "1000");
  CHECK(one("bedrag",
            "  €\xC2\xA0"
            "95 ") == "9500");
  CHECK(one("bedrag", "-€ 5") == "-500");
  CHECK(one("bedrag", "€ -5") == "-500");
  CHECK(one("bedrag", "EUR 1.000") == "100000");
  CHECK(one("bedrag", "1.000 euro") == "100000");
  CHECK(one("bedrag", "0") == "0");
  CHECK(one("bedrag", "10.5") ==
        "nil | '10.5' is geen bedrag: geen bedrag zoals in het Nederlands geschreven (punt "
        "tussen duizendtallen, komma voor de centen)");
  CHECK(one("bedrag", "1,234.56") ==
        "nil | '1,234.56' is geen bedrag: na de komma staan meer "
        "dan twee cijfers");
  CHECK(one("bedrag", "1082.131") ==
        "nil | '1082.131' is geen bedrag: voor de eerste punt staan meer dan drie cijfers");
  CHECK(one("bedrag", "€ 10 miljoen") ==
        "nil | '€ 10 miljoen' is geen bedrag: na het bedrag "
        "staat nog tekst");
  CHECK(one("bedrag", "") == "nil | '' is geen bedrag: de tekst is leeg");
  CHECK(one("bedrag", "99999999999999999999") ==
        "nil | '99999999999999999999' is geen bedrag: het bedrag is te groot");
  CHECK(show(call("bedrag", {})) == "FOUT: verwacht een tekst als argument 1 (kreeg niets)");
  CHECK(show(call("bedrag", {i(5)})) ==
        "FOUT: verwacht een tekst als argument 1 (kreeg een geheel getal)");
}

TEST_CASE("nl.euro writes cents as the engine's euro() does", "[plugin][nl]") {
  CHECK(show(call("euro", {i(108213100)})) == "€ 1.082.131");
  CHECK(show(call("euro", {i(108213150)})) == "€ 1.082.131,50");
  CHECK(show(call("euro", {i(5)})) == "€ 0,05");
  CHECK(show(call("euro", {i(-500)})) == "-€ 5");
  CHECK(show(call("euro", {i(INT64_MIN)})) == "-€ 92.233.720.368.547.758,08");
  PluginValue whole;
  whole.kind = PluginValue::Kind::number;
  whole.number = 1200.0;
  CHECK(show(call("euro", {whole})) == "€ 12");
  CHECK(show(call("euro", {s("12")})) ==
        "FOUT: verwacht een geheel getal (centen) als argument 1 (kreeg een tekst)");
}

TEST_CASE("nl.zoek_bedrag finds the amounts of a text one after the other", "[plugin][nl]") {
  std::string t = "financiën (4 uur per week a € 95 = € 10.000). Totaal € 1.082.131,50.";
  // Byte positions, as string.sub takes them ("ë" and "€" are several bytes).
  CHECK(show(call("zoek_bedrag", {s(t)})) == "9500 | 30 | 35");
  CHECK(t.substr(29, 35 - 29) == "€ 95");
  CHECK(show(call("zoek_bedrag", {s(t), i(36)})) == "1000000 | 39 | 48");
  CHECK(t.substr(38, 48 - 38) == "€ 10.000");
  CHECK(show(call("zoek_bedrag", {s(t), i(49)})) == "108213150 | 59 | 74");
  CHECK(t.substr(58, 74 - 58) == "€ 1.082.131,50");
  CHECK(show(call("zoek_bedrag", {s(t), i(75)})) == "nil");
  CHECK(show(call("zoek_bedrag", {s(t), i(1000)})) == "nil");
  CHECK(show(call("zoek_bedrag", {s("geen bedrag")})) == "nil");
  CHECK(show(call("zoek_bedrag", {s("€ 1,234 en € 5")})) == "500 | 14 | 18");
  CHECK(show(call("zoek_bedrag", {s("€ 1.082.131/jaar")})) == "108213100 | 1 | 13");
}

TEST_CASE("nl.iban_geldig checks the form and mod 97", "[plugin][nl]") {
  CHECK(one("iban_geldig", "NL91ABNA0417164300") == "true");
  CHECK(one("iban_geldig", "NL91 ABNA 0417 1643 00") == "true");
  CHECK(one("iban_geldig", "nl91abna0417164300") == "true");
  CHECK(one("iban_geldig", "BE68 5390 0754 7034") == "true");
  CHECK(one("iban_geldig", "DE89 3704 0044 0532 0130 00") == "true");
  CHECK(one("iban_geldig", "NL92ABNA0417164300") ==
        "false | de controlecijfers kloppen niet (modulo 97); staat er een tikfout in?");
  CHECK(one("iban_geldig", "NL91ABNA041716430") ==
        "false | een IBAN uit NL heeft 18 tekens, deze heeft 17");
  CHECK(one("iban_geldig", "NL91AB1A0417164300") ==
        "false | na NL en de controlecijfers volgt de bankcode: vier letters");
  CHECK(one("iban_geldig", "NL91-ABNA-0417-1643-00") ==
        "false | een IBAN bevat alleen letters, cijfers en spaties");
  CHECK(one("iban_geldig", "1234") ==
        "false | een IBAN heeft 15 tot 34 tekens (een Nederlandse 18), deze heeft 4");
}

TEST_CASE("nl.kvk_geldig checks eight digits (no elfproef since 2020)", "[plugin][nl]") {
  CHECK(one("kvk_geldig", "12345678") == "true");
  CHECK(one("kvk_geldig", "69599084") == "true");
  CHECK(one("kvk_geldig", "12345679") == "true");  // fails the old elfproef: still valid
  CHECK(one("kvk_geldig", "1234 5678") == "true");
  CHECK(one("kvk_geldig", "1234567") ==
        "false | een KvK-nummer heeft acht cijfers, dit heeft er 7");
  CHECK(one("kvk_geldig", "1234567A") ==
        "false | een KvK-nummer bestaat uit acht cijfers, zonder letters of leestekens");
  CHECK(one("kvk_geldig", "00000000") == "false | 00000000 is geen KvK-nummer");
}

TEST_CASE("nl.postcode_geldig and nl.postcode", "[plugin][nl]") {
  CHECK(one("postcode_geldig", "1234 AB") == "true");
  CHECK(one("postcode_geldig", "1234AB") == "true");
  CHECK(one("postcode_geldig", "8011 pk") == "true");
  CHECK(one("postcode", "8011pk") == "8011 PK");
  CHECK(one("postcode_geldig", "0123 AB") == "false | een postcode begint niet met 0");
  CHECK(one("postcode_geldig", "1234 SS") ==
        "false | de lettercombinatie SS wordt in postcodes niet gebruikt");
  CHECK(one("postcode_geldig", "123 AB") ==
        "false | een postcode is vier cijfers en twee letters, zoals 1234 AB");
  CHECK(one("postcode_geldig", "12 34 AB") ==
        "false | een postcode is vier cijfers, een spatie en twee letters, zoals 1234 AB");
  CHECK(one("postcode", "AB 1234") ==
        "nil | een postcode is vier cijfers en twee letters, zoals 1234 AB");
}

TEST_CASE("nl.datum and nl.datum_tekst", "[plugin][nl]") {
  CHECK(one("datum", "1 oktober 2018") == "2018-10-01");
  CHECK(one("datum", "01 Oktober 2018") == "2018-10-01");
  CHECK(one("datum", "maandag 1 oktober 2018") == "2018-10-01");
  CHECK(one("datum", "maandag, 1 okt. 2018") == "2018-10-01");
  CHECK(one("datum", "29 feb 2020") == "2020-02-29");
  CHECK(one("datum", "1-10-2018") == "2018-10-01");
  CHECK(one("datum", "31/12/2019") == "2019-12-31");
  CHECK(one("datum", "dinsdag 1 oktober 2018") ==
        "nil | 'dinsdag 1 oktober 2018': 1 oktober 2018 is een maandag, geen dinsdag");
  CHECK(one("datum", "29 februari 2019") == "nil | '29 februari 2019': die datum bestaat niet");
  CHECK(one("datum", "1 oktobre 2018") == "nil | '1 oktobre 2018': onbekende maand 'oktobre'");
  CHECK(one("datum", "1 oktober 18") == "nil | '1 oktober 18': het jaar moet vier cijfers hebben");
  CHECK(one("datum", "2018-10-01") == "2018-10-01");
  CHECK(one("datum", "2018-13-01") ==
        "nil | '2018-13-01': geen datum: de dag ontbreekt, bijvoorbeeld '1 oktober 2018'");
  CHECK(one("datum", "oktober 2018") ==
        "nil | 'oktober 2018': geen datum: begin met de dag, bijvoorbeeld '1 oktober 2018'");
  CHECK(one("datum_tekst", "2018-10-01") == "1 oktober 2018");
  CHECK(one("datum_tekst", "2020-01-29") == "29 januari 2020");
  CHECK(one("datum_tekst", "2019-02-29") ==
        "nil | '2019-02-29' is geen datum in de vorm 2018-10-01");
  CHECK(one("datum_tekst", "1 oktober 2018") ==
        "nil | '1 oktober 2018' is geen datum in de vorm 2018-10-01");
}

TEST_CASE("plugin nl describes its functions for meetlat plugins", "[plugin][nl]") {
  REQUIRE(nl_plugin().plugins().size() == 1);
  const PluginInfo& info = nl_plugin().plugins()[0];
  CHECK(info.name == "nl");
  CHECK(info.version == "1.0.0");
  CHECK(info.functions.size() == 9);
  for (const auto& f : info.functions) {
    CHECK(f.ns == "nl");
    CHECK_FALSE(f.description.empty());
  }
  CHECK(info.formats.empty());
}
