// TOML submissions through toml++, into the shared Document.
//
// toml++ 3.3 (Debian) recurses without a depth limit, so a pre-scan bounds the nesting before
// the text reaches it (issue "Engine core", facts about the dependencies). Floats that are money
// are re-read from the source text, so that 17480.50 is exactly 1748050 cents.
#include <toml++/toml.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "meetlat/submission.h"
#include "parse_arena.h"
#include "toml_document.h"

namespace meetlat {
namespace detail {

namespace {

#if defined(__SSE2__)
// Bytes [p, end) sixteen at a time (SSE2 is part of every x86-64 CPU): returns the first byte
// `hit` marks in its block, or the start of the last, shorter block, which the caller's byte loop
// finishes.
template <typename Hit>
const char* scan16(const char* p, const char* end, Hit hit) {
  for (; end - p >= 16; p += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit(x)));
    if (mask != 0) return p + __builtin_ctz(mask);
  }
  return p;
}
#endif

// The first byte in [p, end) that the depth scan must look at (kInteresting), or end.
const char* next_interesting(const char* p, const char* end, const std::array<bool, 256>& table) {
#if defined(__SSE2__)
  p = scan16(p, end, [](__m128i x) {
    __m128i h = _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'));
    for (char c : {'#', '"', '\'', '[', ']', '{', '}', '.'}) {
      h = _mm_or_si128(h, _mm_cmpeq_epi8(x, _mm_set1_epi8(c)));
    }
    return h;
  });
#endif
  while (p < end && !table[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

// The first of `quote`, a line end or (basic strings) a backslash in [p, end), or end.
const char* string_stop(const char* p, const char* end, char quote, bool basic) {
#if defined(__SSE2__)
  p = scan16(p, end, [&](__m128i x) {
    __m128i h = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(quote)),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
    return basic ? _mm_or_si128(h, _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))) : h;
  });
#endif
  while (p < end && *p != quote && *p != '\n' && !(basic && *p == '\\')) ++p;
  return p;
}

}  // namespace

