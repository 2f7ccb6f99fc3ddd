// The plugin loader (core/src/plugin/): the deliberately broken plugins of tests/plugins/ are each
// refused with their exact message, nothing a refused plugin registered stays, and functions and
// formats that misbehave at run time give outcome `error` / a failed writer, never a crash.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "lua/lua_sandbox.h"
#include "meetlat/batch.h"
#include "meetlat/plugins.h"
#include "support.h"

using namespace meetlat;

namespace {

std::string test_plugin(const std::string& name) {
  return std::string(MEETLAT_TEST_PLUGIN_DIR) + "/meetlat-test-" + name + ".so";
}

std::string builtin_plugin(const std::string& name) {
  return std::string(MEETLAT_PLUGIN_BUILD_DIR) + "/meetlat-" + name + ".so";
}

// The refusal message of loading one test plugin into a fresh set (with nl loaded first when
// asked, for the conflicts).
std::string refusal(const std::string& name, bool with_nl = false) {
  PluginSet set;
  if (with_nl) REQUIRE(set.load(builtin_plugin("nl")));
  auto r = set.load(test_plugin(name));
  REQUIRE_FALSE(r);
  REQUIRE(set.refusals().size() == 1);
  CHECK(set.refusals()[0].message == r.error().message);
  CHECK(set.plugins().size() == (with_nl ? 1u : 0u));
  CHECK(set.bindings().size() == (with_nl ? 9u : 0u));
  CHECK(set.format_names().empty());
  return r.error().message;
}

const PluginBinding* binding(const PluginSet& set, const std::string& ns, const std::string& name) {
  for (const PluginBinding& b : set.bindings()) {
    if (b.ns == ns && b.name == name) return &b;
  }
  return nullptr;
}

PluginValue text(std::string s) {
  PluginValue v;
  v.kind = PluginValue::Kind::string;
  v.string = std::move(s);
  return v;
}

PluginValue integer(std::int64_t i) {
  PluginValue v;
  v.kind = PluginValue::Kind::integer;
  v.integer = i;
  return v;
}

// Writes through a plugin format into a temporary file and returns what was written.
struct Captured {
  std::string output;
  bool failed = false;
};

Captured write_with(const PluginSet& set, const std::string& format,
                    const std::vector<SubmissionReport>& reports) {
  test::TempDir dir;
  std::string path = (dir.path() / "out.txt").string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  Captured c;
  {
    auto writer = set.make_report_writer(format, f);
    REQUIRE(writer != nullptr);
    writer->begin();
    for (const auto& r : reports) writer->submission(r);
    writer->end({{"begroting", "1.0.0", "sha256:abc", ""}});
    c.failed = writer->failed();
  }
  std::fclose(f);
  std::ifstream in(path, std::ios::binary);
  c.output.assign(std::istreambuf_iterator<char>(in), {});
  return c;
}

SubmissionReport small_report(const std::string& file) {
  SubmissionReport r;
  r.file = file;
  r.verdict = Verdict::voldoet;
  return r;
}

}  // namespace

