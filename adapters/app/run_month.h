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
  int64_t run_id = 0;  // 0 when nothing new was booked (and no findings were kept)
  // Nothing was booked, but the month's first run raised findings: the run is stored without a
  // batch (no payments), so they are kept as work items.
  bool findings_only = false;
  YearMonth month;
  Date run_date;
  std::string municipality_code, municipality_name;  // whose month it is (issue 20)
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

// A file written under a temporary name (`part`): our own checks and the official schema passed,
// hashed, but not yet visible under its name (`file.written_path`), so nobody can send it.
struct StagedFile {
  FileRecord file;  // status "written", written_path, sha256 and sha1 filled in
  std::string part;
};
// Writes `files` from the store into `out_dir` as parts, two at a time. On an error no part is
// left behind. `each_read`, when given, sees every payment as it is read for its file, files in
// the order given and each file's payments in the store's order (the export digests what it
// writes).
Status<Error> StageFiles(const Config& config, Store& store, const std::vector<FileRecord>& files,
                         const std::string& out_dir, std::vector<StagedFile>* staged,
                         std::string* schema_path,
                         const std::function<void(const Payment&)>& each_read = {});
// Makes the parts visible under their names, each one durable (fsync, rename, fsync the folder).
Status<Error> PublishFiles(const std::vector<StagedFile>& staged);
// Removes the parts (what was staged will not be sent).
void DiscardFiles(const std::vector<StagedFile>& staged);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_RUN_MONTH_H_
