// The double-entry, append-only ledger of the managed account (beheerrekening).
//
// Every movement of money is a transfer (TigerBeetle's model): one account debited, another
// credited, with the same positive amount, so every entry balances by construction. Entries are
// never changed or removed; a correction is a new, reversing entry ("always add more transfers").
// Accounts:
//   bank:managed     the municipality's managed bank account (an asset: debit = money in)
//   client:<id>      what the managed account holds for one client (a liability: credit = owed
//                    to the client). Its balance, credits minus debits, never goes below zero.
//   loan:<id>        the client's bridging credit not yet set off (a receivable: debit = owed
//                    by the client), covered by toeslagen expected on the managed account
//   recovery:<id>    bridging credit whose toeslagen went to the client's own account: to be
//                    recovered from later leefgeld
//   grant:<id>       bridging given as bijzondere bijstand (gift form): a memorandum of the total
//   municipality:bridging            the municipality's credit account: what it has lent out
//   municipality:special_assistance  what it has given as bijzondere bijstand
// Bridging moves money in pairs, so both equations below hold after every entry:
//   bank:managed = sum of client:<id>          (the bank holds exactly the clients' money)
//   municipality:bridging = sum of loan:<id> + recovery:<id>   (the credit account balances)
//   municipality:special_assistance = sum of grant:<id>
// Drawing credit: the municipality's money enters the managed account for the client (bank ->
// client:<id>) and the client's debt is recorded (loan:<id> <- municipality:bridging). Setting
// off and recovering reverse both legs. Every entry is booked on one client, so a client's
// balances are found from the client's own entries.
#ifndef ONTZORG_ENGINE_LEDGER_H_
#define ONTZORG_ENGINE_LEDGER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/date.h"
#include "engine/money.h"
#include "engine/relief.h"

namespace ontzorg {

enum class EntryKind {
  kBenefitReceived,   // bijstand for the month credited to the client
  kBillPaid,          // a bill paid to a creditor out of the client's funds
  kAllowancePaid,     // leefgeld paid to the client's own account
  kIncomeReceived,    // a toeslag, vakantietoeslag or refund arrived on the managed account
  kCreditDrawn,       // bridging credit drawn (two legs: money in, debt recorded)
  kCreditSetOff,      // credit set off against toeslagen on the managed account (two legs)
  kCreditToRecover,   // toeslagen went to the client's own account: loan -> recovery
  kCreditRecovered,   // an instalment recovered from leefgeld (two legs)
  kCreditWrittenOff,  // written off by a recorded decision
  kGiftGranted,       // bridging as bijzondere bijstand (two legs: money in, grant recorded)
  // A payment that did not reach the payee: its money back on the client's funds (bank ->
  // client:<id>), held there until the payment is re-issued or a person releases it.
  kPaymentRejected,   // the bank refused it (pain.002 RJCT)
  kPaymentReturned,   // it was booked, then came back (camt.053/054 return or reversal)
  kPaymentCancelled,  // its batch was cancelled before export
  // A one-off payment finance records (a deposit, a bijzondere bijstand amount; issue 17):
  kSpecialAssistanceReceived,  // bijzondere bijstand for it credited to the client first
  kOneOffPaid,                 // the one-off paid out of the client's funds
};
constexpr int kEntryKindCount = 15;
const char* ToString(EntryKind kind);  // "benefit_received", "bill_paid", ...
std::optional<EntryKind> ParseEntryKind(std::string_view text);

// A ledger account by name ("bank:managed", "client:C0001"): a type of its own, so an account is
// never passed where a key or a client id is meant. Made by the accounts:: functions below.
using Account = Id<struct AccountTag>;
// The two sides of a transfer, named where it is made so they cannot be swapped:
//   MakeTransfer(..., DebitAccount{accounts::ManagedBank()}, CreditAccount{funds}, amount)
struct DebitAccount {
  Account account;
};
struct CreditAccount {
  Account account;
};

struct Entry {
  std::string key;  // idempotency key; unique in the store
  ClientId client;
  YearMonth month;
  EntryKind kind = EntryKind::kBenefitReceived;
  Date booked_on;
  Account debit_account;
  Account credit_account;
  Money amount;  // > 0
};

namespace accounts {
Account ManagedBank();                    // "bank:managed"
Account ClientFunds(const ClientId& id);  // "client:<id>"
Account Loan(const ClientId& id);         // "loan:<id>"
Account Recovery(const ClientId& id);     // "recovery:<id>"
Account Grant(const ClientId& id);        // "grant:<id>"
Account MunicipalityBridging();           // "municipality:bridging"
Account MunicipalitySpecialAssistance();  // "municipality:special_assistance"
}  // namespace accounts

// An entry moving `amount` (> 0) from `credit` to `debit`; aborts on a non-positive amount or
// one account on both sides: either is a bug, never user input. The store asserts the same of
// every entry it reads back (the pair of this assertion).
Entry MakeTransfer(std::string key, ClientId client, YearMonth month, EntryKind kind,
                   Date booked_on, DebitAccount debit, CreditAccount credit, Money amount);
// The balance `account` holds as a liability (credits minus debits) after `entries`.
Money LiabilityBalance(const std::vector<Entry>& entries, const Account& account);
// The balance `account` holds as an asset (debits minus credits) after `entries`.
Money AssetBalance(const std::vector<Entry>& entries, const Account& account);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_LEDGER_H_
