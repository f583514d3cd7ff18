// The batch lifecycle: prepared (by `run`, `reissue` or `release-held`) -> approved by a second
// person -> exported (files written, validated, hashed) -> accepted/rejected per payment
// (pain.002) -> booked (camt.053). A prepared or approved batch can be cancelled; an exported one
// is never exported again (a lost file is re-written byte-identical with the same MsgId). Every
// transition is one transaction with its audit row.
#ifndef ONTZORG_ADAPTERS_APP_BATCHES_H_
#define ONTZORG_ADAPTERS_APP_BATCHES_H_

#include <string>
#include <vector>

#include "adapters/app/records.h"
#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "engine/lifecycle.h"

namespace ontzorg {

// The user, if registered with a role that allows `action` (engine/lifecycle.h); otherwise
// kRefused naming the role needed.
Result<User, Error> RequireAction(Store& store, const std::string& user, Action action);

// SHA-256 over the batch's payments (EndToEndId, amount, payee IBAN and name, execution date,
// remittance, in file order): what the approver approved. Export refuses if it changed. Read one
// payment at a time, so approving and exporting 400,000 payments needs no memory for them.
struct BatchContent {
  int64_t payments = 0;
  std::string sha256;
};
Result<BatchContent, Error> DigestBatch(Store& store, int64_t batch);
// The same digest fed one payment at a time, in the store's order (the approval feeds it during
// the review's read of the batch).
class BatchDigest {
 public:
  void Add(const Payment& p);
  BatchContent Done();

 private:
  Sha256Stream digest_;
  int64_t payments_ = 0;
};

// Four eyes that one person cannot get around: the approver proves who they are with a password
// they set themselves. An admin who sets someone's password (a new account, a reset) knows it,
// so that person's approvals are refused until they have set their own (docs/four-eyes.md).
Status<Error> CheckApprover(const User& user);
// What the approver says with the approval: that they checked the batch's implausible amounts
// (findings kImplausibleFinding) and the changes to clients' data made after the batch was
// prepared that hold for its month (issue 16); without it a batch that has any is refused,
// naming them.
struct Approval {
  bool acknowledge = false;
  std::string comment;  // the approver's note, kept in the batch's history and the audit log
};
Status<Error> ApproveBatch(Store& store, int64_t batch, const Actor& actor,
                           const Approval& approval = {});

struct ExportReport {
  std::vector<FileRecord> files;
  std::string schema_path;
  int completed = 0;  // an export finished after a crash: files put in place
};
Result<ExportReport, Error> ExportBatch(const Config& config, Store& store, int64_t batch,
                                        const std::string& out_dir, const Actor& actor);
// Writes an exported batch's files again into `out_dir` and checks each is byte-identical to what
// was exported (the recorded SHA-256).
Result<ExportReport, Error> RewriteBatch(const Config& config, Store& store, int64_t batch,
                                         const std::string& out_dir, const Actor& actor);
// Cancels a prepared or approved batch: each payment's money goes back to its client (a reversing
// entry) and is reserved until re-issued.
Status<Error> CancelBatch(Store& store, int64_t batch, const std::string& reason,
                          const Actor& actor);

struct PreparedBatch {
  int64_t batch = 0;  // 0: nothing to prepare
  int64_t payments = 0;
  Money amount;
  std::vector<std::string> notes;  // per payment: what was prepared, or why not
};
// Corrects the account a failed payment went to, before it is re-issued: a creditor's IBAN (every
// bill paid to it follows) or the client's own (the leefgeld). Recorded as a correction of the
// reference data with an audit row "account.corrected" (old -> new: reason); finance only
// (Action::kCorrectAccount). Refusals name the field as `names` says; nothing changes on a refusal.
struct AccountCorrection {
  Store::AccountHolder holder = Store::AccountHolder::kCreditor;
  std::string id;  // the creditor's or the client's id
  std::string iban, bic, reason;
};
struct CorrectedAccount {
  std::string old_iban, new_iban;  // formatted in groups of four
};
Result<CorrectedAccount, Error> CorrectAccount(Store& store, const AccountCorrection& correction,
                                               const Actor& actor,
                                               FieldNames names = FieldNames::kOption);
// Re-issues failed payments (rejected, returned, cancelled) as a new prepared batch, each linked
// to the payment it replaces, to the payee's current (corrected) account.
Result<PreparedBatch, Error> ReissuePayments(const Config& config, Store& store,
                                             const std::vector<std::string>& end_to_end_ids,
                                             Date run_date, const Actor& actor);
// Prepares a batch of the held bills whose direct debit is now confirmed cancelled (or a coach
// overrode the guard).
Result<PreparedBatch, Error> ReleaseHeld(const Config& config, Store& store, Date run_date,
                                         const Actor& actor);

// Records a direct-debit confirmation or override for a bill (checked: the bill exists; an
// override needs a note).
// Refusals name the field as `names` says: the command line's option or the web form's field.
Status<Error> RecordDirectDebit(Store& store, const DirectDebitRecord& record, const Actor& actor,
                                FieldNames names = FieldNames::kOption);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_BATCHES_H_
