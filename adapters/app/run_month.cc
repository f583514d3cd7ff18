#include "adapters/app/run_month.h"

#include <libxml/parser.h>

#include <deque>
#include <filesystem>
#include <future>
#include <thread>

#include "adapters/sepa/pain001_writer.h"
#include "adapters/sepa/xsd_validator.h"
#include "adapters/system/files.h"

namespace ontzorg {
namespace {

std::vector<Finding> FindingsOf(const ClientMonth& m) {
  std::vector<Finding> out;
  if (m.benefit_missing) {
    out.push_back({m.client, "no_benefit", "", Money::Zero(),
                   "no bijstand amount imported for this month; only money already on the "
                   "managed account was used"});
  }
  for (const UnpaidBill& u : m.unpaid) {
    out.push_back({m.client, "unpaid", u.bill.value, u.amount,
                   std::string(ToString(u.kind)) + " due " + u.due.ToString() + ": " +
                       Describe(u.reason) + " (available " + u.available.ToDecimalString() + ")"});
  }
  for (const Payment& p : m.payments) {
    if (!p.late) continue;
    out.push_back({m.client, "late", p.bill ? p.bill->value : "leefgeld", p.amount,
                   "due " + p.due.ToString() + ", the earliest execution date " +
                       p.execution.ToString() + " cannot reach the payee in time"});
  }
  return out;
}

// Writes one file from its stored payments: own checks, the official schema, an atomic rename,
// hashes. Touches no store, so files can be written on several threads.
Result<FileHashes, Error> WriteFile(const Config& config, const XsdValidator& xsd,
                                    const FileRecord& file, const std::vector<Payment>& payments,
                                    const std::string& path) {
  Money sum;
  for (const Payment& p : payments) sum += p.amount;
  if (static_cast<int64_t>(payments.size()) != file.tx_count || sum.cents() != file.ctrl_sum_cents) {
    return Fail(ErrorCode::kInvalidOutput, "file " + file.msg_id +
                                               ": stored count or sum differs from its payments");
  }
  const Pain001Header header{file.msg_id, file.created_at, file.format, config.municipality_name,
                             config.debtor, config.sepa.batch_booking};
  const std::string part = path + ".part";
  if (auto s = WritePain001(header, payments, part); !s) return Unexpected(s.error());
  if (auto s = xsd.ValidateFile(part); !s) return Unexpected(s.error());
  if (auto s = CommitFile(part, path); !s) return Unexpected(s.error());
  return HashFile(path);
}

}  // namespace

Status<Error> WritePendingFiles(const Config& config, Store& store, const std::string& out_dir,
                                std::vector<FileRecord>* written, std::string* schema_path) {
  auto pending = store.Files(std::nullopt, "pending");
  if (!pending) return Unexpected(pending.error());
  if (pending->empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Fail(ErrorCode::kIo, out_dir + ": cannot create the output folder: " + ec.message());
  xmlInitParser();  // once, before libxml2 is used from several threads
  std::map<std::string, std::unique_ptr<XsdValidator>> validators;
  for (const FileRecord& file : *pending) {
    auto& xsd = validators[file.format];
    if (xsd) continue;
    auto loaded = XsdValidator::Load(config.sepa.schema_dir, file.format);
    if (!loaded) return Unexpected(loaded.error());
    xsd = std::move(loaded).value();
    if (schema_path != nullptr) *schema_path = xsd->schema_path();
  }
  // The store is read and updated on this thread only; files are written on up to
  // hardware_concurrency() threads at once, and recorded in file order.
  const size_t in_flight = std::max(1u, std::thread::hardware_concurrency());
  struct Job {
    FileRecord file;
    std::string path;
    std::future<Result<FileHashes, Error>> hashes;
  };
  std::deque<Job> jobs;
  Status<Error> first_error;
  const auto finish_oldest = [&]() {
    Job job = std::move(jobs.front());
    jobs.pop_front();
    auto hashes = job.hashes.get();
    if (!first_error) return;
    if (!hashes) {
      first_error = Unexpected(hashes.error());
      return;
    }
    if (auto s = store.MarkWritten(job.file.id, job.path, hashes->sha256, hashes->sha1); !s) {
      first_error = s;
      return;
    }
    job.file.status = "written";
    job.file.written_path = job.path;
    job.file.sha256 = hashes->sha256;
    job.file.sha1 = hashes->sha1;
    written->push_back(std::move(job.file));
  };
  for (const FileRecord& file : *pending) {
    auto payments = store.FilePayments(file.id);
    if (!payments) {
      first_error = Unexpected(payments.error());
      break;
    }
    const std::string path = (std::filesystem::path(out_dir) / file.name).string();
    const XsdValidator* xsd = validators.at(file.format).get();
    jobs.push_back({file, path,
                    std::async(std::launch::async,
                               [&config, xsd, file, path, p = std::move(payments).value()]() {
                                 return WriteFile(config, *xsd, file, p, path);
                               })});
    if (jobs.size() >= in_flight) finish_oldest();
    if (!first_error) break;
  }
  while (!jobs.empty()) finish_oldest();
  return first_error;
}

Result<RunReport, Error> RunMonth(const Config& config, Store& store, const RunOptions& o) {
  RunReport report;
  report.month = o.month;
  report.run_date = o.run_date;
  // Refuse before booking anything: no schema, no bijstand amounts for the month.
  auto xsd = XsdValidator::Load(config.sepa.schema_dir, ToString(config.sepa.version));
  if (!xsd) return Unexpected(xsd.error());
  report.schema_path = (*xsd)->schema_path();
  auto benefits = store.CountBenefits(o.month);
  if (!benefits) return Unexpected(benefits.error());
  if (*benefits == 0) {
    return Fail(ErrorCode::kBadInput, "no bijstand amounts are imported for " + o.month.ToString() +
                                          ": import benefits.csv for that month first; nothing "
                                          "was booked or paid");
  }
  // Files a crashed earlier run booked but did not write come first.
  if (auto s = WritePendingFiles(config, store, o.out_dir, &report.files, nullptr); !s) {
    return Unexpected(s.error());
  }
  auto creditors = store.LoadCreditors();
  if (!creditors) return Unexpected(creditors.error());
  auto total = store.CountClients();
  if (!total) return Unexpected(total.error());
  auto writer = store.BeginMonth({0, o.month, o.run_date, o.started_at, o.user});
  if (!writer) return Unexpected(writer.error());
  std::string after;
  int64_t done = 0;
  bool booked_anything = false;
  for (;;) {
    std::string last;
    auto cases = store.LoadCases(o.month, after, o.chunk_clients, &last);
    if (!cases) return Unexpected(cases.error());
    if (last.empty()) break;
    after = last;
    for (const ClientCase& c : *cases) {
      auto month = ComputeClientMonth(c, *creditors, config.month, o.month, o.run_date);
      if (!month) continue;
      ++report.clients_in_relief;
      report.already_booked += static_cast<int64_t>(month->already_booked.size());
      for (const Entry& e : month->entries) {
        if (e.kind == EntryKind::kBenefitReceived) report.benefits_booked += e.postings[0].amount;
      }
      for (const Payment& p : month->payments) {
        const bool bill = p.purpose == PaymentPurpose::kBill;
        (bill ? report.bill_payments : report.allowance_payments) += 1;
        (bill ? report.bills_total : report.allowance_total) += p.amount;
      }
      booked_anything = booked_anything || !month->entries.empty();
      std::vector<Finding> findings = FindingsOf(*month);
      if (auto s = (*writer)->Add(*month, findings, config.sepa.max_transactions_per_file,
                                  config.municipality_code, ToString(config.sepa.version));
          !s) {
        return Unexpected(s.error());
      }
      report.findings.insert(report.findings.end(), findings.begin(), findings.end());
    }
    done += o.chunk_clients;
    if (o.progress) o.progress(std::min(done, *total), *total);
  }
  if (!booked_anything) return report;  // the writer rolls back: no empty run is recorded
  const int64_t payments = report.bill_payments + report.allowance_payments;
  if (auto s = (*writer)->Commit(report.clients_in_relief, payments,
                                 report.bills_total + report.allowance_total);
      !s) {
    return Unexpected(s.error());
  }
  report.run_id = (*writer)->run_id();
  if (auto s = WritePendingFiles(config, store, o.out_dir, &report.files, nullptr); !s) {
    return Unexpected(s.error());
  }
  return report;
}

}  // namespace ontzorg
