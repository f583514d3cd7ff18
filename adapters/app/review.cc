#include "adapters/app/review.h"

#include <algorithm>
#include <set>

#include "engine/text.h"

namespace ontzorg {
namespace {

std::string KindOf(const Payment& p) { return PaymentKind(p); }
// A one-off's payee is never compared with an earlier one: it is listed as a new account.
std::string SubjectOf(const Payment& p) {
  if (p.purpose == PaymentPurpose::kOneOff) return p.end_to_end_id;
  return p.bill ? p.bill->value : "leefgeld";
}

BatchTotals Totals(const std::vector<Payment>& payments) {
  BatchTotals t;
  std::set<std::string> clients;
  for (const Payment& p : payments) {
    clients.insert(p.client.value);
    ++t.payments;
    t.amount += p.amount;
    auto& [n, sum] = t.by_kind[KindOf(p)];
    ++n;
    sum += p.amount;
  }
  t.clients = static_cast<int64_t>(clients.size());
  return t;
}

// Last month's batch of the same kind: the newest not cancelled before this one's month (for a
// month batch), or before this one (another kind).
std::optional<BatchRecord> Previous(const std::vector<BatchRecord>& batches, const BatchRecord& b) {
  std::optional<BatchRecord> best;
  for (const BatchRecord& o : batches) {
    if (o.run.id == b.run.id || o.run.kind != b.run.kind || o.State() == "cancelled") continue;
    const bool earlier = b.run.kind == "month" ? o.run.month < b.run.month : o.run.id < b.run.id;
    if (earlier && (!best || o.run.id > best->run.id)) best = o;
  }
  return best;
}

// The account each client and bill (or leefgeld) was paid to by `batches`, in the order given:
// a later batch's account replaces an earlier one's. Keyed "client|bill".
Result<std::map<std::string, Iban>, Error> PaidAccounts(Store& store,
                                                        const std::vector<int64_t>& batches) {
  std::map<std::string, Iban> paid;
  for (const int64_t id : batches) {
    auto before = store.BatchPayments(id);
    if (!before) return Unexpected(before.error());
    for (const Payment& p : *before) paid[p.client.value + "|" + SubjectOf(p)] = p.payee.iban;
  }
  return paid;
}

// The payees of `payments` paid to another account than `paid` says (or new), into `r`; before any
// batch was exported only the one-offs' (the approver checks each against its decision).
void ListPayeeChanges(const std::vector<Payment>& payments, const std::map<std::string, Iban>& paid,
                      BatchReview* r) {
  std::set<std::string> listed;
  for (const Payment& p : payments) {
    if (r->compared_with.empty() && p.purpose != PaymentPurpose::kOneOff) continue;
    const std::string key = p.client.value + "|" + SubjectOf(p);
    const auto it = paid.find(key);
    if ((it != paid.end() && it->second.compact() == p.payee.iban.compact()) ||
        !listed.insert(key).second) {
      continue;
    }
    r->payee_changes.push_back({p.client.value, SubjectOf(p), KindOf(p), p.payee.name,
                                p.payee.iban.Formatted(),
                                it == paid.end() ? "" : it->second.Formatted()});
  }
}

}  // namespace

Result<BatchReview, Error> ReviewBatch(Store& store, int64_t batch, const ReviewOptions& options) {
  auto batches = store.Batches();
  if (!batches) return Unexpected(batches.error());
  const auto self = std::find_if(batches->begin(), batches->end(),
                                 [&](const BatchRecord& b) { return b.run.id == batch; });
  if (self == batches->end())
    return Fail(ErrorCode::kBadInput, "no batch " + std::to_string(batch));
  auto payments = store.BatchPayments(batch);
  if (!payments) return Unexpected(payments.error());
  BatchReview r;
  r.totals = Totals(*payments);
  r.previous = Previous(*batches, *self);
  if (r.previous) {
    auto before = store.BatchPayments(r.previous->run.id);
    if (!before) return Unexpected(before.error());
    r.previous_totals = Totals(*before);
  }
  // The payees of the last exported month batch before this one and of every exported batch
  // after it (re-issues to corrected accounts): what the bank was last told to pay, per client and
  // bill. The latest wins.
  int64_t from = 0;
  for (const BatchRecord& o : *batches) {
    if (o.run.id < batch && o.run.kind == "month" && o.State() == "exported") {
      from = std::max(from, o.run.id);
    }
  }
  std::string since;
  for (const BatchRecord& o : *batches) {
    if (from == 0 || o.run.id < from || o.run.id >= batch || o.State() != "exported") continue;
    r.compared_with.push_back(o.run.id);
    if (since.empty() || o.run.started_at < since) since = o.run.started_at;
  }
  // Oldest first (the store lists newest first): a re-issue's account replaces the month's.
  std::sort(r.compared_with.begin(), r.compared_with.end());
  auto accounts = PaidAccounts(store, r.compared_with);
  if (!accounts) return Unexpected(accounts.error());
  ListPayeeChanges(*payments, *accounts, &r);
  if (!r.compared_with.empty()) {
    auto changes = store.ChangesSince(self->run.month, since);
    if (!changes) return Unexpected(changes.error());
    for (const Store::ChangeRecord& c : *changes) {
      if (c.fields.find("iban") != std::string::npos) r.account_changes.push_back(c);
    }
  }
  std::vector<Payment> sorted = *payments;
  // Largest first; equal amounts in EndToEndId order, so the list is the same every time.
  std::sort(sorted.begin(), sorted.end(), [](const Payment& a, const Payment& b) {
    return a.amount.cents() != b.amount.cents() ? a.amount.cents() > b.amount.cents()
                                                : a.end_to_end_id < b.end_to_end_id;
  });
  for (const Payment& p : sorted) {
    if (r.largest.size() < options.largest) r.largest.push_back(p);
    if (p.purpose == PaymentPurpose::kAllowance && options.own_account_above.IsPositive() &&
        p.amount.cents() > options.own_account_above.cents()) {
      r.own_account_above.push_back(p);
    }
  }
  return r;
}

std::vector<PayeeChange> ChangedAccounts(const BatchReview& review) {
  std::vector<PayeeChange> out;
  for (const PayeeChange& c : review.payee_changes) {
    if (!c.previous_iban.empty() || c.kind == "one_off") out.push_back(c);
  }
  return out;
}

}  // namespace ontzorg
