// The monthly computation: for each client in relief in month M, which bills fall due, when to
// execute each payment on the TARGET calendar, what is paid in which order when the bijstand falls
// short, and the leefgeld (allowance) that remains. Pure: the run date is a parameter, and what was
// already booked is an input, so running a month twice books and pays nothing twice.
#ifndef ONTZORG_ENGINE_MONTH_H_
#define ONTZORG_ENGINE_MONTH_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/ledger.h"
#include "engine/relief.h"

namespace ontzorg {

// Policy for the month: from config, never hard-coded.
struct MonthPolicy {
  // The order in which bills are paid when the bijstand does not cover them all; all four kinds.
  std::vector<BillKind> priority = {BillKind::kRent, BillKind::kHealthInsurance,
                                    BillKind::kEnergy, BillKind::kWater};
  int allowance_day = 1;  // leefgeld reaches the client on this day of the month (clamped)
  int settlement_business_days = 1;  // SEPA SCT: credited by the end of the next business day
};

// Everything the engine needs about one client for one month.
struct ClientCase {
  Client client;
  ReliefPlan plan;
  std::vector<Bill> bills;
  std::optional<Money> benefit;    // net bijstand received for the month, if recorded
  Money opening_balance;           // client:<id> balance before anything of this run
  std::vector<std::string> booked_keys;  // idempotency keys of this client already in the store
};

// The party paid: a creditor, or the client (leefgeld).
struct Payee {
  std::string name;
  Iban iban;
  std::optional<std::string> bic;
  std::optional<Address> address;
};

enum class PaymentPurpose { kBill, kAllowance };
const char* ToString(PaymentPurpose purpose);  // "bill", "allowance"

struct Payment {
  std::string key;            // idempotency key: client|bill|YYYY-MM or client|allowance|YYYY-MM
  std::string end_to_end_id;  // derived from the key; <= 35 characters, SEPA identifier set
  ClientId client;
  PaymentPurpose purpose = PaymentPurpose::kBill;
  std::optional<BillId> bill;
  std::optional<BillKind> bill_kind;
  YearMonth period;
  Payee payee;
  Money amount;
  Date due;
  Date execution;  // requested execution date (ReqdExctnDt)
  bool late = false;  // cannot reach the payee by its due date any more
  PaymentReference remittance;
};

enum class UnpaidReason {
  kInsufficientFunds,  // the bijstand left after higher-priority bills does not cover this bill
  kUnknownCreditor,    // the bill names a creditor that is not on record
};
const char* Describe(UnpaidReason reason);

struct UnpaidBill {
  BillId bill;
  BillKind kind = BillKind::kRent;
  Money amount;
  Date due;
  UnpaidReason reason = UnpaidReason::kInsufficientFunds;
  Money available;  // what the client had left when this bill's turn came
};

// The outcome for one client in one month.
struct ClientMonth {
  ClientId client;
  ReliefPeriod period;
  int relief_month = 0;  // 1 for the month relief starts in, 2 for the next, ...
  bool benefit_missing = false;  // no bijstand recorded for the month: only carried funds used
  Money opening_balance;
  Money closing_balance;
  std::vector<Entry> entries;      // new ledger entries, in booking order
  std::vector<Payment> payments;   // new payments, one per bill or allowance entry
  std::vector<UnpaidBill> unpaid;
  std::vector<std::string> already_booked;  // keys found booked by an earlier run
};

struct ExecutionPlan {
  Date execution;
  bool late = false;
};
// The requested execution date for money due on `due`: the last business day from which
// `settlement_business_days` more business days still land it by `due`, but never before the
// first business day on or after `run_date` (then it is late).
ExecutionPlan PlanExecution(Date due, Date run_date, int settlement_business_days);

// The EndToEndId for an idempotency key's parts, e.g. "OZ-B-202701-B00012" for a bill and
// "OZ-L-202701-C0001" for leefgeld.
std::string BillEndToEndId(const BillId& bill, YearMonth period);
std::string AllowanceEndToEndId(const ClientId& client, YearMonth period);

// Computes one client's month. Returns nullopt when the client is not in relief in `month`.
// Never overdraws: the closing balance is never negative (checked as an invariant).
std::optional<ClientMonth> ComputeClientMonth(const ClientCase& input,
                                              const std::map<CreditorId, Creditor>& creditors,
                                              const MonthPolicy& policy, YearMonth month,
                                              Date run_date);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_MONTH_H_
