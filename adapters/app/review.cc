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

// Totals built one payment at a time.
class TotalsBuilder {
 public:
  void Add(const Payment& p) {
    clients_.insert(p.client.value);
    ++t_.payments;
    t_.amount += p.amount;
    auto& [n, sum] = t_.by_kind[KindOf(p)];
    ++n;
    sum += p.amount;
  }
  BatchTotals Done() {
    t_.clients = static_cast<int64_t>(clients_.size());
    return t_;
  }

 private:
  BatchTotals t_;
  std::set<std::string> clients_;
};

// Largest first; equal amounts in EndToEndId order, so the list is the same every time.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): a comparator's two sides
bool Larger(const Payment& a, const Payment& b) {
  return a.amount.cents() != b.amount.cents() ? a.amount.cents() > b.amount.cents()
                                              : a.end_to_end_id < b.end_to_end_id;
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

// The payees of the last exported month batch before `batch` and of every exported batch after
// it (re-issues to corrected accounts): what the bank was last told to pay, per client and bill.
// Into r->compared_with, oldest first (a re-issue's account replaces the month's); `since` the
// earliest of their preparations.
void CompareWith(const std::vector<BatchRecord>& batches, int64_t batch, BatchReview* r,
                 std::string* since) {
  int64_t from = 0;
  for (const BatchRecord& o : batches) {
    if (o.run.id < batch && o.run.kind == "month" && o.State() == "exported") {
      from = std::max(from, o.run.id);
    }
  }
  for (const BatchRecord& o : batches) {
    if (from == 0 || o.run.id < from || o.run.id >= batch || o.State() != "exported") continue;
    r->compared_with.push_back(o.run.id);
    if (since->empty() || o.run.started_at < *since) *since = o.run.started_at;
  }
  std::sort(r->compared_with.begin(), r->compared_with.end());
}

// The earlier batches, each read once: the previous batch's totals, and the account each client
// and bill (or leefgeld) was paid to by the compared batches, keyed "client|bill" (the latest
// wins).
Result<std::map<std::string, Iban>, Error> ReadEarlier(Store& store, BatchReview* r) {
  std::map<std::string, Iban> paid;
  std::set<int64_t> ids(r->compared_with.begin(), r->compared_with.end());
  if (r->previous) ids.insert(r->previous->run.id);
  for (const int64_t id : ids) {  // ascending: oldest first
    const bool totals = r->previous && r->previous->run.id == id;
    const bool compared = std::binary_search(r->compared_with.begin(), r->compared_with.end(), id);
    TotalsBuilder t;
    auto read = store.ForEachBatchPayment(id, [&](const Payment& p) {
      if (totals) t.Add(p);
      if (compared) paid[p.client.value + "|" + SubjectOf(p)] = p.payee.iban;
    });
    if (!read) return Unexpected(read.error());
    if (totals) r->previous_totals = t.Done();
  }
  return paid;
}

}  // namespace

// The batch's own payments are read once, one at a time (issue 18: the review and the approval's
// digest each loaded all of them, and the review copied them once more to sort them): totals,
// changed payees, the largest (kept to `options.largest`) and leefgeld above the limit.
Result<BatchReview, Error> ReviewBatch(Store& store, int64_t batch, const ReviewOptions& options) {
  auto batches = store.Batches();
  if (!batches) return Unexpected(batches.error());
  const auto self = std::find_if(batches->begin(), batches->end(),
                                 [&](const BatchRecord& b) { return b.run.id == batch; });
  if (self == batches->end())
    return Fail(ErrorCode::kBadInput, "no batch " + std::to_string(batch));
  BatchReview r;
  r.previous = Previous(*batches, *self);
  std::string since;
  CompareWith(*batches, batch, &r, &since);
  auto paid = ReadEarlier(store, &r);
  if (!paid) return Unexpected(paid.error());

  TotalsBuilder totals;
  std::set<std::string> listed;
  auto read = store.ForEachBatchPayment(batch, [&](Payment p) {
    if (options.each_payment) options.each_payment(p);
    totals.Add(p);
    // Before any batch was exported only the one-offs' payees are listed (the approver checks
    // each against its decision).
    if (!r.compared_with.empty() || p.purpose == PaymentPurpose::kOneOff) {
      const std::string key = p.client.value + "|" + SubjectOf(p);
      const auto it = paid->find(key);
      const bool same = it != paid->end() && it->second.compact() == p.payee.iban.compact();
      if (!same && listed.insert(key).second) {
        r.payee_changes.push_back({p.client.value, SubjectOf(p), KindOf(p), p.payee.name,
                                   p.payee.iban.Formatted(),
                                   it == paid->end() ? "" : it->second.Formatted()});
      }
    }
    if (p.purpose == PaymentPurpose::kAllowance && options.own_account_above.IsPositive() &&
        p.amount.cents() > options.own_account_above.cents()) {
      r.own_account_above.push_back(p);
    }
    if (options.largest == 0) return;
    if (r.largest.size() == options.largest) {
      if (!Larger(p, r.largest.back())) return;
      r.largest.pop_back();
    }
    r.largest.insert(std::upper_bound(r.largest.begin(), r.largest.end(), p, Larger), std::move(p));
  });
  if (!read) return Unexpected(read.error());
  r.totals = totals.Done();
  std::sort(r.own_account_above.begin(), r.own_account_above.end(), Larger);
  if (!r.compared_with.empty()) {
    auto changes = store.ChangesSince(self->run.month, since);
    if (!changes) return Unexpected(changes.error());
    for (const Store::ChangeRecord& c : *changes) {
      if (c.fields.find("iban") != std::string::npos) r.account_changes.push_back(c);
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
