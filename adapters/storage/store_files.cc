// Store: SEPA file records, their payments, and what reports read.
#include <soci/soci.h>

#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"

namespace ontzorg {
namespace {

constexpr const char* kFileColumns =
    "id, run_id, msg_id, created_at, format, name, status, tx_count, ctrl_sum_cents, sha256, "
    "sha1, written_path";

FileRecord DecodeFile(const soci::row& r) {
  FileRecord f;
  f.id = GetInt(r, 0);
  f.run_id = GetInt(r, 1);
  f.msg_id = GetText(r, 2);
  f.created_at = GetText(r, 3);
  f.format = GetText(r, 4);
  f.name = GetText(r, 5);
  f.status = GetText(r, 6);
  f.tx_count = GetInt(r, 7);
  f.ctrl_sum_cents = GetInt(r, 8);
  f.sha256 = GetText(r, 9);
  f.sha1 = GetText(r, 10);
  f.written_path = GetText(r, 11);
  return f;
}

}  // namespace

Result<std::vector<FileRecord>, Error> Store::Files(std::optional<int64_t> run_id,
                                                    const std::string& status_filter) {
  try {
    std::vector<FileRecord> out;
    const long long run = run_id.value_or(-1);
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT " << kFileColumns
                       << " FROM files WHERE (:r < 0 OR run_id = :r2) AND (:s = '' OR status = "
                          ":s2) ORDER BY id",
         soci::use(run), soci::use(run), soci::use(status_filter), soci::use(status_filter));
    for (const soci::row& r : rows) out.push_back(DecodeFile(r));
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read files: ") + e.what());
  }
}

Result<std::vector<Payment>, Error> Store::FilePayments(int64_t file_id) {
  try {
    std::vector<Payment> out;
    const long long id = file_id;
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT " << kPaymentColumns
                       << " FROM payments WHERE file_id = :f ORDER BY execution_date, "
                          "end_to_end_id",
         soci::use(id));
    for (const soci::row& r : rows) out.push_back(DecodePayment(r, 0));
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read a file's payments: ") + e.what());
  }
}

Result<std::vector<Payment>, Error> Store::ClientPayments(const ClientId& client, YearMonth month) {
  try {
    std::vector<Payment> out;
    const std::string m = month.ToString();
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT " << kPaymentColumns
                       << " FROM payments WHERE client_id = :c AND month = :m ORDER BY "
                          "execution_date, end_to_end_id",
         soci::use(client.value), soci::use(m));
    for (const soci::row& r : rows) out.push_back(DecodePayment(r, 0));
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read a client's payments: ") + e.what());
  }
}

Status<Error> Store::MarkWritten(int64_t file_id, const std::string& path,
                                 const std::string& sha256, const std::string& sha1) {
  try {
    const long long id = file_id;
    *sql_ << "UPDATE files SET status = 'written', written_path = :p, sha256 = :a, sha1 = :b "
             "WHERE id = :i",
        soci::use(path), soci::use(sha256), soci::use(sha1), soci::use(id);
    return {};
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot record a written file: ") + e.what());
  }
}

Result<std::vector<RunRecord>, Error> Store::Runs(std::optional<YearMonth> month) {
  try {
    std::vector<RunRecord> out;
    const std::string m = month ? month->ToString() : "";
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT id, month, run_date, started_at, user_name FROM runs WHERE "
                          "(:m = '' OR month = :m2) ORDER BY id",
         soci::use(m), soci::use(m));
    for (const soci::row& r : rows) {
      out.push_back({GetInt(r, 0), YearMonth::Parse(GetText(r, 1)).value(), GetDate(r, 2),
                     GetText(r, 3), GetText(r, 4)});
    }
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read runs: ") + e.what());
  }
}

Result<std::vector<Finding>, Error> Store::Findings(int64_t run_id) {
  try {
    std::vector<Finding> out;
    const long long id = run_id;
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT client_id, code, bill_id, amount_cents, detail FROM findings "
                          "WHERE run_id = :r ORDER BY client_id, code, bill_id",
         soci::use(id));
    for (const soci::row& r : rows) {
      out.push_back({ClientId{GetText(r, 0)}, GetText(r, 1), GetText(r, 2),
                     Money::FromCents(GetInt(r, 3)), GetText(r, 4)});
    }
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read findings: ") + e.what());
  }
}

}  // namespace ontzorg
