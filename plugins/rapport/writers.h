// The report formats of plugin "rapport": html, markdown, junit and csv (docs/plugins.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "../common/format_plugin.h"

namespace meetlat_plugins {

/// Text for XML and HTML: & < > " ' escaped, and characters XML 1.0 does not allow (controls
/// other than tab, newline and carriage return; U+FFFE, U+FFFF) replaced by U+FFFD.
void append_xml_escaped(std::string& out, std::string_view text);
std::string xml_escaped(std::string_view text);

std::unique_ptr<FormatWriter> make_html_writer();
std::unique_ptr<FormatWriter> make_markdown_writer();
std::unique_ptr<FormatWriter> make_junit_writer();
std::unique_ptr<FormatWriter> make_csv_writer();

}  // namespace meetlat_plugins