std::optional<InputError> check_toml_depth(std::string_view text, unsigned max_depth) {
  // Only a few bytes matter outside strings and comments; everything else is skipped sixteen
  // bytes at a time (next_interesting), one-line strings likewise (string_stop) and comments
  // with memchr (this runs on every TOML file).
  static constexpr auto kInteresting = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {'#', '"', '\'', '[', ']', '{', '}', '.', '\n'}) t[c] = true;
    return t;
  }();
  const char* p = text.data();
  const char* end = p + text.size();
  // The scan is the first to read the text. Asking for all of it (up to 64 KiB) at once lets the
  // memory system fetch many lines at a time instead of one per miss when the text is not in
  // the cache (bench/README.md: 16–20 µs against 10–12 µs per plan in the benchmark).
  for (std::size_t at = 0; at < text.size() && at < (std::size_t{64} << 10); at += 64) {
    __builtin_prefetch(p + at);
  }
  unsigned brackets = 0;
  unsigned dots = 0;  // dots on this line outside strings: dotted keys and table headers
  std::uint32_t line = 1;
  const char* line_start = p;
  auto column_at = [&](const char* at) {
    std::uint32_t column = 1;
    for (const char* q = line_start; q < at; ++q) {
      if ((static_cast<unsigned char>(*q) & 0xC0) != 0x80) ++column;
    }
    return column;
  };
  auto too_deep = [&](const char* at) -> std::optional<InputError> {
    return InputError{"", line, column_at(at),
                      fmt::format("te diep genest: meer dan {} niveaus van tabellen, lijsten of "
                                  "punten in sleutels",
                                  max_depth)};
  };
  auto newline = [&](const char* at) {
    ++line;
    line_start = at + 1;
  };
  auto starts = [&](const char* at, std::string_view s) {
    return static_cast<std::size_t>(end - at) >= s.size() && std::string_view(at, s.size()) == s;
  };
  while (p < end) {
    auto c = static_cast<unsigned char>(*p);
    if (!kInteresting[c]) {
      p = next_interesting(p, end, kInteresting);
      continue;
    }
    switch (c) {
      case '\n':
        newline(p);
        dots = 0;
        ++p;
        break;
      case '#': {  // comment to the end of the line
        const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        p = nl != nullptr ? static_cast<const char*>(nl) : end;
        break;
      }
      case '"':
      case '\'': {
        bool basic = c == '"';
        bool multi = starts(p, basic ? "\"\"\"" : "\'\'\'");
        p += multi ? 3 : 1;
        if (!multi) {
          // The usual case, a one-line string: jump to the next quote of its kind when neither
          // a line end nor (in a basic string) a backslash comes before it; the loop below
          // handles everything else byte by byte.
          const char* stop = string_stop(p, end, static_cast<char>(c), basic);
          if (stop < end && *stop == static_cast<char>(c)) {
            p = stop + 1;
            break;
          }
        }
        // Find the closing delimiter; basic strings may escape it, only multi-line ones span lines.
        while (p < end) {
          char d = *p;
          if (d == '\n') {
            if (!multi) break;  // unterminated single-line string: toml++ reports it
            newline(p);
          } else if (basic && d == '\\') {
            ++p;
            if (p < end && *p == '\n') newline(p);
          } else if (d == static_cast<char>(c) &&
                     (!multi || starts(p, basic ? "\"\"\"" : "\'\'\'"))) {
            p += multi ? 3 : 1;
            // A multi-line string may end in one or two quotes of its own ("""a""""" is a"");
            // toml++ reads them as content. Taken for the start of a new string, they would
            // hide the rest of the line, and its brackets and dots, from this scan.
            for (int extra = 0; multi && extra < 2 && p < end && *p == d; ++extra) ++p;
            break;
          }
          ++p;
        }
        break;
      }
      case '[':
      case '{':
        ++brackets;
        if (brackets + dots > max_depth) return too_deep(p);
        ++p;
        break;
      case ']':
      case '}':
        if (brackets > 0) --brackets;
        ++p;
        break;
      case '.':
        ++dots;
        if (brackets + dots > max_depth) return too_deep(p);
        ++p;
        break;
      default:
        ++p;
        break;
    }
  }
  return std::nullopt;
}

namespace {

class TomlConverter {
 public:
  TomlConverter(std::string_view text, Document& doc) : text_(text), doc_(doc) {}

  /// How many blocks of the thread's parse arena the converted tree holds (ParseArena::
  /// drop_tree): one per node below the root, one per table member (a std::map entry), one per
  /// list with room for items (its vector), and one per key and string whose characters do not
  /// fit in the std::string itself. An assumption here that does not hold for some toml++ or
  /// standard library makes the count differ, and the tree is then destroyed as usual.
  std::size_t arena_blocks() const { return arena_blocks_; }

  // toml++ keeps a table's members sorted by key; rules and reports want the order of the file
  // (and the JSON twin has it), so members are put back in source order.
  void convert_table(const toml::table& t, NodeId parent) {
    // Plain data, so that the buffer below is not cleared on every call.
    struct Member {
      std::uint32_t line;
      std::uint32_t column;
      const char* key_data;
      std::size_t key_size;
      const toml::node* value;
    };
    // Most tables are small: their members are sorted in a buffer on the stack, by insertion
    // (stable, and no allocation), larger ones in a vector with std::stable_sort.
    constexpr std::size_t kSmall = 24;
    Member small[kSmall];  // NOLINT(cppcoreguidelines-avoid-c-arrays): left uninitialised
    std::vector<Member> large;
    Member* members = small;
    if (t.size() > kSmall) {
      large.resize(t.size());
      members = large.data();
    }
    std::size_t n = 0;
    for (auto&& [key, value] : t) {
      SourcePos pos = position(key.source(), value.source());
      members[n++] = {pos.line, pos.column, key.str().data(), key.str().size(), &value};
      arena_blocks_ += 1 + own_block(&key, sizeof(toml::key), key.str().data()) + in_arena(&value);
    }
    auto before = [](const Member& a, const Member& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    };
    if (n <= kSmall) {
      for (std::size_t i = 1; i < n; ++i) {
        Member m = members[i];
        std::size_t j = i;
        while (j > 0 && before(m, members[j - 1])) {
          members[j] = members[j - 1];
          --j;
        }
        members[j] = m;
      }
    } else {
      std::stable_sort(members, members + n, before);
    }
    for (std::size_t i = 0; i < n; ++i)
      add(*members[i].value, parent, {members[i].key_data, members[i].key_size},
          {members[i].line, members[i].column});
  }

