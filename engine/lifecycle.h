// The life cycle of batches, payments and bank lines, and who may do what: states, events and
// roles as enums, and pure transition functions that say what follows or name why not (each
// refusal an enumerator with its reason, as TigerBeetle's result codes). Every adapter (command
// line, web app, bank import) decides through these, inside the store transaction that applies
// the outcome, so two people acting at once cannot both move one batch or one payment.
//
//   batch:    prepared --approve--> approved --export--> exported
//             prepared/approved --cancel--> cancelled          (exported and cancelled are final)
//   payment:  prepared (its batch not exported) | sent --accepted/pending/rejected (pain.002),
//             booked/returned (camt)--> ... (see DecidePayment)
//   bank line: listed (for a person) --assign/ignore--> assigned / ignored; booked and
//             not-booked lines are done
#ifndef ONTZORG_ENGINE_LIFECYCLE_H_
#define ONTZORG_ENGINE_LIFECYCLE_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ontzorg {

// --- Who may do what ---------------------------------------------------------------------------

enum class Role {
  kFinance,  // prepares, approves (not what they prepared), exports, reads the bank's feedback
  kCoach,    // their caseload: checkpoints, hand-overs, direct-debit confirmations, receipts
  kAdmin,    // accounts, roles, passwords, caseloads; changes to finance and admin accounts
             // wait for a second admin
  kAuditor,  // reads everything, changes nothing
};
constexpr int kRoleCount = 4;
const char* ToString(Role role);  // "finance", "coach", "admin", "auditor"
std::optional<Role> ParseRole(std::string_view text);

enum class Action {
  kRunMonth,              // book a month and prepare its batch
  kApproveBatch,          // the second pair of eyes
  kExportBatch,           // write an approved batch's files (once)
  kRewriteFiles,          // write an exported batch's files again, byte-identical
  kCancelBatch,           // a prepared or approved batch
  kReissuePayments,       // failed payments again, as a new batch
  kReleaseHeld,           // held bills whose direct debit is confirmed cancelled
  kRecordOneOff,          // a one-off payment (a deposit, bijzondere bijstand), as a new batch
  kImportBankFile,        // pain.002, camt.053, camt.054
  kAssignBankLine,        // a line the rules could not place
  kCorrectAccount,        // a payee's IBAN
  kCorrectName,           // a client's name for the bank (Latin spelling)
  kRecordDirectDebit,     // a client's own direct debit cancelled, none, or an override
  kRecordReceipt,         // money received, typed by hand
  kRecordWriteOff,        // a decision to write off bridging credit (or a request approved)
  kRequestWriteOff,       // ask finance to write off bridging credit (a coach's request)
  kRecordCheckpoint,      // a coach's assessment or hand-over step
  kChangeRecord,          // a client's bill from a month on (a rent increase, issue 16)
  kManageAccounts,        // add users, set roles and passwords, assign caseloads
  kConfirmAccountChange,  // the second admin's confirmation
  kVerifyAudit,           // check the audit chain
};
constexpr int kActionCount = 21;
const char* ToString(Action action);  // "run_month", ...
// Where the action is described to a person ("approve a batch").
const char* Describe(Action action);

// The one table of who may do what.
bool Allows(Role role, Action action);

// --- Batches -----------------------------------------------------------------------------------

enum class BatchState { kPrepared, kApproved, kExported, kCancelled };
constexpr int kBatchStateCount = 4;
const char* ToString(BatchState state);  // "prepared", "approved", "exported", "cancelled"
std::optional<BatchState> ParseBatchState(std::string_view text);
bool IsFinal(BatchState state);  // exported or cancelled: nothing follows

enum class BatchEvent { kApprove, kExport, kCancel, kRewrite };
constexpr int kBatchEventCount = 4;
const char* ToString(BatchEvent event);

enum class BatchRefusal {
  kPreparerApproving,       // approve: four eyes, the one who prepared it may not approve it
  kNotApproved,             // export: it must be approved by a second person first
  kAlreadyApproved,         // approve: a second approval changes nothing
  kAlreadyExported,         // export: a batch is exported once (a lost file: rewrite)
  kAlreadyCancelled,        // it was cancelled; nothing follows
  kExportedNotCancellable,  // cancel: it may be at the bank; ask the bank to cancel
  kNotExported,             // rewrite: only an exported batch's files are written again
};
constexpr int kBatchRefusalCount = 7;
const char* ToString(BatchRefusal refusal);
// True for "already done" (approved or exported, perhaps by someone else just now: exit 10),
// false for "not allowed" (9), a cancelled batch included: nothing may follow it.
bool IsConflict(BatchRefusal refusal);

struct BatchFacts {
  BatchState state = BatchState::kPrepared;
  std::string prepared_by;
};
// The state after `event` by `actor`, or why it may not happen.
Result<BatchState, BatchRefusal> DecideBatch(const BatchFacts& batch, BatchEvent event,
                                             const std::string& actor);

// --- Payments ----------------------------------------------------------------------------------

enum class PaymentState {
  kPrepared,   // in a batch not exported: the bank cannot know it
  kSent,       // its batch was exported; nothing heard yet
  kPending,    // pain.002 PDNG/RCVD
  kAccepted,   // pain.002 ACCP/ACSC/ACSP/ACTC/ACWC
  kBooked,     // debited on the statement
  kRejected,   // pain.002 RJCT: never left; its money is back on the client
  kReturned,   // booked, then came back: its money is back on the client
  kCancelled,  // its batch was cancelled before export
};
constexpr int kPaymentStateCount = 8;
const char* ToString(PaymentState state);
std::optional<PaymentState> ParsePaymentState(std::string_view text);

enum class PaymentEvent { kAccepted, kPending, kRejected, kBooked, kReturned };
constexpr int kPaymentEventCount = 5;
const char* ToString(PaymentEvent event);

enum class PaymentRefusal {
  kNotExported,   // its batch was not exported (or was cancelled): the bank cannot have it;
                  // nothing is booked, a person checks
  kAlreadyKnown,  // the same news again: nothing changes
  kContradicts,   // the news contradicts what the bank said before (accepted after rejected,
                  // rejected after booked, ...): nothing is booked, a person checks
};
constexpr int kPaymentRefusalCount = 3;
const char* ToString(PaymentRefusal refusal);

// The payment's state now: kPrepared or kCancelled while its batch is not exported, else the
// furthest of the states recorded for it (returned > rejected > booked > accepted > pending).
PaymentState CurrentPaymentState(BatchState batch, const std::set<PaymentState>& recorded);
// The state after the bank's `event`, or why nothing is booked.
Result<PaymentState, PaymentRefusal> DecidePayment(PaymentState current, PaymentEvent event);
// Whether reaching `next` from `current` puts the payment's money back on the client.
bool ReversesPayment(PaymentState next);

// --- Bank lines --------------------------------------------------------------------------------

enum class LineState {
  kBooked,     // applied by the rules (a payment booked or returned, a receipt)
  kNotBooked,  // a pending or information-only entry: nothing to do
  kListed,     // for a person: matches nothing, cannot be told apart, or contradicts
  kAssigned,   // a person said whose money it is
  kIgnored,    // a person said it is nothing for us
};
constexpr int kLineStateCount = 5;
const char* ToString(LineState state);

enum class LineEvent { kAssign, kIgnore };
enum class LineRefusal {
  kNotListed,       // only a listed line is assigned or ignored by hand
  kAlreadyHandled,  // someone assigned or ignored it already
};
const char* ToString(LineRefusal refusal);
Result<LineState, LineRefusal> DecideLine(LineState current, LineEvent event);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_LIFECYCLE_H_
