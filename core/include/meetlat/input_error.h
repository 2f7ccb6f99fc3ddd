// Input errors: a problem in a submission file, located by key path and, where known, line/column.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace meetlat {

struct InputError {
  std::string path;  ///< key path, e.g. "activiteit[2].bijdrage.2019"; empty for the file itself
  std::uint32_t line = 0;    ///< 1-based; 0 when unknown
  std::uint32_t column = 0;  ///< 1-based; 0 when unknown
  std::string message;       ///< Dutch, says what is wrong and what is expected
};

using InputErrors = std::vector<InputError>;

}  // namespace meetlat
