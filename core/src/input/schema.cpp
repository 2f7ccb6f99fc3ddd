// Validation of a submission against submission-format.md: required keys, types, the enumeration
// `aanvraag.soort`, money. Every problem is collected, not only the first. Unknown keys are kept
// for the rules; other enumerations are for the packs to judge (submission-format.md).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <span>

#include "meetlat/evaluator.h"
#include "meetlat/money.h"
#include "meetlat/submission.h"
#include "meetlat/text.h"

namespace meetlat {
namespace {

enum class Shape : std::uint8_t {
  string,
  date,
  integer,
  boolean,
  number,             // integer or decimal, not money (hours per week)
  money,              // exact cents
  per_year_money,     // { 2020 = 121440, ... }
  money_or_per_year,  // bijdrage: one amount for the whole period, or per year
  integer_or_per_year,
  year_range,  // [first_year, last_year]
  table,
  array_of_tables,
  array_of_strings,
  array_of_integers,
};

enum class Required : std::uint8_t { no, yes, for_transformatieplan };

struct Field {
  std::string_view key;
  Shape shape;
  Required required = Required::no;
  std::span<const Field> fields = {};
};

// Field tables, following the sections of submission-format.md.
constexpr Field kContact[] = {{"naam", Shape::string},
                              {"functie", Shape::string},
                              {"telefoon", Shape::string},
                              {"email", Shape::string}};
constexpr Field kAanvraag[] = {
    {"soort", Shape::string, Required::yes},
    {"regeling", Shape::string},
    {"regio", Shape::string, Required::yes},
    {"titel", Shape::string, Required::yes},
    {"ingediend", Shape::date, Required::yes},
    {"indiener", Shape::string},
    {"periode", Shape::year_range, Required::for_transformatieplan},
    {"gemeenten", Shape::array_of_strings},
    {"contact", Shape::table, Required::no, kContact},
};
constexpr Field kUitkering[] = {{"grootste_gemeente", Shape::string}, {"ontvanger", Shape::string}};
constexpr Field kCriterion[] = {{"voldaan", Shape::boolean}, {"toelichting", Shape::string}};
constexpr Field kBasisOpOrde[] = {{"expertteam", Shape::table, Required::no, kCriterion},
                                  {"wachttijden", Shape::table, Required::no, kCriterion},
                                  {"meerjarige_inkoop", Shape::table, Required::no, kCriterion},
                                  {"informatievoorziening", Shape::table, Required::no, kCriterion},
                                  {"visie_lokale_teams", Shape::table, Required::no, kCriterion}};
constexpr Field kActiviteit[] = {{"onderwerp", Shape::string},
                                 {"actielijnen", Shape::array_of_integers},
                                 {"doel", Shape::string},
                                 {"aanleiding", Shape::string},
                                 {"onderbouwing", Shape::string},
                                 {"inzet", Shape::string},
                                 {"merkbaar", Shape::string},
                                 {"monitoring", Shape::string},
                                 {"eindproducten", Shape::array_of_strings},
                                 {"partners", Shape::array_of_strings},
                                 {"bijdrage", Shape::money_or_per_year},
                                 {"bijdrage_toelichting", Shape::string}};
constexpr Field kBerekening[] = {{"uren_per_week", Shape::number},
                                 {"tarief", Shape::money},
                                 {"weken", Shape::integer_or_per_year}};
constexpr Field kPost[] = {{"categorie", Shape::string},
                           {"omschrijving", Shape::string},
                           {"bedrag", Shape::per_year_money},
                           {"berekening", Shape::table, Required::no, kBerekening}};
constexpr Field kSubtotaal[] = {{"categorie", Shape::string}, {"bedrag", Shape::per_year_money}};
constexpr Field kBedragPerJaar[] = {{"bedrag", Shape::per_year_money}};
constexpr Field kUitspraak[] = {{"post", Shape::string},
                                {"categorie", Shape::string},
                                {"tekst", Shape::string},
                                {"bedrag", Shape::money},
                                {"berekening", Shape::table, Required::no, kBerekening},
                                {"jaar", Shape::integer},
                                {"totaal", Shape::boolean}};
constexpr Field kBegroting[] = {{"jaren", Shape::array_of_integers},
                                {"post", Shape::array_of_tables, Required::no, kPost},
                                {"subtotaal", Shape::array_of_tables, Required::no, kSubtotaal},
                                {"onvoorzien", Shape::table, Required::no, kBedragPerJaar},
                                {"totaal", Shape::table, Required::no, kBedragPerJaar},
                                {"uitspraak", Shape::array_of_tables, Required::no, kUitspraak}};
constexpr Field kSubsidie[] = {{"toegekend", Shape::money},
                               {"besteed_voor_begroting", Shape::money},
                               {"saldo", Shape::per_year_money}};
constexpr Field kInitiatief[] = {{"omschrijving", Shape::string},
                                 {"thema", Shape::string},
                                 {"gevraagd_bedrag", Shape::money},
                                 {"beoogde_resultaten", Shape::array_of_strings},
                                 {"nulmeting", Shape::string}};
constexpr Field kBijdragenAnswer[] = {{"bijdragen", Shape::array_of_strings},
                                      {"toelichting", Shape::string}};
constexpr Field kThemaAnswer[] = {{"bijdrage", Shape::string}, {"toelichting", Shape::string}};
constexpr Field kNieuwAnswer[] = {{"nieuw", Shape::boolean},
                                  {"voorbeelden_elders", Shape::array_of_strings},
                                  {"toelichting", Shape::string}};
constexpr Field kBoolAnswer[] = {{"antwoord", Shape::boolean}, {"toelichting", Shape::string}};
constexpr Field kMeetlat[] = {
    {"stip_op_de_horizon", Shape::table, Required::no, kBijdragenAnswer},
    {"bestuurlijke_doelen", Shape::table, Required::no, kBijdragenAnswer},
    {"transformatiethema", Shape::table, Required::no, kThemaAnswer},
    {"nieuw", Shape::table, Required::no, kNieuwAnswer},
    {"lerend_samenwerken", Shape::table, Required::no, kBoolAnswer},
    {"positieve_gezondheid", Shape::table, Required::no, kBoolAnswer},
};
constexpr Field kRoot[] = {
    {"aanvraag", Shape::table, Required::yes, kAanvraag},
    {"uitkering", Shape::table, Required::no, kUitkering},
    {"basis_op_orde", Shape::table, Required::no, kBasisOpOrde},
    {"activiteit", Shape::array_of_tables, Required::no, kActiviteit},
    {"begroting", Shape::table, Required::no, kBegroting},
    {"subsidie", Shape::table, Required::no, kSubsidie},
    {"initiatief", Shape::table, Required::no, kInitiatief},
    {"meetlat", Shape::table, Required::no, kMeetlat},
};

constexpr std::string_view kSoorten[] = {"transformatieplan", "initiatief"};

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0;
  int m = 0;
  int d = 0;
  for (int i : {0, 1, 2, 3}) {
    if (s[i] < '0' || s[i] > '9') return false;
    y = y * 10 + (s[i] - '0');
  }
  for (int i : {5, 6}) {
    if (s[i] < '0' || s[i] > '9') return false;
    m = m * 10 + (s[i] - '0');
  }
  for (int i : {8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
    d = d * 10 + (s[i] - '0');
  }
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

class Validator {
 public:
  explicit Validator(Submission& s) : s_(s), doc_(s.doc) {}

  void run() {
    if (doc_.has_underscore_key()) check_reserved_keys(doc_.root());
    NodeId aanvraag = doc_.find(doc_.root(), "aanvraag");
    if (aanvraag != kNoNode && doc_.node(aanvraag).kind == NodeKind::table) {
      NodeId soort = doc_.find(aanvraag, "soort");
      if (soort != kNoNode && doc_.node(soort).kind == NodeKind::string) {
        soort_ = doc_.node(soort).text;
      }
    }
    check_table(doc_.root(), kRoot);
    if (!soort_.empty()) check_soort();
    summarise();
    // check_table visits exactly the tables unknown_keys() walks (collect_unknown).
    s_.keys_all_known = !unknown_seen_;
  }

 private:
  void error(NodeId at, std::string message) {
    const Node& n = doc_.node(at);
    s_.errors.push_back({doc_.path(at), n.pos.line, n.pos.column, std::move(message)});
  }
  void error_missing(NodeId table, std::string_view key, std::string message) {
    const Node& n = doc_.node(table);
    s_.errors.push_back(
        {doc_.member_path(table, key), n.pos.line, n.pos.column, std::move(message)});
  }

  // Keys starting with "__" are refused: the Lua side keeps its bookkeeping under such names.
  void check_reserved_keys(NodeId id) {
    for (NodeId c : children(doc_, id)) {
      const Node& n = doc_.node(c);
      if (n.key.size() >= 2 && n.key[0] == '_' && n.key[1] == '_') {
        error(c, fmt::format("sleutel '{}' is niet toegestaan: namen die met '__' beginnen zijn "
                             "gereserveerd",
                             n.key));
      }
      if (n.is_container()) check_reserved_keys(c);
    }
  }

  static std::string show_value(const Node& n) {
    switch (n.kind) {
      case NodeKind::string: {
        std::string_view t = n.text.substr(0, 40);
        return fmt::format("tekst \"{}{}\"", t, n.text.size() > 40 ? "…" : "");
      }
      case NodeKind::integer:
        return fmt::format("geheel getal {}", n.value.integer);
      case NodeKind::real:
        return fmt::format("getal {}", n.text.empty() ? fmt::format("{}", n.value.real) : n.text);
      case NodeKind::boolean:
        return n.value.boolean ? "true" : "false";
      case NodeKind::date:
        return fmt::format("datum {}", n.text);
      default:
        return std::string(kind_name(n.kind));
    }
  }

  void check_table(NodeId table, std::span<const Field> fields) {
    std::uint32_t matched = 0;  // members with a key of `fields` (keys are unique per table)
    for (const Field& f : fields) {
      NodeId c = doc_.find(table, f.key);
      if (c == kNoNode) {
        bool required =
            f.required == Required::yes ||
            (f.required == Required::for_transformatieplan && soort_ == "transformatieplan");
        if (required) {
          error_missing(table, f.key,
                        f.required == Required::for_transformatieplan
                            ? fmt::format("verplichte sleutel '{}' ontbreekt (verplicht voor een "
                                          "transformatieplan)",
                                          f.key)
                            : fmt::format("verplichte sleutel '{}' ontbreekt", f.key));
        }
        continue;
      }
      ++matched;
      check_value(c, f);
    }
    if (matched != doc_.node(table).child_count) unknown_seen_ = true;
  }

  void wrong_type(NodeId at, std::string_view expected) {
    error(at, fmt::format("verwacht {}, gevonden: {}", expected, show_value(doc_.node(at))));
  }

  // Converts an integer or decimal node into exact cents in place.
  void to_money(NodeId id) {
    Node& n = doc_.node(id);
    if (n.kind != NodeKind::integer && n.kind != NodeKind::real) {
      wrong_type(id, "een bedrag in euro's (getal)");
      return;
    }
    MoneyProblem p = convert_to_money(n);  // changes the node only when the amount is valid
    if (p == MoneyProblem::none) return;
    std::string shown =
        n.kind == NodeKind::integer ? std::to_string(n.value.integer) : std::string(n.text);
    error(id, fmt::format("bedrag {} {}", shown, describe(p)));
  }

  void check_per_year(NodeId id, Shape value_shape) {
    for (NodeId c : children(doc_, id)) {
      const Node& n = doc_.node(c);
      if (!is_year_key(n.key)) {
        error(c, fmt::format("sleutel '{}' is geen jaartal; een bedrag per jaar heeft jaren als "
                             "sleutels, bijvoorbeeld {{ 2020 = 121440 }}",
                             n.key));
        continue;
      }
      if (value_shape == Shape::money) {
        to_money(c);
      } else if (n.kind != NodeKind::integer) {
        wrong_type(c, "een geheel getal");
      }
    }
  }

  void check_value(NodeId id, const Field& f) {
    Node& n = doc_.node(id);
    switch (f.shape) {
      case Shape::string:
        if (n.kind != NodeKind::string) wrong_type(id, "tekst");
        break;
      case Shape::date:
        if (n.kind == NodeKind::string && valid_date(n.text)) {
          n.kind = NodeKind::date;  // JSON writes dates as strings
        } else if (n.kind != NodeKind::date) {
          wrong_type(id, "een datum (JJJJ-MM-DD, bijvoorbeeld 2018-09-30)");
        }
        break;
      case Shape::integer:
        if (n.kind != NodeKind::integer) wrong_type(id, "een geheel getal");
        break;
      case Shape::boolean:
        if (n.kind != NodeKind::boolean) wrong_type(id, "true of false");
        break;
      case Shape::number:
        if (n.kind != NodeKind::integer && n.kind != NodeKind::real) {
          wrong_type(id, "een getal");
        } else if ((n.kind == NodeKind::integer && n.value.integer < 0) ||
                   (n.kind == NodeKind::real && !(n.value.real >= 0))) {
          error(id, fmt::format("{} mag niet negatief zijn", show_value(n)));
        }
        break;
      case Shape::money:
        to_money(id);
        break;
      case Shape::per_year_money:
        if (n.kind != NodeKind::table) {
          wrong_type(id, "bedragen per jaar, bijvoorbeeld { 2020 = 121440, 2021 = 121440 }");
        } else {
          check_per_year(id, Shape::money);
        }
        break;
      case Shape::money_or_per_year:
        if (n.kind == NodeKind::table) {
          check_per_year(id, Shape::money);
        } else {
          to_money(id);
        }
        break;
      case Shape::integer_or_per_year:
        if (n.kind == NodeKind::table) {
          check_per_year(id, Shape::integer);
        } else if (n.kind != NodeKind::integer) {
          wrong_type(id, "een geheel getal of een getal per jaar");
        }
        break;
      case Shape::year_range:
        check_year_range(id);
        break;
      case Shape::table:
        if (n.kind != NodeKind::table) {
          wrong_type(id, "een tabel");
        } else {
          check_table(id, f.fields);
        }
        break;
      case Shape::array_of_tables:
        if (n.kind != NodeKind::array) {
          wrong_type(id, fmt::format("een lijst van tabellen ([[{}]])", n.key));
          break;
        }
        for (NodeId c : children(doc_, id)) {
          if (doc_.node(c).kind != NodeKind::table) {
            wrong_type(c, "een tabel");
          } else {
            check_table(c, f.fields);
          }
        }
        break;
      case Shape::array_of_strings:
        if (n.kind != NodeKind::array) {
          wrong_type(id, "een lijst van teksten, bijvoorbeeld [\"a\", \"b\"]");
          break;
        }
        for (NodeId c : children(doc_, id)) {
          if (doc_.node(c).kind != NodeKind::string) wrong_type(c, "tekst");
        }
        break;
      case Shape::array_of_integers:
        if (n.kind != NodeKind::array) {
          wrong_type(id, "een lijst van gehele getallen, bijvoorbeeld [2, 3]");
          break;
        }
        for (NodeId c : children(doc_, id)) {
          if (doc_.node(c).kind != NodeKind::integer) wrong_type(c, "een geheel getal");
        }
        break;
    }
  }

  void check_year_range(NodeId id) {
    const Node& n = doc_.node(id);
    if (n.kind != NodeKind::array || n.child_count != 2) {
      wrong_type(id, "[eerste_jaar, laatste_jaar], bijvoorbeeld [2018, 2020]");
      return;
    }
    NodeId a = n.first_child;
    NodeId b = doc_.node(a).next_sibling;
    bool ok = true;
    for (NodeId c : {a, b}) {
      const Node& y = doc_.node(c);
      if (y.kind != NodeKind::integer || y.value.integer < 1900 || y.value.integer > 2200) {
        wrong_type(c, "een jaartal");
        ok = false;
      }
    }
    if (ok && doc_.node(a).value.integer > doc_.node(b).value.integer) {
      error(id, fmt::format("periode loopt achteruit: {} ligt na {}", doc_.node(a).value.integer,
                            doc_.node(b).value.integer));
    }
  }

  void check_soort() {
    for (auto s : kSoorten) {
      if (soort_ == s) return;
    }
    NodeId node = doc_.find_path("aanvraag.soort");
    error(node, fmt::format("onbekende soort '{}': kies \"transformatieplan\" of \"initiatief\"",
                            soort_));
  }

  void summarise() {
    auto text = [&](std::string_view path) -> std::string {
      NodeId id = doc_.find_path(path);
      if (id == kNoNode) return {};
      const Node& n = doc_.node(id);
      return n.kind == NodeKind::string || n.kind == NodeKind::date ? std::string(n.text)
                                                                    : std::string();
    };
    s_.soort = text("aanvraag.soort");
    s_.regio = text("aanvraag.regio");
    s_.regeling = text("aanvraag.regeling");
    s_.titel = text("aanvraag.titel");
    s_.ingediend = text("aanvraag.ingediend");
    s_.has_begroting = doc_.find(doc_.root(), "begroting") != kNoNode;
  }

  Submission& s_;
  Document& doc_;
  std::string_view soort_;
  bool unknown_seen_ = false;  ///< a table had a member with a key not in its fields
};

}  // namespace

void validate_submission(Submission& out) {
  Validator(out).run();
}

MoneyProblem convert_to_money(Node& n) {
  Cents cents = 0;
  MoneyProblem p = MoneyProblem::syntax;
  if (n.kind == NodeKind::integer) {
    if (n.value.integer < 0) {
      p = MoneyProblem::negative;
    } else if (n.value.integer > kMaxMoneyCents / 100) {
      p = MoneyProblem::too_large;
    } else {
      p = MoneyProblem::none;
      cents = n.value.integer * 100;
    }
  } else if (n.kind == NodeKind::real) {
    p = n.text.empty() ? MoneyProblem::syntax : parse_money(n.text, cents);
    if (p == MoneyProblem::syntax) {
      // No usable literal text (or "inf"/"nan"): the double must be exact cents itself.
      auto d = decimal_from_double(n.value.real);
      p = d ? decimal_to_cents(*d, cents) : MoneyProblem::syntax;
    }
  }
  if (p == MoneyProblem::none) {
    n.kind = NodeKind::money;
    n.value.cents = cents;
  }
  return p;
}

}  // namespace meetlat

namespace meetlat {
namespace {

// `norm` is the normalised path of `id` (no indices), extended and restored in place: this walk
// runs for every submission evaluated by a strict pack, and a string per member was 6 % of the
// whole evaluation (callgrind, bench/README.md).
void collect_unknown(const Document& doc, NodeId id, std::span<const Field> fields,
                     std::string& norm, const std::vector<std::string>& extra,
                     std::vector<std::pair<std::string, std::string>>& out) {
  const std::size_t base = norm.size();
  for (NodeId c : children(doc, id)) {
    const Node& n = doc.node(c);
    const Field* f = nullptr;
    for (const Field& candidate : fields) {
      if (Document::same_key(candidate.key, n.key)) f = &candidate;
    }
    if (f != nullptr && f->shape != Shape::table && f->shape != Shape::array_of_tables) continue;
    if (base != 0) norm += '.';
    norm += n.key;
    if (f == nullptr) {
      if (std::find(extra.begin(), extra.end(), norm) == extra.end()) {
        std::string suggestion;
        std::size_t best = 99;
        for (const Field& candidate : fields) {
          std::size_t d = edit_distance(n.key, candidate.key);
          if (d < best && d <= 3) {
            best = d;
            suggestion = std::string(candidate.key);
          }
        }
        out.emplace_back(doc.path(c), suggestion);
      }
    } else if (f->shape == Shape::table && n.kind == NodeKind::table) {
      collect_unknown(doc, c, f->fields, norm, extra, out);
    } else if (f->shape == Shape::array_of_tables && n.kind == NodeKind::array) {
      for (NodeId item : children(doc, c)) {
        if (doc.node(item).kind == NodeKind::table) {
          collect_unknown(doc, item, f->fields, norm, extra, out);
        }
      }
    }
    norm.resize(base);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> unknown_keys(
    const Document& doc, const std::vector<std::string>& extra) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string norm;
  collect_unknown(doc, doc.root(), kRoot, norm, extra, out);
  return out;
}

}  // namespace meetlat
