#include "meetlat/json_writer.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace meetlat {

void JsonWriter::escape(std::string& out, std::string_view s) {
  out.push_back('"');
  // Copy runs of plain characters at once: reports are mostly Dutch prose without quotes, and
  // the per-character push_back was 4 % of a whole evaluation (callgrind, bench/README.md).
  std::size_t run = 0;
  std::size_t i = 0;
  // Eight bytes at a time while none of them needs escaping (a control character, '"' or '\\'):
  // the "has a byte less than n / equal to zero" tests of Bit Twiddling Hacks, exact for "any".
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHigh = 0x8080808080808080u;
  auto needs_escape = [&](std::uint64_t x) {
    std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
    std::uint64_t q = x ^ (kOnes * '"');
    std::uint64_t b = x ^ (kOnes * '\\');
    return (below_space | ((q - kOnes) & ~q & kHigh) | ((b - kOnes) & ~b & kHigh)) != 0;
  };
  for (; i < s.size(); ++i) {
    if (i + 8 <= s.size()) {
      std::uint64_t x = 0;
      std::memcpy(&x, s.data() + i, 8);
      if (!needs_escape(x)) {
        i += 7;  // the loop adds the eighth
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += fmt::format("\\u{:04x}", c);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void JsonWriter::newline() {
  if (!pretty_) return;
  out_.push_back('\n');
  out_.append((stack_.size() + static_cast<std::size_t>(indent_)) * 2, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& l = stack_.back();
  if (!l.empty) out_.push_back(',');
  l.empty = false;
  newline();
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  stack_.push_back({false, true});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline();
  out_.push_back('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  stack_.push_back({true, true});
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline();
  out_.push_back(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  escape(out_, k);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  escape(out_, s);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t i) {
  before_value();
  out_ += fmt::format("{}", i);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t i) {
  before_value();
  out_ += fmt::format("{}", i);
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  before_value();
  if (std::isfinite(d)) {
    out_ += fmt::format("{}", d);
  } else {
    out_ += "null";
  }
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

}  // namespace meetlat