TEST_CASE("broken plugins are refused with a message naming the file and the symbol", "[plugin]") {
  std::string dir = MEETLAT_TEST_PLUGIN_DIR;
  CHECK(refusal("abi2") == dir +
                               "/meetlat-test-abi2.so: meetlat_plugin_v1: gebouwd voor "
                               "ABI-versie 2, deze meetlat ondersteunt 1");
  CHECK(refusal("geen-entry") ==
        dir + "/meetlat-test-geen-entry.so: meetlat_plugin_v1 ontbreekt (geen Meetlat-plugin?)");
  CHECK(refusal("magie") == dir +
                                "/meetlat-test-magie.so: meetlat_plugin_v1: verkeerd magisch "
                                "getal 0x0123456789ABCDEF (geen Meetlat-plugin?)");
  CHECK(refusal("geen-info") ==
        dir + "/meetlat-test-geen-info.so: meetlat_plugin_v1 gaf geen plugininformatie (NULL)");
  CHECK(refusal("geen-init") ==
        dir + "/meetlat-test-geen-init.so: meetlat_plugin_v1: geen init-functie (NULL)");
  CHECK(refusal("host-te-groot") ==
        dir + "/meetlat-test-host-te-groot.so: meetlat_plugin_v1: verwacht een host-tabel van " +
            std::to_string(sizeof(void*) == 8 ? 112 : 64) + " bytes, deze meetlat biedt " +
            std::to_string(sizeof(void*) == 8 ? 48 : 32) + " (gebouwd met een nieuwere plugin.h?)");
  CHECK(refusal("init-faalt") == dir +
                                     "/meetlat-test-init-faalt.so: init (meetlat_plugin_v1) "
                                     "faalde: geen verbinding met het register");
  CHECK(refusal("init-zwijgt") == dir +
                                      "/meetlat-test-init-zwijgt.so: init (meetlat_plugin_v1) "
                                      "faalde: geen reden opgegeven");
  CHECK(refusal("dubbele-functie") ==
        dir +
            "/meetlat-test-dubbele-functie.so: register_function('dubbel', 'naam'): "
            "dubbel.naam is al geregistreerd door deze plugin");
  CHECK(refusal("dubbel-formaat") ==
        dir +
            "/meetlat-test-dubbel-formaat.so: "
            "register_format('dubbel'): formaat 'dubbel' is al geregistreerd door "
            "deze plugin");
  CHECK(refusal("json-formaat") ==
        dir +
            "/meetlat-test-json-formaat.so: "
            "register_format('json'): formaat 'json' is een formaat van meetlat "
            "zelf");
  CHECK(refusal("gereserveerd") ==
        dir +
            "/meetlat-test-gereserveerd.so: "
            "register_function('money', 'mul'): 'money' is een naam van de "
            "regel-API zelf en kan geen naamruimte zijn");
  CHECK(refusal("kaapt-nl", true) ==
        dir +
            "/meetlat-test-kaapt-nl.so: "
            "register_function('nl', 'bedrag'): nl.bedrag is al geregistreerd door " +
            builtin_plugin("nl"));
}

TEST_CASE("files that are not plugins are refused before any code runs", "[plugin]") {
  test::TempDir dir;
  auto text_file = dir.write("meetlat-tekst.so", "dit is geen bibliotheek\n");
  PluginSet set;
  auto r = set.load(text_file);
  REQUIRE_FALSE(r);
  CHECK(r.error().message ==
        text_file.string() + ": geen gedeelde bibliotheek (ELF); geen Meetlat-plugin?");

  auto missing = set.load(dir.path() / "meetlat-bestaat-niet.so");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.rfind(
            (dir.path() / "meetlat-bestaat-niet.so").string() + ": kan niet worden gelezen: ", 0) ==
        0);

  // An executable is ELF but not a shared object.
  std::filesystem::copy_file("/bin/true", dir.path() / "meetlat-programma.so");
  auto exe = set.load(dir.path() / "meetlat-programma.so");
  REQUIRE_FALSE(exe);
  bool pie_or_exec =
      exe.error().message.find("meetlat_plugin_v1 ontbreekt") != std::string::npos ||
      exe.error().message.find("geen gedeelde bibliotheek (ELF-type 2)") != std::string::npos;
  CHECK(pie_or_exec);
  CHECK(set.plugins().empty());
}

TEST_CASE("a refused plugin leaves nothing registered; the next one still loads", "[plugin]") {
  PluginSet set;
  CHECK_FALSE(set.load(test_plugin("init-faalt")));  // registered kapot.half, then failed
  REQUIRE(set.load(test_plugin("goed")));
  CHECK(binding(set, "kapot", "half") == nullptr);
  CHECK(binding(set, "leeg", "niets") != nullptr);
  REQUIRE(set.plugins().size() == 1);
  CHECK(set.plugins()[0].name == "test-goed");
  CHECK(set.plugins()[0].functions.size() == 1);
  // The same plugin twice: refused by name.
  auto again = set.load(test_plugin("goed"));
  REQUIRE_FALSE(again);
  CHECK(again.error().message == test_plugin("goed") +
                                     ": meetlat_plugin_v1: plugin 'test-goed' is al geladen uit " +
                                     test_plugin("goed"));
}

