// Reading rule packs from disk (interfaces.md, "Rule packs"): the manifest, typed parameters with
// optional validity periods, the Lua scripts and a content hash that identifies the exact rules.
#include "meetlat/rule_pack.h"

#include <openssl/evp.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "../input/toml_document.h"
#include "meetlat/money.h"
#include "meetlat/submission.h"
#include "meetlat/text.h"

#ifndef MEETLAT_BUILTIN_RULES_DIR
#define MEETLAT_BUILTIN_RULES_DIR "rules"
#endif

namespace meetlat {

namespace fs = std::filesystem;

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{len} * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

namespace {

constexpr std::string_view kParamTypes[] = {"integer", "decimal", "money",     "money_map",
                                            "date",    "text",    "text_list", "integer_list",
                                            "boolean", "table"};

class ManifestReader {
 public:
  ManifestReader(std::string file, std::vector<std::string>& errors)
      : file_(std::move(file)), errors_(errors) {}

  void error(const toml::source_region& where, std::string_view key, std::string message) {
    if (where.begin.line > 0) {
      errors_.push_back(fmt::format("{}:{}:{}: {}: {}", file_, where.begin.line, where.begin.column,
                                    key, message));
    } else {
      errors_.push_back(fmt::format("{}: {}: {}", file_, key, message));
    }
  }

  std::string text(const toml::table& t, std::string_view section, std::string_view key,
                   bool required) {
    const toml::node* n = t.get(key);
    std::string path = fmt::format("[{}].{}", section, key);
    if (n == nullptr) {
      if (required) error(t.source(), path, "ontbreekt");
      return {};
    }
    if (!n->is_string()) {
      error(n->source(), path, "moet tekst zijn");
      return {};
    }
    return std::string(n->as_string()->get());
  }

  std::vector<std::string> texts(const toml::table& t, std::string_view section,
                                 std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) return out;
    std::string path = fmt::format("[{}].{}", section, key);
    if (!n->is_array()) {
      error(n->source(), path, "moet een lijst van teksten zijn");
      return out;
    }
    for (const toml::node& item : *n->as_array()) {
      if (!item.is_string()) {
        error(item.source(), path, "moet een lijst van teksten zijn");
        continue;
      }
      out.emplace_back(item.as_string()->get());
    }
    return out;
  }

  void unknown_keys(const toml::table& t, std::string_view section,
                    std::initializer_list<std::string_view> known) {
    for (auto&& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
        std::string_view best;
        std::size_t best_d = 99;
        for (auto kn : known) {
          std::size_t d = edit_distance(k.str(), kn);
          if (d < best_d) {
            best_d = d;
            best = kn;
          }
        }
        error(k.source(),
              section.empty() ? std::string(k.str()) : fmt::format("[{}].{}", section, k.str()),
              best_d <= 3 ? fmt::format("onbekende sleutel; bedoelde u '{}'?", best)
                          : std::string("onbekende sleutel"));
      }
    }
  }

 private:
  std::string file_;
  std::vector<std::string>& errors_;
};

bool valid_pack_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

