#include "adapters/web/metrics.h"

#include <cstdio>

namespace ontzorg::web {
namespace {

// A label value as the exposition format wants it: backslash, quote and newline escaped.
std::string Label(const std::string& v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void Head(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Metrics::Request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++buckets_[i];
      break;
    }
  }
  ++count_;
  sum_ += seconds;
}

void Metrics::Login(const std::string& result) {
  std::lock_guard lock(mu_);
  ++logins_[result];
}

std::string Metrics::Render(const std::optional<StoreGauges>& store) const {
  std::string out;
  {
    std::lock_guard lock(mu_);
    Head(out, "ontzorg_http_requests_total", "counter",
         "Requests answered by this process, by route pattern and status.");
    for (const auto& [key, n] : requests_) {
      out += "ontzorg_http_requests_total{route=\"" + Label(key.first) + "\",status=\"" +
             std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    Head(out, "ontzorg_http_request_duration_seconds", "histogram",
         "Time from a request read to its answer, including any wait for the password pool.");
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += buckets_[i];
      out += "ontzorg_http_request_duration_seconds_bucket{le=\"" + Number(kBuckets[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "ontzorg_http_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(count_) +
           "\nontzorg_http_request_duration_seconds_sum " + Number(sum_) +
           "\nontzorg_http_request_duration_seconds_count " + std::to_string(count_) + "\n";
    Head(out, "ontzorg_logins_total", "counter",
         "Logins by outcome: ok, wrong_password, wrong_code (second factor), throttled, "
         "deactivated.");
    for (const char* result : {"ok", "wrong_password", "wrong_code", "throttled", "deactivated"}) {
      const auto it = logins_.find(result);
      out += std::string("ontzorg_logins_total{result=\"") + result + "\"} " +
             std::to_string(it == logins_.end() ? 0 : it->second) + "\n";
    }
  }
  Head(out, "ontzorg_store_up", "gauge", "1 when the store answered this scrape.");
  out += std::string("ontzorg_store_up ") + (store ? "1" : "0") + "\n";
  if (!store) return out;
  Head(out, "ontzorg_schema_version", "gauge", "The store's schema version.");
  out += "ontzorg_schema_version " + std::to_string(store->schema_version) + "\n";
  Head(out, "ontzorg_runs", "gauge", "Monthly runs and re-issues recorded in the store.");
  out += "ontzorg_runs " + std::to_string(store->runs) + "\n";
  Head(out, "ontzorg_batches", "gauge", "Payment batches by their current state.");
  for (const char* state : {"prepared", "approved", "exported", "cancelled"}) {
    const auto it = store->batches.find(state);
    out += std::string("ontzorg_batches{state=\"") + state + "\"} " +
           std::to_string(it == store->batches.end() ? 0 : it->second) + "\n";
  }
  Head(out, "ontzorg_open_signals", "gauge", "Signals not done, by kind.");
  for (const auto& [kind, n] : store->open_signals) {
    out += "ontzorg_open_signals{kind=\"" + Label(kind) + "\"} " + std::to_string(n) + "\n";
  }
  Head(out, "ontzorg_sessions", "gauge", "Sessions in the store (all server processes).");
  out += "ontzorg_sessions " + std::to_string(store->sessions) + "\n";
  return out;
}

}  // namespace ontzorg::web
