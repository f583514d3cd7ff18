#include "adapters/app/run_month.h"

#include <libxml/parser.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <future>
#include <thread>

#include "adapters/app/client_statement.h"
#include "adapters/app/emission.h"
#include "adapters/sepa/pain001_writer.h"
#include "adapters/sepa/xsd_validator.h"
#include "adapters/system/files.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

std::vector<Finding> FindingsOf(const ClientCase& input, const ClientMonth& m,
                                const PlausibilityLimits& limits) {
  std::vector<Finding> out;
  for (const ImplausibleAmount& a : ImplausibleAmounts(input, m, limits)) {
    const bool benefit = a.what == ImplausibleAmount::What::kBenefit,
               bill = a.what == ImplausibleAmount::What::kBill;
    const std::string what = benefit ? "bijstand" : bill ? "bill payment" : "leefgeld";
    const std::string limit = std::string(" ([plausibility] ") + ToString(a.what) + "_max)";
    out.push_back(
        {m.client, kImplausibleFinding, a.bill ? a.bill->value : ToString(a.what), a.amount,
         what + " of " + FormatEuros(a.amount) + " is above the limit of " + FormatEuros(a.limit) +
             limit + ": check it; the approver must acknowledge it",
         std::string(benefit ? "Bijstand"
                     : bill  ? "Betaling van de rekening"
                             : "Leefgeld") +
             " van " + FormatEuros(a.amount) + " is hoger dan de grens van " +
             FormatEuros(a.limit) + limit +
             ". Controleer het; wie goedkeurt, moet het bevestigen."});
  }
  if (m.benefit_missing) {
    out.push_back(
        {m.client, "no_benefit", "", Money::Zero(),
         std::string(input.benefit ? "a bijstand amount of 0.00 is recorded"
                                   : "no bijstand amount imported") +
             " for this month; only money already on the managed account was used, "
             "no credit was drawn",
         std::string(input.benefit ? "Voor deze maand is bijstand van € 0,00 vastgelegd"
                                   : "Voor deze maand is geen bijstand ingelezen") +
             ". Alleen geld dat al op de beheerrekening stond is gebruikt; er is geen krediet "
             "opgenomen."});
  }
  for (const UnpaidBill& u : m.unpaid) {
    const bool short_of_money = u.reason == UnpaidReason::kInsufficientFunds;
    out.push_back(
        {m.client, "unpaid", u.bill.value, u.amount,
         std::string(ToString(u.kind)) + " due " + u.due.ToString() + ": " + Describe(u.reason) +
             " (available " + FormatEuros(u.available) + ")",
         "Rekening " + u.bill.value + " van " + FormatEuros(u.amount) + ", te betalen " +
             FormatDutchDate(u.due) + ": " +
             (short_of_money ? "de bijstand die na de rekeningen met voorrang over is, dekt "
                               "deze rekening niet"
                             : "de schuldeiser van de rekening is niet bekend") +
             " (beschikbaar " + FormatEuros(u.available) + ")."});
  }
  for (const Signal& sig : m.signals) {
    // Unpaid bills and a missing bijstand are already findings of their own above.
    if (sig.kind == SignalKind::kBillsUnpaid || sig.kind == SignalKind::kNoBenefit) continue;
    out.push_back({m.client, ToString(sig.kind), "", sig.amount, sig.detail, sig.detail_nl});
  }
  for (const Payment& p : m.payments) {
    if (!p.late) continue;
    out.push_back({m.client, "late", p.bill ? p.bill->value : "leefgeld", p.amount,
                   "due " + p.due.ToString() + ", the earliest execution date " +
                       p.execution.ToString() + " cannot reach the payee in time",
                   "Te betalen " + FormatDutchDate(p.due) + ", maar de vroegste uitvoerdatum " +
                       FormatDutchDate(p.execution) + " is te laat om op tijd aan te komen."});
  }
  return out;
}

// File order: by execution date, then EndToEndId (bytewise), the same on every backend and for
// every path, so a file re-written from the store is byte-identical.
void SortForFile(std::vector<Payment>* payments) {
  std::sort(payments->begin(), payments->end(), [](const Payment& a, const Payment& b) {
    if (a.execution != b.execution) return a.execution < b.execution;
    return a.end_to_end_id < b.end_to_end_id;
  });
}

