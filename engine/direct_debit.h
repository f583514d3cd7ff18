// The double-debit guard. In the pilots a bill was often paid twice: the client's own direct debit
// (incasso) with the creditor kept running while the municipality paid the same bill. Each bill
// therefore records whether the client's own direct debit with that creditor has been cancelled,
// when, and who confirmed it. Until it has, the bill is at risk of a double debit and a policy per
// bill kind decides: hold the payment until it is confirmed (or a coach overrides, with a reason),
// or pay it with a warning.
#ifndef ONTZORG_ENGINE_DIRECT_DEBIT_H_
#define ONTZORG_ENGINE_DIRECT_DEBIT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/date.h"
#include "engine/relief.h"

namespace ontzorg {

enum class DirectDebitStatus {
  kCancelled,  // the client had a direct debit with this creditor; it is cancelled (confirmed)
  kNone,       // the client never had one (confirmed, e.g. a new contract)
  kOverride,   // not confirmed, but a coach decided to pay anyway; the reason is recorded
};
const char* ToString(DirectDebitStatus status);  // "cancelled", "none", "override"
std::optional<DirectDebitStatus> ParseDirectDebitStatus(std::string_view text);

// One confirmation or decision about a bill's direct debit. Append-only: a newer record replaces
// an older one for the same bill.
struct DirectDebitRecord {
  BillId bill;
  ClientId client;
  DirectDebitStatus status = DirectDebitStatus::kCancelled;
  Date on;                   // the day it was cancelled / confirmed / decided
  std::string confirmed_by;  // who confirmed it (coach, creditor's letter, ...)
  std::string note;          // the reason for an override; optional otherwise
};

enum class DoubleDebitAction { kHold, kPayWithWarning };
const char* ToString(DoubleDebitAction action);  // "hold", "pay_with_warning"
std::optional<DoubleDebitAction> ParseDoubleDebitAction(std::string_view text);

// What to do with a bill at risk, per bill kind. A kind that is not listed is not guarded.
struct DoubleDebitPolicy {
  std::map<BillKind, DoubleDebitAction> by_kind;
  // The product's default: pay rent with a warning (a late rent costs more than a double one,
  // and a direct debit can be reversed within 8 weeks); hold the others.
  static DoubleDebitPolicy Default();
};

// The newest record for `bill` dated on or before `as_of` (the newest recorded wins a tie).
std::optional<DirectDebitRecord> DirectDebitOf(const std::vector<DirectDebitRecord>& records,
                                               const BillId& bill, Date as_of);

// A bill is at risk while no record confirms the client's own direct debit is cancelled or
// never existed.
bool AtRiskOfDoubleDebit(const std::optional<DirectDebitRecord>& record);

enum class GuardDecision { kPay, kPayWithWarning, kHold };
// The decision for a bill of `kind` with `record` under `policy`: an override pays with a warning.
GuardDecision DecideDoubleDebit(const DoubleDebitPolicy& policy, BillKind kind,
                                const std::optional<DirectDebitRecord>& record);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_DIRECT_DEBIT_H_
