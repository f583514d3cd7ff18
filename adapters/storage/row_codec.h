// Reading domain values out of SOCI rows, the same way on SQLite and PostgreSQL (their integer
// column types differ: the helpers accept whichever the backend reports).
#ifndef ONTZORG_ADAPTERS_STORAGE_ROW_CODEC_H_
#define ONTZORG_ADAPTERS_STORAGE_ROW_CODEC_H_

#include <soci/soci.h>

#include <map>
#include <optional>
#include <string>

#include "adapters/storage/store.h"
#include "engine/month.h"
#include "engine/relief.h"
#include "engine/text.h"

namespace ontzorg {

int64_t GetInt(const soci::row& r, size_t i);
std::string GetText(const soci::row& r, size_t i);  // "" for NULL
std::optional<std::string> GetOptText(const soci::row& r, size_t i);
std::optional<Date> GetOptDate(const soci::row& r, size_t i);
Date GetDate(const soci::row& r, size_t i);  // stored values were checked on the way in

// Column lists and decoders, kept together so they cannot drift apart.
constexpr const char* kCreditorColumns =
    "id, name, iban, bic, street, building, postcode, town, country";
Creditor DecodeCreditor(const soci::row& r, size_t first);
constexpr const char* kClientColumns = "id, bsn, name, household, iban, adults, children, language";
Client DecodeClient(const soci::row& r, size_t first);
constexpr const char* kPlanColumns =
    "client_id, kind, benefit_start, benefit_end, extension_end, extension_reason, bills, "
    "period_start, period_end, reason";
ReliefPlan DecodePlan(const soci::row& r, size_t first);
constexpr const char* kBillColumns =
    "id, client_id, kind, creditor_id, amount_cents, schedule, due_day, reference_kind, "
    "reference, start_date, end_date";
Bill DecodeBill(const soci::row& r, size_t first);
constexpr const char* kPaymentColumns =
    "key, end_to_end_id, client_id, purpose, bill_id, bill_kind, month, amount_cents, due_date, "
    "execution_date, late, payee_name, payee_iban, payee_bic, payee_street, payee_building, "
    "payee_postcode, payee_town, payee_country, remittance_kind, remittance, replaces, "
    "double_debit_risk";
Payment DecodePayment(const soci::row& r, size_t first);
constexpr const char* kToeslagColumns =
    "client_id, kind, applied_on, right_from, monthly_cents, first_payment, paid_to";
ToeslagExpectation DecodeToeslag(const soci::row& r, size_t first);
constexpr const char* kReceiptColumns =
    "id, client_id, kind, received_on, amount_cents, covers_from, covers_to, landed_on";
Receipt DecodeReceipt(const soci::row& r, size_t first);
constexpr const char* kWriteOffColumns =
    "id, client_id, amount_cents, reason, decided_by, decided_on";
WriteOff DecodeWriteOff(const soci::row& r, size_t first);
constexpr const char* kAssessmentColumns = "id, client_id, assessed_on, assessed_by, note, levels";
Assessment DecodeAssessment(const soci::row& r, size_t first);
constexpr const char* kHandOverColumns =
    "id, client_id, bill_id, state, from_month, reason, decided_by, decided_on";
HandOverDecision DecodeHandOver(const soci::row& r, size_t first);
constexpr const char* kConfirmationColumns =
    "client_id, bill_id, period, paid, confirmed_by, confirmed_on";
PaymentConfirmation DecodeConfirmation(const soci::row& r, size_t first);
constexpr const char* kDirectDebitColumns =
    "bill_id, client_id, status, on_date, confirmed_by, note";
DirectDebitRecord DecodeDirectDebit(const soci::row& r, size_t first);

// Increments the counter `name` and returns its new value (inside the caller's transaction).
// SHA-256 (hex) chaining an audit row to the row before it: over the previous hash and every
// field, each prefixed with its length so no two rows hash alike.
std::string AuditChainHash(const std::string& prev_hash, const AuditRecord& record);
// Appends an audit row (seq from the counter, inside the caller's transaction), chained to the
// row before it. The counter's row lock serialises writers, so the chain never forks.
void InsertAudit(soci::session& sql, const AuditRecord& record);

int64_t NextCounter(soci::session& sql, const std::string& name);
YearMonth GetMonth(const soci::row& r, size_t i);
std::optional<YearMonth> GetOptMonth(const soci::row& r, size_t i);


}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_ROW_CODEC_H_
