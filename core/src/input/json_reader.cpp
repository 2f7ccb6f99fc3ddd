// JSON submissions through simdjson, into the shared Document. A JSON twin of a TOML submission
// yields the same Document, so it gets the same verdict (submission-format.md).
//
// The DOM API parses (it picks the fastest kernel for the CPU at run time; Debian's simdjson 3.0
// compiles the on-demand API for the generic kernel only). The DOM keeps no source positions, so
// when there is an error to locate, the on-demand API walks the text again to find its line.
#include <simdjson.h>
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "meetlat/submission.h"

namespace meetlat {
namespace detail {
namespace {

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

// Files up to this size (with padding) are parsed from a buffer kept per thread (read_json).
constexpr std::size_t kKeptJsonBuffer = std::size_t{1} << 20;

SourcePos position_of(std::string_view text, const char* p) {
  if (p == nullptr || p < text.data() || p > text.data() + text.size()) return {};
  auto offset = static_cast<std::size_t>(p - text.data());
  std::uint32_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::uint32_t column = 1;
  for (std::size_t i = line_start; i < offset; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return {line, column};
}

std::string describe(simdjson::error_code e) {
  switch (e) {
    case simdjson::DEPTH_ERROR:
      return "te diep genest";
    case simdjson::UTF8_ERROR:
      return "ongeldige UTF-8-tekens";
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
      return "ongeldig of te groot getal";
    case simdjson::STRING_ERROR:
    case simdjson::UNESCAPED_CHARS:
      return "ongeldige tekst (string)";
    case simdjson::UNCLOSED_STRING:
      return "tekst (string) niet afgesloten";
    case simdjson::EMPTY:
      return "leeg document";
    case simdjson::CAPACITY:
      return "document te groot";
    default:
      return fmt::format("syntaxfout ({})", simdjson::error_message(e));
  }
}

// Walks the text with the on-demand API until the first error; returns where it stopped.
class ErrorLocator {
 public:
  explicit ErrorLocator(unsigned max_depth) : max_depth_(max_depth) {}

  const char* locate(simdjson::padded_string_view text) {
    od::parser parser;
    auto doc_result = parser.iterate(text);
    if (doc_result.error()) return nullptr;
    od::document& doc = doc_result.value_unsafe();
    auto root = doc.get_value();
    if (root.error()) return location(doc);
    if (!walk(root.value_unsafe(), 1)) return location(doc);
    return location(doc);
  }

 private:
  static const char* location(od::document& doc) {
    auto loc = doc.current_location();
    return loc.error() ? nullptr : loc.value_unsafe();
  }

  bool walk(od::value v, unsigned depth) {
    if (depth > max_depth_) return false;
    auto type = v.type();
    if (type.error()) return false;
    switch (type.value_unsafe()) {
      case od::json_type::object: {
        auto obj = v.get_object();
        if (obj.error()) return false;
        for (auto field : obj.value_unsafe()) {
          if (field.error()) return false;
          auto key = field.unescaped_key();
          if (key.error()) return false;
          auto value = field.value();
          if (value.error()) return false;
          if (!walk(value.value_unsafe(), depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::array: {
        auto arr = v.get_array();
        if (arr.error()) return false;
        for (auto item : arr.value_unsafe()) {
          if (item.error()) return false;
          if (!walk(item.value_unsafe(), depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::string:
        return !v.get_string().error();
      case od::json_type::number:
        return !v.get_number().error();
      case od::json_type::boolean:
        return !v.get_bool().error();
      case od::json_type::null:
        return !v.is_null().error();
    }
    return false;
  }

  unsigned max_depth_;
};

class DomConverter {
 public:
  DomConverter(Submission& out, unsigned max_depth) : out_(out), max_depth_(max_depth) {}

  void object(dom::object obj, NodeId id, unsigned depth) {
    Document& doc = out_.doc;
    // Keys seen so far point into simdjson's buffer, valid while converting; the document stores
    // each key once (Document::add). Small objects compare in a fixed array, large ones hash.
    std::array<std::string_view, 16> seen;
    std::size_t seen_count = 0;
    std::unordered_set<std::string_view> seen_set;
    for (dom::key_value_pair field : obj) {
      std::string_view key = field.key;
      bool duplicate = false;
      if (seen_count < seen.size()) {
        for (std::size_t i = 0; i < seen_count; ++i) {
          duplicate = duplicate || Document::same_key(seen[i], key);
        }
        seen[seen_count++] = key;
        if (seen_count == seen.size()) seen_set.insert(seen.begin(), seen.end());
      } else {
        duplicate = !seen_set.insert(key).second;
      }
      if (duplicate) {
        out_.errors.push_back(
            {doc.member_path(id, key), 0, 0,
             fmt::format("dubbele sleutel '{}': elke sleutel mag maar één keer voorkomen", key)});
        continue;
      }
      value(field.value, id, key, depth + 1);
    }
  }

  void value(dom::element v, NodeId parent, std::string_view key, unsigned depth) {
    Document& doc = out_.doc;
    if (depth > max_depth_) {
      out_.errors.push_back({doc.member_path(parent, key), 0, 0,
                             fmt::format("te diep genest: meer dan {} niveaus", max_depth_)});
      return;
    }
    switch (v.type()) {
      case dom::element_type::OBJECT: {
        dom::object obj;
        if (v.get_object().get(obj) == simdjson::SUCCESS) {
          object(obj, doc.add(parent, key, NodeKind::table), depth);
        }
        break;
      }
      case dom::element_type::ARRAY: {
        NodeId id = doc.add(parent, key, NodeKind::array);
        dom::array arr;
        if (v.get_array().get(arr) == simdjson::SUCCESS) {
          for (dom::element item : arr) value(item, id, {}, depth + 1);
        }
        break;
      }
      case dom::element_type::STRING:
        doc.add_string(parent, key, v.get_string().value_unsafe());
        break;
      case dom::element_type::INT64:
        doc.add_integer(parent, key, v.get_int64().value_unsafe());
        break;
      case dom::element_type::UINT64:
        out_.errors.push_back({doc.member_path(parent, key), 0, 0,
                               fmt::format("getal {} is te groot", v.get_uint64().value_unsafe())});
        break;
      case dom::element_type::DOUBLE: {
        double d = v.get_double().value_unsafe();
        NodeId id = doc.add(parent, key, NodeKind::real);
        doc.node(id).value.real = d;
        // The shortest text that reads back as this double: the decimal the file wrote, for any
        // amount with up to 15 significant digits, so money stays exact.
        char shortest[40];
        auto written = fmt::format_to_n(shortest, sizeof shortest, "{}", d);
        doc.node(id).text = doc.store(std::string_view(shortest, written.out - shortest));
        break;
      }
      case dom::element_type::BOOL:
        doc.add_bool(parent, key, v.get_bool().value_unsafe());
        break;
      case dom::element_type::NULL_VALUE:
        doc.add(parent, key, NodeKind::null);
        break;
    }
  }

 private:
  Submission& out_;
  unsigned max_depth_;
};

// Converts a key path ("activiteit[2].bijdrage.2019") to a JSON pointer.
std::string json_pointer(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    out += '/';
    if (path[i] == '[') {
      std::size_t close = path.find(']', i);
      out += path.substr(i + 1, close - i - 1);
      i = close == std::string_view::npos ? path.size() : close + 1;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    std::string_view part = path.substr(i, end == std::string_view::npos ? path.npos : end - i);
    for (char c : part) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
    i = end == std::string_view::npos ? path.size() : end;
  }
  return out;
}

}  // namespace

void read_json(std::string_view text, Submission& out, const ReadLimits& limits,
               std::size_t readable_after) {
  // One parser per thread: simdjson reuses its buffers between documents.
  thread_local dom::parser parser;
  thread_local unsigned configured_depth = 0;
  if (configured_depth != limits.max_depth + 1) {
    if (parser.allocate(std::max<std::size_t>(text.size(), 1 << 16), limits.max_depth + 1) !=
        simdjson::SUCCESS) {
      out.errors.push_back({"", 0, 0, "JSON-lezer kon geen geheugen reserveren"});
      return;
    }
    configured_depth = limits.max_depth + 1;
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end. A text with that room behind it
  // (read_regular_file leaves it) is parsed where it is; any other is copied into a padded
  // buffer: for ordinary files one kept per thread (a new one per file was an allocation of the
  // file's size every time), for large ones a buffer of their own.
  static_assert(kInputPadding >= simdjson::SIMDJSON_PADDING);
  thread_local std::unique_ptr<char[]> kept;  // kKeptJsonBuffer bytes once made
  const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  std::unique_ptr<char[]> own;
  char* buffer = nullptr;
  if (readable_after >= simdjson::SIMDJSON_PADDING) {
    buffer = const_cast<char*>(text.data());  // simdjson only reads it
  } else if (needed <= kKeptJsonBuffer) {
    if (!kept) kept = std::make_unique_for_overwrite<char[]>(kKeptJsonBuffer);
    buffer = kept.get();
  } else {
    own = std::make_unique_for_overwrite<char[]>(needed);
    buffer = own.get();
  }
  if (buffer != text.data()) {
    std::memcpy(buffer, text.data(), text.size());
    std::memset(buffer + text.size(), 0, simdjson::SIMDJSON_PADDING);
  }
  simdjson::padded_string_view padded(buffer, text.size(), needed);
  dom::element root;
  if (auto e = parser.parse(buffer, text.size(), false).get(root)) {
    const char* at = ErrorLocator(limits.max_depth + 1).locate(padded);
    SourcePos pos = position_of(std::string_view(padded.data(), padded.size()), at);
    out.errors.push_back({"", pos.line, pos.column, "JSON: " + describe(e)});
    return;
  }
  if (root.type() != dom::element_type::OBJECT) {
    out.errors.push_back({"", 1, 1, "JSON: een aanvraag is een object ({ ... })"});
    return;
  }
  dom::object obj;
  if (root.get_object().get(obj) == simdjson::SUCCESS) {
    // About one node per 32 bytes of JSON, so that ordinary files never regrow the node array
    // (capped: a file that is one long string must not reserve memory for nodes it lacks).
    out.doc.reserve(std::min<std::size_t>(text.size() / 32, 1 << 14));
    DomConverter(out, limits.max_depth).object(obj, out.doc.root(), 1);
  }
}

void locate_json_errors(std::string_view text, InputErrors& errors) {
  bool any = false;
  for (const InputError& e : errors) any = any || (e.line == 0 && !e.path.empty());
  if (!any) return;
  simdjson::padded_string padded(text);
  od::parser parser;
  for (InputError& e : errors) {
    if (e.line != 0 || e.path.empty()) continue;
    auto doc = parser.iterate(padded);
    if (doc.error()) return;
    auto v = doc.value_unsafe().at_pointer(json_pointer(e.path));
    if (v.error()) {
      // A missing key: point at its parent table instead.
      std::string parent = e.path.substr(0, e.path.find_last_of(".["));
      if (parent == e.path) continue;
      doc = parser.iterate(padded);
      if (doc.error()) return;
      v = doc.value_unsafe().at_pointer(json_pointer(parent));
      if (v.error()) continue;
    }
    auto loc = v.value_unsafe().current_location();
    if (loc.error()) continue;
    SourcePos pos = position_of(std::string_view(padded.data(), padded.size()), loc.value_unsafe());
    e.line = pos.line;
    e.column = pos.column;
  }
}

}  // namespace detail
}  // namespace meetlat
