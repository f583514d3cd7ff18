#include "engine/ledger.h"

#include "engine/invariant.h"

namespace ontzorg {

const char* ToString(EntryKind kind) {
  switch (kind) {
    case EntryKind::kBenefitReceived: return "benefit_received";
    case EntryKind::kBillPaid: return "bill_paid";
    case EntryKind::kAllowancePaid: return "allowance_paid";
  }
  return "?";
}

namespace accounts {
std::string ManagedBank() { return "bank:managed"; }
std::string ClientFunds(const ClientId& id) { return "client:" + id.value; }
}  // namespace accounts

Entry MakeTransfer(std::string key, ClientId client, YearMonth month, EntryKind kind,
                   Date booked_on, std::string debit_account, std::string credit_account,
                   Money amount) {
  OZ_INVARIANT(amount.IsPositive(), "a transfer moves a positive amount");
  Entry entry{std::move(key), std::move(client), month, kind, booked_on, {}};
  entry.postings.push_back({std::move(debit_account), amount});
  entry.postings.push_back({std::move(credit_account), -amount});
  CheckBalanced(entry);
  return entry;
}

void CheckBalanced(const Entry& entry) {
  OZ_INVARIANT(entry.postings.size() >= 2, "an entry has at least two postings");
  Money sum;
  for (const Posting& p : entry.postings) {
    OZ_INVARIANT(p.amount != Money::Zero(), "a posting moves a non-zero amount");
    sum += p.amount;
  }
  OZ_INVARIANT(sum == Money::Zero(), "an entry's debits equal its credits");
}

Money LiabilityBalance(const std::vector<Entry>& entries, const std::string& account) {
  Money balance;
  for (const Entry& e : entries) {
    for (const Posting& p : e.postings) {
      if (p.account == account) balance -= p.amount;
    }
  }
  return balance;
}

}  // namespace ontzorg
