// The submission as a tree, independent of whether it was written as TOML or JSON, so that a JSON
// twin gives exactly the same verdict (submission-format.md). Nodes live in one arena per document
// and refer to each other by index; strings are copied once into the document's own storage.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meetlat {

enum class NodeKind : std::uint8_t {
  null,
  boolean,
  integer,
  real,   ///< a number with a fraction that is not (yet) known to be money
  money,  ///< exact cents, after schema validation
  string,
  date,  ///< text holds "YYYY-MM-DD"
  array,
  table,
};

std::string_view kind_name(NodeKind k);  ///< Dutch name for messages: "tekst", "getal", ...

/// 1-based line and column in the source file; 0 when unknown.
struct SourcePos {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;

struct Node {
  std::string_view key;   ///< member name in the parent table; empty for array items and the root
  std::string_view text;  ///< string and date values; the literal text of numbers when known
  union {
    bool boolean;
    std::int64_t integer;
    double real;
    std::int64_t cents;
  } value{};
  NodeId parent = kNoNode;
  NodeId first_child = kNoNode;
  NodeId last_child = kNoNode;
  NodeId next_sibling = kNoNode;
  std::uint32_t child_count = 0;
  std::uint32_t index = 0;  ///< position among the parent's children (0-based)
  SourcePos pos;
  NodeKind kind = NodeKind::null;

  bool is_container() const { return kind == NodeKind::array || kind == NodeKind::table; }
};

/// An immutable-after-reading tree of nodes with document order preserved.
class Document {
 public:
  Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  Document(Document&&) noexcept = default;
  Document& operator=(Document&&) noexcept = default;

  NodeId root() const { return 0; }
  const Node& node(NodeId id) const { return nodes_[id]; }
  /// Whether `n` points into this document's nodes; its id then is `n - &node(0)`.
  bool owns(const Node* n) const {
    return !nodes_.empty() && n >= nodes_.data() && n < nodes_.data() + nodes_.size();
  }
  NodeId id_of(const Node* n) const { return static_cast<NodeId>(n - nodes_.data()); }
  Node& node(NodeId id) { return nodes_[id]; }
  std::size_t size() const { return nodes_.size(); }
  /// Room for `n` nodes, so that a reader that knows roughly how many are coming avoids regrowing.
  void reserve(std::size_t n) { nodes_.reserve(n); }

  /// Appends a child to a table or array. `key` is copied.
  NodeId add(NodeId parent, std::string_view key, NodeKind kind, SourcePos pos = {});
  NodeId add_string(NodeId parent, std::string_view key, std::string_view value,
                    SourcePos pos = {});
  NodeId add_integer(NodeId parent, std::string_view key, std::int64_t value, SourcePos pos = {});
  NodeId add_bool(NodeId parent, std::string_view key, bool value, SourcePos pos = {});

  /// Copies a string into the document's storage; the view stays valid for the document's life.
  std::string_view store(std::string_view s);

  /// Member of a table by name, or kNoNode. Inline: the rule API's list helpers call it per item.
  NodeId find(NodeId table, std::string_view key) const {
    if (table == kNoNode || nodes_[table].kind != NodeKind::table) return kNoNode;
    for (NodeId c = nodes_[table].first_child; c != kNoNode; c = nodes_[c].next_sibling) {
      if (same_key(nodes_[c].key, key)) return c;
    }
    return kNoNode;
  }
  /// a == b, deciding most unequal member names by length and first byte without calling memcmp.
  static bool same_key(std::string_view a, std::string_view b) {
    return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a == b));
  }
  /// Follows a dotted path of member names ("aanvraag.contact.naam"), or kNoNode.
  NodeId find_path(std::string_view dotted) const;
  /// Removes a member from a table (used to strip a test case's expectations before evaluation).
  void remove(NodeId table, std::string_view key);

  /// The key path of a node as shown to users: `activiteit[2].bijdrage.2019`. Array positions are
  /// 0-based, as in submission-format.md (`activiteit[3].actielijnen[0]`).
  std::string path(NodeId id) const;
  /// The key path of a (possibly missing) member of a table: path(table) + "." + key.
  std::string member_path(NodeId table, std::string_view key) const;

  /// Source file name (for messages) and format.
  std::string source_name;

  /// Whether a member name starting with "__" was added (the validation refuses those, as the
  /// Lua side keeps its bookkeeping under such names; it walks the tree only when one was).
  bool has_underscore_key() const { return underscore_key_; }

 private:
  bool underscore_key_ = false;
  std::vector<Node> nodes_;
  std::deque<std::string> strings_;  // stable storage for large strings
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t block_used_ = 0;
  std::size_t block_size_ = 0;
};

/// Iterates the children of a node in document order: `for (NodeId c : children(doc, id))`.
class ChildRange {
 public:
  class iterator {
   public:
    iterator(const Document* d, NodeId id) : doc_(d), id_(id) {}
    NodeId operator*() const { return id_; }
    iterator& operator++() {
      id_ = doc_->node(id_).next_sibling;
      return *this;
    }
    bool operator!=(const iterator& o) const { return id_ != o.id_; }

   private:
    const Document* doc_;
    NodeId id_;
  };
  ChildRange(const Document& d, NodeId parent) : doc_(&d), first_(d.node(parent).first_child) {}
  iterator begin() const { return {doc_, first_}; }
  iterator end() const { return {doc_, kNoNode}; }

 private:
  const Document* doc_;
  NodeId first_;
};
inline ChildRange children(const Document& d, NodeId parent) {
  return {d, parent};
}

/// Whether a member key should be seen by rules as an integer (per-year tables: `2020 = ...`).
bool is_year_key(std::string_view key);
/// The year of a key for which is_year_key holds ("2020" -> 2020).
inline std::int64_t year_of_key(std::string_view key) {
  std::int64_t year = 0;
  for (char c : key) year = year * 10 + (c - '0');
  return year;
}

}  // namespace meetlat
