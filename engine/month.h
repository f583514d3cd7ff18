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

#include "engine/bridging.h"
#include "engine/direct_debit.h"
#include "engine/learning.h"
#include "engine/ledger.h"
#include "engine/relief.h"

namespace ontzorg {

// Policy for the month: from config, never hard-coded.
// What one client's month plausibly holds; zero: no limit. An amount beyond is not refused (a
// back payment of bijstand can be right) but raised as a finding that the approver of the batch
// must acknowledge, so a typo like a benefit of 99,999,999.99 does not go out unseen.
struct PlausibilityLimits {
  Money benefit;   // bijstand recorded for one month
  Money bill;      // one bill payment
  Money leefgeld;  // leefgeld paid in one month (all its payments together)
};

struct MonthPolicy {
  // The order in which bills are paid when the bijstand does not cover them all; all four kinds.
  std::vector<BillKind> priority = {BillKind::kRent, BillKind::kHealthInsurance, BillKind::kEnergy,
                                    BillKind::kWater};
  int allowance_day = 1;  // leefgeld reaches the client on this day of the month (clamped)
  int settlement_business_days = 1;  // SEPA SCT: credited by the end of the next business day
  // Bridging policies by date; the one in force on the month's first day applies. None in force:
  // no credit is drawn and no minimum is checked.
  std::vector<BridgingPolicy> bridging = {BridgingPolicy{}};
  // The double-debit guard per bill kind. Empty (the engine's default): no guard. The product's
  // configuration defaults to DoubleDebitPolicy::Default() (see adapters/config).
  DoubleDebitPolicy double_debit;
  PlausibilityLimits plausibility;  // none by default; the product's configuration sets them
};

// A bill and month held by the double-debit guard: its money stays reserved on the client's funds
// until the direct debit is confirmed cancelled (or overridden); then `release-held` pays it.
struct HeldBill {
  BillId bill;
  BillKind kind = BillKind::kRent;
  YearMonth period;
  Money amount;
  Date due;
};

// Everything the engine needs about one client for one month.
struct ClientCase {
  Client client;
  ReliefPlan plan;
  std::vector<Bill> bills;
  std::optional<Money> benefit;  // net bijstand received for the month, if recorded
  Money opening_balance;         // client:<id> balance before anything of this run
  // Idempotency keys of this client already in the store: those of the month, and those of
  // every receipt already processed (in any month).
  std::vector<std::string> booked_keys;
  CreditBalances credit;                           // before this run
  std::vector<ToeslagExpectation> toeslagen;       // the client's expected toeslagen
  std::vector<Receipt> receipts;                   // every receipt recorded for the client
  std::vector<WriteOff> write_offs;                // every write-off decision for the client
  std::vector<HandOverDecision> hand_overs;        // the coach's hand-over decisions
  std::vector<PaymentConfirmation> confirmations;  // safety-net confirmations
  std::vector<Assessment> assessments;             // for the checkpoint (not used by the month)
  // Money on the client's funds the run must not spend: payments that failed (rejected, returned,
  // cancelled) awaiting re-issue or release, and bills held by the double-debit guard.
  Money reserved;
  std::vector<DirectDebitRecord> direct_debits;  // every record for the client's bills
  std::vector<HeldBill> held;                    // bills held by earlier runs and not yet released
};

// The party paid: a creditor, or the client (leefgeld).
struct Payee {
  std::string name;
  Iban iban;
  std::optional<std::string> bic;
  std::optional<Address> address;
};

enum class PaymentPurpose { kBill, kAllowance, kOneOff };
constexpr int kPaymentPurposeCount = 3;
const char* ToString(PaymentPurpose purpose);  // "bill", "allowance", "one_off"
std::optional<PaymentPurpose> ParsePaymentPurpose(std::string_view text);

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
  Date execution;     // requested execution date (ReqdExctnDt)
  bool late = false;  // cannot reach the payee by its due date any more
  PaymentReference remittance;
  std::optional<std::string> replaces;  // a re-issue: the key of the failed payment it replaces
  bool double_debit_risk = false;  // paid while the client's own direct debit was not confirmed
                                   // cancelled (the guard's warning)
};

// What a payment pays, for lists and totals: its bill's kind ("rent", ...), "leefgeld" or
// "one_off".
const char* PaymentKind(const Payment& payment);

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

// Something a coach or finance employee must look at.
enum class SignalKind {
  kToeslagOverdue,          // a toeslag not received N days after its expected date
  kReceiptDiffers,          // a toeslag received differs from what was expected
  kReceivedOnOwnAccount,    // toeslagen landed on the client's own account: credit to recover
  kCreditOutstandingAtEnd,  // the relief period ends with bridging credit outstanding
  kBelowMinimum,            // leefgeld below the minimum even with credit
  kBillsUnpaid,             // bills went unpaid this month
  kNoBenefit,               // no bijstand recorded for the month: no credit drawn
  kPaymentMissed,           // under the safety net the client missed a bill: moved back
  kDoubleDebitRisk,         // a bill paid or held while the client's own direct debit may run
  // From the bank's feedback (pain.002, camt.053/054), raised by the import, not the month:
  kPaymentFailed,  // a payment was rejected or came back; its money waits on the client
  kDoublePayment,  // a refund or return shows a bill was paid twice
  kFeedbackHeld,   // the bank's word on a payment was not applied (its batch was not exported,
                   // or it contradicts what the bank said before): a person checks
};
constexpr int kSignalKindCount = 12;
const char* ToString(SignalKind kind);  // "toeslag_overdue", ...
const char* Describe(SignalKind kind);  // Dutch / English, for reports