TEST_CASE("load_dirs loads meetlat-*.so in name order and keeps the first of a name", "[plugin]") {
  PluginSet set;
  set.load_dirs({MEETLAT_TEST_PLUGIN_DIR, MEETLAT_TEST_PLUGIN_DIR, "/bestaat/niet"});
  std::vector<std::string> names;
  for (const auto& p : set.plugins()) names.push_back(p.name);
  // test-kaapt-nl loads here: nl.bedrag is only taken when the plugin nl is loaded first.
  CHECK(names == std::vector<std::string>{"test-goed", "test-kaapt-nl", "proef"});
  // Every broken plugin refused once; the second folder's copies skipped by file name.
  CHECK(set.refusals().size() == 12);
  CHECK(set.shadowed().size() == 15);
  for (std::size_t i = 1; i < set.refusals().size(); ++i) {
    CHECK(set.refusals()[i - 1].file < set.refusals()[i].file);
  }
}

TEST_CASE("the search path: --plugin-path, MEETLAT_PLUGIN_PATH, then the build's folder",
          "[plugin]") {
  ::setenv("MEETLAT_PLUGIN_PATH", "/een:/twee::", 1);
  auto dirs = plugin_search_path({"/eerst"});
  ::unsetenv("MEETLAT_PLUGIN_PATH");
  REQUIRE(dirs.size() == 4);
  CHECK(dirs[0] == "/eerst");
  CHECK(dirs[1] == "/een");
  CHECK(dirs[2] == "/twee");
  CHECK(dirs[3] == builtin_plugin_dir());
  CHECK(builtin_plugin_dir() == std::filesystem::path(MEETLAT_PLUGIN_BUILD_DIR));
}

TEST_CASE("plugin functions that misbehave return errors, not crashes", "[plugin]") {
  PluginSet set;
  REQUIRE(set.load(test_plugin("proef")));
  auto call = [&](const std::string& name, std::vector<PluginValue> args = {}) {
    const PluginBinding* b = binding(set, "proef", name);
    REQUIRE(b != nullptr);
    return b->fn(args);
  };
  auto r = call("fout");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "bewust mis");
  r = call("gooit");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "uitzondering opgevangen: iets onverwachts");
  r = call("te_veel");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "de plugin gaf een ongeldig aantal waarden terug (5)");
  r = call("rare_soort");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "de plugin gaf een waarde van onbekende soort terug (99)");
  r = call("null_tekst");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "de plugin gaf een tekst zonder inhoud terug (NULL)");

  PluginValue b;
  b.kind = PluginValue::Kind::boolean;
  b.boolean = true;
  PluginValue n;
  n.kind = PluginValue::Kind::number;
  n.number = 2.5;
  r = call("echo", {text(std::string("a\0b", 3)), integer(-7), b, n});
  REQUIRE(r);
  REQUIRE(r->size() == 4);
  CHECK((*r)[0].string == std::string("a\0b", 3));
  CHECK((*r)[1].integer == -7);
  CHECK((*r)[2].boolean);
  CHECK((*r)[3].number == 2.5);
}

TEST_CASE("a failing plugin function makes the calling rule's outcome error", "[plugin]") {
  PluginSet set;
  REQUIRE(set.load(test_plugin("proef")));
  REQUIRE(set.load(builtin_plugin("nl")));
  test::TempDir dir;
  dir.write("pack/pack.toml", test::manifest("testpack"));
  dir.write("pack/rules/rules.lua", R"lua(
rule { id = "P-01", title = "fout", severity = "blocking", source = "t", quote = "t",
  check = function(s, p) proef.fout(); return pass("nooit") end }
rule { id = "P-02", title = "gooit", severity = "blocking", source = "t", quote = "t",
  check = function(s, p) proef.gooit(); return pass("nooit") end }
rule { id = "P-03", title = "pcall", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
    local ok, err = pcall(proef.te_veel)
    return fail(tostring(err))
  end }
rule { id = "P-04", title = "nl", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
    local c = nl.bedrag("€ 1.082.131,50")
    local none, why = nl.bedrag("tien euro")
    return pass(("%d %s %s %s"):format(c, nl.euro(c), tostring(none), why))
  end }
rule { id = "P-05", title = "verkeerd argument", severity = "blocking", source = "t", quote = "t",
  check = function(s, p) return pass(nl.euro("veel")) end }
)lua");
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, Limits{}, &set.bindings());
  Submission s = parse_submission(test::kInitiative, SubmissionFormat::toml, "t.toml");
  SubmissionReport r = ev.evaluate(s, PackChoice{{(dir.path() / "pack").string()}}, HostData{});
  REQUIRE(r.rules.size() == 5);
  CHECK(r.rules[0].outcome == Outcome::error);
  CHECK(r.rules[0].message.find("proef.fout: bewust mis") != std::string::npos);
  CHECK(r.rules[1].outcome == Outcome::error);
  CHECK(r.rules[1].message.find("proef.gooit: uitzondering opgevangen: iets onverwachts") !=
        std::string::npos);
  CHECK(r.rules[2].outcome == Outcome::fail);
  CHECK(r.rules[2].message.find("ongeldig aantal waarden") != std::string::npos);
  CHECK(r.rules[3].outcome == Outcome::pass);
  CHECK(r.rules[3].message ==
        "108213150 € 1.082.131,50 nil 'tien euro' is geen bedrag: er staat geen getal");
  CHECK(r.rules[4].outcome == Outcome::error);
  CHECK(r.rules[4].message.find(
            "nl.euro: verwacht een geheel getal (centen) als argument 1 (kreeg een tekst)") !=
        std::string::npos);
  CHECK(r.verdict == Verdict::onbeslist);
}