// Checks a parameter value against its declared type and converts money to cents.
void check_param(Document& doc, NodeId id, const ParamDecl& decl, const std::string& file,
                 std::vector<std::string>& errors) {
  Node& n = doc.node(id);
  auto err = [&](std::string msg) {
    errors.push_back(
        fmt::format("{}:{}:{}: {}: {}", file, n.pos.line, n.pos.column, doc.path(id), msg));
  };
  auto to_money = [&](NodeId nid) {
    Node& m = doc.node(nid);
    MoneyProblem p = (m.kind == NodeKind::integer || m.kind == NodeKind::real)
                         ? convert_to_money(m)
                         : MoneyProblem::syntax;
    if (p != MoneyProblem::none) {
      errors.push_back(fmt::format("{}:{}:{}: {}: de waarde {}", file, m.pos.line, m.pos.column,
                                   doc.path(nid), describe(p)));
    }
  };
  const std::string& t = decl.type;
  if (t == "integer") {
    if (n.kind != NodeKind::integer) err("verwacht een geheel getal");
  } else if (t == "decimal") {
    if (n.kind != NodeKind::integer && n.kind != NodeKind::real) err("verwacht een getal");
  } else if (t == "money") {
    to_money(id);
  } else if (t == "money_map") {
    if (n.kind != NodeKind::table) {
      err("verwacht een tabel met bedragen, bijvoorbeeld { IJmond = 301291 }");
      return;
    }
    for (NodeId c : children(doc, id)) to_money(c);
  } else if (t == "date") {
    if (n.kind != NodeKind::date) err("verwacht een datum (JJJJ-MM-DD)");
  } else if (t == "text") {
    if (n.kind != NodeKind::string) err("verwacht tekst");
  } else if (t == "text_list" || t == "integer_list") {
    NodeKind want = t == "text_list" ? NodeKind::string : NodeKind::integer;
    if (n.kind != NodeKind::array) {
      err("verwacht een lijst");
      return;
    }
    for (NodeId c : children(doc, id)) {
      if (doc.node(c).kind != want) err("verwacht een lijst van " + std::string(kind_name(want)));
    }
  } else if (t == "boolean") {
    if (n.kind != NodeKind::boolean) err("verwacht true of false");
  } else if (t == "table") {
    if (n.kind != NodeKind::table) err("verwacht een tabel");
  }
}

// Copies node `id` of `src` (with its subtree) under `parent` of `dst`.
void copy_node(const Document& src, NodeId id, Document& dst, NodeId parent) {
  const Node& n = src.node(id);
  NodeId c = dst.add(parent, n.key, n.kind, n.pos);
  Node& out = dst.node(c);
  out.value = n.value;
  out.text = dst.store(n.text);
  for (NodeId child : children(src, id)) copy_node(src, child, dst, c);
}

bool is_control_key(std::string_view key) {
  return key == "severity" || key == "versions" || key == "geldig_vanaf" || key == "geldig_tot";
}

// Builds one parameter Document: the base values of `all`, overlaid with the members of
// `version` (a node of `all`, or kNoNode for the base), then checked against the declarations.
std::shared_ptr<Document> build_params(const Document& all, NodeId version,
                                       const std::vector<ParamDecl>& decls, const std::string& file,
                                       std::vector<std::string>& errors) {
  auto doc = std::make_shared<Document>();
  doc->source_name = file;
  for (NodeId c : children(all, all.root())) {
    const Node& n = all.node(c);
    if (is_control_key(n.key)) continue;
    if (version != kNoNode && all.find(version, n.key) != kNoNode) continue;
    copy_node(all, c, *doc, doc->root());
  }
  if (version != kNoNode) {
    for (NodeId c : children(all, version)) {
      if (!is_control_key(all.node(c).key)) copy_node(all, c, *doc, doc->root());
    }
  }
  for (NodeId c : children(*doc, doc->root())) {
    const Node& n = doc->node(c);
    auto it = std::find_if(decls.begin(), decls.end(),
                           [&](const ParamDecl& d) { return d.name == n.key; });
    if (it == decls.end()) {
      errors.push_back(
          fmt::format("{}:{}:{}: parameter '{}' is niet gedeclareerd in pack.toml "
                      "([parameters.{}] met een type)",
                      file, n.pos.line, n.pos.column, n.key, n.key));
      continue;
    }
    if (n.key.size() >= 2 && n.key[0] == '_' && n.key[1] == '_') {
      errors.push_back(
          fmt::format("{}: parameter '{}': namen met '__' zijn gereserveerd", file, n.key));
    }
    check_param(*doc, c, *it, file, errors);
  }
  if (version == kNoNode) {
    for (const ParamDecl& d : decls) {
      if (doc->find(doc->root(), d.name) == kNoNode) {
        errors.push_back(
            fmt::format("{}: parameter '{}' is gedeclareerd maar heeft geen waarde", file, d.name));
      }
    }
  }
  return doc;
}

}  // namespace