// Writes `<path>.part` from the payments: our own checks and the official schema. Touches no
// store, so several files are written at once on other threads.
Status<Error> WritePart(const Config& config, const XsdValidator& xsd, const FileRecord& file,
                        std::vector<Payment> payments, const std::string& path) {
  SortForFile(&payments);
  Money sum;
  for (const Payment& p : payments) sum += p.amount;
  if (static_cast<int64_t>(payments.size()) != file.tx_count ||
      sum.cents() != file.ctrl_sum_cents) {
    return Fail(ErrorCode::kInvalidOutput,
                "file " + file.msg_id + ": stored count or sum differs from its payments");
  }
  const Pain001Header header{file.msg_id,   file.created_at,
                             file.format,   config.municipality_name,
                             config.debtor, config.sepa.batch_booking};
  const std::string part = path + ".part";
  if (auto s = WritePain001(header, payments, part); !s) return s;
  return xsd.ValidateFile(part);
}

// Writes files on worker threads while the caller goes on (booking, or reading the next file),
// at most one per core at once. Each is written as a part (`<name>.part`); Finish() hashes the
// checked parts and hands them over, in file order, still under their temporary names.
class FilePipeline {
 public:
  // `spare_cores`: cores left to the caller (booking needs one of its own).
  FilePipeline(const Config& config, std::string out_dir, unsigned spare_cores)
      : config_(config),
        out_dir_(std::move(out_dir)),
        max_in_flight_(std::max(1u, std::thread::hardware_concurrency() - spare_cores)) {}
  ~FilePipeline() { Abandon(); }

  // Loads the schema for `format`; call before Submit.
  Status<Error> Prepare(const std::string& format) {
    if (validators_.count(format)) return {};
    auto loaded = XsdValidator::Load(config_.sepa.schema_dir, format);
    if (!loaded) return Unexpected(loaded.error());
    schema_path_ = (*loaded)->schema_path();
    validators_[format] = std::move(loaded).value();
    return {};
  }

  void Submit(const FileRecord& file, std::vector<Payment> payments) {
    while (InFlight() >= max_in_flight_) OldestRunning().wait();
    std::error_code ec;  // a folder that cannot be made fails the write, with the reason
    std::filesystem::create_directories(out_dir_, ec);
    const std::string path = (std::filesystem::path(out_dir_) / file.name).string();
    const XsdValidator* xsd = validators_.at(file.format).get();
    jobs_.push_back(
        {file, path,
         std::async(std::launch::async, [this, xsd, file, path, p = std::move(payments)]() mutable {
           return WritePart(config_, *xsd, file, std::move(p), path);
         })});
  }

  // Waits for every part, hashes it, and hands it over as staged; on the first error every part
  // is removed.
  Status<Error> Finish(std::vector<StagedFile>* staged) {
    Status<Error> result;
    std::vector<StagedFile> done;
    for (Job& job : jobs_) {
      Status<Error> s = job.done.get();
      Result<FileHashes, Error> hashes = s ? HashFile(job.path + ".part") : Unexpected(s.error());
      if (!hashes) {
        if (result) result = Unexpected(hashes.error());
        continue;
      }
      StagedFile f{job.file, job.path + ".part"};
      f.file.status = "written";
      f.file.written_path = job.path;
      f.file.sha256 = hashes->sha256;
      f.file.sha1 = hashes->sha1;
      done.push_back(std::move(f));
    }
    jobs_.clear();
    if (!result) {
      DiscardFiles(done);
      return result;
    }
    staged->insert(staged->end(), done.begin(), done.end());
    return {};
  }

  // Waits for the workers and removes their parts: nothing was booked.
  void Abandon() {
    for (Job& job : jobs_) {
      if (job.done.valid()) job.done.wait();
      std::error_code ec;
      std::filesystem::remove(job.path + ".part", ec);
    }
    jobs_.clear();
  }

  const std::string& schema_path() const { return schema_path_; }

 private:
  struct Job {
    FileRecord file;
    std::string path;
    std::future<Status<Error>> done;
  };
  size_t InFlight() const {
    size_t n = 0;
    for (const Job& j : jobs_) {
      n += j.done.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    }
    return n;
  }
  std::future<Status<Error>>& OldestRunning() {
    for (Job& j : jobs_) {
      if (j.done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return j.done;
    }
    return jobs_.back().done;
  }

  const Config& config_;
  std::string out_dir_;
  size_t max_in_flight_;
  std::map<std::string, std::unique_ptr<XsdValidator>> validators_;
  std::string schema_path_;
  std::deque<Job> jobs_;
};

}  // namespace

