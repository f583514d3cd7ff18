// The relief domain (financieel ontzorgen, art. 56a Participatiewet): clients, creditors, bills and
// relief plans, and the rules that say which bill falls due in which month.
#ifndef ONTZORG_ENGINE_RELIEF_H_
#define ONTZORG_ENGINE_RELIEF_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/checks.h"
#include "engine/date.h"
#include "engine/money.h"
#include "engine/result.h"

namespace ontzorg {

// Distinct id types so a client id cannot be passed where a bill id is meant. Ids are 1-20
// characters A-Z, a-z, 0-9 and '-', not starting or ending with '-' (see IsValidId).
template <typename Tag>
struct Id {
  std::string value;
  auto operator<=>(const Id&) const = default;
};
using ClientId = Id<struct ClientTag>;
using BillId = Id<struct BillTag>;
using CreditorId = Id<struct CreditorTag>;

bool IsValidId(std::string_view id);

enum class BillKind { kRent, kEnergy, kWater, kHealthInsurance };
constexpr int kBillKindCount = 4;
const char* ToString(BillKind kind);  // "rent", "energy", "water", "health_insurance"
std::optional<BillKind> ParseBillKind(std::string_view text);

enum class Household { kSingle, kCouple, kFamily };
const char* ToString(Household household);  // "single", "couple", "family"
std::optional<Household> ParseHousehold(std::string_view text);

// A structured postal address, as pain.001.001.09 wants it (TwnNm and Ctry at least).
struct Address {
  std::string street;
  std::string building;
  std::string postcode;
  std::string town;
  std::string country;  // ISO 3166 alpha-2
};

struct Creditor {
  CreditorId id;
  std::string name;
  Iban iban;
  std::optional<std::string> bic;
  Address address;
};

struct Client {
  ClientId id;
  std::string bsn;   // 9 digits, elfproef checked on import; never printed in logs
  std::string name;  // as the client writes it (any script)
  Household household = Household::kSingle;
  Iban own_iban;   // where leefgeld goes
  int adults = 1;  // for the minimum leefgeld (bridging policy)
  int children = 0;
  std::string language = "nl";  // of the client's statement (a file in config/texts/)
  std::string bank_name;        // the Latin spelling payments carry; empty: `name` (issue 15)
  std::string address;          // the postal address for the statement, lines separated by ", "
                                // ("Havenstraat 12, 1234 AB Voorbeeld"); empty: not known
};

// The name a payment to the client carries: the Latin spelling when one is recorded.
inline const std::string& NameForBank(const Client& client) {
  return client.bank_name.empty() ? client.name : client.bank_name;
}

enum class Schedule {
  kMonthly,     // every month from the start month
  kQuarterly,   // 4 times a year: the start month and every third month after it
  kTenPerYear,  // 10 times a year: the first 10 months of every 12 counted from the start month
  kOnce,        // one-off (e.g. an energy settlement): due on the start date
};
const char* ToString(Schedule schedule);  // "monthly", "quarterly", "ten_per_year", "once"
std::optional<Schedule> ParseSchedule(std::string_view text);

struct PaymentReference {
  ReferenceKind kind = ReferenceKind::kFreeText;
  std::string value;  // normalised by ParseReference
};

struct Bill {
  BillId id;
  ClientId client;
  BillKind kind = BillKind::kRent;
  CreditorId creditor;
  Money amount;
  Schedule schedule = Schedule::kMonthly;
  int due_day = 1;  // 1..31, clamped to the month's length
  PaymentReference reference;
  Date start;
  std::optional<Date> end;  // inclusive; no occurrence is due after it
};

// The date the bill falls due in `month`, if it does (at most once a month for every schedule).
std::optional<Date> DueDateIn(const Bill& bill, YearMonth month);

enum class PlanKind {
  kStatutory,  // art. 56a Pw: all four bills, six months from the bijstand start date
  kMaatwerk,   // tailored (minister's letter of 6 April 2023): chosen bills and period, with reason
};
const char* ToString(PlanKind kind);  // "statutory", "maatwerk"
std::optional<PlanKind> ParsePlanKind(std::string_view text);

struct ReliefPlan {
  ClientId client;
  PlanKind kind = PlanKind::kStatutory;
  Date benefit_start;                 // the day the right to bijstand starts
  std::optional<Date> benefit_end;    // last day of bijstand, when it ended or will end
  std::optional<Date> extension_end;  // art. 57 Pw extension: the new last day of relief
  std::string extension_reason;
  // Maatwerk only: which bills (empty for statutory: all four), the period, and why.
  std::vector<BillKind> bills;
  std::optional<Date> period_start;
  std::optional<Date> period_end;
  std::string reason;
};

enum class PlanError {
  kExtensionWithoutReason,   // an extension must record why (art. 57 Pw)
  kExtensionNotLater,        // an extension must end after the statutory six months
  kStatutoryWithBillChoice,  // a statutory plan covers all four bills; choose maatwerk to choose
  kMaatwerkWithoutReason,    // a maatwerk plan must record the coach's reason
  kMaatwerkWithoutBills,     // a maatwerk plan must name at least one bill kind
  kPeriodReversed,           // the period ends before it starts
  kBenefitEndsBeforeStart,   // the bijstand end date lies before its start date
};
const char* Describe(PlanError error);

// The relief period, both days inclusive.
struct ReliefPeriod {
  Date first;
  Date last;
  bool Contains(Date d) const { return first <= d && d <= last; }
  bool Overlaps(YearMonth m) const {
    return first <= last && first <= m.LastDay() && m.FirstDay() <= last;
  }
};

// Checks the plan's own consistency (a reason where one is required, dates in order).
Status<PlanError> ValidatePlan(const ReliefPlan& plan);
// The relief period: statutory = benefit_start .. the day before benefit_start + 6 months,
// extended to extension_end, ended early by benefit_end. Maatwerk = its chosen period (defaults:
// the statutory period), also ended early by benefit_end. Precondition: ValidatePlan passed.
ReliefPeriod ComputePeriod(const ReliefPlan& plan);
// The last day of the six statutory months from `benefit_start`: the day before the same date six
// months later, or, where that month has no such date (31 August -> February, 31 March ->
// September), that month's last day: the months are whole, not three days short.
Date StatutoryLastDay(Date benefit_start);
// Whether the plan pays bills of `kind` for the client.
bool Covers(const ReliefPlan& plan, BillKind kind);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_RELIEF_H_
