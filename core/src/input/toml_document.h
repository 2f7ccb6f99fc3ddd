// Internal: converting toml++ tables into Documents (shared by submissions and pack parameters).
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "meetlat/document.h"
#include "meetlat/expected.h"

namespace meetlat::detail {

/// Appends the members of `t` under `parent`. `source_text` is the text `t` was parsed from; it is
/// used to re-read floats exactly.
void toml_to_document(const toml::table& t, std::string_view source_text, Document& doc,
                      NodeId parent);

/// Reads a TOML file of bounded size and depth: "file:line:column: message" on failure.
Expected<toml::table> parse_toml_file(const std::string& path, std::string& text_out,
                                      std::size_t max_bytes = 1u << 20, unsigned max_depth = 32);

}  // namespace meetlat::detail
