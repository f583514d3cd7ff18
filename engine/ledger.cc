#include "engine/ledger.h"

#include "engine/invariant.h"

namespace ontzorg {

const char* ToString(EntryKind kind) {
  switch (kind) {
    case EntryKind::kBenefitReceived: return "benefit_received";
    case EntryKind::kBillPaid: return "bill_paid";
    case EntryKind::kAllowancePaid: return "allowance_paid";
    case EntryKind::kIncomeReceived: return "income_received";
    case EntryKind::kCreditDrawn: return "credit_drawn";
    case EntryKind::kCreditSetOff: return "credit_set_off";
    case EntryKind::kCreditToRecover: return "credit_to_recover";
    case EntryKind::kCreditRecovered: return "credit_recovered";
    case EntryKind::kCreditWrittenOff: return "credit_written_off";
    case EntryKind::kGiftGranted: return "gift_granted";
    case EntryKind::kPaymentRejected: return "payment_rejected";
    case EntryKind::kPaymentReturned: return "payment_returned";
    case EntryKind::kPaymentCancelled: return "payment_cancelled";
  }
  return "?";
}

std::optional<EntryKind> ParseEntryKind(std::string_view text) {
  for (int i = 0; i < kEntryKindCount; ++i) {
    const auto kind = static_cast<EntryKind>(i);
    if (text == ToString(kind)) return kind;
  }
  return std::nullopt;
}

namespace accounts {
std::string ManagedBank() { return "bank:managed"; }
std::string ClientFunds(const ClientId& id) { return "client:" + id.value; }
std::string Loan(const ClientId& id) { return "loan:" + id.value; }
std::string Recovery(const ClientId& id) { return "recovery:" + id.value; }
std::string Grant(const ClientId& id) { return "grant:" + id.value; }
std::string MunicipalityBridging() { return "municipality:bridging"; }
std::string MunicipalitySpecialAssistance() { return "municipality:special_assistance"; }
}  // namespace accounts

Entry MakeTransfer(std::string key, ClientId client, YearMonth month, EntryKind kind,
                   Date booked_on, std::string debit_account, std::string credit_account,
                   Money amount) {
  OZ_INVARIANT(amount.IsPositive(), "a transfer moves a positive amount");
  OZ_INVARIANT(debit_account != credit_account, "a transfer moves money between two accounts");
  return Entry{std::move(key),           std::move(client),         month, kind, booked_on,
               std::move(debit_account), std::move(credit_account), amount};
}

Money LiabilityBalance(const std::vector<Entry>& entries, const std::string& account) {
  Money balance;
  for (const Entry& e : entries) {
    if (e.credit_account == account) balance += e.amount;
    if (e.debit_account == account) balance -= e.amount;
  }
  return balance;
}

}  // namespace ontzorg

namespace ontzorg {

Money AssetBalance(const std::vector<Entry>& entries, const std::string& account) {
  return -LiabilityBalance(entries, account);
}

}  // namespace ontzorg
