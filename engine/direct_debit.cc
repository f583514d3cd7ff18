#include "engine/direct_debit.h"

namespace ontzorg {

const char* ToString(DirectDebitStatus status) {
  switch (status) {
    case DirectDebitStatus::kCancelled: return "cancelled";
    case DirectDebitStatus::kNone: return "none";
    case DirectDebitStatus::kOverride: return "override";
  }
  return "?";
}

std::optional<DirectDebitStatus> ParseDirectDebitStatus(std::string_view text) {
  for (auto s :
       {DirectDebitStatus::kCancelled, DirectDebitStatus::kNone, DirectDebitStatus::kOverride}) {
    if (text == ToString(s)) return s;
  }
  return std::nullopt;
}

const char* ToString(DoubleDebitAction action) {
  return action == DoubleDebitAction::kHold ? "hold" : "pay_with_warning";
}

std::optional<DoubleDebitAction> ParseDoubleDebitAction(std::string_view text) {
  if (text == "hold") return DoubleDebitAction::kHold;
  if (text == "pay_with_warning") return DoubleDebitAction::kPayWithWarning;
  return std::nullopt;
}

DoubleDebitPolicy DoubleDebitPolicy::Default() {
  DoubleDebitPolicy p;
  p.by_kind[BillKind::kRent] = DoubleDebitAction::kPayWithWarning;
  p.by_kind[BillKind::kEnergy] = DoubleDebitAction::kHold;
  p.by_kind[BillKind::kWater] = DoubleDebitAction::kHold;
  p.by_kind[BillKind::kHealthInsurance] = DoubleDebitAction::kHold;
  return p;
}

std::optional<DirectDebitRecord> DirectDebitOf(const std::vector<DirectDebitRecord>& records,
                                               const BillId& bill, Date as_of) {
  std::optional<DirectDebitRecord> best;
  for (const DirectDebitRecord& r : records) {  // records come in recording order
    if (r.bill != bill || as_of < r.on) continue;
    if (!best || !(r.on < best->on)) best = r;
  }
  return best;
}

bool AtRiskOfDoubleDebit(const std::optional<DirectDebitRecord>& record) {
  return !record || record->status == DirectDebitStatus::kOverride;
}

GuardDecision DecideDoubleDebit(const DoubleDebitPolicy& policy, BillKind kind,
                                const std::optional<DirectDebitRecord>& record) {
  const auto rule = policy.by_kind.find(kind);
  if (rule == policy.by_kind.end() || !AtRiskOfDoubleDebit(record)) return GuardDecision::kPay;
  if (record && record->status == DirectDebitStatus::kOverride) {
    return GuardDecision::kPayWithWarning;
  }
  return rule->second == DoubleDebitAction::kHold ? GuardDecision::kHold
                                                  : GuardDecision::kPayWithWarning;
}

}  // namespace ontzorg
