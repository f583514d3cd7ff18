// The double-entry, append-only ledger of the managed account (beheerrekening).
//
// Every movement of money is a transfer (TigerBeetle's model): one account debited, another
// credited, with the same positive amount, so every entry balances by construction. Entries are
// never changed or removed; a correction is a new, reversing entry ("always add more transfers").
// Accounts:
//   bank:managed     the municipality's managed bank account (an asset: debit = money in)
//   client:<id>      what the managed account holds for one client (a liability: credit = owed
//                    to the client). Its balance, credits minus debits, never goes below zero.
// Every entry touching client:<id> is booked on that client, so a client's balance is found
// from the client's own entries.
#ifndef ONTZORG_ENGINE_LEDGER_H_
#define ONTZORG_ENGINE_LEDGER_H_

#include <string>
#include <vector>

#include "engine/date.h"
#include "engine/money.h"
#include "engine/relief.h"

namespace ontzorg {

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
  std::string debit_account;
  std::string credit_account;
  Money amount;  // > 0
};

namespace accounts {
std::string ManagedBank();                   // "bank:managed"
std::string ClientFunds(const ClientId& id);  // "client:<id>"
}  // namespace accounts

// An entry moving `amount` (> 0) from `credit_account` to `debit_account`; aborts on a
// non-positive amount or one account on both sides: either is a bug, never user input.
Entry MakeTransfer(std::string key, ClientId client, YearMonth month, EntryKind kind,
                   Date booked_on, std::string debit_account, std::string credit_account,
                   Money amount);
// The balance `account` holds as a liability (credits minus debits) after `entries`.
Money LiabilityBalance(const std::vector<Entry>& entries, const std::string& account);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_LEDGER_H_