TEST_CASE("plugin functions are called from several workers at once", "[plugin]") {
  PluginSet set;
  REQUIRE(set.load(builtin_plugin("nl")));
  test::TempDir dir;
  dir.write("pack/pack.toml", test::manifest("testpack"));
  dir.write("pack/rules/rules.lua", R"lua(
rule { id = "NL-01", title = "veel aanroepen", severity = "blocking", source = "t", quote = "t",
  check = function(s, p)
    for i = 1, 300 do
      local c = i * 100003
      if nl.bedrag(nl.euro(c)) ~= c then return fail("niet terug: " .. c) end
      if nl.datum(nl.datum_tekst("2018-10-01")) ~= "2018-10-01" then return fail("datum") end
    end
    return pass("ok")
  end }
)lua");
  std::vector<std::string> files;
  for (int i = 0; i < 24; ++i) {
    files.push_back(
        dir.write("in/a" + std::to_string(100 + i) + ".toml", test::kInitiative).string());
  }
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  BatchOptions bo;
  bo.jobs = 4;
  bo.packs.named = {(dir.path() / "pack").string()};
  bo.plugins = &set.bindings();
  auto writer = set.make_report_writer("proef", stdout);
  CHECK(writer == nullptr);  // proef is not loaded in this set
  test::TempDir out_dir;
  std::FILE* out = std::fopen((out_dir.path() / "out.json").string().c_str(), "wb");
  auto json = make_report_writer("json-compact", out, {});
  BatchSummary summary = run_batch(files, registry, bo, HostData{}, *json);
  std::fclose(out);
  CHECK(summary.total == 24);
  CHECK(summary.per_verdict[static_cast<int>(Verdict::voldoet)] == 24);
}

TEST_CASE("a plugin format receives the report JSON in order; a failing step is reported",
          "[plugin]") {
  PluginSet set;
  REQUIRE(set.load(test_plugin("proef")));
  CHECK(set.format_names() == std::vector<std::string>{"proef", "proef-faalt"});
  CHECK(set.make_report_writer("html", stdout) == nullptr);

  // Each submission arrives as the compact JSON object of the JSON report.
  std::string json;
  write_submission_json(json, small_report("a.toml"), false);
  std::string line = ": " + std::to_string(json.size()) + " bytes, begint met {\n";
  std::string packs =
      "einde: [{\"name\":\"begroting\",\"version\":\"1.0.0\",\"hash\":\"sha256:abc\"}]\n";

  Captured ok = write_with(set, "proef", {small_report("a.toml"), small_report("b.toml")});
  CHECK_FALSE(ok.failed);
  CHECK(ok.output == "begin\naanvraag 1" + line + "aanvraag 2" + line + packs);

  Captured bad = write_with(set, "proef-faalt",
                            {small_report("a.toml"), small_report("b.toml"), small_report("c")});
  CHECK(bad.failed);
  // The third submission is not handed over after the failure; end still frees the state.
  CHECK(bad.output == "begin\naanvraag 1" + line + packs);
}