struct Signal {
  SignalKind kind = SignalKind::kBelowMinimum;
  Money amount;           // the amount concerned (received, short, outstanding, unpaid)
  Money expected;         // what was expected (overdue, differs, below minimum: the minimum)
  std::string detail;     // English, with the figures; never a BSN
  std::string detail_nl;  // the same in Dutch, for the coach's and finance's pages (issue 17)
};

// The bridging credit of one client's month.
struct CreditMonth {
  bool applies = false;  // a bridging policy was in force
  CreditForm form = CreditForm::kLoan;
  Money minimum;  // the household's minimum leefgeld
  Money ceiling;
  Money cover;   // toeslagen expected on the managed account, not yet received
  Money income;  // toeslagen and other income received on the managed account
  Money drawn;   // loan drawn (or gift granted) this month
  Money set_off;
  Money moved_to_recovery;
  Money recovered;
  Money written_off;
  CreditBalances after;  // balances after this month
};

// A bill the client pays this month (safety net or alone): not paid by the run; its money is
// part of the leefgeld.
struct ClientPaysBill {
  BillId bill;
  BillKind kind = BillKind::kRent;
  HandOver state = HandOver::kSafetyNet;
  std::string creditor;  // the creditor's name, for the client's statement
  Money amount;
  Date due;
  PaymentReference reference;
};

// The outcome for one client in one month.
struct ClientMonth {
  ClientId client;
  YearMonth month;
  ReliefPeriod period;
  int relief_month = 0;  // 1 for the month relief starts in, 2 for the next, ...
  // A month after the relief period, computed only to settle: receipts (set off first), write-
  // offs, and a payout of what the client has left. No bijstand, bills or new credit.
  bool after_relief = false;
  bool benefit_missing = false;  // no bijstand recorded for the month: only carried funds used
  Money opening_balance;
  Money closing_balance;
  std::vector<Entry> entries;     // new ledger entries, in booking order
  std::vector<Payment> payments;  // new payments, one per bill or allowance entry
  std::vector<UnpaidBill> unpaid;
  std::vector<std::string> already_booked;  // keys found booked by an earlier run
  CreditMonth credit;
  std::vector<Signal> signals;
  std::vector<BillState> hand_over;         // every plan bill's hand-over state this month
  std::vector<ClientPaysBill> client_pays;  // due this month, paid by the client
  // What this month processed: "receipt:<id>" and "write_off:<id>" (the store records them).
  std::vector<std::string> processed;
  std::vector<HeldBill> holds;  // bills this run held (double-debit guard): reserved, not paid
};

// An amount of `month` beyond `limits`: the bijstand it used, a bill payment, or the leefgeld.
struct ImplausibleAmount {
  enum class What { kBenefit, kBill, kLeefgeld } what = What::kBenefit;
  std::optional<BillId> bill;  // for kBill
  Money amount, limit;
};
const char* ToString(ImplausibleAmount::What what);  // "benefit", "bill", "leefgeld"
std::vector<ImplausibleAmount> ImplausibleAmounts(const ClientCase& input, const ClientMonth& month,
                                                  const PlausibilityLimits& limits);

struct ExecutionPlan {
  Date execution;
  bool late = false;
};
// When a payment must land and when it may go out, named so the two dates cannot be swapped:
//   PlanExecution({.due = due, .run_date = run_date, .settlement_business_days = 1})
struct PaymentTiming {
  Date due;                          // the money must reach the payee by the end of this day
  Date run_date;                     // nothing goes out before this day
  int settlement_business_days = 1;  // SEPA SCT: credited by the end of the next business day
};
// The requested execution date: the last business day from which `settlement_business_days`
// more business days still land the money by `due`, but never before the first business day on
// or after `run_date` (then it is late).
ExecutionPlan PlanExecution(const PaymentTiming& timing);

// Why month `month` may not be run on `run_date` when it is `today`; nullopt when it may. A
// month more than kMonthsAhead months after today's is refused (a typo like 2047-01 would book
// and pay out a month nobody has seen, against receipts dated after today), as is a run date more
// than that after today, and a run date more than 364 days before the month (banks take
// execution dates at most a year ahead).
struct RunDates {
  Date run_date;
  Date today;
};
// RunRefusal(month, {.run_date = ..., .today = ...})
std::optional<std::string> RunRefusal(YearMonth month, const RunDates& dates);
constexpr int kMonthsAhead = 2;

