// Fuzz target: a rule pack's pack.toml and params.toml. The input is the manifest, optionally
// followed by a NUL byte and the parameter file (TOML text has no NUL bytes, so the split costs
// nothing). Both are written into a temporary pack folder next to one fixed rule that walks every
// parameter, and read with read_rule_pack() as `meetlat` reads a pack from disk. A pack that reads
// is then loaded into a sandbox and evaluated over a fixed submission, so the parameters also
// travel through the read-only Lua views.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "meetlat/evaluator.h"
#include "meetlat/host_data.h"
#include "meetlat/rule_pack.h"
#include "meetlat/submission.h"

using namespace meetlat;
namespace fs = std::filesystem;

namespace {

// Visits every parameter (bounded depth) and converts every value to text.
constexpr const char* kWalkRule = R"lua(
local function walk(t, depth)
  local n = 0
  if depth > 40 then return n end
  for _, v in pairs(t) do
    n = n + 1
    if type(v) == "table" then n = n + walk(v, depth + 1) else local _ = tostring(v) end
  end
  return n
end

rule {
  id = "FZ-01", title = "Alle parameters", severity = "advisory", source = "fuzz", quote = "fuzz",
  check = function(s, p) return pass(("%d parameters"):format(walk(p, 0))) end,
}
)lua";

// Submissions the fuzzed applies_to may accept; the first one that applies is evaluated.
constexpr const char* kSubmissions[] = {
    R"toml(
[aanvraag]
soort = "initiatief"
regio = "IJsselland"
titel = "Fuzz"
ingediend = 2020-04-14

[initiatief]
thema = "ambulantisering"
gevraagd_bedrag = 30000

[begroting]
jaren = [2020]
)toml",
    R"toml(
[aanvraag]
soort = "transformatieplan"
regio = "IJmond"
titel = "Fuzz"
ingediend = 2018-09-30
periode = [2018, 2020]
)toml",
};

fs::path g_dir;

void write_file(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void remove_dir() {
  std::error_code ec;
  fs::remove_all(g_dir, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::string tmpl = (fs::temp_directory_path() / "meetlat-fuzz-pack-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  g_dir = tmpl;
  fs::create_directories(g_dir / "rules");
  write_file(g_dir / "rules" / "fz01.lua", kWalkRule);
  std::atexit(remove_dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t nul = input.find('\0');
  write_file(g_dir / "pack.toml", input.substr(0, nul));
  std::error_code ec;
  if (nul == std::string_view::npos) {
    fs::remove(g_dir / "params.toml", ec);
  } else {
    write_file(g_dir / "params.toml", input.substr(nul + 1));
  }

  std::vector<PackProblem> problems;
  auto pack = read_rule_pack(g_dir, &problems);
  if (!pack) {
    MEETLAT_FUZZ_CHECK(!pack.error().message.empty(), "an error without a message");
    MEETLAT_FUZZ_CHECK(!problems.empty(), pack.error().message);
    for (const PackProblem& p : problems) MEETLAT_FUZZ_CHECK(!p.message.empty(), p.file);
    return 0;
  }
  const RulePack& rp = **pack;
  MEETLAT_FUZZ_CHECK(rp.hash.rfind("sha256:", 0) == 0 && rp.hash.size() == 7 + 64, rp.hash);
  MEETLAT_FUZZ_CHECK(!rp.manifest.name.empty(), "a pack without a name");
  MEETLAT_FUZZ_CHECK(!rp.params.empty(), "a pack without base parameters");
  for (const ParamVersion& v : rp.params) MEETLAT_FUZZ_CHECK(v.values != nullptr, v.label);
  MEETLAT_FUZZ_CHECK(rp.scripts.size() == 1, "the fixed rule is missing");

  // Load and run: the fixed rule must pass on the first submission the pack applies to.
  for (const char* text : kSubmissions) {
    Submission s = parse_submission(text, SubmissionFormat::toml, "fuzz.toml");
    MEETLAT_FUZZ_CHECK(s.readable(), "a fixed submission does not read");
    if (!rp.why_not_applicable(s).empty()) continue;
    auto registry = std::make_shared<PackRegistry>(PackSearchPath{});
    Limits limits;
    limits.rule.time = std::chrono::milliseconds(60'000);  // instructions and memory trip first
    limits.load.time = std::chrono::milliseconds(60'000);
    Evaluator evaluator(registry, limits);
    SubmissionReport r = evaluator.evaluate(s, PackChoice{{g_dir.string()}}, HostData{});
    MEETLAT_FUZZ_CHECK(r.input_errors.empty(), r.input_errors.front().message);
    MEETLAT_FUZZ_CHECK(r.rules.size() == 1 || (r.rules.size() == 2 && r.rules[0].id == "SCHEMA"),
                       "not one result for the one rule");
    const RuleResult& fz = r.rules.back();
    MEETLAT_FUZZ_CHECK(fz.id == "FZ-01" && fz.outcome == Outcome::pass,
                       fz.id + ": " + fz.message + "\n" + fz.detail);
    break;
  }
  return 0;
}