const ParamVersion& RulePack::params_for(std::string_view date) const {
  // Later versions take precedence: the most specific period that contains the date.
  if (!date.empty()) {
    for (std::size_t i = params.size(); i-- > 1;) {  // [0] is the undated base
      const ParamVersion& v = params[i];
      bool after = v.valid_from.empty() || date >= v.valid_from;
      bool before = v.valid_to.empty() || date <= v.valid_to;
      if (after && before) return v;
    }
  }
  return params.front();
}

std::string RulePack::why_not_applicable(const Submission& s) const {
  const PackManifest& m = manifest;
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += i + 1 == v.size() ? " of " : ", ";
      out += v[i];
    }
    return out;
  };
  if (!m.applies_soort.empty() &&
      std::find(m.applies_soort.begin(), m.applies_soort.end(), s.soort) == m.applies_soort.end()) {
    return fmt::format("regelpakket '{}' geldt voor soort {}; deze aanvraag is soort '{}'", m.name,
                       join(m.applies_soort), s.soort);
  }
  if (!m.applies_regio.empty() &&
      std::find(m.applies_regio.begin(), m.applies_regio.end(), s.regio) == m.applies_regio.end()) {
    return fmt::format(
        "regelpakket '{}' geldt alleen voor regio {}; deze aanvraag is van regio "
        "'{}'",
        m.name, join(m.applies_regio), s.regio);
  }
  for (const std::string& key : m.applies_requires) {
    if (s.doc.find(s.doc.root(), key) == kNoNode) {
      return fmt::format("regelpakket '{}' vereist [{}] in de aanvraag; die ontbreekt", m.name,
                         key);
    }
  }
  return {};
}

PackProblem split_problem(std::string_view located) {
  const std::string s(located);
  PackProblem p;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t colon = s.find(':', i);
    if (colon == std::string::npos) break;
    bool digit_next =
        colon + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[colon + 1]));
    bool space_next = colon + 1 < s.size() && s[colon + 1] == ' ';
    if (digit_next || space_next) {
      p.file = s.substr(0, colon);
      std::size_t pos = colon + 1;
      int* numbers[] = {&p.line, &p.column};
      for (int* n : numbers) {
        if (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          std::size_t end = s.find(':', pos);
          *n = std::atoi(s.substr(pos, end - pos).c_str());
          pos = end == std::string::npos ? s.size() : end + 1;
        }
      }
      while (pos < s.size() && s[pos] == ' ') ++pos;
      p.message = s.substr(pos);
      // Lua's own messages start with the chunk name and line again: "FILE: FILE:4: 'end'
      // expected" or "FILE:4: FILE:4: ...", a long name shortened to "...END-OF-FILE:4:": say
      // them once.
      std::size_t name_end = std::string::npos;
      if (p.message.starts_with(p.file + ":")) {
        name_end = p.file.size();
      } else if (p.message.starts_with("...")) {
        std::size_t c = p.message.find(':');
        if (c != std::string::npos && c > 3 &&
            std::string_view(p.file).ends_with(std::string_view(p.message).substr(3, c - 3))) {
          name_end = c;
        }
      }
      if (name_end != std::string::npos) {
        std::size_t d = name_end + 1;
        int line = 0;
        while (d < p.message.size() && std::isdigit(static_cast<unsigned char>(p.message[d]))) {
          line = line * 10 + (p.message[d++] - '0');
        }
        if (line > 0 && (p.line == 0 || p.line == line) && d < p.message.size() &&
            p.message[d] == ':') {
          p.line = line;
          ++d;
          while (d < p.message.size() && p.message[d] == ' ') ++d;
          p.message.erase(0, d);
        }
      }
      return p;
    }
    i = colon + 1;
  }
  p.message = s;
  return p;
}

