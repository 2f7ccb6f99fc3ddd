// Shared helpers of the fuzz targets: invariant checks that abort (so libFuzzer saves the input)
// and measures of a Document.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "meetlat/document.h"
#include "meetlat/input_error.h"

namespace meetlat::fuzz {

/// An invariant of the engine; a violation aborts with a message, and libFuzzer keeps the input.
[[noreturn]] inline void violated(const char* file, int line, const char* what,
                                  std::string_view detail) {
  std::fprintf(stderr, "\n== meetlat fuzz invariant violated at %s:%d: %s\n== %.*s\n", file, line,
               what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

#define MEETLAT_FUZZ_CHECK(cond, detail)                                         \
  do {                                                                           \
    if (!(cond)) ::meetlat::fuzz::violated(__FILE__, __LINE__, #cond, (detail)); \
  } while (false)

/// Nesting depth of a document: 0 for an empty root, 1 for top-level scalars, and so on.
/// Iterative (parents have lower ids than their children), so it cannot overflow the stack.
inline unsigned depth(const Document& doc) {
  std::vector<unsigned> level(doc.size(), 0);
  unsigned deepest = 0;
  for (NodeId id = 1; id < doc.size(); ++id) {
    NodeId parent = doc.node(id).parent;
    level[id] = parent == kNoNode ? 1 : level[parent] + 1;
    if (level[id] > deepest) deepest = level[id];
  }
  return deepest;
}

/// Checks what every reader promises about its errors: a message, and file order.
inline void check_errors(const InputErrors& errors) {
  for (std::size_t i = 0; i < errors.size(); ++i) {
    MEETLAT_FUZZ_CHECK(!errors[i].message.empty(), errors[i].path);
    if (i > 0) {
      const InputError& a = errors[i - 1];
      const InputError& b = errors[i];
      MEETLAT_FUZZ_CHECK(a.line < b.line || (a.line == b.line && a.column <= b.column), b.message);
    }
  }
}

}  // namespace meetlat::fuzz
