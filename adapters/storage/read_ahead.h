// Reading one item ahead on a thread of its own (storage-internal): while the caller uses item k,
// the reader fetches item k+1, so reading and using overlap on two cores. At most two items are
// held at once: the one in use and the one read ahead. The reader waits until the caller took
// the previous item before it reads the next, and it stops when the caller stops.
#ifndef ONTZORG_ADAPTERS_STORAGE_READ_AHEAD_H_
#define ONTZORG_ADAPTERS_STORAGE_READ_AHEAD_H_

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "adapters/error.h"

namespace ontzorg {

// Calls `read` on a thread of its own until it returns nullopt (the end) or an error, and
// `use(item)` on this thread for each item in order. Returns the first error of either; after an
// error of `use` (or an exception, which goes on to the caller), `read` is not called again.
// `read` must touch nothing `use` touches (its own connection, for a store).
template <typename T>
Status<Error> ReadAhead(const std::function<Result<std::optional<T>, Error>()>& read,
                        const std::function<Status<Error>(T&)>& use) {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<Result<std::optional<T>, Error>> slot;  // read, not yet taken
  bool stop = false;                                    // the caller is done with it
  std::thread reader([&] {
    for (;;) {
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || !slot; });
        if (stop) return;
      }
      Result<std::optional<T>, Error> item = std::optional<T>();
      try {
        item = read();
      } catch (const std::exception& e) {
        item = Fail(ErrorCode::kStorage, std::string("reading ahead: ") + e.what());
      }
      const bool last = !item || !item->has_value();
      {
        const std::lock_guard lock(mutex);
        slot = std::move(item);
      }
      changed.notify_all();
      if (last) return;
    }
  });
  const auto finish = [&](Status<Error> status) {
    {
      const std::lock_guard lock(mutex);
      stop = true;
    }
    changed.notify_all();
    reader.join();
    return status;
  };
  for (;;) {
    Result<std::optional<T>, Error> item = std::optional<T>();
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return slot.has_value(); });
      item = std::move(*slot);
      slot.reset();
    }
    changed.notify_all();
    if (!item) return finish(Unexpected(item.error()));
    std::optional<T> next = std::move(item).value();
    if (!next) return finish({});
    Status<Error> used;
    try {
      used = use(*next);
    } catch (...) {
      (void)finish({});  // the reader is stopped and joined before the exception goes on
      throw;
    }
    if (!used) return finish(used);
  }
}

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_READ_AHEAD_H_
