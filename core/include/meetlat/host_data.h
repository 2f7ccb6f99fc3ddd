// What the host supplies to rules beyond the submission and the parameters.
#pragma once

#include <string_view>

#include "meetlat/money.h"

namespace meetlat {

class HostData {
 public:
  virtual ~HostData() = default;
  /// Amount already committed from the uitvoeringsbudget of `thema` in `regio` (rule ML-08), in
  /// cents; the decision ledger of `meetlat serve` supplies it, else zero.
  virtual Cents committed(std::string_view regio, std::string_view thema) const;
};

}  // namespace meetlat
