// Running a month: the use case behind `ontzorg run`. Loads clients in chunks through the store,
// calls the engine and books everything in one transaction: the ledger, the payments, and the
// batch (state "prepared", its files allocated with their MsgIds). The files are written when a
// second person has approved the batch and it is exported (adapters/app/batches.h). A crash at
// any moment leaves either no booking (run again) or the prepared batch.
#ifndef ONTZORG_ADAPTERS_APP_RUN_MONTH_H_
#define ONTZORG_ADAPTERS_APP_RUN_MONTH_H_

#include <functional>
#include <string>
#include <vector>

#include "adapters/app/emission.h"
#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

struct RunOptions {
  YearMonth month;
  Date run_date;
  std::string out_dir;
  std::string user;
  std::string started_at;  // CreDtTm of the files, "YYYY-MM-DDThh:mm:ss"
  int chunk_clients = 2000;
  std::function<void(int64_t done, int64_t total)> progress;  // may be empty
};

struct RunReport {
  int64_t run_id = 0;  // 0 when nothing new was booked
  YearMonth month;
  Date run_date;
  int64_t clients_in_relief = 0;
  int64_t clients_settling = 0;  // after their relief: receipts, set-off and a payout only
  int64_t bill_payments = 0, allowance_payments = 0, already_booked = 0;
  Money bills_total, allowance_total, benefits_booked;
  // Bridging credit this run: totals, and one line per client whose credit moved.
  Money income_received, credit_drawn, credit_set_off, credit_recovered, credit_written_off;
  Money credit_moved_to_recovery, credit_outstanding;  // outstanding: after the run, clients in it
  int64_t clients_with_credit_drawn = 0, clients_below_minimum = 0;
  struct CreditLine {
    ClientId client;
    CreditMonth credit;
  };
  std::vector<CreditLine> credit_lines;
  std::vector<Finding> findings;
  std::vector<FileRecord> files;  // allocated for the batch (written at export)
  EmissionReport emission;        // checkpoints and statements of the clients booked
  std::string schema_path;
  double booking_seconds = 0;  // loading, computing and storing the month
  double files_seconds = 0;    // after the commit: putting the checkpoints and statements in
                               // place
};

Result<RunReport, Error> RunMonth(const Config& config, Store& store, const RunOptions& options);

// How the configuration says a run's payments go into files (per file, MsgId prefix, format).
Store::FileSettings FileSettingsOf(const Config& config);

// Writes `files` from the store into `out_dir`, two at a time: own checks, XSD validation,
// atomic rename, SHA-256 and SHA-1. `record`: mark them written in the store (an export); else
// leave the store unchanged (a re-write). Appends the written records to `written`.
Status<Error> WriteFiles(const Config& config, Store& store, const std::vector<FileRecord>& files,
                         const std::string& out_dir, bool record, std::vector<FileRecord>* written,
                         std::string* schema_path);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_RUN_MONTH_H_
