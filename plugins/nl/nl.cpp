// Plugin "nl": helpers Dutch rules need (docs/plugins.md, "De plugin nl").
//
//   nl.bedrag("€ 1.082.131,50")     -> 108213150            or nil, reden
//   nl.euro(108213150)              -> "€ 1.082.131,50"
//   nl.zoek_bedrag(tekst [, init])  -> centen, begin, eind   or nil  (next "€ ..." in a text)
//   nl.iban_geldig("NL91 ABNA 0417 1643 00")  -> true        or false, reden
//   nl.kvk_geldig("12345678")       -> true                  or false, reden
//   nl.postcode_geldig("1234 AB")   -> true                  or false, reden
//   nl.postcode("1234ab")           -> "1234 AB"             or nil, reden
//   nl.datum("1 oktober 2018")      -> "2018-10-01"          or nil, reden
//   nl.datum_tekst("2018-10-01")    -> "1 oktober 2018"      or nil, reden
//
// A text that is not what was asked for gives nil/false and a reason (a rule can report it); an
// argument of the wrong type is a mistake in the rule and gives an error (outcome `error`).
//
// Thread safety: the functions keep no state; the strings they return live in a per-thread
// buffer that the host copies before this thread calls into the plugin again.
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include "../common/dutch.h"
#include "meetlat/plugin.h"

namespace {

using meetlat_plugins::Date;

// Returned strings and error messages: copied by the host right after the call returns.
thread_local char t_buffer[1024];

class Out {
 public:
  explicit Out(meetlat_result* r) : r_(r) {}

  void nil() { next().kind = MEETLAT_NIL; }
  void boolean(bool b) {
    meetlat_value& v = next();
    v.kind = MEETLAT_BOOLEAN;
    v.boolean = b ? 1 : 0;
  }
  void integer(std::int64_t i) {
    meetlat_value& v = next();
    v.kind = MEETLAT_INTEGER;
    v.integer = i;
  }
  // One string per call fits the buffer; every function returns at most one.
  void string(std::string_view s) {
    std::size_t n = s.size() < sizeof t_buffer - 1 ? s.size() : sizeof t_buffer - 1;
    std::memcpy(t_buffer, s.data(), n);
    t_buffer[n] = '\0';
    meetlat_value& v = next();
    v.kind = MEETLAT_STRING;
    v.string = t_buffer;
    v.length = n;
  }
  void error(std::string_view message) {
    std::size_t n = message.size() < sizeof t_buffer - 1 ? message.size() : sizeof t_buffer - 1;
    std::memcpy(t_buffer, message.data(), n);
    t_buffer[n] = '\0';
    r_->error = t_buffer;
  }

 private:
  meetlat_value& next() {
    meetlat_value& v = r_->values[r_->count++];
    v = meetlat_value{};
    return v;
  }
  meetlat_result* r_;
};

const char* kind_name(const meetlat_value& v) {
  switch (v.kind) {
    case MEETLAT_NIL:
      return "nil";
    case MEETLAT_BOOLEAN:
      return "een boolean";
    case MEETLAT_INTEGER:
      return "een geheel getal";
    case MEETLAT_NUMBER:
      return "een getal";
    case MEETLAT_STRING:
      return "een tekst";
  }
  return "een onbekende waarde";
}

// The text argument `i`, or an error in `out`.
bool text_arg(const meetlat_value* args, int nargs, int i, std::string_view& text, Out& out) {
  if (i >= nargs || args[i].kind != MEETLAT_STRING) {
    out.error(std::string("verwacht een tekst als argument ") + std::to_string(i + 1) + " (kreeg " +
              (i >= nargs ? "niets" : kind_name(args[i])) + ")");
    return false;
  }
  text = std::string_view(args[i].string, args[i].length);
  return true;
}

// An integer argument; a float with an integral value is accepted (Lua's 2.0).
bool integer_arg(const meetlat_value* args, int nargs, int i, std::int64_t& value, Out& out) {
  if (i < nargs && args[i].kind == MEETLAT_INTEGER) {
    value = args[i].integer;
    return true;
  }
  if (i < nargs && args[i].kind == MEETLAT_NUMBER) {
    double d = args[i].number;
    if (d == static_cast<double>(static_cast<std::int64_t>(d)) && d > -9.2e18 && d < 9.2e18) {
      value = static_cast<std::int64_t>(d);
      return true;
    }
  }
  out.error(std::string("verwacht een geheel getal (centen) als argument ") +
            std::to_string(i + 1) + " (kreeg " + (i >= nargs ? "niets" : kind_name(args[i])) + ")");
  return false;
}

// A C++ exception must never cross the C boundary: every function runs inside this.
template <class F>
void guarded(meetlat_result* result, F&& body) {
  Out out(result);
  try {
    body(out);
  } catch (const std::exception& e) {
    result->count = 0;
    out.error(std::string("interne fout in plugin nl: ") + e.what());
  } catch (...) {
    result->count = 0;
    out.error("interne fout in plugin nl");
  }
}

std::string quoted(std::string_view text) {
  return "'" + meetlat_plugins::shorten(text, 40) + "'";
}

// ---- nl.bedrag, nl.euro, nl.zoek_bedrag ----

void fn_bedrag(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    std::int64_t cents = 0;
    std::string reason;
    if (meetlat_plugins::parse_amount(text, cents, reason)) {
      out.integer(cents);
    } else {
      out.nil();
      out.string(quoted(text) + " is geen bedrag: " + reason);
    }
  });
}