Expected<std::shared_ptr<const RulePack>> read_rule_pack(const fs::path& dir,
                                                         std::vector<PackProblem>* problems) {
  auto pack = std::make_shared<RulePack>();
  pack->dir = dir;
  std::vector<std::string> errors;
  const std::string manifest_file = (dir / "pack.toml").string();
  std::string hash_input;

  std::string manifest_text;
  auto manifest = detail::parse_toml_file(manifest_file, manifest_text);
  if (!manifest) {
    if (problems != nullptr) problems->push_back(split_problem(manifest.error().message));
    return Error{manifest.error().message};
  }
  hash_input += fmt::format("pack.toml\n{}\n{}", manifest_text.size(), manifest_text);
  ManifestReader r(manifest_file, errors);
  PackManifest& m = pack->manifest;
  const toml::table& top = *manifest;
  r.unknown_keys(top, "", {"pack", "applies_to", "documents", "parameters", "params", "schema"});

  if (const toml::table* p = top["pack"].as_table()) {
    r.unknown_keys(*p, "pack",
                   {"name", "version", "title", "description", "geldig_vanaf", "geldig_tot"});
    for (auto [key, out] :
         {std::pair{"geldig_vanaf", &m.valid_from}, std::pair{"geldig_tot", &m.valid_to}}) {
      if (const toml::node* d = p->get(key)) {
        if (const auto* date = d->as_date()) {
          *out = fmt::format("{:04}-{:02}-{:02}", date->get().year, date->get().month,
                             date->get().day);
        } else {
          r.error(d->source(), fmt::format("[pack].{}", key), "moet een datum zijn (2021-01-01)");
        }
      }
    }
    m.name = r.text(*p, "pack", "name", true);
    m.version = r.text(*p, "pack", "version", true);
    m.title = r.text(*p, "pack", "title", true);
    m.description = r.text(*p, "pack", "description", false);
    if (!m.name.empty() && !valid_pack_name(m.name)) {
      r.error(p->get("name")->source(), "[pack].name",
              "alleen kleine letters, cijfers en '-', bijvoorbeeld \"begroting\"");
    }
  } else {
    r.error(top.source(), "[pack]", "sectie ontbreekt (name, version, title)");
  }
  if (const toml::table* a = top["applies_to"].as_table()) {
    r.unknown_keys(*a, "applies_to", {"soort", "regio", "requires", "joins_when_present"});
    m.applies_soort = r.texts(*a, "applies_to", "soort");
    m.applies_regio = r.texts(*a, "applies_to", "regio");
    m.applies_requires = r.texts(*a, "applies_to", "requires");
    m.joins_when_present = r.texts(*a, "applies_to", "joins_when_present");
  }
  if (const toml::table* d = top["documents"].as_table()) {
    for (auto&& [k, v] : *d) {
      if (!v.is_string()) {
        r.error(v.source(), fmt::format("[documents].{}", k.str()), "moet tekst zijn");
        continue;
      }
      m.documents.emplace(std::string(k.str()), std::string(v.as_string()->get()));
    }
  }
  if (const toml::table* params = top["parameters"].as_table()) {
    for (auto&& [k, v] : *params) {
      std::string path = fmt::format("[parameters.{}]", k.str());
      const toml::table* t = v.as_table();
      if (t == nullptr) {
        r.error(v.source(), path,
                "moet een tabel zijn: { type = \"money\", description = \"...\" }");
        continue;
      }
      r.unknown_keys(*t, fmt::format("parameters.{}", k.str()), {"type", "description"});
      ParamDecl decl;
      decl.name = std::string(k.str());
      decl.type = r.text(*t, fmt::format("parameters.{}", k.str()), "type", true);
      decl.description = r.text(*t, fmt::format("parameters.{}", k.str()), "description", false);
      if (!decl.type.empty() && std::find(std::begin(kParamTypes), std::end(kParamTypes),
                                          decl.type) == std::end(kParamTypes)) {
        r.error(t->get("type")->source(), path + ".type",
                fmt::format("onbekend type '{}'; kies uit integer, decimal, money, money_map, "
                            "date, text, text_list, integer_list, boolean, table",
                            decl.type));
      }
      m.parameters.push_back(std::move(decl));
    }
  }
  if (const toml::table* schema = top["schema"].as_table()) {
    r.unknown_keys(*schema, "schema", {"strict_keys", "extra_keys"});
    if (const toml::node* s = schema->get("strict_keys")) {
      if (s->is_boolean()) {
        m.strict_keys = s->as_boolean()->get();
      } else {
        r.error(s->source(), "[schema].strict_keys", "moet true of false zijn");
      }
    }
    m.extra_keys = r.texts(*schema, "schema", "extra_keys");
  }

  // Parameter values: params.toml, or a [params] table in pack.toml.
  const fs::path params_path = dir / "params.toml";
  std::string params_text;
  toml::table params_table;
  std::string params_file = manifest_file;
  std::error_code ec;
  if (fs::exists(params_path, ec)) {
    params_file = params_path.string();
    auto parsed = detail::parse_toml_file(params_file, params_text);
    if (!parsed) {
      errors.push_back(parsed.error().message);
    } else {
      params_table = std::move(*parsed);
      hash_input += fmt::format("params.toml\n{}\n{}", params_text.size(), params_text);
    }
  }
  // toml++ drops source positions when a table is copied, so inline [params] are read in place.
  const toml::table* params_src = &params_table;
  if (params_text.empty()) {
    if (const toml::table* inline_params = top["params"].as_table()) {
      params_src = inline_params;
      params_text = manifest_text;
    }
  }
  // [severity]: policy staff may make an advisory rule blocking without touching Lua.
  if (const toml::table* sev = (*params_src)["severity"].as_table()) {
    for (auto&& [k, v] : *sev) {
      auto s = v.is_string() ? severity_from_string(v.as_string()->get()) : std::nullopt;
      if (!s) {
        errors.push_back(
            fmt::format("{}:{}:{}: [severity].{}: moet \"blocking\" of \"advisory\" "
                        "zijn",
                        params_file, v.source().begin.line, v.source().begin.column, k.str()));
        continue;
      }
      pack->severity_overrides[std::string(k.str())] = *s;
    }
  }
  // [[versions]]: values in force between geldig_vanaf and geldig_tot (dated rule versions).
  // The whole file becomes one Document (keeping positions and literal numbers); each version is
  // the base values overlaid with that version's members.
  Document all;  // every value of the parameter file, with positions
  detail::toml_to_document(*params_src, params_text, all, all.root());
  pack->params.push_back(
      {"", "", "", build_params(all, kNoNode, m.parameters, params_file, errors)});
  NodeId versions = all.find(all.root(), "versions");
  if (versions != kNoNode && all.node(versions).kind != NodeKind::array) {
    errors.push_back(fmt::format("{}: [[versions]] moet een lijst van tabellen zijn", params_file));
  } else if (versions != kNoNode) {
    for (NodeId v : children(all, versions)) {
      const Node& vn = all.node(v);
      if (vn.kind != NodeKind::table) {
        errors.push_back(
            fmt::format("{}: [[versions]] moet een lijst van tabellen zijn", params_file));
        continue;
      }
      ParamVersion pv;
      auto date_of = [&](std::string_view key) -> std::string {
        NodeId d = all.find(v, key);
        return d != kNoNode && all.node(d).kind == NodeKind::date ? std::string(all.node(d).text)
                                                                  : std::string();
      };
      pv.valid_from = date_of("geldig_vanaf");
      pv.valid_to = date_of("geldig_tot");
      if (pv.valid_from.empty() && pv.valid_to.empty()) {
        errors.push_back(
            fmt::format("{}:{}: [[versions]] heeft geldig_vanaf en/of geldig_tot "
                        "nodig (datums)",
                        params_file, vn.pos.line));
        continue;
      }
      if (!pv.valid_from.empty() && !pv.valid_to.empty() && pv.valid_from > pv.valid_to) {
        errors.push_back(fmt::format("{}:{}: [[versions]]: geldig_vanaf {} ligt na geldig_tot {}",
                                     params_file, vn.pos.line, pv.valid_from, pv.valid_to));
      }
      pv.label = fmt::format("{} t/m {}", pv.valid_from.empty() ? "…" : pv.valid_from,
                             pv.valid_to.empty() ? "…" : pv.valid_to);
      pv.values = build_params(all, v, m.parameters, params_file, errors);
      pack->params.push_back(std::move(pv));
    }
  }

  // Scripts: every rules/*.lua, in name order, so that the order of rules is stable.
  const fs::path rules_dir = dir / "rules";
  std::vector<fs::path> files;
  if (fs::is_directory(rules_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(rules_dir, ec)) {
      if (entry.path().extension() == ".lua" && entry.is_regular_file(ec)) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    errors.push_back(fmt::format("{}: geen regels gevonden (verwacht rules/*.lua)", dir.string()));
  }
  for (const fs::path& f : files) {
    auto text = read_regular_file(f.string(), 4u << 20);
    if (!text) {
      errors.push_back(fmt::format("{}: {}", f.string(), text.error().message));
      continue;
    }
    PackScript script;
    script.relative_path = "rules/" + f.filename().string();
    script.display_path = (dir / "rules" / f.filename()).lexically_normal().string();
    script.text = std::move(*text);
    if (!is_valid_utf8(script.text)) {
      errors.push_back(fmt::format("{}: bevat ongeldige UTF-8-tekens", script.display_path));
    }
    hash_input += fmt::format("{}\n{}\n{}", script.relative_path, script.text.size(), script.text);
    pack->scripts.push_back(std::move(script));
  }

  if (!errors.empty()) {
    // A base value is checked again for every [[versions]] period that inherits it: say it once.
    std::vector<std::string> unique;
    for (auto& e : errors) {
      if (std::find(unique.begin(), unique.end(), e) == unique.end())
        unique.push_back(std::move(e));
    }
    errors = std::move(unique);
    std::string message;
    for (const auto& e : errors) {
      message += e + "\n";
      if (problems != nullptr) problems->push_back(split_problem(e));
    }
    return Error{std::move(message)};
  }
  pack->hash = "sha256:" + sha256_hex(hash_input);
  return std::shared_ptr<const RulePack>(std::move(pack));
}

PackSearchPath PackSearchPath::from_environment() {
  PackSearchPath p;
  if (const char* env = std::getenv("MEETLAT_RULES_PATH")) {
    std::string_view v(env);
    while (!v.empty()) {
      std::size_t colon = v.find(':');
      std::string_view part = v.substr(0, colon);
      if (!part.empty()) p.add(fs::path(part));
      if (colon == std::string_view::npos) break;
      v.remove_prefix(colon + 1);
    }
  }
  p.add(fs::path(MEETLAT_BUILTIN_RULES_DIR));
  return p;
}

Expected<fs::path> PackSearchPath::resolve(const std::string& name_or_path) const {
  std::error_code ec;
  bool looks_like_path =
      name_or_path.find('/') != std::string::npos || name_or_path == "." || name_or_path == "..";
  if (looks_like_path || fs::exists(fs::path(name_or_path) / "pack.toml", ec)) {
    fs::path p(name_or_path);
    if (!fs::exists(p / "pack.toml", ec)) {
      return Error{fmt::format("{}: geen regelpakket (pack.toml ontbreekt)", name_or_path)};
    }
    return p;
  }
  std::string searched;
  for (const fs::path& dir : dirs_) {
    fs::path candidate = dir / name_or_path;
    if (fs::exists(candidate / "pack.toml", ec)) return candidate;
    if (!searched.empty()) searched += ", ";
    searched += dir.string();
  }
  return Error{
      fmt::format("regelpakket '{}' niet gevonden; gezocht in: {}", name_or_path, searched)};
}

std::vector<fs::path> PackSearchPath::all_packs() const {
  std::vector<fs::path> out;
  std::set<std::string> names;
  std::error_code ec;
  for (const fs::path& dir : dirs_) {
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> here;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_directory(ec) && fs::exists(entry.path() / "pack.toml", ec)) {
        here.push_back(entry.path());
      }
    }
    std::sort(here.begin(), here.end());
    for (auto& p : here) {
      // The first folder of a name on the search path wins, as in resolve().
      if (names.insert(p.filename().string()).second) out.push_back(p);
    }
  }
  return out;
}

}  // namespace meetlat
