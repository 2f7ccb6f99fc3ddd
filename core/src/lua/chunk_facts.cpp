// Static facts about a rule script for `meetlat lint`, read from the chunk Lua itself compiles
// (lua_dump), so that Lua's own parser decides what is a global: no second Lua parser to keep in
// step. The dump format and opcode numbers are those of Lua 5.4 (ldump.c, lopcodes.h); the
// engine only ever loads text, this reader only inspects its own compiler output.
#include <cstring>
#include <stdexcept>

#include "lua_internal.h"

namespace meetlat {
namespace {

// Lua 5.4 opcodes used here (lopcodes.h order).
constexpr unsigned kOpSetUpval = 10;
constexpr unsigned kOpGetTabUp = 11;
constexpr unsigned kOpGetField = 14;
constexpr unsigned kOpSetTabUp = 15;
constexpr unsigned kOpSelf = 20;

struct Proto {
  int line_defined = 0;
  int num_params = 0;
  std::vector<std::uint32_t> code;
  std::vector<std::string> constants;  // strings; other constants as ""
  std::vector<bool> constant_is_string;
  std::vector<std::string> upvalue_names;
  std::vector<int> line_of;  // per instruction
  std::vector<Proto> protos;
};

class DumpReader {
 public:
  explicit DumpReader(std::string_view bytes) : b_(bytes) {}

  Proto read_chunk() {
    // Header: signature, version, format, LUAC_DATA, sizes, LUAC_INT, LUAC_NUM.
    expect("\x1bLua", 4);
    skip(2 + 6);
    int instr_size = byte();
    int int_size = byte();
    int num_size = byte();
    if (instr_size != 4 || int_size != 8 || num_size != 8) fail();
    skip(8 + 8);
    byte();  // number of upvalues of the main closure
    return read_function(0);
  }

 private:
  [[noreturn]] static void fail() {
    throw std::runtime_error("onverwacht formaat van gecompileerde code");
  }
  void need(std::size_t n) const {
    if (pos_ + n > b_.size()) fail();
  }
  void expect(const char* s, std::size_t n) {
    need(n);
    if (std::memcmp(b_.data() + pos_, s, n) != 0) fail();
    pos_ += n;
  }
  void skip(std::size_t n) {
    need(n);
    pos_ += n;
  }
  int byte() {
    need(1);
    return static_cast<unsigned char>(b_[pos_++]);
  }
  std::size_t size() {  // MSB-first groups of 7 bits; the last byte has 0x80 set
    std::size_t x = 0;
    for (int i = 0; i < 10; ++i) {
      int c = byte();
      x = (x << 7) | static_cast<std::size_t>(c & 0x7F);
      if (c & 0x80) return x;
    }
    fail();
  }
  std::string string() {
    std::size_t n = size();
    if (n == 0) return {};
    need(n - 1);
    std::string s(b_.substr(pos_, n - 1));
    pos_ += n - 1;
    return s;
  }

  Proto read_function(int depth) {
    if (depth > 200) fail();
    Proto p;
    string();  // source
    p.line_defined = static_cast<int>(size());
    size();  // lastlinedefined
    p.num_params = byte();
    byte();  // is_vararg
    byte();  // maxstacksize
    std::size_t ncode = size();
    need(ncode * 4);
    p.code.resize(ncode);
    std::memcpy(p.code.data(), b_.data() + pos_, ncode * 4);
    pos_ += ncode * 4;
    std::size_t nk = size();
    for (std::size_t i = 0; i < nk; ++i) {
      int tag = byte();
      switch (tag) {
        case 0:   // nil
        case 1:   // false
        case 17:  // true
          p.constants.emplace_back();
          p.constant_is_string.push_back(false);
          break;
        case 3:   // integer
        case 19:  // float
          skip(8);
          p.constants.emplace_back();
          p.constant_is_string.push_back(false);
          break;
        case 4:   // short string
        case 20:  // long string
          p.constants.push_back(string());
          p.constant_is_string.push_back(true);
          break;
        default:
          fail();
      }
    }
    std::size_t nup = size();
    skip(nup * 3);
    std::size_t np = size();
    for (std::size_t i = 0; i < np; ++i) p.protos.push_back(read_function(depth + 1));
    // Debug information: relative line deltas, absolute lines, locals, upvalue names.
    std::size_t nline = size();
    need(nline);
    std::vector<signed char> deltas(nline);
    std::memcpy(deltas.data(), b_.data() + pos_, nline);
    pos_ += nline;
    std::size_t nabs = size();
    std::vector<std::pair<std::size_t, int>> abs_lines;
    for (std::size_t i = 0; i < nabs; ++i) {
      std::size_t pc = size();
      int line = static_cast<int>(size());
      abs_lines.emplace_back(pc, line);
    }
    std::size_t nloc = size();
    for (std::size_t i = 0; i < nloc; ++i) {
      string();
      size();
      size();
    }
    std::size_t nupn = size();
    for (std::size_t i = 0; i < nupn; ++i) p.upvalue_names.push_back(string());
    // Line of every instruction: start from the last absolute line at or before it and add
    // the deltas after it (luaG_getfuncline).
    p.line_of.assign(ncode, p.line_defined);
    if (nline == ncode) {
      int line = p.line_defined;
      std::size_t next_abs = 0;
      for (std::size_t pc = 0; pc < ncode; ++pc) {
        if (deltas[pc] == -0x80) {  // ABSLINEINFO marker: an absolute line follows
          while (next_abs < abs_lines.size() && abs_lines[next_abs].first < pc) ++next_abs;
          if (next_abs < abs_lines.size() && abs_lines[next_abs].first == pc) {
            line = abs_lines[next_abs].second;
          }
        } else {
          line += deltas[pc];
        }
        p.line_of[pc] = line;
      }
    }
    return p;
  }