void fn_euro(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::int64_t cents = 0;
    if (!integer_arg(args, nargs, 0, cents, out)) return;
    out.string(meetlat_plugins::format_euro(cents));
  });
}

void fn_zoek_bedrag(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    std::int64_t init = 1;
    if (nargs > 1 && args[1].kind != MEETLAT_NIL && !integer_arg(args, nargs, 1, init, out)) {
      return;
    }
    if (init < 1) init = 1;
    if (init > static_cast<std::int64_t>(text.size())) {
      out.nil();
      return;
    }
    std::int64_t cents = 0;
    std::size_t begin = 0;
    std::size_t end = 0;
    if (!meetlat_plugins::find_amount(text, static_cast<std::size_t>(init - 1), cents, begin,
                                      end)) {
      out.nil();
      return;
    }
    out.integer(cents);
    out.integer(static_cast<std::int64_t>(begin) + 1);  // Lua positions: 1-based, inclusive
    out.integer(static_cast<std::int64_t>(end));
  });
}

// ---- nl.iban_geldig ----

struct IbanLength {
  const char* country;
  int length;
};
// SEPA countries (the IBAN registry of SWIFT); other countries are checked on mod 97 alone.
constexpr IbanLength kIbanLengths[] = {
    {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27}, {"GB", 22}, {"GI", 23}, {"GR", 27},
    {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18}, {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24},
    {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"VA", 22}};

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Returns "" when valid, else the reason.
std::string iban_problem(std::string_view text) {
  std::string iban;
  for (char c : text) {
    if (c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!is_upper(c) && !is_digit(c)) return "een IBAN bevat alleen letters, cijfers en spaties";
    iban.push_back(c);
  }
  if (iban.size() < 15 || iban.size() > 34) {
    return "een IBAN heeft 15 tot 34 tekens (een Nederlandse 18), deze heeft " +
           std::to_string(iban.size());
  }
  if (!is_upper(iban[0]) || !is_upper(iban[1]) || !is_digit(iban[2]) || !is_digit(iban[3])) {
    return "een IBAN begint met de landcode en twee controlecijfers, zoals NL91";
  }
  std::string country = iban.substr(0, 2);
  for (const IbanLength& l : kIbanLengths) {
    if (country == l.country && static_cast<int>(iban.size()) != l.length) {
      return "een IBAN uit " + country + " heeft " + std::to_string(l.length) +
             " tekens, deze heeft " + std::to_string(iban.size());
    }
  }
  if (country == "NL") {
    for (std::size_t i = 4; i < 8; ++i) {
      if (!is_upper(iban[i])) return "na NL en de controlecijfers volgt de bankcode: vier letters";
    }
    for (std::size_t i = 8; i < 18; ++i) {
      if (!is_digit(iban[i])) return "een Nederlandse IBAN eindigt op tien cijfers";
    }
  }
  // ISO 13616: move the first four characters to the end, letters become 10..35, mod 97 == 1.
  std::string moved = iban.substr(4) + iban.substr(0, 4);
  int rest = 0;
  for (char c : moved) {
    if (is_digit(c)) {
      rest = (rest * 10 + (c - '0')) % 97;
    } else {
      int v = c - 'A' + 10;
      rest = (rest * 100 + v) % 97;
    }
  }
  if (rest != 1) return "de controlecijfers kloppen niet (modulo 97); staat er een tikfout in?";
  return {};
}

void fn_iban_geldig(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    std::string problem = iban_problem(text);
    out.boolean(problem.empty());
    if (!problem.empty()) out.string(problem);
  });
}

// ---- nl.kvk_geldig ----
// A KvK number has 8 digits. The KvK stopped issuing numbers that pass the elfproef in 2020, so
// the elfproef would refuse valid new numbers: only the form is checked (docs/plugins.md).

void fn_kvk_geldig(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    std::string digits;
    for (char c : text) {
      if (c == ' ') continue;
      if (!is_digit(c)) {
        out.boolean(false);
        out.string("een KvK-nummer bestaat uit acht cijfers, zonder letters of leestekens");
        return;
      }
      digits.push_back(c);
    }
    if (digits.size() != 8) {
      out.boolean(false);
      out.string("een KvK-nummer heeft acht cijfers, dit heeft er " +
                 std::to_string(digits.size()));
      return;
    }
    if (digits == "00000000") {
      out.boolean(false);
      out.string("00000000 is geen KvK-nummer");
      return;
    }
    out.boolean(true);
  });
}

