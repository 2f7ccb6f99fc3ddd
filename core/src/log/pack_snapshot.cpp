// Snapshots of rule packs for the decision log: the exact files a decision was made with, so
// that `meetlat replay` can load them again (issue "meetlat serve": replay with the LOGGED rules).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <fstream>

#include "meetlat/decision_log.h"
#include "meetlat/submission.h"

namespace meetlat {

namespace fs = std::filesystem;

fs::path scratch_dir(std::string_view what) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  return fs::temp_directory_path(ec) /
         fmt::format("meetlat-{}-{}-{}", what, ::getpid(), counter.fetch_add(1));
}

Expected<fs::path> materialise_snapshot(const PackSnapshot& snapshot, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{fmt::format("{}: {}", dir.string(), ec.message())};
  for (const auto& [relative, bytes] : snapshot.files) {
    fs::path rel = fs::path(relative).lexically_normal();
    // Paths come from the database, which may have been edited: nothing may land outside `dir`.
    if (rel.empty() || rel.is_absolute() || *rel.begin() == "..") {
      return Error{fmt::format("ongeldig pad in kopie van regelpakket: '{}'", relative)};
    }
    fs::path target = dir / rel;
    fs::create_directories(target.parent_path(), ec);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Error{fmt::format("{}: schrijven mislukt", target.string())};
  }
  return dir;
}

Expected<PackSnapshot> snapshot_pack(const RulePack& pack) {
  PackSnapshot snap;
  snap.hash = pack.hash;
  snap.name = pack.manifest.name;
  snap.version = pack.manifest.version;
  // The inputs of the pack hash (read_rule_pack): pack.toml, params.toml when present, and the
  // scripts. The scripts are taken as they were read; the two TOML files are read again and the
  // check below catches an edit in between.
  for (const char* name : {"pack.toml", "params.toml"}) {
    fs::path file = pack.dir / name;
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;
    auto text = read_regular_file(file.string(), 4u << 20);
    if (!text) return Error{fmt::format("{}: {}", file.string(), text.error().message)};
    snap.files.emplace_back(name, std::move(*text));
  }
  for (const PackScript& s : pack.scripts) snap.files.emplace_back(s.relative_path, s.text);

  auto hash = snapshot_hash(snap);
  if (!hash) {
    return Error{
        fmt::format("kopie van regelpakket {} laadt niet: {}", snap.name, hash.error().message)};
  }
  if (*hash != pack.hash) {
    return Error{
        fmt::format("regelpakket {} is gewijzigd sinds het werd gelezen (hash {} in plaats van {})",
                    snap.name, *hash, pack.hash)};
  }
  return snap;
}

Expected<std::string> snapshot_hash(const PackSnapshot& snapshot) {
  fs::path tmp = scratch_dir("snapshot");
  auto dir = materialise_snapshot(snapshot, tmp / snapshot.name);
  Expected<std::string> result = Error{""};
  if (!dir) {
    result = dir.error();
  } else if (auto pack = read_rule_pack(*dir)) {
    result = (*pack)->hash;
  } else {
    result = pack.error();
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return result;
}

}  // namespace meetlat
