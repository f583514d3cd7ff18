// A write transaction that holds the store's write lock from its first statement, so that what
// it reads and what it then writes cannot be separated by another writer (storage-internal):
//   SQLite:     BEGIN IMMEDIATE (the database's one write lock; a second writer waits for it,
//               up to the connection's 30-second busy timeout);
//   PostgreSQL: BEGIN and a transaction-scoped advisory lock that every writer of the store
//               takes first.
// Nested use (a store method that writes, called inside Store::Atomically) joins the outer
// transaction. Committing one that changed a row raises the store's generation
// (Store::Generation). Destroyed without Commit(): rolled back (an inner one makes the outer fail).
#ifndef ONTZORG_ADAPTERS_STORAGE_TRANSACTION_H_
#define ONTZORG_ADAPTERS_STORAGE_TRANSACTION_H_

#include <soci/soci.h>

#include <stdexcept>
#include <string>

#include "adapters/storage/store.h"

namespace ontzorg {

// The error of a write that threw: kConflict when the store was busy with another writer longer
// than the busy timeout (nothing was changed; try again), else kStorage with the database's words.
inline Unexpected<Error> WriteFailed(const std::string& what, const std::exception& e) {
  const std::string m = e.what();
  if (m.find("database is locked") != std::string::npos ||
      m.find("could not obtain lock") != std::string::npos) {
    return Fail(ErrorCode::kConflict,
                "the store is busy with another change (a run, an export or an import) and did "
                "not come free within 30 seconds; nothing was changed, try again when it is done");
  }
  return Fail(ErrorCode::kStorage, what + ": " + m);
}

class Store::WriteTransaction {
 public:
  explicit WriteTransaction(Store& store) : store_(store) {
    if (store_.tx_depth_ == 0) {
      store_.tx_poisoned_ = false;
      if (store_.backend_ == Backend::kSqlite) {
        *store_.sql_ << "BEGIN IMMEDIATE";
        *store_.sql_ << "SELECT total_changes()", soci::into(store_.tx_changes_);
      } else {
        *store_.sql_ << "BEGIN";
        // Any constant shared by every writer; "ontzorg" on a phone keypad.
        *store_.sql_ << "SELECT pg_advisory_xact_lock(6689674)";
      }
    }
    ++store_.tx_depth_;
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  ~WriteTransaction() {
    if (done_) return;
    --store_.tx_depth_;
    if (store_.tx_depth_ > 0) {
      store_.tx_poisoned_ = true;
      return;
    }
    try {
      *store_.sql_ << "ROLLBACK";
    } catch (...) {  // a broken connection rolls back by itself
    }
  }

  // Commits (the outermost transaction); throws when the database refuses or an inner
  // transaction of this one failed.
  void Commit() {
    done_ = true;
    --store_.tx_depth_;
    if (store_.tx_depth_ > 0) return;
    if (store_.tx_poisoned_) {
      *store_.sql_ << "ROLLBACK";
      throw std::runtime_error("a part of the change failed; all of it was rolled back");
    }
    // Every change raises the store's generation (Store::Generation), so a reader that kept
    // something read at the old value knows to read it again. Writers are serialized by the lock
    // above, so this row adds no contention. A transaction that wrote nothing (the same bank
    // file again) leaves it: the store stays byte for byte the same.
    if (WroteSomething()) {
      *store_.sql_ << "UPDATE counters SET value = value + 1 WHERE name = 'generation'";
    }
    *store_.sql_ << "COMMIT";
  }

 private:
  // Whether this transaction changed a row: SQLite counts the rows changed on the connection;
  // PostgreSQL gives a transaction an id only when it writes.
  bool WroteSomething() {
    int wrote = 0;
    if (store_.backend_ == Backend::kSqlite) {
      *store_.sql_ << "SELECT total_changes() <> :b", soci::use(store_.tx_changes_),
          soci::into(wrote);
    } else {
      *store_.sql_ << "SELECT CASE WHEN txid_current_if_assigned() IS NULL THEN 0 ELSE 1 END",
          soci::into(wrote);
    }
    return wrote != 0;
  }

  Store& store_;
  bool done_ = false;
};

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_TRANSACTION_H_
