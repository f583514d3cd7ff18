// The client page's data kept per client, day and language while the store is unchanged
// (issue 18): building it loads the client's case twice and computes a six-month forecast,
// the bulk of the page's time. An entry holds only at the store generation it was built at
// (Store::Generation, raised by every committed change by any process), so a page never shows
// less than the store held when the request came in. Shared by the server's threads.
#ifndef ONTZORG_ADAPTERS_WEB_CLIENT_CACHE_H_
#define ONTZORG_ADAPTERS_WEB_CLIENT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace ontzorg::web {

class ClientCache {
 public:
  explicit ClientCache(size_t capacity) : capacity_(capacity) {}

  // The data kept under `key` at `generation`; null when there is none (or an older one).
  std::shared_ptr<const nlohmann::json> Find(const std::string& key, int64_t generation) {
    const std::lock_guard<std::mutex> lock(mu_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.generation != generation) return nullptr;
    return it->second.data;
  }

  // Keeps `data`, built from what the store held at `generation`. When full, entries of older
  // generations go first (they can never be used again), then the others.
  void Keep(const std::string& key, int64_t generation, nlohmann::json data) {
    auto kept = std::make_shared<const nlohmann::json>(std::move(data));
    const std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= capacity_ && !entries_.count(key)) {
      for (auto it = entries_.begin(); it != entries_.end();) {
        it = it->second.generation < generation ? entries_.erase(it) : std::next(it);
      }
      if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
    }
    entries_[key] = {generation, std::move(kept)};
  }

 private:
  struct Entry {
    int64_t generation = 0;
    std::shared_ptr<const nlohmann::json> data;
  };
  std::mutex mu_;
  size_t capacity_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ontzorg::web

#endif  // ONTZORG_ADAPTERS_WEB_CLIENT_CACHE_H_