// The EndToEndId for an idempotency key's parts, e.g. "OZ-B-202701-B00012" for a bill and
// "OZ-L-202701-C0001" for leefgeld.
std::string BillEndToEndId(const BillId& bill, YearMonth period);
// The idempotency key of a bill's payment for a period: "<client>|bill:<bill>|YYYY-MM".
std::string BillPaymentKey(const ClientId& client, const BillId& bill, YearMonth period);
std::string AllowanceEndToEndId(const ClientId& client, YearMonth period);

// A payment for a held bill, released on `run_date` (when its direct debit is confirmed
// cancelled or a coach overrode the guard). Same idempotency key and EndToEndId as the run would
// have given it, so it can be booked once only.
Payment ReleasedBillPayment(const ClientId& client, const Bill& bill, const Creditor& creditor,
                            const HeldBill& held, Date run_date, int settlement_business_days);

// The re-issue of a failed payment (rejected, returned or cancelled): attempt `attempt` (2..9),
// to `payee` (the corrected details), a new key "<key>#<attempt>" and an EndToEndId of the same
// length ("OZ-B-..." becomes "OZB2-..."). nullopt when `attempt` is out of range.
std::optional<Payment> ReissuedPayment(const Payment& original, int attempt, Payee payee,
                                       Date run_date, int settlement_business_days);

// A one-off payment finance records (issue 17): a deposit, a bijzondere bijstand amount, an
// extra bill. Paid once (its decision number is the idempotency), in a batch of its own that a
// second person approves like any other.
enum class OneOffFunding {
  kSpecialAssistance,  // bijzondere bijstand: the municipality's money enters for the client first
  kClientFunds,        // out of what the managed account holds for the client
};
constexpr int kOneOffFundingCount = 2;
const char* ToString(OneOffFunding funding);  // "special_assistance", "client_funds"
std::optional<OneOffFunding> ParseOneOffFunding(std::string_view text);

struct OneOff {
  std::string decision;  // the decision's number (beschikking): an id (IsValidId), unique
  ClientId client;
  std::optional<CreditorId> creditor;  // none: the client's own account
  Money amount;                        // > 0
  OneOffFunding funding = OneOffFunding::kSpecialAssistance;
  std::string description;  // what the payee reads (the remittance), SEPA text, <= 140
  Date due;                 // the day the payee should have it
};

// The one-off's payment to `payee` and its entries, booked on `run_date`: with special assistance
// first the money in (bank:managed -> client:<id>, "<key>|funded"), then the payment out. Key
// "<client>|one_off:<decision>|YYYY-MM" (the due month), EndToEndId "OZ-E-<decision>".
struct OneOffBooking {
  Payment payment;
  std::vector<Entry> entries;
};
OneOffBooking BookOneOff(const OneOff& one_off, Payee payee, Date run_date,
                         int settlement_business_days);
std::string OneOffEndToEndId(const std::string& decision);

// The entry that pays `payment` out of its client's funds (client:<id> -> bank:managed), booked on
// `on` in the payment's period: bill_paid for a bill, allowance_paid for leefgeld, one_off_paid
// for a one-off. Its key is the
// payment's, so a payment is booked once only.
Entry PaymentEntry(const Payment& payment, Date on);

// The reversing entry that puts a failed payment's money back on its client's funds (bank ->
// client:<id>), key "<payment key>|reversed": at most one per payment.
Entry PaymentReversal(const Payment& payment, EntryKind kind, Date on);

// Computes one client's month. Returns nullopt when the client is not in relief in `month` and
// has nothing to settle from it (see ClientMonth::after_relief).
// In order: the bijstand; receipts received by the run date (set off credit first); write-off
// decisions; each bill's hand-over state (bills the client now pays are left out, their money
// stays for the leefgeld); bridging credit when the bills and the minimum leefgeld need it;
// bills by priority; recovery of credit whose toeslagen went elsewhere; the leefgeld; signals.
// Never overdraws: the closing balance is never negative, credit never exceeds the ceiling nor
// the expected cover (checked as invariants).
std::optional<ClientMonth> ComputeClientMonth(const ClientCase& input,
                                              const std::map<CreditorId, Creditor>& creditors,
                                              const MonthPolicy& policy, YearMonth month,
                                              Date run_date);

// The client's learning checkpoint at the end of `month`, from the case's hand-over decisions,
// confirmations and every assessment recorded up to the month's last day (reports and the web
// app; a run uses its own run date).
Checkpoint CheckpointOf(const CompetenceModel& model, const ClientCase& c, YearMonth month);

// The credit movements of `client` in `month` and the balances after it, recomputed from ledger
// entries alone (the store's view; equal to the engine's own CreditMonth flows and balances).
CreditMonth CreditFromEntries(const std::vector<Entry>& entries, const ClientId& client,
                              YearMonth month);

// The case for the next month after `month`'s result: balances, credit, bills held (their money
// reserved) and booked receipt keys carried forward (used by the forecast, the golden cases and the
// property tests).
void CarryForward(const ClientMonth& month, ClientCase* next);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_MONTH_H_
