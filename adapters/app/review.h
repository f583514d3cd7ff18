// What finance reads before approving a batch (issue 17): its totals against last month's, the
// payee accounts that are new or changed since the last exported batch (the classic way money is
// diverted), the largest payments, payments to clients' own accounts above a limit. Read only;
// ApproveBatch refuses a batch with changed payee accounts unless the approver acknowledges them.
#ifndef ONTZORG_ADAPTERS_APP_REVIEW_H_
#define ONTZORG_ADAPTERS_APP_REVIEW_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

struct BatchTotals {
  int64_t clients = 0, payments = 0;
  Money amount;
  std::map<std::string, std::pair<int64_t, Money>> by_kind;  // "rent", ..., "leefgeld"
};

// A payee account of this batch that the last exported batches did not pay for the same client
// and bill (or leefgeld): `previous_iban` empty when nothing was paid for it then (a new payee).
struct PayeeChange {
  std::string client, subject;  // subject: the bill id, or "leefgeld"
  std::string kind, payee, iban, previous_iban;
};

struct BatchReview {
  BatchTotals totals;
  std::optional<BatchRecord> previous;  // last month's batch (same kind, not cancelled)
  BatchTotals previous_totals;
  std::vector<int64_t> compared_with;  // the exported batches whose payees were compared
  std::vector<PayeeChange> payee_changes;
  std::vector<Payment> largest;                      // the 20 largest payments, largest first
  std::vector<Payment> own_account_above;            // leefgeld above the limit, largest first
  std::vector<Store::ChangeRecord> account_changes;  // IBAN changes recorded since the compared
};

struct ReviewOptions {
  Money own_account_above = Money::FromCents(150000);
  size_t largest = 20;
  // Also hands each of the batch's payments here, in the store's order, during the review's
  // one read of them (the approval digests them on the way).
  std::function<void(const Payment&)> each_payment;
};

Result<BatchReview, Error> ReviewBatch(Store& store, int64_t batch, const ReviewOptions& options);

// The payee accounts an approver must acknowledge: the changed ones (not the new ones of a month
// batch), and every one-off's payee (checked against the decision).
std::vector<PayeeChange> ChangedAccounts(const BatchReview& review);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_REVIEW_H_
