// Prometheus text metrics for /metrics (issue 19): what this server process answered (requests
// by route pattern and status, their durations as a histogram, login outcomes) and what the
// store holds (runs, batches by state, open signals by kind, live sessions). The exposition
// format is text 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
#ifndef ONTZORG_ADAPTERS_WEB_METRICS_H_
#define ONTZORG_ADAPTERS_WEB_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace ontzorg::web {

// What the store holds, read when scraped.
struct StoreGauges {
  int64_t runs = 0;
  std::map<std::string, int64_t> batches;       // by current state
  std::map<std::string, int64_t> open_signals;  // by kind, not done
  int64_t sessions = 0;                         // logged in or half way
  int64_t schema_version = 0;
};

class Metrics {
 public:
  // A request answered: its route's pattern (never a path with a client number), status, time.
  void Request(const std::string& route, int status, double seconds);
  // A login's outcome: "ok", "wrong_password", "wrong_code", "throttled", "deactivated".
  void Login(const std::string& result);
  // The text for a scrape; `store` nullopt: the store did not answer (ontzorg_store_up 0).
  std::string Render(const std::optional<StoreGauges>& store) const;

  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::array<int64_t, kBuckets.size()> buckets_{};  // counts per bucket (not cumulative)
  int64_t count_ = 0;
  double sum_ = 0;
  std::map<std::string, int64_t> logins_;
};

}  // namespace ontzorg::web

#endif  // ONTZORG_ADAPTERS_WEB_METRICS_H_
