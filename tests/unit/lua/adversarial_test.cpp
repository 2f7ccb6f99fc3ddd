// Adversarial rule scripts that need precise assertions (docs/hardening.md, "The Lua host"):
// work inside C functions, metatable snapshots, the size of what rules hand to the host, the
// per-submission time limit and plugin arguments. The end-to-end pack
// tests/e2e/packs/adversarial covers every case once more through `meetlat check`.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>

#include "lua/lua_sandbox.h"
#include "meetlat/batch.h"
#include "support.h"

using namespace meetlat;
using namespace meetlat::test;

namespace {

std::string one_rule(const std::string& id, const std::string& body) {
  return "rule { id = \"" + id +
         "\", title = \"t\", severity = \"blocking\", source = \"t\", quote = \"t\",\n"
         "  check = function(s, p)\n" +
         body + "\n  end }\n";
}

// Evaluates `body` as rule XX-01 next to the sentinel OK-01 and returns XX-01's result.
RuleResult run_rule(const std::string& body, Limits* limits = nullptr) {
  PackFixture f(std::string(kSentinelRule) + one_rule("XX-01", body));
  if (limits != nullptr) {
    f.limits = *limits;
    f.reset();
  }
  SubmissionReport r = f.run();
  REQUIRE(rule(r, "OK-01") != nullptr);
  CHECK(rule(r, "OK-01")->outcome == Outcome::pass);
  REQUIRE(rule(r, "XX-01") != nullptr);
  return *rule(r, "XX-01");
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("one instruction over a huge string does not carry a rule past its time limit",
          "[sandbox][adversarial]") {
  // '<' on a 40 MB string is one VM instruction that compares 40 MB. With the hook every 1 000
  // instructions, a loop of such comparisons ran seconds past the limit; the hook now comes more
  // often while large objects live.
  Limits limits;
  limits.rule.instructions = 1'000'000'000'000ULL;
  limits.rule.time = std::chrono::milliseconds(200);
  limits.rule.memory = 128u << 20;
  for (const char* loop : {"for i = 1, 1e9 do if a < b then n = n + 1 end end",
                           "for i = 1, 1e9 do n = n + utf8.len(a) end"}) {
    INFO(loop);
    RuleResult r = run_rule(std::string("local h = ('x'):rep(20000000) local a = h .. h "
                                        "h = nil local b = a local n = 0 ") +
                                loop,
                            &limits);
    CHECK(r.outcome == Outcome::error);
    CHECK(contains(r.message, "tijdslimiet overschreden: langer dan 200 ms"));
    CHECK(r.nanoseconds < 1'500'000'000);  // before: 1 000 × 4 ms between two checks
  }
}

TEST_CASE("loops of the table library charge every element", "[sandbox][adversarial]") {
  const char* huge_len =
      "local t = setmetatable({}, { __len = function() return math.maxinteger - 1 end }) ";
  for (const std::string& call :
       {std::string("table.insert(t, 1, 'x')"), std::string("table.remove(t, 1)"),
        std::string("return pass(tostring(contains(t, 1)))")}) {
    INFO(call);
    RuleResult r = run_rule(huge_len + call);
    CHECK(r.outcome == Outcome::error);
    CHECK(contains(r.message, "rekenbudget overschreden"));
  }
  // table.sort over references to one 8 MB string: each comparison is charged by its length.
  RuleResult sorted = run_rule(
      "local big = ('x'):rep(8000000) local t = {} for i = 1, 5000 do t[i] = big end "
      "table.sort(t) return pass('klaar')");
  CHECK(contains(sorted.message, "rekenbudget overschreden"));
}

TEST_CASE("the bounded table functions behave like Lua's", "[sandbox][adversarial]") {
  RuleResult r = run_rule(R"lua(
    local t = {}
    for i = 1, 500 do t[i] = (i * 7919) % 1009 end
    table.sort(t)
    for i = 2, #t do if t[i - 1] > t[i] then return fail("niet gesorteerd bij " .. i) end end
    local w = { "peer", "appel", "Zebra", "banaan" }
    table.sort(w, function(a, b) return a:lower() < b:lower() end)
    if table.concat(w, ",") ~= "appel,banaan,peer,Zebra" then return fail(table.concat(w, ",")) end
    table.insert(w, 1, "eerst")
    table.insert(w, "laatst")
    if table.remove(w, 1) ~= "eerst" or table.remove(w) ~= "laatst" then return fail("insert/remove") end
    local m = table.move({ 1, 2, 3 }, 1, 3, 2, { 0 })
    if table.concat(m, "") ~= "0123" then return fail("move " .. table.concat(m, "")) end
    if select("#", table.unpack({ 1, 2, nil, 4 }, 1, 4)) ~= 4 then return fail("unpack") end
    if table.concat({ 1, 2.5, "x" }, "-", 2, 3) ~= "2.5-x" then return fail("concat bereik") end
    local ok, e = pcall(table.sort, { 3, 1, 2, 5, 4 }, function(a, b) return true end)
    if ok or not tostring(e):find("invalid order function") then return fail("orde: " .. tostring(e)) end
    local y = {}
    for i = 3000, 1, -1 do y[i * 2] = i end
    local ys = years(y)
    for i = 2, #ys do if ys[i - 1] >= ys[i] then return fail("years") end end
    return pass(#ys)
  )lua");
  INFO(r.message);
  CHECK(r.outcome == Outcome::pass);
  CHECK(r.message == "3000");
}

TEST_CASE("setmetatable takes a snapshot without finalizers or weak modes",
          "[sandbox][adversarial]") {
  RuleResult r = run_rule(R"lua(
    local mt = { __index = function() return "oud" end }
    local obj = setmetatable({}, mt)
    if getmetatable(obj) ~= mt then return fail("getmetatable geeft niet de eigen tabel") end
    mt.__index = function() return "nieuw" end
    if obj.x ~= "oud" then return fail("latere wijziging zichtbaar: " .. obj.x) end
    setmetatable(obj, { __index = function() return "vervangen" end })
    if obj.x ~= "vervangen" then return fail("vervangen lukt niet") end
    local Class = {}
    Class.__index = Class
    local inst = setmetatable({}, Class)
    function Class.hallo() return "hallo" end
    if inst.hallo() ~= "hallo" then return fail("methoden via __index") end
    local locked = setmetatable({}, { __metatable = "dicht" })
    if getmetatable(locked) ~= "dicht" or pcall(setmetatable, locked, {}) then
      return fail("__metatable van de regel zelf")
    end
    for _, key in ipairs({ "__gc", "__close", "__mode" }) do
      local ok, e = pcall(setmetatable, {}, { [key] = "k" })
      if ok or not tostring(e):find(key .. " is niet toegestaan") then return fail(key) end
    end
    local late = {}
    local t = setmetatable({}, late)
    late.__close = function() end
    local ok = pcall(function() local x <close> = t end)
    if ok then return fail("__close achteraf") end
    return pass("snapshot")
  )lua");
  INFO(r.message << "\n" << r.detail);
  CHECK(r.outcome == Outcome::pass);
}

TEST_CASE("outcomes and errors carry bounded text", "[sandbox][adversarial]") {
  CHECK(run_rule("return pass(('x'):rep(65536))").outcome == Outcome::pass);
  RuleResult big = run_rule("return pass(('x'):rep(65537))");
  CHECK(big.outcome == Outcome::error);
  CHECK(contains(big.message, "bericht te lang: 65537 bytes, hoogstens 65536"));
  RuleResult evidence = run_rule("return fail('x', ('p'):rep(40000), ('q'):rep(40000))");
  CHECK(evidence.outcome == Outcome::error);
  CHECK(contains(evidence.message, "uitkomst te groot"));
  RuleResult findings = run_rule(
      "local f = findings() for i = 1, 1000 do f:add(('bevinding %d '):format(i):rep(10)) end "
      "return f:result('ok')");
  CHECK(findings.outcome == Outcome::error);
  CHECK(contains(findings.message, "uitkomst te groot"));
  // Many tiny findings: counted, not re-measured one by one (that was quadratic in C).
  RuleResult many = run_rule(
      "local f = findings() for i = 1, 50000 do f:add('', 'p' .. i) end return f:result('ok')");
  CHECK(many.outcome == Outcome::error);
  CHECK(contains(many.message, "1000 bevindingen en 1000 bewijsstukken"));
  // 1 000 references to a 1 MB string: refused before anything is copied to the host.
  RuleResult refs = run_rule(
      "local big = ('x'):rep(1000000) local l = {} for i = 1, 1000 do l[i] = big end "
      "return fail('x', l)");
  CHECK(contains(refs.message, "uitkomst te groot"));
  RuleResult err = run_rule("error(('é'):rep(3000000))");
  CHECK(err.outcome == Outcome::error);
  CHECK(err.message.size() < 8192);
  CHECK(err.detail.size() < 20000);
  CHECK(contains(err.message, "… (ingekort: 60000"));  // 6 000 000 bytes and "file:line: "
  RuleResult name = run_rule("return _ENV[('n'):rep(1000000)]");
  CHECK(contains(name.message, "onbekende naam 'nnnn"));
  CHECK(contains(name.message, "(1000000 bytes)"));
  CHECK(name.message.size() < 300);
}

TEST_CASE("all rules of a submission share its time limit", "[sandbox][adversarial][limits]") {
  PackFixture f(one_rule("T-01", "while true do end") + one_rule("T-02", "while true do end") +
                one_rule("T-03", "return pass('laat')"));
  f.limits.rule.instructions = 1'000'000'000'000ULL;
  f.limits.rule.time = std::chrono::milliseconds(300);
  f.limits.submission_time = std::chrono::milliseconds(500);
  f.reset();
  SubmissionReport r = f.run();
  REQUIRE(r.rules.size() == 3);
  CHECK(contains(rule(r, "T-01")->message, "tijdslimiet overschreden: langer dan 300 ms"));
  CHECK(contains(rule(r, "T-02")->message,
                 "De regel is afgebroken: tijdslimiet per aanvraag overschreden: alle regels van "
                 "de aanvraag samen langer dan 500 ms"));
  CHECK(rule(r, "T-03")->outcome == Outcome::error);
  CHECK(
      contains(rule(r, "T-03")->message, "De regel is niet uitgevoerd: tijdslimiet per aanvraag"));
  CHECK(r.verdict == Verdict::onbeslist);
  // The next submission gets its own time.
  SubmissionReport again = f.run();
  CHECK(contains(rule(again, "T-01")->message, "tijdslimiet overschreden: langer dan 300 ms"));
}

TEST_CASE("plugin arguments count against the memory budget", "[sandbox][adversarial]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/r.lua",
            std::string(kSentinelRule) +
                one_rule("XX-01",
                         "local big = ('1'):rep(10000000) return pass(tostring(t.echo(big, big, "
                         "big, big, big, big, big, big)))"));
  std::vector<PluginBinding> plugins = {
      {"t", "echo", [](const std::vector<PluginValue>& args) -> Expected<std::vector<PluginValue>> {
         PluginValue v;
         v.kind = PluginValue::Kind::integer;
         v.integer = static_cast<std::int64_t>(args.size());
         return std::vector<PluginValue>{v};
       }}};
  Limits limits;
  limits.rule.memory = 32u << 20;
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  Evaluator ev(registry, limits, &plugins);
  Submission s = parse_submission(kInitiative, SubmissionFormat::toml, "s.toml");
  SubmissionReport r = ev.evaluate(s, PackChoice{{(dir.path() / "p").string()}}, HostData{});
  REQUIRE(rule(r, "XX-01") != nullptr);
  CHECK(rule(r, "XX-01")->outcome == Outcome::error);
  CHECK(contains(rule(r, "XX-01")->message, "geheugenlimiet overschreden: meer dan 32 MiB"));
  CHECK(rule(r, "OK-01")->outcome == Outcome::pass);
}

namespace {
// Keeps the file and the first input error of every report, in the order written.
class Keep : public ReportWriter {
 public:
  std::vector<std::pair<std::string, std::string>> seen;  // file, first input error
  void begin() override {}
  std::string render(const SubmissionReport& r) const override {
    return r.file + "\n" + (r.input_errors.empty() ? std::string() : r.input_errors[0].message);
  }
  void write(const std::string& rendered, Verdict) override {
    auto nl = rendered.find('\n');
    seen.emplace_back(rendered.substr(0, nl), rendered.substr(nl + 1));
  }
  void end(const std::vector<PackUse>&) override {}
};
}  // namespace

TEST_CASE("batch limits report the submissions they skip", "[batch][limits]") {
  TempDir dir;
  dir.write("p/pack.toml", manifest("p"));
  dir.write("p/rules/r.lua", kSentinelRule);
  std::vector<std::string> files;
  for (int i = 0; i < 6; ++i) {
    files.push_back(dir.write("in/s" + std::to_string(i) + ".toml", kInitiative).string());
  }
  auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
  for (unsigned jobs : {1u, 2u}) {
    INFO("jobs " << jobs);
    BatchOptions o;
    o.jobs = jobs;
    o.packs.named = {(dir.path() / "p").string()};
    o.batch_limits.max_files = 4;
    Keep k;
    BatchSummary sum = run_batch(files, registry, o, HostData{}, k);
    REQUIRE(k.seen.size() == 6);  // every file once, in order
    for (int i = 0; i < 6; ++i) CHECK(k.seen[i].first == files[i]);
    CHECK(k.seen[3].second.empty());
    CHECK(contains(k.seen[4].second,
                   "niet beoordeeld: de batch telt 6 aanvragen, meer dan de "
                   "limiet van 4 (--max-batch-files)"));
    CHECK(sum.per_verdict[static_cast<int>(Verdict::voldoet)] == 4);
    CHECK(sum.per_verdict[static_cast<int>(Verdict::ongeldig)] == 2);
    CHECK(sum.exit_status() == 2);

    o.batch_limits.max_files = 0;
    o.batch_limits.max_bytes = std::strlen(kInitiative) * 3;  // three files fit
    Keep b;
    run_batch(files, registry, o, HostData{}, b);
    REQUIRE(b.seen.size() == 6);
    CHECK(b.seen[2].second.empty());
    CHECK(contains(b.seen[3].second, "(--max-batch-size)"));
    CHECK(contains(b.seen[5].second, "(--max-batch-size)"));
  }
}
