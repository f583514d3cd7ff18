// The six-month forecast of one client: the month computation run ahead on projected inputs.
// Bijstand as recorded, else the latest recorded amount (marked assumed); toeslagen as the coach
// expects them (ExpectedPayments), except what already arrived; an overdue payment is assumed to
// arrive just after the run date; payments after the relief period go to the client's own account
// (the mandate ends with the relief). Because the forecast runs the same ComputeClientMonth, it
// shows exactly the credit the real months would draw and set off on those assumptions.
#ifndef ONTZORG_ENGINE_FORECAST_H_
#define ONTZORG_ENGINE_FORECAST_H_

#include <map>
#include <vector>

#include "engine/month.h"

namespace ontzorg {

struct ForecastMonth {
  YearMonth month;
  Date run_date;           // the assumed run date (the real one shifted by whole months)
  bool in_relief = false;  // false: not in relief (after it, figures show what is settled)
  int relief_month = 0;
  bool already_booked = false;  // parts of this month were booked by an earlier run
  Money bijstand;
  bool bijstand_assumed = false;  // not recorded: the latest recorded amount is assumed
  Money income;                   // toeslagen and other income arriving on the managed account
  Money bills_paid;
  Money bills_unpaid;
  Money credit_drawn;  // loan drawn or gift granted
  Money credit_set_off;
  Money credit_recovered;
  Money leefgeld;
  Money minimum;
  Money outstanding;  // credit outstanding after the month
  std::vector<SignalKind> signals;
};

// A client's records as they hold from a later month on, its effective-dated changes applied
// (a rent increase from March, a plan extended, a corrected toeslag estimate).
struct CaseRecords {
  Client client;
  ReliefPlan plan;
  std::vector<Bill> bills;
  std::vector<ToeslagExpectation> toeslagen;
};

// Projects `months` months from `from`. `start` is the case as loaded for `from` (balances,
// credit, receipts, keys booked for `from`); `benefits` the recorded bijstand by month;
// `changed` the records from each later month in which a change starts (the months between keep
// the records before them). The toeslagen still to arrive are projected once, from `start`.
std::vector<ForecastMonth> Forecast(const ClientCase& start,
                                    const std::map<YearMonth, Money>& benefits,
                                    const std::map<CreditorId, Creditor>& creditors,
                                    const MonthPolicy& policy, YearMonth from, Date run_date,
                                    int months,
                                    const std::map<YearMonth, CaseRecords>& changed = {});

// The receipts the forecast assumes will still arrive, given those recorded by `run_date`.
std::vector<Receipt> ProjectedReceipts(const ClientCase& c, const BridgingPolicy& policy,
                                       Date run_date, YearMonth until);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_FORECAST_H_
