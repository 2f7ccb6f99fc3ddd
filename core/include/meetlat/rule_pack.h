// Rule packs: a folder with `pack.toml`, `params.toml`, Lua rule scripts in `rules/` and test cases
// in `tests/` (interfaces.md, "Rule packs"). Reading a pack never runs its Lua; that is the
// sandbox's job. A pack is immutable once read and shared between worker threads.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "meetlat/document.h"
#include "meetlat/expected.h"
#include "meetlat/outcome.h"

namespace meetlat {

struct Submission;

/// A parameter the pack declares, with the type its values must have.
struct ParamDecl {
  std::string name;
  std::string type;  ///< integer, decimal, money, money_map, date, text, text_list, integer_list,
                     ///< boolean, table
  std::string description;
};

struct PackManifest {
  std::string name;
  std::string version;
  std::string title;
  std::string description;
  /// The period this version of the pack is in force ("YYYY-MM-DD"; empty = open). Several
  /// versions of a pack may be installed; a submission gets the one in force on its
  /// `aanvraag.ingediend` (issue "Policy staff's workflow", dated rule versions).
  std::string valid_from;
  std::string valid_to;
  // Applies-to conditions; an empty list means "any".
  std::vector<std::string> applies_soort;
  std::vector<std::string> applies_regio;
  std::vector<std::string> applies_requires;  ///< top-level keys the submission must have
  /// Without --pack, this pack joins every submission that has one of these top-level keys
  /// (interfaces.md: "the begroting pack joins whenever a submission has a [begroting]").
  std::vector<std::string> joins_when_present;
  std::map<std::string, std::string> documents;  ///< "004" -> full title of the source document
  std::vector<ParamDecl> parameters;
  /// When set, keys a submission has beyond the submission format and `extra_keys` are reported
  /// as an aandachtspunt (submission-format.md: "A pack may declare the keys it knows").
  bool strict_keys = false;
  std::vector<std::string> extra_keys;
};

struct PackScript {
  std::string relative_path;  ///< e.g. "rules/bg01_subtotalen.lua"
  std::string display_path;   ///< path shown in messages, e.g. "rules/begroting/rules/bg01.lua"
  std::string text;
};

/// One set of parameter values, in force from `valid_from` up to and including `valid_to`.
struct ParamVersion {
  std::string label;  ///< "" for the undated base values, else e.g. "2021-01-01 t/m 2021-12-31"
  std::string valid_from;            ///< "YYYY-MM-DD" or "" for open
  std::string valid_to;              ///< "YYYY-MM-DD" or "" for open
  std::shared_ptr<Document> values;  ///< money converted to cents
};

class RulePack {
 public:
  std::filesystem::path dir;
  PackManifest manifest;
  std::vector<PackScript> scripts;
  std::vector<ParamVersion> params;  ///< [0] is the base; later entries override by date
  std::map<std::string, Severity> severity_overrides;
  std::string hash;  ///< "sha256:<hex>" over manifest, parameters and scripts

  /// The parameter values in force on a date ("YYYY-MM-DD"; "" = base values).
  const ParamVersion& params_for(std::string_view date) const;

  /// Why the pack does not apply to a submission, in Dutch; empty when it applies.
  std::string why_not_applicable(const Submission& s) const;
};

/// A problem in a pack's files, located where possible.
struct PackProblem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
};

/// Splits a located message "file[:line[:column]]: text" (as the pack reader and the Lua host
/// write them) into its parts; without a location the whole text is the message.
PackProblem split_problem(std::string_view located);

/// Reads a pack folder: manifest, parameters (checked against their declared types), scripts.
/// Errors name the file, the key and, where known, the line; `problems`, when given, receives
/// them one by one as well.
Expected<std::shared_ptr<const RulePack>> read_rule_pack(
    const std::filesystem::path& dir, std::vector<PackProblem>* problems = nullptr);

/// Where packs are looked up by name: the installed `rules/` folder plus MEETLAT_RULES_PATH.
class PackSearchPath {
 public:
  /// The default: MEETLAT_RULES_PATH entries first, then the built-in rules folder.
  static PackSearchPath from_environment();
  void add(std::filesystem::path dir) { dirs_.push_back(std::move(dir)); }
  const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

  /// A path (contains '/' or names an existing folder) or a pack name looked up in the path.
  Expected<std::filesystem::path> resolve(const std::string& name_or_path) const;
  /// Every pack folder found in the search path (folders holding a pack.toml), by name.
  std::vector<std::filesystem::path> all_packs() const;

 private:
  std::vector<std::filesystem::path> dirs_;
};

/// SHA-256 of bytes, as lowercase hex.
std::string sha256_hex(std::string_view bytes);

}  // namespace meetlat