 private:
  static SourcePos position(const toml::source_region& key, const toml::source_region& value) {
    const toml::source_region& r = value.begin.line != 0 ? value : key;
    return {static_cast<std::uint32_t>(r.begin.line), static_cast<std::uint32_t>(r.begin.column)};
  }

  void add(const toml::node& v, NodeId parent, std::string_view key, SourcePos pos) {
    Document& doc = doc_;
    switch (v.type()) {
      case toml::node_type::table: {
        NodeId id = doc.add(parent, key, NodeKind::table, pos);
        convert_table(*v.as_table(), id);
        break;
      }
      case toml::node_type::array: {
        NodeId id = doc.add(parent, key, NodeKind::array, pos);
        const toml::array& items = *v.as_array();
        arena_blocks_ += items.capacity() != 0 ? 1 : 0;
        for (const toml::node& item : items) {
          arena_blocks_ += in_arena(&item);
          const auto& r = item.source();
          add(item, id, {},
              {static_cast<std::uint32_t>(r.begin.line),
               static_cast<std::uint32_t>(r.begin.column)});
        }
        break;
      }
      case toml::node_type::string: {
        const std::string& s = v.as_string()->get();
        arena_blocks_ += own_block(&s, sizeof(std::string), s.data());
        doc.add_string(parent, key, s, pos);
        break;
      }
      case toml::node_type::integer:
        doc.add_integer(parent, key, v.as_integer()->get(), pos);
        break;
      case toml::node_type::floating_point: {
        NodeId id = doc.add(parent, key, NodeKind::real, pos);
        doc.node(id).value.real = v.as_floating_point()->get();
        doc.node(id).text = doc.store(literal_at(pos));
        break;
      }
      case toml::node_type::boolean:
        doc.add_bool(parent, key, v.as_boolean()->get(), pos);
        break;
      case toml::node_type::date: {
        const toml::date& d = v.as_date()->get();
        NodeId id = doc.add(parent, key, NodeKind::date, pos);
        doc.node(id).text = doc.store(fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day));
        break;
      }
      case toml::node_type::time: {
        const toml::time& t = v.as_time()->get();
        doc.add_string(parent, key, fmt::format("{:02}:{:02}:{:02}", t.hour, t.minute, t.second),
                       pos);
        break;
      }
      case toml::node_type::date_time: {
        const toml::date_time& dt = v.as_date_time()->get();
        doc.add_string(
            parent, key,
            fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", dt.date.year, dt.date.month,
                        dt.date.day, dt.time.hour, dt.time.minute, dt.time.second),
            pos);
        break;
      }
      case toml::node_type::none:
        doc.add(parent, key, NodeKind::null, pos);
        break;
    }
  }

  // The literal text of the number that starts at `pos`, so money is read exactly.
  std::string_view literal_at(SourcePos pos) {
    if (pos.line == 0) return {};
    if (line_starts_.empty()) {
      line_starts_.push_back(0);
      for (std::size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
      }
    }
    if (pos.line > line_starts_.size()) return {};
    // toml++ counts columns in code points; the number itself is ASCII, so walk the line by
    // code points to find its byte offset.
    std::size_t i = line_starts_[pos.line - 1];
    for (std::uint32_t col = 1; col < pos.column && i < text_.size() && text_[i] != '\n';) {
      ++i;
      while (i < text_.size() && (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80) ++i;
      ++col;
    }
    std::size_t start = i;
    while (i < text_.size()) {
      char c = text_[i];
      bool number_char = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == '_' ||
                         c == 'e' || c == 'E' || c == 'i' || c == 'n' || c == 'f' || c == 'a';
      if (!number_char) break;
      ++i;
    }
    return text_.substr(start, i - start);
  }

  static std::size_t in_arena(const void* p) { return ParseArena::owns(p) ? 1 : 0; }
  // 1 when the characters of a key or string at `object` are a block of their own: in the arena
  // and not inside the object (a short string keeps them there).
  static std::size_t own_block(const void* object, std::size_t size, const char* chars) {
    auto at = reinterpret_cast<std::uintptr_t>(chars);
    auto begin = reinterpret_cast<std::uintptr_t>(object);
    return at >= begin && at < begin + size ? 0 : in_arena(chars);
  }

  std::string_view text_;
  Document& doc_;
  std::vector<std::size_t> line_starts_;
  std::size_t arena_blocks_ = 0;
};

}  // namespace

