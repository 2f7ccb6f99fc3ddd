// A small streaming JSON writer: reports are written as they are produced, never held whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meetlat {

class JsonWriter {
 public:
  /// `indent`: extra indentation levels, for writing a value nested inside a larger document.
  explicit JsonWriter(std::string& out, bool pretty = true, int indent = 0)
      : out_(out), pretty_(pretty), indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t i);
  JsonWriter& value(std::uint64_t i);
  JsonWriter& value(int i) { return value(static_cast<std::int64_t>(i)); }
  JsonWriter& value(unsigned i) { return value(static_cast<std::uint64_t>(i)); }
  JsonWriter& value(double d);
  JsonWriter& value(bool b);
  JsonWriter& null();
  /// Inserts already-serialised JSON as a value.
  JsonWriter& raw(std::string_view json);

  static void escape(std::string& out, std::string_view s);

 private:
  void before_value();
  void newline();

  std::string& out_;
  bool pretty_;
  int indent_;
  struct Level {
    bool array;
    bool empty;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace meetlat
