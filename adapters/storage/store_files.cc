// Store: SEPA file records, their payments, and what reports read.
#include <soci/soci.h>

#include "adapters/storage/query.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"

namespace ontzorg {
namespace {

using Type = BulkInsert::Type;

const Columns<FileRecord>& FileColumns() {
  using F = FileRecord;
  static const Columns<F> kColumns = {
      {"id", Type::kInt, [](const StoredRow& r, size_t i, F& o) { o.id = GetInt(r, i); },
       [](const F& v, BulkInsert& b) { b.Int(v.id); }},
      {"run_id", Type::kInt, [](const StoredRow& r, size_t i, F& o) { o.run_id = GetInt(r, i); },
       [](const F& v, BulkInsert& b) { b.Int(v.run_id); }},
      {"msg_id", Type::kText, [](const StoredRow& r, size_t i, F& o) { o.msg_id = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.msg_id); }},
      {"created_at", Type::kText,
       [](const StoredRow& r, size_t i, F& o) { o.created_at = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.created_at); }},
      {"format", Type::kText, [](const StoredRow& r, size_t i, F& o) { o.format = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.format); }},
      {"name", Type::kText, [](const StoredRow& r, size_t i, F& o) { o.name = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.name); }},
      {"status", Type::kText, [](const StoredRow& r, size_t i, F& o) { o.status = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.status); }},
      {"tx_count", Type::kInt,
       [](const StoredRow& r, size_t i, F& o) { o.tx_count = GetInt(r, i); },
       [](const F& v, BulkInsert& b) { b.Int(v.tx_count); }},
      {"ctrl_sum_cents", Type::kInt,
       [](const StoredRow& r, size_t i, F& o) { o.ctrl_sum_cents = GetInt(r, i); },
       [](const F& v, BulkInsert& b) { b.Int(v.ctrl_sum_cents); }},
      {"sha256", Type::kText, [](const StoredRow& r, size_t i, F& o) { o.sha256 = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.sha256); }},
      {"sha1", Type::kText, [](const StoredRow& r, size_t i, F& o) { o.sha1 = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.sha1); }},
      {"written_path", Type::kText,
       [](const StoredRow& r, size_t i, F& o) { o.written_path = GetText(r, i); },
       [](const F& v, BulkInsert& b) { b.Text(v.written_path); }},
  };
  return kColumns;
}

Payment DecodePayment(const StoredRow& r) { return PaymentColumns().Decode(r); }

}  // namespace

Result<std::vector<FileRecord>, Error> Store::Files(std::optional<int64_t> run_id,
                                                    const std::string& status_filter) {
  return Read("cannot read files", [&] {
    const long long run = run_id.value_or(-1);
    return Rows(
        *sql_,
        "SELECT " + FileColumns().Select() +
            " FROM files WHERE (:r < 0 OR run_id = :r2) AND (:s = '' OR status = :s2) ORDER BY id",
        [](const StoredRow& r) { return FileColumns().Decode(r); }, run, run, status_filter,
        status_filter);
  });
}

Result<std::vector<Payment>, Error> Store::FilePayments(int64_t file_id) {
  return Read("cannot read a file's payments", [&] {
    const long long id = file_id;
    return Rows(*sql_,
                "SELECT " + PaymentColumns().Select() +
                    " FROM payments WHERE file_id = :f ORDER BY execution_date, end_to_end_id",
                DecodePayment, id);
  });
}

Result<std::vector<Payment>, Error> Store::ClientPayments(const ClientId& client, YearMonth month) {
  return Read("cannot read a client's payments", [&] {
    const std::string m = month.ToString();
    return Rows(*sql_,
                "SELECT " + PaymentColumns().Select() +
                    " FROM payments WHERE client_id = :c AND month = :m ORDER BY "
                    "execution_date, end_to_end_id",
                DecodePayment, client.value, m);
  });
}

Result<std::vector<RunRecord>, Error> Store::Runs(std::optional<YearMonth> month) {
  return Read("cannot read runs", [&] {
    const std::string m = month ? month->ToString() : "";
    return Rows(
        *sql_,
        "SELECT id, month, run_date, started_at, user_name, kind, municipality_id, "
        "municipality_version FROM runs WHERE "
        "(:m = '' OR month = :m2) AND " +
            ScopeClause("municipality_id") + " ORDER BY id",
        [](const StoredRow& r) {
          return RunRecord{.id = GetInt(r, 0),
                           .month = GetMonth(r, 1),
                           .run_date = GetDate(r, 2),
                           .started_at = GetText(r, 3),
                           .user = GetText(r, 4),
                           .kind = GetText(r, 5),
                           .municipality = GetInt(r, 6),
                           .settings_version = GetInt(r, 7)};
        },
        m, m);
  });
}

Result<std::vector<Finding>, Error> Store::Findings(int64_t run_id, const std::string& code) {
  return Read("cannot read findings", [&] {
    const long long id = run_id;
    return Rows(
        *sql_,
        "SELECT client_id, code, bill_id, amount_cents, detail, detail_nl FROM findings WHERE "
        "run_id = :r AND (:c = '' OR code = :c2) ORDER BY client_id, code, bill_id",
        [](const StoredRow& r) {
          return Finding{.client = ClientId{GetText(r, 0)},
                         .code = GetText(r, 1),
                         .bill = GetText(r, 2),
                         .amount = GetMoney(r, 3),
                         .detail = GetText(r, 4),
                         .detail_nl = GetText(r, 5)};
        },
        id, code, code);
  });
}

}  // namespace ontzorg
