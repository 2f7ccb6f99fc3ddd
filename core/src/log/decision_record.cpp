// The canonical serialisation of a decision (see decision_record.h). The member order is fixed
// here and the writer is compact, so the same record always gives the same bytes; the report is
// the last member and is kept byte for byte as the report writer produced it.
#include "meetlat/decision_record.h"

#include <simdjson.h>

#include "meetlat/json_writer.h"
#include "meetlat/text.h"

namespace meetlat {

namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
             (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
             static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kBase64[(n >> s) & 63]);
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Expected<std::string> base64_decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    auto pos = kBase64.find(c);
    if (pos == std::string_view::npos) return Error{"ongeldige base64"};
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

void write_record_summary(JsonWriter& w, const DecisionRecord& r) {
  w.key("titel").value(r.titel);
  w.key("regio").value(r.regio);
  w.key("regeling").value(r.regeling);
  w.key("soort").value(r.soort);
  w.key("ingediend").value(r.ingediend);
  w.key("verdict").value(r.verdict);
  w.key("engine").value(r.engine);
}

void write_record_context(JsonWriter& w, const DecisionRecord& r) {
  w.key("limits").begin_object();
  w.key("instructions").value(static_cast<std::uint64_t>(r.rule_budget.instructions));
  w.key("time_ms").value(static_cast<std::int64_t>(r.rule_budget.time.count()));
  w.key("memory_bytes").value(static_cast<std::uint64_t>(r.rule_budget.memory));
  w.end_object();
  w.key("committed").begin_array();
  for (const auto& c : r.committed) {
    w.begin_object();
    w.key("regio").value(c.regio);
    w.key("thema").value(c.thema);
    w.key("cents").value(static_cast<std::int64_t>(c.cents));
    w.end_object();
  }
  w.end_array();
  w.key("plugins").begin_array();
  for (const auto& [name, version] : r.plugins) {
    w.begin_object();
    w.key("name").value(name);
    w.key("version").value(version);
    w.end_object();
  }
  w.end_array();
}

std::string to_content(const DecisionRecord& r) {
  std::string out;
  JsonWriter w(out, false);
  w.begin_object();
  write_record_summary(w, r);
  w.key("packs").begin_array();
  for (const PackUse& p : r.packs) {
    w.begin_object();
    w.key("name").value(p.name);
    w.key("version").value(p.version);
    w.key("hash").value(p.hash);
    w.key("params_version").value(p.params_version);
    w.end_object();
  }
  w.end_array();
  w.key("requested_packs").begin_array();
  for (const auto& p : r.requested_packs) w.value(p);
  w.end_array();
  w.key("name").value(r.name);
  w.key("format").value(r.format == SubmissionFormat::json ? "json" : "toml");
  // Submissions with invalid UTF-8 are kept exactly, as base64: JSON text must be UTF-8.
  if (is_valid_utf8(r.text)) {
    w.key("text").value(r.text);
  } else {
    w.key("text_base64").value(base64_encode(r.text));
  }
  write_record_context(w, r);
  w.key("report").raw(r.report_json);
  w.end_object();
  return out;
}

Expected<DecisionRecord> parse_decision_content(std::string_view content) {
  namespace od = simdjson::ondemand;
  DecisionRecord r;
  simdjson::padded_string padded(content);
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc)) return Error{"besluit: geen geldige JSON"};
  od::object top;
  if (doc.get_object().get(top)) return Error{"besluit: geen JSON-object"};
  auto text_of = [](od::value v, std::string& out) -> bool {
    std::string_view s;
    if (v.get_string().get(s)) return false;
    out.assign(s);
    return true;
  };
  bool ok = true;
  bool has_report = false;
  std::string base64;
  for (auto field : top) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return Error{"besluit: ongeldige sleutel"};
    od::value v;
    if (field.value().get(v)) return Error{"besluit: ongeldige waarde"};
    if (key == "titel") {
      ok = ok && text_of(v, r.titel);
    } else if (key == "regio") {
      ok = ok && text_of(v, r.regio);
    } else if (key == "regeling") {
      ok = ok && text_of(v, r.regeling);
    } else if (key == "soort") {
      ok = ok && text_of(v, r.soort);
    } else if (key == "ingediend") {
      ok = ok && text_of(v, r.ingediend);
    } else if (key == "verdict") {
      ok = ok && text_of(v, r.verdict);
    } else if (key == "engine") {
      ok = ok && text_of(v, r.engine);
    } else if (key == "name") {
      ok = ok && text_of(v, r.name);
    } else if (key == "format") {
      std::string f;
      ok = ok && text_of(v, f);
      r.format = f == "json" ? SubmissionFormat::json : SubmissionFormat::toml;
    } else if (key == "text") {
      ok = ok && text_of(v, r.text);
    } else if (key == "text_base64") {
      ok = ok && text_of(v, base64);
    } else if (key == "packs") {
      for (auto item : v.get_array()) {
        od::object o;
        if (item.get_object().get(o)) return Error{"besluit: packs"};
        PackUse p;
        for (auto f : o) {
          std::string_view k;
          od::value pv;
          if (f.unescaped_key().get(k) || f.value().get(pv)) return Error{"besluit: packs"};
          std::string* dst = k == "name"             ? &p.name
                             : k == "version"        ? &p.version
                             : k == "hash"           ? &p.hash
                             : k == "params_version" ? &p.params_version
                                                     : nullptr;
          if (dst != nullptr) ok = ok && text_of(pv, *dst);
        }
        r.packs.push_back(std::move(p));
      }
    } else if (key == "requested_packs") {
      for (auto item : v.get_array()) {
        std::string_view s;
        if (item.get_string().get(s)) return Error{"besluit: requested_packs"};
        r.requested_packs.emplace_back(s);
      }
    } else if (key == "limits") {
      od::object o;
      if (v.get_object().get(o)) return Error{"besluit: limits"};
      for (auto f : o) {
        std::string_view k;
        od::value lv;
        std::uint64_t n = 0;
        if (f.unescaped_key().get(k) || f.value().get(lv) || lv.get_uint64().get(n)) {
          return Error{"besluit: limits"};
        }
        if (k == "instructions") r.rule_budget.instructions = n;
        if (k == "time_ms") r.rule_budget.time = std::chrono::milliseconds(n);
        if (k == "memory_bytes") r.rule_budget.memory = n;
      }
    } else if (key == "committed") {
      for (auto item : v.get_array()) {
        od::object o;
        if (item.get_object().get(o)) return Error{"besluit: committed"};
        CommittedRead c;
        for (auto f : o) {
          std::string_view k;
          od::value cv;
          if (f.unescaped_key().get(k) || f.value().get(cv)) return Error{"besluit: committed"};
          if (k == "regio") ok = ok && text_of(cv, c.regio);
          if (k == "thema") ok = ok && text_of(cv, c.thema);
          if (k == "cents") ok = ok && !cv.get_int64().get(c.cents);
        }
        r.committed.push_back(std::move(c));
      }
    } else if (key == "plugins") {
      for (auto item : v.get_array()) {
        od::object o;
        if (item.get_object().get(o)) return Error{"besluit: plugins"};
        std::string name;
        std::string version;
        for (auto f : o) {
          std::string_view k;
          od::value pv;
          if (f.unescaped_key().get(k) || f.value().get(pv)) return Error{"besluit: plugins"};
          if (k == "name") ok = ok && text_of(pv, name);
          if (k == "version") ok = ok && text_of(pv, version);
        }
        r.plugins.emplace_back(std::move(name), std::move(version));
      }
    } else if (key == "report") {
      std::string_view raw;
      od::object report;
      if (v.get_object().get(report) || report.raw_json().get(raw)) {
        return Error{"besluit: report"};
      }
      r.report_json.assign(raw);
      has_report = true;
    }
  }
  if (!ok) return Error{"besluit: een veld heeft het verkeerde type"};
  if (!has_report) return Error{"besluit: report ontbreekt"};
  if (!base64.empty()) {
    auto decoded = base64_decode(base64);
    if (!decoded) return decoded.error();
    r.text = std::move(*decoded);
  }
  return r;
}

Expected<LoggedReport> parse_logged_report(std::string_view report_json) {
  auto text = [](simdjson::simdjson_result<simdjson::dom::element> r) {
    std::string_view v;
    return r.get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(report_json.data(), report_json.size()).get(doc)) {
    return Error{"gelogd rapport is geen geldige JSON"};
  }
  LoggedReport out;
  simdjson::dom::array arr;
  if (!doc["rules"].get(arr)) {
    for (simdjson::dom::element rule : arr) {
      out.rules.push_back(
          {text(rule["pack"]), text(rule["id"]), text(rule["outcome"]), text(rule["message"])});
    }
  }
  if (!doc["input_errors"].get(arr)) {
    for (simdjson::dom::element e : arr) out.input_errors.push_back(text(e["path"]));
  }
  return out;
}

}  // namespace meetlat