void read_toml(std::string_view text, Submission& out, const ReadLimits& limits) {
  if (auto deep = check_toml_depth(text, limits.max_depth)) {
    out.errors.push_back(*deep);
    return;
  }
  // toml++'s tree lives in the thread's parse arena (parse_arena.h): allocated while the window
  // is open, during toml::parse only. After the conversion below it is dropped with the arena
  // when the converter accounted for every block alive there, and destroyed node by node (before
  // `arena` closes) otherwise: dropping saves walking some thousand blocks to free them one by
  // one (bench/README.md).
  ParseArena arena;
  alignas(toml::table) unsigned char storage[sizeof(toml::table)];
  struct Tree {
    toml::table* table = nullptr;
    bool dropped = false;
    Tree() = default;
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;
    ~Tree() {
      if (table != nullptr && !dropped) table->~table();
    }
  } tree;
  try {
    ParseArena::Window window(arena);
    // No source path: each node would hold a shared_ptr copy of it.
    tree.table = new (storage) toml::table(toml::parse(text));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    out.errors.push_back({"", static_cast<std::uint32_t>(where.line),
                          static_cast<std::uint32_t>(where.column),
                          fmt::format("TOML-syntaxfout: {}", e.description())});
    return;
  } catch (const std::exception& e) {
    out.errors.push_back({"", 0, 0, fmt::format("TOML kon niet worden gelezen: {}", e.what())});
    return;
  }
  // About one node per 32 bytes of TOML (capped, as for JSON): no regrowing for ordinary files.
  out.doc.reserve(std::min<std::size_t>(text.size() / 32, 1 << 14));
  TomlConverter converter(text, out.doc);
  converter.convert_table(*tree.table, out.doc.root());
  tree.dropped = arena.drop_tree(converter.arena_blocks());
}

void toml_to_document(const toml::table& t, std::string_view source_text, Document& doc,
                      NodeId parent) {
  TomlConverter(source_text, doc).convert_table(t, parent);
}

Expected<toml::table> parse_toml_file(const std::string& path, std::string& text_out,
                                      std::size_t max_bytes, unsigned max_depth) {
  auto text = read_regular_file(path, max_bytes);
  if (!text) return Error{fmt::format("{}: {}", path, text.error().message)};
  text_out = std::move(*text);
  if (auto deep = check_toml_depth(text_out, max_depth)) {
    return Error{fmt::format("{}:{}:{}: {}", path, deep->line, deep->column, deep->message)};
  }
  try {
    return toml::parse(text_out, path);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}:{}: TOML-syntaxfout: {}", path, e.source().begin.line,
                             e.source().begin.column, e.description())};
  }
}

}  // namespace detail
}  // namespace meetlat
