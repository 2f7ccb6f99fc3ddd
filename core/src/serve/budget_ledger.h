// The budget ledger of `meetlat serve`: what has been approved (toegekend) per regio and thema,
// as rule ML-08 sees it through HostData::committed() (issue "meetlat serve"). The amounts come
// from the approval entries of the decision log; the log is the record, this is its running sum.
#pragma once

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "meetlat/decision_record.h"
#include "meetlat/host_data.h"

namespace meetlat {

class BudgetLedger : public HostData {
 public:
  using Totals = std::map<std::pair<std::string, std::string>, Cents>;

  explicit BudgetLedger(Totals totals = {}) : totals_(std::move(totals)) {}

  Cents committed(std::string_view regio, std::string_view thema) const override {
    std::shared_lock lock(mutex_);
    auto it = totals_.find({std::string(regio), std::string(thema)});
    return it == totals_.end() ? 0 : it->second;
  }

  void reset(Totals totals) {
    std::unique_lock lock(mutex_);
    totals_ = std::move(totals);
  }

  /// After an approval is committed to the log.
  void add(const std::string& regio, const std::string& thema, Cents cents) {
    std::unique_lock lock(mutex_);
    totals_[{regio, thema}] += cents;
  }

  Totals totals() const {
    std::shared_lock lock(mutex_);
    return totals_;
  }

 private:
  mutable std::shared_mutex mutex_;
  Totals totals_;
};

/// Passes committed() through to the ledger and remembers every answer, so that the decision
/// log can keep what rule ML-08 saw and a replay can give the rule the same amounts.
class RecordingHostData : public HostData {
 public:
  explicit RecordingHostData(const HostData& inner) : inner_(inner) {}

  Cents committed(std::string_view regio, std::string_view thema) const override {
    for (const CommittedRead& r : reads_) {
      if (r.regio == regio && r.thema == thema) return r.cents;  // one answer per evaluation
    }
    Cents c = inner_.committed(regio, thema);
    reads_.push_back({std::string(regio), std::string(thema), c});
    return c;
  }

  const std::vector<CommittedRead>& reads() const { return reads_; }

 private:
  const HostData& inner_;
  // Filled from const committed(): the rule API holds the host data as const.
  mutable std::vector<CommittedRead> reads_;
};

}  // namespace meetlat
