// The toeslagen gap and bridging credit (overbruggingskrediet).
//
// Dienst Toeslagen pays huurtoeslag, zorgtoeslag and kindgebonden budget on the 20th (next TARGET
// business day) as an advance for the following month, but the first payment comes about eight
// weeks after the application, as one lump sum for all back months. Until then bijstand minus the
// fixed bills can leave too little to live on. The month then draws bridging credit to bring the
// leefgeld up to the policy's minimum, never beyond the household's ceiling and never beyond the
// toeslagen that are expected on the managed account but not yet received. When they arrive there,
// the credit is set off first; when they land on the client's own account, the credit becomes a
// receivable recovered from later leefgeld in instalments that never push it below the minimum.
//
// Pure: expectations, receipts and the policy are data handed in by adapters.
#ifndef ONTZORG_ENGINE_BRIDGING_H_
#define ONTZORG_ENGINE_BRIDGING_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/date.h"
#include "engine/money.h"
#include "engine/relief.h"

namespace ontzorg {

// Money that arrives for a client besides the bijstand.
enum class IncomeKind {
  kRentAllowance,     // huurtoeslag
  kCareAllowance,     // zorgtoeslag
  kChildBudget,       // kindgebonden budget
  kHolidayAllowance,  // vakantietoeslag (the 5% of bijstand reserved and paid in June)
  kEnergyRefund,      // a refund from the yearly energy settlement
  kCreditorRefund,    // another creditor paid money back (e.g. an overpayment)
};
constexpr int kIncomeKindCount = 6;
// "rent_allowance", "care_allowance", "child_budget", "holiday_allowance", "energy_refund",
// "creditor_refund"
const char* ToString(IncomeKind kind);
std::optional<IncomeKind> ParseIncomeKind(std::string_view text);
const char* DutchName(IncomeKind kind);  // "huurtoeslag", ...
bool IsToeslag(IncomeKind kind);         // paid by Dienst Toeslagen (the first three)

// Where money is paid: the managed account (beheerrekening) or the client's own account.
enum class Destination { kManaged, kOwn };
const char* ToString(Destination destination);  // "managed", "own"
std::optional<Destination> ParseDestination(std::string_view text);

// What the coach expects of one toeslag (e.g. from the Dienst Toeslagen proefberekening).
struct ToeslagExpectation {
  ClientId client;
  IncomeKind kind = IncomeKind::kRentAllowance;  // a toeslag kind
  Date applied_on;
  YearMonth right_from;               // the month the right starts: all conditions met in it
  Money monthly;                      // expected amount per month
  std::optional<Date> first_payment;  // expected date; default: applied_on + the policy's lag
  Destination paid_to = Destination::kManaged;  // kManaged: mandate signed and accepted
};

// Money that did arrive (import or entered by hand).
struct Receipt {
  std::string id;  // unique in the store; 1-20 letters, digits or '-'
  ClientId client;
  IncomeKind kind = IncomeKind::kRentAllowance;
  Date received_on;
  Money amount;                          // > 0
  std::optional<YearMonth> covers_from;  // toeslagen: the months it pays for
  std::optional<YearMonth> covers_to;
  Destination landed_on = Destination::kManaged;
  std::optional<YearMonth> processed_in;  // the month whose run processed it, once one has
};

// A receipt already recorded that looks like the same money as `r`: the same client, kind,
// amount and account it landed on, received within `window_days` days of it (a bank line and a
// hand entry of one payment meet here). nullptr when there is none.
const Receipt* SameMoney(const Receipt& r, const std::vector<Receipt>& recorded, int window_days);
// The window SameMoney is used with: a bank line and a hand entry of one payment lie at most a
// week apart (a weekend, a holiday and a slow statement).
constexpr int kSameMoneyDays = 7;

// A recorded decision to write off bridging credit (never without a reason). The next run books
// it: from the amount to recover first, then from the loan, never more than is outstanding.
struct WriteOff {
  std::string id;
  ClientId client;
  Money amount;  // > 0
  std::string reason;
  std::string decided_by;
  Date decided_on;
  std::optional<YearMonth> processed_in;  // the month whose run booked it, once one has
};

// One expected payment of a toeslag: the lump sum first, then one month at a time.
struct ExpectedPayment {
  Date date;
  YearMonth covers_from;
  YearMonth covers_to;
  Money amount;
};
// The first `count` expected payments: the first on `first_payment` (default applied_on +
// lag_days), moved to the next TARGET business day, covering right_from up to the month after it;
// then on every 20th (next TARGET business day), each for the following month.
struct PaymentSchedule {
  int lag_days = 56;  // from the application to the first payment
  int count = 36;     // how many payments to list
};
std::vector<ExpectedPayment> ExpectedPayments(const ToeslagExpectation& expectation,
                                              const PaymentSchedule& schedule);

enum class CreditForm {
  kLoan,  // a loan: set off against toeslagen, recovered when they go elsewhere
  kGift,  // bijzondere bijstand om niet: nothing to repay
};
const char* ToString(CreditForm form);  // "loan", "gift"

// A municipality's bridging policy, in force from `valid_from` until the next one.
struct BridgingPolicy {
  Date valid_from;
  // Minimum leefgeld per household: per adult plus per child, per month or per week (a week
  // figure is converted to a month as x 52 / 12, rounded up to the cent).
  Money minimum_per_adult = Money::FromCents(25000);
  Money minimum_per_child = Money::FromCents(10000);
  bool minimum_per_week = false;
  // The most bridging credit a household can have outstanding at any time.
  Money ceiling_single = Money::FromCents(80000);
  Money ceiling_couple = Money::FromCents(100000);
  Money ceiling_family = Money::FromCents(120000);
  CreditForm form = CreditForm::kLoan;
  // Recovery from leefgeld (credit whose toeslagen went to the client's own account): at most
  // this much a month, and never below the minimum.
  Money recovery_instalment = Money::FromCents(5000);
  int toeslag_lag_days = 56;    // expected first payment: application + 8 weeks
  int overdue_after_days = 14;  // signal when a toeslag is this late
  Money difference_tolerance = Money::FromCents(100);  // signal when a receipt differs more
};

// The policy in force on `day` (the latest valid_from <= day), or nullptr when none is.
const BridgingPolicy* PolicyOn(const std::vector<BridgingPolicy>& policies, Date day);
// The household's minimum leefgeld for a month under `policy`.
Money MinimumAllowance(const BridgingPolicy& policy, const Client& client);
Money Ceiling(const BridgingPolicy& policy, Household household);

// The client's credit position in the ledger before a run.
struct CreditBalances {
  Money loan;        // loan:<id>: drawn, not yet set off; covered by expected toeslagen
  Money to_recover;  // recovery:<id>: its toeslagen went to the client's own account
  Money granted;     // grant:<id>: given as bijzondere bijstand (gift form), never repaid
  Money Outstanding() const { return loan + to_recover; }
};

// The toeslagen expected on the managed account for the months up to and including `month` that
// no payment received up to `known_on` covers (a received payment settles the months it covers,
// also when it paid less; money received without months is subtracted): what credit may be drawn
// against. Expectations of payments to the client's own account are never cover.
Money ExpectedCover(const std::vector<ToeslagExpectation>& expectations,
                    const std::vector<Receipt>& receipts, YearMonth month, Date known_on);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_BRIDGING_H_
