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
  OZ_INVARIANT(debit_account != credit_account, "a transfer moves money between two accounts");
  return Entry{std::move(key), std::move(client), month, kind, booked_on,
               std::move(debit_account), std::move(credit_account), amount};
}

Money LiabilityBalance(const std::vector<Entry>& entries, const std::string& account) {
  Money balance;
  for (const Entry& e : entries) {
    if (e.credit_account == account) balance += e.amount;
    if (e.debit_account == account) balance -= e.amount;
  }
  return balance;
}

}  // namespace ontzorg
