#include "engine/lifecycle.h"

#include <array>

#include "engine/enum_count.h"

namespace ontzorg {
namespace {

constexpr const char* RoleName(Role role) {
  switch (role) {
    case Role::kFinance: return "finance";
    case Role::kCoach: return "coach";
    case Role::kAdmin: return "admin";
    case Role::kAuditor: return "auditor";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(RoleName, kRoleCount));

constexpr const char* ActionName(Action action) {
  switch (action) {
    case Action::kRunMonth: return "run_month";
    case Action::kApproveBatch: return "approve_batch";
    case Action::kExportBatch: return "export_batch";
    case Action::kRewriteFiles: return "rewrite_files";
    case Action::kCancelBatch: return "cancel_batch";
    case Action::kReissuePayments: return "reissue_payments";
    case Action::kReleaseHeld: return "release_held";
    case Action::kRecordOneOff: return "record_one_off";
    case Action::kImportBankFile: return "import_bank_file";
    case Action::kAssignBankLine: return "assign_bank_line";
    case Action::kCorrectAccount: return "correct_account";
    case Action::kCorrectName: return "correct_name";
    case Action::kRecordDirectDebit: return "record_direct_debit";
    case Action::kRecordReceipt: return "record_receipt";
    case Action::kRecordWriteOff: return "record_write_off";
    case Action::kRequestWriteOff: return "request_write_off";
    case Action::kRecordCheckpoint: return "record_checkpoint";
    case Action::kChangeRecord: return "change_record";
    case Action::kManageAccounts: return "manage_accounts";
    case Action::kConfirmAccountChange: return "confirm_account_change";
    case Action::kVerifyAudit: return "verify_audit";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(ActionName, kActionCount));

constexpr const char* BatchStateName(BatchState state) {
  switch (state) {
    case BatchState::kPrepared: return "prepared";
    case BatchState::kApproved: return "approved";
    case BatchState::kExported: return "exported";
    case BatchState::kCancelled: return "cancelled";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(BatchStateName, kBatchStateCount));

constexpr const char* BatchEventName(BatchEvent event) {
  switch (event) {
    case BatchEvent::kApprove: return "approve";
    case BatchEvent::kExport: return "export";
    case BatchEvent::kCancel: return "cancel";
    case BatchEvent::kRewrite: return "rewrite";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(BatchEventName, kBatchEventCount));

constexpr const char* BatchRefusalName(BatchRefusal refusal) {
  switch (refusal) {
    case BatchRefusal::kPreparerApproving: return "preparer_approving";
    case BatchRefusal::kNotApproved: return "not_approved";
    case BatchRefusal::kAlreadyApproved: return "already_approved";
    case BatchRefusal::kAlreadyExported: return "already_exported";
    case BatchRefusal::kAlreadyCancelled: return "already_cancelled";
    case BatchRefusal::kExportedNotCancellable: return "exported_not_cancellable";
    case BatchRefusal::kNotExported: return "not_exported";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(BatchRefusalName, kBatchRefusalCount));

constexpr const char* PaymentStateName(PaymentState state) {
  switch (state) {
    case PaymentState::kPrepared: return "prepared";
    case PaymentState::kSent: return "sent";
    case PaymentState::kPending: return "pending";
    case PaymentState::kAccepted: return "accepted";
    case PaymentState::kBooked: return "booked";
    case PaymentState::kRejected: return "rejected";
    case PaymentState::kReturned: return "returned";
    case PaymentState::kCancelled: return "cancelled";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(PaymentStateName, kPaymentStateCount));

constexpr const char* PaymentEventName(PaymentEvent event) {
  switch (event) {
    case PaymentEvent::kAccepted: return "accepted";
    case PaymentEvent::kPending: return "pending";
    case PaymentEvent::kRejected: return "rejected";
    case PaymentEvent::kBooked: return "booked";
    case PaymentEvent::kReturned: return "returned";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(PaymentEventName, kPaymentEventCount));

constexpr const char* PaymentRefusalName(PaymentRefusal refusal) {
  switch (refusal) {
    case PaymentRefusal::kNotExported: return "not_exported";
    case PaymentRefusal::kAlreadyKnown: return "already_known";
    case PaymentRefusal::kContradicts: return "contradicts";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(PaymentRefusalName, kPaymentRefusalCount));

constexpr const char* LineStateName(LineState state) {
  switch (state) {
    case LineState::kBooked: return "booked";
    case LineState::kNotBooked: return "not_booked";
    case LineState::kListed: return "listed";
    case LineState::kAssigned: return "assigned";
    case LineState::kIgnored: return "ignored";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(LineStateName, kLineStateCount));

// How far a payment has come: the state with the highest rank wins among those recorded.
constexpr int Rank(PaymentState state) {
  switch (state) {
    case PaymentState::kPrepared:
    case PaymentState::kCancelled:
    case PaymentState::kSent: return 0;
    case PaymentState::kPending: return 1;
    case PaymentState::kAccepted: return 2;
    case PaymentState::kBooked: return 3;
    case PaymentState::kRejected: return 4;
    case PaymentState::kReturned: return 5;
  }
  return 0;
}

}  // namespace

const char* ToString(Role role) { return RoleName(role); }
std::optional<Role> ParseRole(std::string_view text) {
  return ParseByName<Role, kRoleCount>(text, RoleName);
}
const char* ToString(Action action) { return ActionName(action); }

const char* Describe(Action action) {
  switch (action) {
    case Action::kRunMonth: return "run a month (prepare a batch)";
    case Action::kApproveBatch: return "approve a batch";
    case Action::kExportBatch: return "export a batch";
    case Action::kRewriteFiles: return "re-write a batch's files";
    case Action::kCancelBatch: return "cancel a batch";
    case Action::kReissuePayments: return "re-issue payments";
    case Action::kReleaseHeld: return "release held payments";
    case Action::kRecordOneOff: return "record a one-off payment";
    case Action::kImportBankFile: return "import the bank's feedback";
    case Action::kAssignBankLine: return "assign a bank line";
    case Action::kCorrectAccount: return "correct an account";
    case Action::kCorrectName: return "correct a client's name";
    case Action::kRecordDirectDebit: return "record a direct debit";
    case Action::kRecordReceipt: return "record a receipt";
    case Action::kRecordWriteOff: return "record a write-off";
    case Action::kRequestWriteOff: return "request a write-off";
    case Action::kRecordCheckpoint: return "record a checkpoint";
    case Action::kChangeRecord: return "change a client's bill from a month on";
    case Action::kManageAccounts: return "manage accounts";
    case Action::kConfirmAccountChange: return "confirm an account change";
    case Action::kVerifyAudit: return "verify the audit log";
  }
  return "?";
}

bool Allows(Role role, Action action) {
  switch (action) {
    case Action::kRunMonth:
    case Action::kApproveBatch:
    case Action::kExportBatch:
    case Action::kRewriteFiles:
    case Action::kCancelBatch:
    case Action::kReissuePayments:
    case Action::kReleaseHeld:
    case Action::kRecordOneOff:
    case Action::kImportBankFile:
    case Action::kAssignBankLine:
    case Action::kCorrectAccount:
    case Action::kCorrectName:
    case Action::kRecordWriteOff: return role == Role::kFinance;
    case Action::kRecordDirectDebit:
    case Action::kRecordReceipt:
    case Action::kRequestWriteOff:
    case Action::kChangeRecord: return role == Role::kFinance || role == Role::kCoach;
    case Action::kRecordCheckpoint: return role == Role::kCoach;
    case Action::kManageAccounts:
    case Action::kConfirmAccountChange: return role == Role::kAdmin;
    case Action::kVerifyAudit: return role == Role::kAdmin || role == Role::kAuditor;
  }
  return false;
}

const char* ToString(BatchState state) { return BatchStateName(state); }
std::optional<BatchState> ParseBatchState(std::string_view text) {
  return ParseByName<BatchState, kBatchStateCount>(text, BatchStateName);
}
bool IsFinal(BatchState state) {
  return state == BatchState::kExported || state == BatchState::kCancelled;
}
const char* ToString(BatchEvent event) { return BatchEventName(event); }
const char* ToString(BatchRefusal refusal) { return BatchRefusalName(refusal); }

bool IsConflict(BatchRefusal refusal) {
  return refusal == BatchRefusal::kAlreadyApproved || refusal == BatchRefusal::kAlreadyExported;
}

Result<BatchState, BatchRefusal> DecideBatch(const BatchFacts& batch, BatchEvent event,
                                             const std::string& actor) {
  const BatchState s = batch.state;
  if (s == BatchState::kCancelled) return Unexpected(BatchRefusal::kAlreadyCancelled);
  switch (event) {
    case BatchEvent::kApprove:
      if (s == BatchState::kApproved) return Unexpected(BatchRefusal::kAlreadyApproved);
      if (s == BatchState::kExported) return Unexpected(BatchRefusal::kAlreadyExported);
      if (batch.prepared_by == actor) return Unexpected(BatchRefusal::kPreparerApproving);
      return BatchState::kApproved;
    case BatchEvent::kExport:
      if (s == BatchState::kExported) return Unexpected(BatchRefusal::kAlreadyExported);
      if (s != BatchState::kApproved) return Unexpected(BatchRefusal::kNotApproved);
      return BatchState::kExported;
    case BatchEvent::kCancel:
      if (s == BatchState::kExported) return Unexpected(BatchRefusal::kExportedNotCancellable);
      return BatchState::kCancelled;
    case BatchEvent::kRewrite:
      if (s != BatchState::kExported) return Unexpected(BatchRefusal::kNotExported);
      return BatchState::kExported;
  }
  return Unexpected(BatchRefusal::kNotApproved);
}

const char* ToString(PaymentState state) { return PaymentStateName(state); }
std::optional<PaymentState> ParsePaymentState(std::string_view text) {
  return ParseByName<PaymentState, kPaymentStateCount>(text, PaymentStateName);
}
const char* ToString(PaymentEvent event) { return PaymentEventName(event); }
const char* ToString(PaymentRefusal refusal) { return PaymentRefusalName(refusal); }

PaymentState CurrentPaymentState(BatchState batch, const std::set<PaymentState>& recorded) {
  if (batch == BatchState::kCancelled) return PaymentState::kCancelled;
  if (batch != BatchState::kExported) return PaymentState::kPrepared;
  PaymentState now = PaymentState::kSent;
  for (PaymentState s : recorded) {
    if (s == PaymentState::kCancelled) return PaymentState::kCancelled;
    if (Rank(s) > Rank(now)) now = s;
  }
  return now;
}

Result<PaymentState, PaymentRefusal> DecidePayment(PaymentState current, PaymentEvent event) {
  if (current == PaymentState::kPrepared || current == PaymentState::kCancelled) {
    return Unexpected(PaymentRefusal::kNotExported);
  }
  switch (event) {
    case PaymentEvent::kPending:
      // Nothing definite yet: news only while nothing more definite is known.
      if (current == PaymentState::kSent) return PaymentState::kPending;
      if (current == PaymentState::kPending) return Unexpected(PaymentRefusal::kAlreadyKnown);
      if (current == PaymentState::kAccepted || current == PaymentState::kBooked) {
        return Unexpected(PaymentRefusal::kAlreadyKnown);
      }
      return Unexpected(PaymentRefusal::kContradicts);
    case PaymentEvent::kAccepted:
      if (current == PaymentState::kAccepted || current == PaymentState::kBooked) {
        return Unexpected(PaymentRefusal::kAlreadyKnown);
      }
      if (current == PaymentState::kRejected || current == PaymentState::kReturned) {
        return Unexpected(PaymentRefusal::kContradicts);
      }
      return PaymentState::kAccepted;
    case PaymentEvent::kRejected:
      if (current == PaymentState::kRejected) return Unexpected(PaymentRefusal::kAlreadyKnown);
      if (current == PaymentState::kBooked || current == PaymentState::kReturned) {
        return Unexpected(PaymentRefusal::kContradicts);
      }
      return PaymentState::kRejected;
    case PaymentEvent::kBooked:
      if (current == PaymentState::kBooked || current == PaymentState::kReturned) {
        return Unexpected(PaymentRefusal::kAlreadyKnown);  // a return follows its booking
      }
      if (current == PaymentState::kRejected) return Unexpected(PaymentRefusal::kContradicts);
      return PaymentState::kBooked;
    case PaymentEvent::kReturned:
      if (current == PaymentState::kReturned) return Unexpected(PaymentRefusal::kAlreadyKnown);
      if (current == PaymentState::kRejected) return Unexpected(PaymentRefusal::kContradicts);
      return PaymentState::kReturned;
  }
  return Unexpected(PaymentRefusal::kContradicts);
}

bool ReversesPayment(PaymentState next) {
  return next == PaymentState::kRejected || next == PaymentState::kReturned;
}

const char* ToString(LineState state) { return LineStateName(state); }
const char* ToString(LineRefusal refusal) {
  return refusal == LineRefusal::kNotListed ? "not_listed" : "already_handled";
}

Result<LineState, LineRefusal> DecideLine(LineState current, LineEvent event) {
  if (current == LineState::kAssigned || current == LineState::kIgnored) {
    return Unexpected(LineRefusal::kAlreadyHandled);
  }
  if (current != LineState::kListed) return Unexpected(LineRefusal::kNotListed);
  return event == LineEvent::kAssign ? LineState::kAssigned : LineState::kIgnored;
}

}  // namespace ontzorg