Status<Error> StageFiles(const Config& config, Store& store, const std::vector<FileRecord>& files,
                         const std::string& out_dir, std::vector<StagedFile>* staged,
                         std::string* schema_path,
                         const std::function<void(const Payment&)>& each_read) {
  if (files.empty()) return {};
  xmlInitParser();
  FilePipeline pipeline(config, out_dir, 0);
  for (const FileRecord& file : files) {
    if (auto s = pipeline.Prepare(file.format); !s) return s;
    auto payments = store.FilePayments(file.id);
    if (!payments) return Unexpected(payments.error());
    if (each_read) {
      for (const Payment& p : *payments) each_read(p);
    }
    pipeline.Submit(file, std::move(payments).value());
  }
  if (schema_path != nullptr) *schema_path = pipeline.schema_path();
  return pipeline.Finish(staged);
}

Status<Error> PublishFiles(const std::vector<StagedFile>& staged) {
  for (const StagedFile& f : staged) {
    if (auto s = CommitFile(f.part, f.file.written_path); !s) return s;
  }
  return {};
}

void DiscardFiles(const std::vector<StagedFile>& staged) {
  for (const StagedFile& f : staged) {
    std::error_code ec;
    std::filesystem::remove(f.part, ec);
  }
}

namespace {

// Adds one client's month to the report's totals.
void Tally(const ClientMonth& month, RunReport* report) {
  ++(month.after_relief ? report->clients_settling : report->clients_in_relief);
  report->already_booked += static_cast<int64_t>(month.already_booked.size());
  for (const Entry& e : month.entries) {
    if (e.kind == EntryKind::kBenefitReceived) report->benefits_booked += e.amount;
  }
  for (const Payment& p : month.payments) {
    const bool bill = p.purpose != PaymentPurpose::kAllowance;  // a run makes no one-offs
    (bill ? report->bill_payments : report->allowance_payments) += 1;
    (bill ? report->bills_total : report->allowance_total) += p.amount;
  }
  const CreditMonth& c = month.credit;
  report->income_received += c.income;
  report->credit_drawn += c.drawn;
  report->credit_set_off += c.set_off;
  report->credit_recovered += c.recovered;
  report->credit_written_off += c.written_off;
  report->credit_moved_to_recovery += c.moved_to_recovery;
  report->credit_outstanding += c.after.Outstanding();
  if (c.drawn.IsPositive()) ++report->clients_with_credit_drawn;
  for (const Signal& s : month.signals) {
    if (s.kind == SignalKind::kBelowMinimum) ++report->clients_below_minimum;
  }
  if (c.drawn.IsPositive() || c.set_off.IsPositive() || c.recovered.IsPositive() ||
      c.written_off.IsPositive() || c.moved_to_recovery.IsPositive() ||
      c.after.Outstanding().IsPositive()) {
    report->credit_lines.push_back({month.client, c});
  }
}

// How ForEachClientMonth reads the cases: on the store's own connection, or the next chunk ahead
// on a second one (the booking: `use` writes only the client's own rows).
enum class Reading { kInline, kAhead };

// Computes every client's month, chunk by chunk, and hands each one to `use` (which may fail);
// `chunk_done(clients so far)` after each chunk.
Status<Error> ForEachClientMonth(const Config& config, Store& store, const RunOptions& o,
                                 const std::function<Status<Error>(ClientCase&, ClientMonth&)>& use,
                                 const std::function<void(int64_t)>& chunk_done,
                                 Reading reading = Reading::kInline) {
  auto creditors = store.LoadCreditors(o.month);  // as they hold in the month (issue 16)
  if (!creditors) return Unexpected(creditors.error());
  int64_t done = 0;
  const auto each = [&](ClientCase& c) -> Status<Error> {
    auto month = ComputeClientMonth(c, *creditors, config.month, o.month, o.run_date);
    if (month) {
      if (auto s = use(c, *month); !s) return s;
    }
    if (++done % o.chunk_clients == 0 && chunk_done) chunk_done(done);
    return {};
  };
  return reading == Reading::kAhead ? store.ForEachCaseReadAhead(o.month, o.chunk_clients, each)
                                    : store.ForEachCase(o.month, o.chunk_clients, each);
}

// Computes every client's month into `writer`, and hands it to `emitter` for the checkpoint and
// statement. Returns whether anything new was booked.
Result<bool, Error> BookClients(const Config& config, Store& store, const RunOptions& o,
                                Store::MonthWriter& writer, EmitterThread& emitter,
                                RunReport* report) {
  auto total = store.CountClients();
  if (!total) return Unexpected(total.error());
  bool booked_anything = false;
  const auto book = [&](ClientCase& input, ClientMonth& month) -> Status<Error> {
    Tally(month, report);
    booked_anything = booked_anything || !month.entries.empty() || !month.processed.empty();
    std::vector<Finding> findings = FindingsOf(input, month, config.month.plausibility);
    if (auto s = writer.Add(month, findings); !s) return s;
    report->findings.insert(report->findings.end(), findings.begin(), findings.end());
    return emitter.Add(std::move(input), std::move(month));
  };
  const auto progress = [&](int64_t done) {
    if (o.progress) o.progress(std::min(done, *total), *total);
  };
  if (auto s = ForEachClientMonth(config, store, o, book, progress, Reading::kAhead); !s) {
    return Unexpected(s.error());
  }
  progress(*total);  // every client seen (those without a plan are skipped, not counted)
  return booked_anything;
}

// The checkpoints and statements of a month already booked, from the store: the engine gives the
// hand-over states and the bills the client pays; the payments and the credit come from what
// was booked.
Status<Error> EmitFromStore(const Config& config, Store& store, const RunOptions& o,
                            EmissionReport* out) {
  Emitter emitter(config, o.out_dir, o.month, o.run_date);
  auto coaches = CoachContacts(store);
  if (!coaches) return Unexpected(coaches.error());
  emitter.SetCoaches(std::move(coaches).value());
  if (auto s = emitter.Open(); !s) return s;
  const auto emit = [&](ClientCase& input, ClientMonth& computed) -> Status<Error> {
    if (computed.after_relief) return {};
    ClientMonth month = computed;
    if (auto s = BookedClientMonth(store, input.client.id, o.month, &month); !s) return s;
    return emitter.Add(input, month);
  };
  if (auto s = ForEachClientMonth(config, store, o, emit, {}); !s) return s;
  return emitter.Commit(out);
}

// How many clients are in relief in the month (not merely settling after it): a dry run of the
// engine that books nothing.
Result<int64_t, Error> CountInRelief(const Config& config, Store& store, const RunOptions& o) {
  int64_t count = 0;
  const auto count_one = [&](ClientCase&, ClientMonth& month) -> Status<Error> {
    count += month.after_relief ? 0 : 1;
    return {};
  };
  if (auto s = ForEachClientMonth(config, store, o, count_one, {}); !s) {
    return Unexpected(s.error());
  }
  return count;
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Nothing to book, but findings and no earlier run of the month (after the relief, credit still
// open, nothing arriving): the run is kept without a batch, so its findings are stored and become
// work items (issue 16: they were printed and lost). Returns whether it was kept.
Result<bool, Error> KeepFindingsOnly(Store& store, Store::MonthWriter& writer, RunReport* report) {
  auto earlier = store.Runs(report->month);
  if (!earlier) return Unexpected(earlier.error());
  // This run's own row is in `earlier` (inserted by BeginMonth, not yet committed).
  const bool first_run = std::all_of(earlier->begin(), earlier->end(),
                                     [&](const RunRecord& r) { return r.id == writer.run_id(); });
  if (!first_run || report->findings.empty()) return false;
  if (auto s = writer.Commit({.clients = report->clients_in_relief + report->clients_settling,
                              .payments = 0,
                              .amount = Money::Zero()});
      !s) {
    return Unexpected(s.error());
  }
  report->run_id = writer.run_id();
  report->findings_only = true;
  return true;
}

// The schema must be there before anything is booked, and the month's bijstand amounts.
Status<Error> CheckReadyToBook(const Config& config, Store& store, const RunOptions& o,
                               RunReport* report) {
  // The schema must be there before anything is booked: the batch's files are validated
  // against it when they are exported.
  if (auto xsd = XsdValidator::Load(config.sepa.schema_dir, ToString(config.sepa.version)); !xsd) {
    return Unexpected(xsd.error());
  } else {
    report->schema_path = (*xsd)->schema_path();
  }
  auto benefits = store.CountBenefits(o.month);
  if (!benefits) return Unexpected(benefits.error());
  if (*benefits == 0) {
    // Without any bijstand for the month only a month that merely settles (clients after their
    // relief, e.g. a late toeslagen lump sum) may run; anyone in relief means a forgotten import.
    auto in_relief = CountInRelief(config, store, o);
    if (!in_relief) return Unexpected(in_relief.error());
    if (*in_relief > 0) {
      return Fail(ErrorCode::kBadInput, "no bijstand amounts are imported for " +
                                            o.month.ToString() + " (" + std::to_string(*in_relief) +
                                            " clients are in relief): import benefits.csv "
                                            "for that month first; nothing was booked or paid");
    }
  }
  return {};
}

}  // namespace

Store::FileSettings FileSettingsOf(const Config& config) {
  return {.max_per_file = config.sepa.max_transactions_per_file,
          .municipality_code = config.municipality_code,
          .format = ToString(config.sepa.version),
          .settings_version = config.municipality_version};
}

Result<RunReport, Error> RunMonth(const Config& config, Store& store, const RunOptions& o) {
  RunReport report;
  report.month = o.month;
  report.run_date = o.run_date;
  report.municipality_code = config.municipality_code;
  report.municipality_name = config.municipality_name;
  // Refuse before booking anything: a month or run date too far ahead, no schema, no bijstand
  // amounts for the month. Today is the day the run starts.
  const auto today = Date::Parse(o.started_at.substr(0, 10));
  if (!today) return Fail(ErrorCode::kBadInput, "run started at '" + o.started_at + "': no date");
  if (auto refusal = RunRefusal(o.month, {.run_date = o.run_date, .today = *today})) {
    return Fail(ErrorCode::kBadInput, *refusal + "; nothing was booked or paid");
  }
  if (auto s = CheckReadyToBook(config, store, o, &report); !s) return Unexpected(s.error());
  const auto booking_started = std::chrono::steady_clock::now();
  auto writer = store.BeginMonth({0, o.month, o.run_date, o.started_at, o.user, "month"},
                                 FileSettingsOf(config));
  if (!writer) return Unexpected(writer.error());
  Emitter emitter(config, o.out_dir, o.month, o.run_date);
  auto coaches = CoachContacts(store);
  if (!coaches) return Unexpected(coaches.error());
  emitter.SetCoaches(std::move(coaches).value());
  if (auto s = emitter.Open(); !s) return Unexpected(s.error());
  // Statements handed over in chunks of at most 500 clients (and at most the reading chunk).
  EmitterThread emitting(emitter, std::min(500, std::max(1, o.chunk_clients)));
  auto booked = BookClients(config, store, o, **writer, emitting, &report);
  if (!booked) return Unexpected(booked.error());
  if (auto s = emitting.Finish(); !s) return Unexpected(s.error());
  if (!*booked) {
    emitter.Abandon();  // its statements would show nothing paid: all was booked before
    auto kept = KeepFindingsOnly(store, **writer, &report);
    if (!kept) return Unexpected(kept.error());
    if (*kept) {
      report.booking_seconds = SecondsSince(booking_started);
      return report;
    }
    // Nothing new: the writer rolls back, no empty run is recorded. If the month's checkpoints
    // and statements were lost (a crash after the booking), write them again from the store.
    if (report.clients_in_relief > 0 &&
        !std::filesystem::exists(std::filesystem::path(o.out_dir) /
                                 ("checkpoints-" + o.month.ToString() + ".jsonl"))) {
      if (auto s = EmitFromStore(config, store, o, &report.emission); !s) {
        return Unexpected(s.error());
      }
    }
    return report;
  }
  if (auto s = (*writer)->Commit({.clients = report.clients_in_relief + report.clients_settling,
                                  .payments = report.bill_payments + report.allowance_payments,
                                  .amount = report.bills_total + report.allowance_total});
      !s) {
    return Unexpected(s.error());
  }
  report.run_id = (*writer)->run_id();
  report.booking_seconds = SecondsSince(booking_started);
  const auto files_started = std::chrono::steady_clock::now();
  auto files = store.Files(report.run_id, "");
  if (!files) return Unexpected(files.error());
  report.files = std::move(files).value();  // allocated; written when the batch is exported
  if (auto s = emitter.Commit(&report.emission); !s) return Unexpected(s.error());
  report.files_seconds = SecondsSince(files_started);
  return report;
}

}  // namespace ontzorg
