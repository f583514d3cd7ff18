// The double-entry, append-only ledger of the managed account (beheerrekening).
//
// Every movement of money is an Entry whose postings sum to zero (debits positive, credits
// negative). Entries are never changed or removed; a correction is a new, reversing entry.
// Accounts:
//   bank:managed     the municipality's managed bank account (an asset: debit = money in)
//   client:<id>      what the managed account holds for one client (a liability: credit = owed
//                    to the client). Its balance, credits minus debits, never goes below zero.
#ifndef ONTZORG_ENGINE_LEDGER_H_
#define ONTZORG_ENGINE_LEDGER_H_

#include <string>
#include <vector>

#include "engine/date.h"
#include "engine/money.h"
#include "engine/relief.h"

namespace ontzorg {

struct Posting {
  std::string account;
  Money amount;  // > 0 debit, < 0 credit
};

enum class EntryKind {
  kBenefitReceived,  // bijstand for the month credited to the client
  kBillPaid,         // a bill paid to a creditor out of the client's funds
  kAllowancePaid,    // leefgeld paid to the client's own account
};
const char* ToString(EntryKind kind);  // "benefit_received", "bill_paid", "allowance_paid"

struct Entry {
  std::string key;  // idempotency key; unique in the store
  ClientId client;
  YearMonth month;
  EntryKind kind = EntryKind::kBenefitReceived;
  Date booked_on;
  std::vector<Posting> postings;
};

namespace accounts {
std::string ManagedBank();                   // "bank:managed"
std::string ClientFunds(const ClientId& id);  // "client:<id>"
}  // namespace accounts

// A two-posting entry moving `amount` (> 0) from `credit_account` to `debit_account`.
Entry MakeTransfer(std::string key, ClientId client, YearMonth month, EntryKind kind,
                   Date booked_on, std::string debit_account, std::string credit_account,
                   Money amount);
// Aborts unless the postings sum to zero and no posting is zero: a broken entry is a bug.
void CheckBalanced(const Entry& entry);
// The balance `account` holds as a liability (credits minus debits) after `entries`.
Money LiabilityBalance(const std::vector<Entry>& entries, const std::string& account);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_LEDGER_H_
