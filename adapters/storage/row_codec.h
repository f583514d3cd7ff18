// Reading and writing domain values as rows, the same way on SQLite and PostgreSQL (a StoredRow
// reads either: an integer column as a number whichever integer type the backend stores).
//
// Each stored row type has one column table (Columns<T>): its column names in order, each with
// how it is decoded from a row and encoded into a bulk insert. The SELECT list, the decoder and
// the INSERT all come from that table, so they cannot drift apart and no code counts indexes.
#ifndef ONTZORG_ADAPTERS_STORAGE_ROW_CODEC_H_
#define ONTZORG_ADAPTERS_STORAGE_ROW_CODEC_H_

#include <soci/soci.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/storage/bulk_insert.h"
#include "adapters/storage/store.h"
#include "adapters/storage/stored_row.h"
#include "engine/month.h"
#include "engine/relief.h"
#include "engine/text.h"

namespace ontzorg {

int64_t GetInt(const StoredRow& r, size_t i);
std::string GetText(const StoredRow& r, size_t i);  // "" for NULL
std::optional<std::string> GetOptText(const StoredRow& r, size_t i);
std::optional<Date> GetOptDate(const StoredRow& r, size_t i);
Date GetDate(const StoredRow& r, size_t i);  // stored values were checked on the way in
YearMonth GetMonth(const StoredRow& r, size_t i);
std::optional<YearMonth> GetOptMonth(const StoredRow& r, size_t i);
Money GetMoney(const StoredRow& r, size_t i);  // an amount_cents column

// One column of a row type T: its name, how it is read into a T and how a T writes it.
template <typename T>
struct Column {
  const char* name;
  BulkInsert::Type type;
  void (*decode)(const StoredRow& r, size_t i, T& out);
  void (*encode)(const T& in, BulkInsert& insert);
};

template <typename T>
class Columns {
 public:
  Columns(std::initializer_list<Column<T>> columns) : columns_(columns) {}

  size_t size() const { return columns_.size(); }
  // "id, name, iban", or with a table alias "c.id, c.name, c.iban".
  std::string Select(std::string_view alias = "") const {
    std::string out;
    for (const Column<T>& c : columns_) {
      if (!out.empty()) out += ", ";
      if (!alias.empty()) out.append(alias).append(".");
      out += c.name;
    }
    return out;
  }
  // The T in the columns of `r` from index `first` on.
  T Decode(const StoredRow& r, size_t first = 0) const {
    T out{};
    for (size_t i = 0; i < columns_.size(); ++i) columns_[i].decode(r, first + i, out);
    return out;
  }
  // A bulk insert into `table` of these columns, then `extra` ones the caller appends per row.
  BulkInsert Insert(std::string table,
                    const std::vector<std::pair<std::string, BulkInsert::Type>>& extra = {}) const {
    std::vector<std::pair<std::string, BulkInsert::Type>> names;
    names.reserve(columns_.size() + extra.size());
    for (const Column<T>& c : columns_) names.emplace_back(c.name, c.type);
    names.insert(names.end(), extra.begin(), extra.end());
    return BulkInsert(std::move(table), names);
  }
  // Appends `value`'s columns to the insert's row (the caller appends the extra ones after).
  void Encode(const T& value, BulkInsert& insert) const {
    for (const Column<T>& c : columns_) c.encode(value, insert);
  }

 private:
  std::vector<Column<T>> columns_;
};

const Columns<Creditor>& CreditorColumns();           // table creditors
const Columns<Client>& ClientColumns();               // table clients
const Columns<ReliefPlan>& PlanColumns();             // table plans
const Columns<Bill>& BillColumns();                   // table bills
const Columns<Payment>& PaymentColumns();             // table payments (without file_id, run_id)
const Columns<Entry>& EntryColumns();                 // table entries (without run_id)
const Columns<ToeslagExpectation>& ToeslagColumns();  // table toeslagen
const Columns<Receipt>& ReceiptColumns();             // table receipts (without recorded_*)
const Columns<WriteOff>& WriteOffColumns();           // table write_offs (without recorded_at)
const Columns<Assessment>& AssessmentColumns();       // table assessments (without recorded_at)
const Columns<HandOverDecision>& HandOverColumns();   // table hand_overs
const Columns<PaymentConfirmation>& ConfirmationColumns();  // table confirmations
const Columns<DirectDebitRecord>& DirectDebitColumns();     // table direct_debits (some)

// An entry read back, with the checks MakeTransfer makes when one is written (a positive amount,
// two different accounts): a stored entry that fails them aborts (OZ_INVARIANT), as the store was
// changed outside the program.
Entry LoadEntry(const StoredRow& r, size_t first);
// A write-off or receipt (its columns) followed by the month whose run processed it (NULL: none).
WriteOff DecodeWriteOffProcessed(const StoredRow& r);
Receipt DecodeReceiptProcessed(const StoredRow& r);

// SHA-256 (hex) chaining an audit row to the row before it: over the previous hash and every
// field, each prefixed with its length so no two rows hash alike.
std::string AuditChainHash(const std::string& prev_hash, const AuditRecord& record);
// Appends an audit row (seq from the counter, inside the caller's transaction), chained to the
// row before it. The counter's row lock serialises writers, so the chain never forks.
void InsertAudit(soci::session& sql, const AuditRecord& record);

// Increments the counter `name` and returns its new value (inside the caller's transaction).
int64_t NextCounter(soci::session& sql, const std::string& name);
// Reserves `count` consecutive values of the counter `name` in one round trip and returns the
// first: a bulk insert numbers its rows from it instead of asking once per row (issue 18).
int64_t ReserveCounters(soci::session& sql, const std::string& name, int64_t count);

// Appends direct-debit records (ids DD<n> from one reserved counter range) as `recorded`.
void InsertDirectDebits(soci::session& sql, Backend backend,
                        const std::vector<DirectDebitRecord>& records, const Actor& recorded);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_ROW_CODEC_H_
