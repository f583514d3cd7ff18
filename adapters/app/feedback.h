// Reading the bank's feedback back into the store: pain.002 (payment status) and camt.053/054
// (the managed account's statements). One file is one transaction: the file's record, its lines
// and what they matched, payment states, reversing entries for rejected and returned payments,
// receipts for toeslagen and refunds (booked by the next run), signals and the audit row. The
// same file, or the same statement line in another file, changes nothing the second time.
#ifndef ONTZORG_ADAPTERS_APP_FEEDBACK_H_
#define ONTZORG_ADAPTERS_APP_FEEDBACK_H_

#include <map>
#include <string>
#include <vector>

#include "adapters/app/batches.h"
#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

struct FeedbackReport {
  std::string path, format, msg_id;
  bool already_imported = false;  // the same bytes were imported before: nothing changed
  std::string already;            // when and by whom
  // pain.002
  std::string original_msg_id, group_status;
  std::vector<std::string> group_reasons;
  struct Status {
    std::string end_to_end_id;
    std::string client;
    std::string status;   // accepted / pending / rejected / unknown
    std::string reasons;  // in words
    std::string outcome;  // what the import did
  };
  std::vector<Status> statuses;
  // camt
  struct Skipped {
    std::string statement_id, account;
    size_t entries = 0;
  };
  std::vector<Skipped> skipped;    // statements of other accounts
  std::vector<BankLineRow> lines;  // new lines, with their ids
  size_t lines_seen_before = 0;    // already imported from another file
  std::map<std::string, int> by_kind;
  std::vector<std::string> notes;  // conflicts and anything a person must look at
};

Result<FeedbackReport, Error> ImportBankFeedback(const Config& config, Store& store,
                                                 const std::string& path, const Actor& actor);

// Assigns an unmatched line by hand: to a client as income of `kind` (a receipt the next run
// books), or "ignore" with a reason.
struct LineAssignment {
  std::string line_id;             // "BF<file>-<n>" (ontzorg bank-lines)
  std::optional<ClientId> client;  // whose money it is (not for "ignore")
  std::string kind;                // an IncomeKind's ToString, or "ignore"
  std::string reason;
};
// Refusals name the field as `names` says: the command line's option or the web form's field.
Status<Error> AssignBankLine(Store& store, const LineAssignment& assignment, const Actor& actor,
                             FieldNames names = FieldNames::kOption);

// The reconciliation of one batch (or every batch): per payment what was sent and what the bank
// said, and per client the difference between our ledger and the bank.
struct Reconciliation {
  struct BatchLine {
    int64_t batch = 0;
    std::string kind, state, month;
    int64_t sent = 0, accepted = 0, rejected = 0, returned = 0, booked = 0, cancelled = 0, open = 0;
    Money sent_amount, booked_amount, failed_amount;
  };
  std::vector<BatchLine> batches;
  struct PaymentLine {
    int64_t batch = 0;
    std::string end_to_end_id, client, purpose, payee, state, reason;
    Money amount;
    std::string replaced_by;
  };
  std::vector<PaymentLine> payments;
  struct ClientLine {
    std::string client;
    Money ledger_paid;  // ordered from the client's funds, net of reversals
    Money bank_booked;  // booked by the bank (camt)
    Money in_transit;   // ordered, not yet booked nor failed
    Money difference;   // ledger_paid - bank_booked - in_transit (should be 0)
  };
  std::vector<ClientLine> clients;
  int64_t unmatched_lines = 0;
};
Result<Reconciliation, Error> Reconcile(Store& store, std::optional<int64_t> batch);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_FEEDBACK_H_