  std::string_view b_;
  std::size_t pos_ = 0;
};

std::string_view constant(const Proto& p, unsigned k) {
  if (k < p.constants.size() && p.constant_is_string[k]) return p.constants[k];
  return {};
}

void collect(const Proto& p, ScriptFacts& facts) {
  // Which register holds which global (set by GETTABUP from _ENV), for `money.foo` checks.
  std::vector<std::string> reg_global(256);
  for (std::size_t pc = 0; pc < p.code.size(); ++pc) {
    std::uint32_t i = p.code[pc];
    unsigned op = i & 0x7F;
    unsigned a = (i >> 7) & 0xFF;
    unsigned b = (i >> 16) & 0xFF;
    unsigned c = (i >> 24) & 0xFF;
    int line = p.line_of[pc];
    auto upvalue_is_env = [&](unsigned idx) {
      return idx < p.upvalue_names.size() && p.upvalue_names[idx] == "_ENV";
    };
    if (op == kOpGetTabUp && upvalue_is_env(b)) {
      std::string_view name = constant(p, c);
      if (!name.empty()) {
        facts.globals.push_back({std::string(name), line, false});
        reg_global[a] = std::string(name);
        continue;
      }
    } else if (op == kOpSetTabUp && upvalue_is_env(a)) {
      std::string_view name = constant(p, b);
      if (!name.empty()) facts.globals.push_back({std::string(name), line, true});
    } else if (op == kOpGetField || op == kOpSelf) {
      std::string_view field = constant(p, c);
      if (!field.empty() && !reg_global[b].empty()) {
        facts.fields.push_back({reg_global[b], std::string(field), line});
      }
      if (op == kOpGetField && !field.empty() && b < static_cast<unsigned>(p.num_params)) {
        facts.param_reads.push_back(
            {p.line_defined, static_cast<int>(b), std::string(field), line});
      }
    }
    // Any other instruction that writes register A ends what we knew about it.
    if (a < reg_global.size()) reg_global[a].clear();
  }
  for (const Proto& child : p.protos) collect(child, facts);
}

bool has_setupval(const Proto& p) {
  for (std::uint32_t i : p.code) {
    if ((i & 0x7F) == kOpSetUpval) return true;
  }
  for (const Proto& child : p.protos) {
    if (has_setupval(child)) return true;
  }
  return false;
}

int append_to_string(lua_State*, const void* p, size_t sz, void* ud) {
  try {
    static_cast<std::string*>(ud)->append(static_cast<const char*>(p), sz);
  } catch (...) {
    return 1;
  }
  return 0;
}

}  // namespace

namespace lua_detail {

bool chunk_assigns_upvalues(lua_State* L) {
  std::string bytes;
  if (lua_dump(L, append_to_string, &bytes, 0) != 0) return true;
  try {
    return has_setupval(DumpReader(bytes).read_chunk());
  } catch (...) {
    return true;  // when in doubt, restore after every rule
  }
}

}  // namespace lua_detail

ScriptFacts analyze_script(const PackScript& script) {
  ScriptFacts facts;
  lua_State* L = luaL_newstate();
  if (L == nullptr) {
    facts.error = "geen geheugen";
    return facts;
  }
  std::string chunkname = "@" + script.display_path;
  int status = luaL_loadbufferx(L, script.text.data(), script.text.size(), chunkname.c_str(), "t");
  if (status != LUA_OK) {
    const char* msg = lua_tostring(L, -1);
    facts.error = msg != nullptr ? msg : "syntaxfout";
    lua_close(L);
    return facts;
  }
  std::string bytes;
  lua_dump(L, append_to_string, &bytes, 0);
  lua_close(L);
  try {
    Proto main = DumpReader(bytes).read_chunk();
    collect(main, facts);
  } catch (const std::exception& e) {
    facts.error = e.what();
  }
  return facts;
}

}  // namespace meetlat