// ---- nl.postcode_geldig, nl.postcode ----
// "1234 AB": four digits not starting with 0, a space, two capitals; PostNL does not use the
// letter pairs SA, SD and SS. Lower case and a missing space are accepted; nl.postcode writes
// the official form.

std::string postcode_problem(std::string_view text, std::string& normal) {
  std::string compact;
  std::size_t spaces = 0;
  for (char c : text) {
    if (c == ' ') {
      ++spaces;
      continue;
    }
    compact.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  bool shape = compact.size() == 6 && is_digit(compact[0]) && is_digit(compact[1]) &&
               is_digit(compact[2]) && is_digit(compact[3]) && is_upper(compact[4]) &&
               is_upper(compact[5]);
  if (!shape) return "een postcode is vier cijfers en twee letters, zoals 1234 AB";
  if (text.size() > 7 || (text.size() == 7 && text[4] != ' ')) {
    return "een postcode is vier cijfers, een spatie en twee letters, zoals 1234 AB";
  }
  (void)spaces;
  if (compact[0] == '0') return "een postcode begint niet met 0";
  std::string letters = compact.substr(4);
  if (letters == "SA" || letters == "SD" || letters == "SS") {
    return "de lettercombinatie " + letters + " wordt in postcodes niet gebruikt";
  }
  normal = compact.substr(0, 4) + " " + letters;
  return {};
}

void fn_postcode_geldig(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    std::string normal;
    std::string problem = postcode_problem(text, normal);
    out.boolean(problem.empty());
    if (!problem.empty()) out.string(problem);
  });
}

void fn_postcode(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    std::string normal;
    std::string problem = postcode_problem(text, normal);
    if (problem.empty()) {
      out.string(normal);
    } else {
      out.nil();
      out.string(problem);
    }
  });
}

// ---- nl.datum, nl.datum_tekst ----

void fn_datum(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    Date d;
    std::string reason;
    if (meetlat_plugins::parse_dutch_date(text, d, reason)) {
      out.string(meetlat_plugins::iso_date(d));
    } else {
      out.nil();
      out.string(quoted(text) + ": " + reason);
    }
  });
}

void fn_datum_tekst(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  guarded(result, [&](Out& out) {
    std::string_view text;
    if (!text_arg(args, nargs, 0, text, out)) return;
    Date d;
    if (meetlat_plugins::parse_iso_date(text, d)) {
      out.string(meetlat_plugins::dutch_date(d));
    } else {
      out.nil();
      out.string(quoted(text) + " is geen datum in de vorm 2018-10-01");
    }
  });
}

struct Function {
  const char* name;
  const char* description;
  meetlat_function fn;
};

constexpr Function kFunctions[] = {
    {"bedrag", "bedrag(tekst): centen van een bedrag als '€ 1.082.131,50'; anders nil, reden",
     fn_bedrag},
    {"euro", "euro(centen): het bedrag als '€ 1.082.131,50'", fn_euro},
    {"zoek_bedrag",
     "zoek_bedrag(tekst [, begin]): het volgende '€ …' in een tekst: centen, begin, eind; of nil",
     fn_zoek_bedrag},
    {"iban_geldig", "iban_geldig(tekst): true, of false en reden (vorm en modulo 97)",
     fn_iban_geldig},
    {"kvk_geldig", "kvk_geldig(tekst): true, of false en reden (acht cijfers)", fn_kvk_geldig},
    {"postcode_geldig", "postcode_geldig(tekst): true, of false en reden ('1234 AB')",
     fn_postcode_geldig},
    {"postcode", "postcode(tekst): de postcode als '1234 AB'; anders nil, reden", fn_postcode},
    {"datum", "datum(tekst): '1 oktober 2018' als '2018-10-01'; anders nil, reden", fn_datum},
    {"datum_tekst", "datum_tekst(datum): '2018-10-01' als '1 oktober 2018'; anders nil, reden",
     fn_datum_tekst},
};

int init(const meetlat_host_v1* host) {
  for (const Function& f : kFunctions) {
    if (host->register_function(host->host, "nl", f.name, f.description, f.fn, nullptr) != 0) {
      host->fail(host->host, "registreren mislukt");
      return 1;
    }
  }
  return 0;
}

constexpr meetlat_plugin_info kInfo = {
    MEETLAT_PLUGIN_MAGIC,
    MEETLAT_PLUGIN_ABI_VERSION,
    sizeof(meetlat_host_v1),
    "nl",
    "1.0.0",
    "Nederlandse hulpfuncties voor regels: bedragen, datums, IBAN, KvK-nummer, postcode",
    init,
};

}  // namespace

extern "C" MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v1(void) {
  return &kInfo;
}
