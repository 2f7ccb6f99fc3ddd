// The files of the web page (web/), embedded into the binary at build time by
// core/cmake/embed_files.cmake, so that `meetlat serve` needs no files beside the executable.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace meetlat {

struct WebAsset {
  std::string_view path;  ///< relative to web/, with '/': "index.html", "img/logo.svg"
  const unsigned char* data;
  std::size_t size;
};

/// Every embedded file, sorted by path. Generated (web_assets.cpp in the build folder).
std::span<const WebAsset> web_assets();

}  // namespace meetlat
