#include "engine/ledger.h"

#include "engine/enum_count.h"
#include "engine/invariant.h"

namespace ontzorg {

namespace {
constexpr const char* EntryKindName(EntryKind kind) {
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
    case EntryKind::kSpecialAssistanceReceived: return "special_assistance_received";
    case EntryKind::kOneOffPaid: return "one_off_paid";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(EntryKindName, kEntryKindCount));
}  // namespace

const char* ToString(EntryKind kind) { return EntryKindName(kind); }

std::optional<EntryKind> ParseEntryKind(std::string_view text) {
  for (int i = 0; i < kEntryKindCount; ++i) {
    const auto kind = static_cast<EntryKind>(i);
    if (text == ToString(kind)) return kind;
  }
  return std::nullopt;
}

namespace accounts {
Account ManagedBank() { return {"bank:managed"}; }
Account ClientFunds(const ClientId& id) { return {"client:" + id.value}; }
Account Loan(const ClientId& id) { return {"loan:" + id.value}; }
Account Recovery(const ClientId& id) { return {"recovery:" + id.value}; }
Account Grant(const ClientId& id) { return {"grant:" + id.value}; }
Account MunicipalityBridging() { return {"municipality:bridging"}; }
Account MunicipalitySpecialAssistance() { return {"municipality:special_assistance"}; }
}  // namespace accounts

Entry MakeTransfer(std::string key, ClientId client, YearMonth month, EntryKind kind,
                   Date booked_on, DebitAccount debit, CreditAccount credit, Money amount) {
  OZ_INVARIANT(amount.IsPositive(), "a transfer moves a positive amount");
  OZ_INVARIANT(debit.account != credit.account, "a transfer moves money between two accounts");
  return Entry{.key = std::move(key),
               .client = std::move(client),
               .month = month,
               .kind = kind,
               .booked_on = booked_on,
               .debit_account = std::move(debit.account),
               .credit_account = std::move(credit.account),
               .amount = amount};
}

Money LiabilityBalance(const std::vector<Entry>& entries, const Account& account) {
  Money balance;
  for (const Entry& e : entries) {
    if (e.credit_account == account) balance += e.amount;
    if (e.debit_account == account) balance -= e.amount;
  }
  return balance;
}

Money AssetBalance(const std::vector<Entry>& entries, const Account& account) {
  return -LiabilityBalance(entries, account);
}

}  // namespace ontzorg
