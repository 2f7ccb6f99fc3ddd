// Helpers for the unit tests: temporary packs and submissions written from strings.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "meetlat/evaluator.h"
#include "meetlat/host_data.h"
#include "meetlat/submission.h"

namespace meetlat::test {

/// A folder under the system temp directory, removed when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("meetlat-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

  std::filesystem::path write(const std::string& relative, const std::string& content) const {
    std::filesystem::path p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

/// A minimal valid pack manifest; `extra` is appended (parameters, applies_to, ...).
inline std::string manifest(const std::string& name = "testpack", const std::string& extra = "") {
  return "[pack]\nname = \"" + name + "\"\nversion = \"1.0.0\"\ntitle = \"Test\"\n" + extra;
}

/// A rule that always passes; used as the sentinel that must still run after a hostile rule.
inline const char* kSentinelRule = R"lua(
rule {
  id = "OK-01", title = "Sentinel", severity = "blocking", source = "test", quote = "test",
  check = function(s, p) return pass("ok") end,
}
)lua";

/// A pack script: the sentinel OK-01 and one rule XX-01 whose check function runs `body`.
inline std::string sentinel_and_rule(const std::string& body) {
  return std::string(kSentinelRule) + R"lua(
rule {
  id = "XX-01", title = "Proef", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
)lua" + body +
         R"lua(
  end,
}
)lua";
}

/// A minimal valid initiative submission.
inline const char* kInitiative = R"toml(
[aanvraag]
soort = "initiatief"
regio = "IJsselland"
titel = "Test"
ingediend = 2020-04-14

[initiatief]
thema = "ambulantisering"
gevraagd_bedrag = 30000
)toml";

/// Writes a pack with one script and evaluates a submission text against it.
struct PackFixture {
  TempDir dir;
  Limits limits;
  std::shared_ptr<PackRegistry> registry;
  std::unique_ptr<Evaluator> evaluator;

  explicit PackFixture(const std::string& script, const std::string& manifest_extra = "",
                       const std::string& params = "") {
    dir.write("pack/pack.toml", manifest("testpack", manifest_extra));
    dir.write("pack/rules/rules.lua", script);
    if (!params.empty()) dir.write("pack/params.toml", params);
    limits.rule.time = std::chrono::milliseconds(60'000);  // deterministic: instructions trip first
    limits.rule.instructions = 2'000'000;
    limits.rule.memory = 16u << 20;
    reset();
  }

  void reset() {
    registry = std::make_shared<PackRegistry>(PackSearchPath{});
    evaluator = std::make_unique<Evaluator>(registry, limits);
  }

  std::string pack_path() const { return (dir.path() / "pack").string(); }

  SubmissionReport run(const std::string& text = kInitiative,
                       SubmissionFormat format = SubmissionFormat::toml,
                       const HostData& host = HostData{}) {
    Submission s = parse_submission(text, format, "test.toml");
    PackChoice choice{{pack_path()}};
    return evaluator->evaluate(s, choice, host);
  }
};

inline const RuleResult* rule(const SubmissionReport& r, const std::string& id) {
  for (const auto& x : r.rules) {
    if (x.id == id) return &x;
  }
  return nullptr;
}

}  // namespace meetlat::test
