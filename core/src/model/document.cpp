// The arena-backed document tree shared by the TOML and JSON readers (see document.h).
#include "meetlat/document.h"

#include <cstring>

namespace meetlat {
namespace {
constexpr std::size_t kBlockSize = std::size_t{16} * 1024;
constexpr std::size_t kLargeString = 1024;
}  // namespace

std::string_view kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::null:
      return "leeg (null)";
    case NodeKind::boolean:
      return "waar/onwaar";
    case NodeKind::integer:
      return "geheel getal";
    case NodeKind::real:
      return "getal";
    case NodeKind::money:
      return "bedrag";
    case NodeKind::string:
      return "tekst";
    case NodeKind::date:
      return "datum";
    case NodeKind::array:
      return "lijst";
    case NodeKind::table:
      return "tabel";
  }
  return "?";
}

bool is_year_key(std::string_view key) {
  if (key.size() != 4) return false;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
  }
  return key[0] != '0';
}

Document::Document() {
  nodes_.reserve(64);
  Node root;
  root.kind = NodeKind::table;
  nodes_.push_back(root);
}

std::string_view Document::store(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() >= kLargeString) {
    strings_.emplace_back(s);
    return strings_.back();
  }
  if (blocks_.empty() || block_used_ + s.size() > block_size_) {
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockSize));  // no zeroing
    block_used_ = 0;
    block_size_ = kBlockSize;
  }
  char* dst = blocks_.back().get() + block_used_;
  std::memcpy(dst, s.data(), s.size());
  block_used_ += s.size();
  return {dst, s.size()};
}

NodeId Document::add(NodeId parent, std::string_view key, NodeKind kind, SourcePos pos) {
  auto id = static_cast<NodeId>(nodes_.size());
  std::string_view stored = store(key);
  if (key.size() >= 2 && key[0] == '_' && key[1] == '_') underscore_key_ = true;
  Node& n = nodes_.emplace_back();  // may move the vector: parent is looked up after
  n.key = stored;
  n.kind = kind;
  n.pos = pos;
  n.parent = parent;
  Node& pp = nodes_[parent];
  n.index = pp.child_count;
  if (pp.last_child == kNoNode) {
    pp.first_child = id;
  } else {
    nodes_[pp.last_child].next_sibling = id;
  }
  pp.last_child = id;
  ++pp.child_count;
  return id;
}

NodeId Document::add_string(NodeId parent, std::string_view key, std::string_view value,
                            SourcePos pos) {
  NodeId id = add(parent, key, NodeKind::string, pos);
  nodes_[id].text = store(value);
  return id;
}

NodeId Document::add_integer(NodeId parent, std::string_view key, std::int64_t value,
                             SourcePos pos) {
  NodeId id = add(parent, key, NodeKind::integer, pos);
  nodes_[id].value.integer = value;
  return id;
}

NodeId Document::add_bool(NodeId parent, std::string_view key, bool value, SourcePos pos) {
  NodeId id = add(parent, key, NodeKind::boolean, pos);
  nodes_[id].value.boolean = value;
  return id;
}

NodeId Document::find_path(std::string_view dotted) const {
  NodeId cur = root();
  while (!dotted.empty() && cur != kNoNode) {
    std::size_t dot = dotted.find('.');
    std::string_view part = dotted.substr(0, dot);
    cur = find(cur, part);
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return cur;
}

void Document::remove(NodeId table, std::string_view key) {
  Node& t = nodes_[table];
  NodeId prev = kNoNode;
  for (NodeId c = t.first_child; c != kNoNode; prev = c, c = nodes_[c].next_sibling) {
    if (nodes_[c].key != key) continue;
    NodeId next = nodes_[c].next_sibling;
    if (prev == kNoNode) {
      t.first_child = next;
    } else {
      nodes_[prev].next_sibling = next;
    }
    if (t.last_child == c) t.last_child = prev;
    --t.child_count;
    std::uint32_t i = 0;
    for (NodeId k = t.first_child; k != kNoNode; k = nodes_[k].next_sibling) nodes_[k].index = i++;
    return;
  }
}

std::string Document::path(NodeId id) const {
  if (id == kNoNode || id == root()) return {};
  // Collect the chain up to the root, then print it from the top.
  NodeId chain[64];
  int depth = 0;
  for (NodeId c = id; c != root() && c != kNoNode && depth < 64; c = nodes_[c].parent) {
    chain[depth++] = c;
  }
  std::string out;
  for (int i = depth - 1; i >= 0; --i) {
    const Node& n = nodes_[chain[i]];
    const Node& parent = nodes_[n.parent];
    if (parent.kind == NodeKind::array) {
      out += '[';
      out += std::to_string(n.index);
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += n.key;
    }
  }
  return out;
}

std::string Document::member_path(NodeId table, std::string_view key) const {
  std::string p = path(table);
  if (!p.empty()) p += '.';
  p += key;
  return p;
}

}  // namespace meetlat
