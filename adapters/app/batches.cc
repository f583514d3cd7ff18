#include "adapters/app/batches.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "adapters/app/municipalities.h"
#include "adapters/app/review.h"
#include "adapters/app/run_month.h"
#include "adapters/system/files.h"
#include "engine/bank_feedback.h"
#include "engine/lifecycle.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

std::string Subject(int64_t batch) { return "batch:" + std::to_string(batch); }

Result<BatchRecord, Error> LoadBatch(Store& store, int64_t batch) {
  auto found = store.Batch(batch);
  if (!found) return Unexpected(found.error());
  if (!*found) {
    return Fail(ErrorCode::kBadInput,
                "batch " + std::to_string(batch) + " does not exist (ontzorg batches lists them)");
  }
  return **found;
}

std::string StateSentence(const BatchRecord& b) {
  const std::string state = b.State();
  const BatchStateRow* s = b.Find(state);
  return "batch " + std::to_string(b.run.id) + " is " + state +
         (s ? " (by " + s->user + " at " + s->at + ")" : std::string());
}

// The engine's refusal in words, with the exit code it deserves.
Unexpected<Error> Refused(BatchRefusal refusal, const BatchRecord& b) {
  const std::string n = std::to_string(b.run.id);
  const ErrorCode code = IsConflict(refusal) ? ErrorCode::kConflict : ErrorCode::kRefused;
  std::string why;
  switch (refusal) {
    case BatchRefusal::kPreparerApproving:
      return Fail(code, "batch " + n + " was prepared by " + b.run.user +
                            "; four eyes: a second person with role finance must approve it; "
                            "nothing was changed");
    case BatchRefusal::kAlreadyApproved: why = "; only a prepared batch can be approved"; break;
    case BatchRefusal::kNotApproved:
      why = "; it must be approved by a second person first (`ontzorg approve --batch " + n + "`)";
      break;
    case BatchRefusal::kAlreadyExported:
      why =
          "; a batch is exported once. A lost file is written again, byte-identical with the "
          "same MsgId, by `ontzorg rewrite --batch " +
          n + "`";
      break;
    case BatchRefusal::kAlreadyCancelled: why = "; nothing follows a cancelled batch"; break;
    case BatchRefusal::kExportedNotCancellable:
      why =
          "; only a prepared or approved batch can be cancelled (an exported batch may "
          "already be at the bank: ask the bank to cancel, its pain.002 or camt.053 brings the "
          "result back)";
      break;
    case BatchRefusal::kNotExported: why = "; only an exported batch's files are re-written"; break;
  }
  return Fail(code, StateSentence(b) + why + "; nothing was changed");
}

// What the life cycle allows `event` by `actor` to do to `b`, or why not.
Status<Error> Decide(const BatchRecord& b, BatchEvent event, const Actor& actor) {
  auto next = DecideBatch(b.Facts(), event, actor.user);
  if (!next) return Refused(next.error(), b);
  return {};
}

// The batch re-read inside the transaction, and the life cycle's decision on it.
Result<BatchRecord, Error> LoadAndDecide(Store& store, int64_t batch, BatchEvent event,
                                         const Actor& actor) {
  auto b = LoadBatch(store, batch);
  if (!b) return b;
  if (auto s = Decide(*b, event, actor); !s) return Unexpected(s.error());
  return b;
}

Status<Error> WritePrepared(const Config& config, Store::MonthWriter& writer,
                            const std::map<std::string, ClientMonth>& months, PreparedBatch* out) {
  for (const auto& [client, month] : months) {
    for (const Payment& p : month.payments) {
      ++out->payments;
      out->amount += p.amount;
    }
    if (auto s = writer.Add(month, {}); !s) return s;
  }
  (void)config;
  if (auto s = writer.Commit({.clients = static_cast<int64_t>(months.size()),
                              .payments = out->payments,
                              .amount = out->amount});
      !s) {
    return s;
  }
  out->batch = writer.run_id();
  return {};
}

// The client's funds now (credits minus debits on client:<id>).
Result<Money, Error> ClientFundsNow(Store& store, const ClientId& client) {
  auto entries = store.ClientEntries(client);
  if (!entries) return Unexpected(entries.error());
  return LiabilityBalance(*entries, accounts::ClientFunds(client));
}

// The files of an exported batch, completed where a crash (or a kill) came between recording
// the export and making its files visible: a part with the recorded hash is renamed, a missing
// file is written again from the store and must hash as recorded. Only the recorded paths are
// written, whatever folder the caller named. Returns how many files were completed.
Result<int, Error> CompleteExport(const Config& config, Store& store,
                                  const std::vector<FileRecord>& files, ExportReport* report) {
  int completed = 0;
  for (const FileRecord& f : files) {
    report->files.push_back(f);
    auto present = HashFile(f.written_path);
    if (present && present->sha256 == f.sha256) continue;
    auto part = HashFile(f.written_path + ".part");
    if (!part || part->sha256 != f.sha256) {
      std::vector<StagedFile> staged;
      const std::string dir = std::filesystem::path(f.written_path).parent_path().string();
      if (auto s = StageFiles(config, store, {f}, dir, &staged, &report->schema_path); !s) {
        return Unexpected(s.error());
      }
      if (staged.size() != 1 || staged[0].file.sha256 != f.sha256) {
        DiscardFiles(staged);
        return Fail(ErrorCode::kInvalidOutput,
                    f.written_path + " written again differs from the file exported (sha256 " +
                        f.sha256 + "); it was not made visible; report this");
      }
    }
    if (auto s = CommitFile(f.written_path + ".part", f.written_path); !s) {
      return Unexpected(s.error());
    }
    ++completed;
  }
  return completed;
}

}  // namespace

Result<User, Error> RequireAction(Store& store, const std::string& user, Action action) {
  auto found = store.FindUser(user);
  if (!found) return Unexpected(found.error());
  std::string wanted;
  for (int r = 0; r < kRoleCount; ++r) {
    if (Allows(static_cast<Role>(r), action)) {
      wanted += (wanted.empty() ? "" : " or ") + std::string(ToString(static_cast<Role>(r)));
    }
  }
  if (!*found) {
    return Fail(ErrorCode::kRefused, "user '" + user + "' is not registered, so cannot " +
                                         Describe(action) +
                                         "; an admin adds users with `ontzorg user add` (role " +
                                         wanted + "); nothing was changed");
  }
  if (!(*found)->active) {
    return Fail(ErrorCode::kRefused, "user '" + user + "' is deactivated, so cannot " +
                                         Describe(action) +
                                         "; an admin reactivates it (`ontzorg user activate`); "
                                         "nothing was changed");
  }
  // The role the user acts in (a role in each municipality, issue 20), else their own.
  const std::string& acting = store.acting_role().empty() ? (*found)->role : store.acting_role();
  const auto role = ParseRole(acting);
  if (!role || !Allows(*role, action)) {
    return Fail(ErrorCode::kRefused, "user '" + user + "' has role " + acting + "; to " +
                                         Describe(action) + " needs role " + wanted +
                                         "; nothing was changed");
  }
  User acting_user = **found;
  acting_user.role = acting;
  return acting_user;
}

void BatchDigest::Add(const Payment& p) {
  digest_.Update(p.end_to_end_id + "|" + std::to_string(p.amount.cents()) + "|" +
                 p.payee.iban.compact() + "|" + p.payee.name + "|" + p.execution.ToString() + "|" +
                 p.remittance.value + "\n");
  ++payments_;
}

BatchContent BatchDigest::Done() { return {payments_, digest_.HexDigest()}; }

Result<BatchContent, Error> DigestBatch(Store& store, int64_t batch) {
  BatchDigest digest;
  auto read = store.ForEachBatchPayment(batch, [&](const Payment& p) { digest.Add(p); });
  if (!read) return Unexpected(read.error());
  return digest.Done();
}

Status<Error> CheckApprover(const User& user) {
  if (!user.has_password) {
    return Fail(ErrorCode::kRefused,
                "user '" + user.name +
                    "' has no password: an approval is the second person's, proven by their "
                    "own password (`ontzorg --user " +
                    user.name + " user password --name " + user.name +
                    "` sets it); nothing was changed");
  }
  if (user.password_set_by != user.name) {
    return Fail(ErrorCode::kRefused,
                "user '" + user.name + "' has a password set by " +
                    (user.password_set_by.empty() ? std::string("someone else")
                                                  : "'" + user.password_set_by + "'") +
                    ": whoever set it could approve in their name, so " + user.name +
                    " first sets their own (`ontzorg --user " + user.name +
                    " user password --name " + user.name +
                    "`, or the web app's password page); nothing was changed");
  }
  return {};
}

namespace {

// The batch's implausible amounts, refused unless the approver acknowledged them; the words
// for the audit row when they did.
Result<std::string, Error> CheckImplausible(Store& store, int64_t batch, const Approval& approval) {
  auto findings = store.Findings(batch, kImplausibleFinding);
  if (!findings) return Unexpected(findings.error());
  std::string list;
  size_t n = 0;
  for (const Finding& f : *findings) {
    if (++n <= 5) list += "\n  " + f.client.value + " " + f.bill + ": " + f.detail;
  }
  if (n == 0) return std::string();
  if (n > 5) list += "\n  ... and " + std::to_string(n - 5) + " more (ontzorg report)";
  if (!approval.acknowledge) {
    return Fail(ErrorCode::kRefused,
                "batch " + std::to_string(batch) + " has " + std::to_string(n) +
                    " amount(s) above the plausibility limits of the configuration:" + list +
                    "\ncheck them (a typo, or a back payment that is right); to approve them as "
                    "they are, approve with --acknowledge (web: tick the box); to correct them, "
                    "cancel the batch, correct the data and run the month again; nothing was "
                    "changed");
  }
  return ", " + std::to_string(n) + " implausible amount(s) acknowledged";
}

// Changes to clients' data made after the batch was prepared that hold for its month (issue 16):
// the batch was computed without them. Refused unless acknowledged; the words for the audit row.
Result<std::string, Error> CheckChangesAfter(Store& store, const BatchRecord& b,
                                             const Approval& approval) {
  auto changes = store.ChangesSince(b.run.month, b.run.started_at);
  if (!changes) return Unexpected(changes.error());
  if (changes->empty()) return std::string();
  std::string list;
  for (size_t i = 0; i < changes->size() && i < 5; ++i) {
    const Store::ChangeRecord& c = (*changes)[i];
    list += "\n  " + c.record +
            (c.client.empty() || c.record.find(c.client) != std::string::npos ? ""
                                                                              : " of " + c.client) +
            ": " + c.fields + " from " + c.valid_from.ToString() + " (" + c.changed_by + ", " +
            c.changed_at + ": " + c.reason + ")";
  }
  if (changes->size() > 5) {
    list += "\n  ... and " + std::to_string(changes->size() - 5) + " more";
  }
  if (!approval.acknowledge) {
    return Fail(ErrorCode::kRefused,
                "batch " + std::to_string(b.run.id) + " was prepared before " +
                    std::to_string(changes->size()) + " change(s) that hold for " +
                    b.run.month.ToString() + ":" + list +
                    "\nthe batch pays what was prepared: check the changes first (a difference "
                    "for this month is settled by hand or in the next month, which uses them); "
                    "to approve it as prepared, approve with --acknowledge (web: tick the box); "
                    "nothing was changed");
  }
  return ", " + std::to_string(changes->size()) + " later change(s) acknowledged";
}

}  // namespace

// Payee accounts that differ from what the last exported batches paid for the same client and
// bill (issue 17: the classic way money is diverted). Refused unless acknowledged; the words for
// the audit row.
Result<std::string, Error> CheckChangedAccounts(Store& store, int64_t batch,
                                                const Approval& approval, BatchDigest* digest) {
  auto review =
      ReviewBatch(store, batch, {.each_payment = [&](const Payment& p) { digest->Add(p); }});
  if (!review) return Unexpected(review.error());
  const std::vector<PayeeChange> changed = ChangedAccounts(*review);
  if (changed.empty()) return std::string();
  std::string list;
  for (size_t i = 0; i < changed.size() && i < 5; ++i) {
    const PayeeChange& c = changed[i];
    list += "\n  " + c.client + " " + c.subject + " (" + c.payee +
            "): " + (c.previous_iban.empty() ? "one-off to " : c.previous_iban + " -> ") + c.iban;
  }
  if (changed.size() > 5) list += "\n  ... and " + std::to_string(changed.size() - 5) + " more";
  if (!approval.acknowledge) {
    return Fail(ErrorCode::kRefused,
                "batch " + std::to_string(batch) + " pays " + std::to_string(changed.size()) +
                    " account(s) other than the last exported batch paid for the same client "
                    "and bill, or a one-off's:" +
                    list +
                    "\ncheck each change against its proof (the batch page lists who changed "
                    "it and when); to approve, approve with --acknowledge (web: tick the box); "
                    "nothing was changed");
  }
  return ", " + std::to_string(changed.size()) + " changed payee account(s) acknowledged";
}

Status<Error> ApproveBatch(Store& store, int64_t batch, const Actor& actor,
                           const Approval& approval) {
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    // The approver's account is read in the same transaction as the batch: a password reset by
    // an admin that commits first is seen (found by ops/race: read before, an approval could
    // commit after the reset).
    auto user = RequireAction(store, actor.user, Action::kApproveBatch);
    if (!user) return Unexpected(user.error());
    auto b = LoadAndDecide(store, batch, BatchEvent::kApprove, actor);
    if (!b) return Unexpected(b.error());
    if (auto own = CheckApprover(*user); !own) return Unexpected(own.error());
    auto acknowledged = CheckImplausible(store, batch, approval);
    if (!acknowledged) return Unexpected(acknowledged.error());
    auto changed = CheckChangesAfter(store, *b, approval);
    if (!changed) return Unexpected(changed.error());
    BatchDigest digest;  // of the payments as the review reads them: the batch is read once
    auto accounts = CheckChangedAccounts(store, batch, approval, &digest);
    if (!accounts) return Unexpected(accounts.error());
    const BatchContent content = digest.Done();
    const std::string detail = std::to_string(content.payments) + " payments, " +
                               b->amount.ToDecimalString() + " EUR, content sha256 " +
                               content.sha256 + *acknowledged + *changed + *accounts +
                               (approval.comment.empty() ? "" : "; note: " + approval.comment);
    Changes c;
    c.batch_states.push_back({batch, {"approved", actor.user, actor.at, detail}});
    c.audit.push_back({0, actor.at, actor.user, "batch.approved", Subject(batch), detail});
    return c;
  });
  if (!applied) return Unexpected(applied.error());
  return {};
}

namespace {

// A batch recorded as exported: finish what a crash may have left, or say it was done, under the
// lock of the folder its files were written to: an export still making them visible there holds
// it (found by ops/race: an export into another folder renamed the first one's temporary file
// away under it). A crashed one no longer does.
Result<ExportReport, Error> FinishRecordedExport(const Config& config, Store& store,
                                                 const BatchRecord& b,
                                                 const std::vector<FileRecord>& files,
                                                 const std::string& out_dir) {
  std::optional<Result<FolderLock, Error>> written_lock;
  if (!files.empty()) {
    const std::filesystem::path written =
        std::filesystem::path(files.front().written_path).parent_path();
    std::error_code ec;
    if (!written.empty() && !std::filesystem::equivalent(written, out_dir, ec)) {
      written_lock.emplace(FolderLock::Acquire(written.string()));
      if (!*written_lock) return Unexpected(written_lock->error());
    }
  }
  ExportReport report;
  auto completed = CompleteExport(config, store, files, &report);
  if (!completed) return Unexpected(completed.error());
  if (*completed == 0) return Refused(BatchRefusal::kAlreadyExported, b);
  report.completed = *completed;
  return report;
}

}  // namespace

Result<ExportReport, Error> ExportBatch(const Config& installation, Store& store, int64_t batch,
                                        const std::string& out_dir, const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kExportBatch);
  if (!user) return Unexpected(user.error());
  // One export or re-write writes into a folder at a time: two never write one part at once.
  auto lock = FolderLock::Acquire(out_dir);
  if (!lock) return Unexpected(lock.error());
  auto b = LoadBatch(store, batch);
  if (!b) return Unexpected(b.error());
  // Written with its own municipality's account, name and format (issue 20).
  auto own = ConfigOfRun(installation, store, b->run);
  if (!own) return Unexpected(own.error());
  const Config& config = *own;
  auto files = store.Files(batch, "");
  if (!files) return Unexpected(files.error());
  ExportReport report;
  if (b->State() == "exported") return FinishRecordedExport(config, store, *b, *files, out_dir);
  if (auto s = Decide(*b, BatchEvent::kExport, actor); !s) return Unexpected(s.error());
  // The files go to temporary names first; they become visible only after the export is
  // recorded, so a batch that another person cancels meanwhile leaves no file to send.
  // The payments are digested as they are read for their files (the files in id order, each
  // file's payments in the store's order: the approval's order), so the digest compared with the
  // approved one is that of what the files hold, and the batch is read once, not twice (issue 18:
  // a second read under the write lock was a fifth of the export).
  std::vector<StagedFile> staged;
  BatchDigest written;
  if (auto s = StageFiles(config, store, *files, out_dir, &staged, &report.schema_path,
                          [&](const Payment& p) { written.Add(p); });
      !s) {
    return Unexpected(s.error());
  }
  const BatchContent content = written.Done();
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto now = LoadAndDecide(store, batch, BatchEvent::kExport, actor);
    if (!now) return Unexpected(now.error());
    if (now->Find("approved")->detail.find(content.sha256) == std::string::npos) {
      return Fail(ErrorCode::kRefused, "batch " + std::to_string(batch) +
                                           "'s payments differ from what was approved; it is "
                                           "not exported. Report this: the store was changed "
                                           "outside ontzorg");
    }
    Changes c;
    std::string detail;
    for (const StagedFile& f : staged) {
      c.files_written.push_back(f.file);
      detail += (detail.empty() ? "" : "; ") + f.file.name + " sha256 " + f.file.sha256;
    }
    c.batch_states.push_back({batch, {"exported", actor.user, actor.at, detail}});
    c.audit.push_back({0, actor.at, actor.user, "batch.exported", Subject(batch), detail});
    return c;
  });
  if (!applied) {
    DiscardFiles(staged);
    return Unexpected(applied.error());
  }
  if (auto s = PublishFiles(staged); !s) {
    return Fail(s.error().code, s.error().message + "; batch " + std::to_string(batch) +
                                    " is recorded as exported: run `ontzorg export --batch " +
                                    std::to_string(batch) + "` again to put its files in place");
  }
  for (const StagedFile& f : staged) report.files.push_back(f.file);
  return report;
}

Result<ExportReport, Error> RewriteBatch(const Config& installation, Store& store, int64_t batch,
                                         const std::string& out_dir, const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kRewriteFiles);
  if (!user) return Unexpected(user.error());
  auto lock = FolderLock::Acquire(out_dir);
  if (!lock) return Unexpected(lock.error());
  auto b = LoadBatch(store, batch);
  if (!b) return Unexpected(b.error());
  auto own = ConfigOfRun(installation, store, b->run);
  if (!own) return Unexpected(own.error());
  const Config& config = *own;
  if (auto s = Decide(*b, BatchEvent::kRewrite, actor); !s) return Unexpected(s.error());
  auto files = store.Files(batch, "");
  if (!files) return Unexpected(files.error());
  ExportReport report;
  std::vector<StagedFile> staged;
  if (auto s = StageFiles(config, store, *files, out_dir, &staged, &report.schema_path); !s) {
    return Unexpected(s.error());
  }
  std::string detail;
  for (const StagedFile& written : staged) {
    const auto recorded = std::find_if(
        files->begin(), files->end(), [&](const FileRecord& f) { return f.id == written.file.id; });
    if (recorded == files->end() || recorded->sha256 != written.file.sha256) {
      DiscardFiles(staged);
      return Fail(ErrorCode::kInvalidOutput,
                  written.file.written_path + " differs from the file exported (sha256 " +
                      (recorded == files->end() ? std::string("?") : recorded->sha256) +
                      "); it was not made visible; do not send it, report this");
    }
    detail += (detail.empty() ? "" : "; ") + written.file.name + " sha256 " + written.file.sha256;
  }
  if (auto s = PublishFiles(staged); !s) return Unexpected(s.error());
  for (const StagedFile& f : staged) report.files.push_back(f.file);
  Changes c;
  c.audit.push_back({0, actor.at, actor.user, "batch.rewritten", Subject(batch),
                     "to " + out_dir + ": " + detail});
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  return report;
}

Status<Error> CancelBatch(Store& store, int64_t batch, const std::string& reason,
                          const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kCancelBatch);
  if (!user) return Unexpected(user.error());
  if (reason.empty()) {
    return Fail(ErrorCode::kBadInput, "--reason: say why the batch is cancelled; nothing changed");
  }
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto b = LoadAndDecide(store, batch, BatchEvent::kCancel, actor);
    if (!b) return Unexpected(b.error());
    auto payments = store.BatchPayments(batch);
    if (!payments) return Unexpected(payments.error());
    Changes c;
    const Date on = Date::Parse(actor.at.substr(0, 10)).value();
    for (const Payment& p : *payments) {
      c.entries.push_back({PaymentReversal(p, EntryKind::kPaymentCancelled, on), batch});
      c.payment_states.push_back(
          {p.end_to_end_id, "cancelled", "", Subject(batch), actor.at, reason});
    }
    const std::string detail = reason + " (" + std::to_string(payments->size()) +
                               " payments back on their clients, reserved until re-issued)";
    c.batch_states.push_back({batch, {"cancelled", actor.user, actor.at, detail}});
    c.audit.push_back({0, actor.at, actor.user, "batch.cancelled", Subject(batch), detail});
    return c;
  });
  if (!applied) return Unexpected(applied.error());
  return {};
}

namespace {

// The payee of a re-issue: the bill's creditor or the client's own account, as now on record
// (corrected since the failure, if it was).
Result<Payee, Error> CurrentPayee(Store& store, const Payment& original,
                                  const std::map<CreditorId, Creditor>& creditors) {
  Payee payee = original.payee;
  std::optional<CreditorId> creditor;
  if (original.purpose == PaymentPurpose::kOneOff) {
    // "<client>|one_off:<decision>|YYYY-MM": the decision names the payee it was recorded with.
    const size_t from = original.key.find("|one_off:") + 9, to = original.key.find('|', from);
    auto one_off = store.FindOneOff(original.key.substr(from, to - from));
    if (!one_off) return Unexpected(one_off.error());
    if (*one_off) creditor = (*one_off)->one_off.creditor;
  }
  if (creditor) {
    const auto c = creditors.find(*creditor);
    if (c == creditors.end()) {
      return Fail(ErrorCode::kBadInput, "--payment " + original.end_to_end_id +
                                            ": its creditor is not on record; nothing changed");
    }
    return Payee{c->second.name, c->second.iban, c->second.bic, c->second.address};
  }
  if (original.bill) {
    auto bill = store.FindBill(*original.bill);
    if (!bill) return Unexpected(bill.error());
    const auto c = *bill ? creditors.find((*bill)->creditor) : creditors.end();
    if (c == creditors.end()) {
      return Fail(ErrorCode::kBadInput, "--payment " + original.end_to_end_id +
                                            ": the bill's creditor is not on record; nothing "
                                            "changed");
    }
    return Payee{c->second.name, c->second.iban, c->second.bic, c->second.address};
  }
  auto client = store.FindClient(original.client);
  if (!client) return Unexpected(client.error());
  if (*client) {
    payee.iban = (*client)->own_iban;
    payee.name = NameForBank(**client);  // a Latin spelling recorded since
  }
  return payee;
}

// Why a payment may not be re-issued, if it may not: it must have failed by the life cycle
// (rejected, returned, or its batch cancelled), not be re-issued yet, and have its money back.
// `failure` receives the row that says how it failed.
Status<Error> MayReissue(Store& store, const Store::SentRecord& rec, PaymentStateRow* failure) {
  const Payment& original = rec.payment;
  const std::string& e2e = original.end_to_end_id;
  auto batch = store.Batch(rec.run_id);
  if (!batch) return Unexpected(batch.error());
  auto rows = store.PaymentStates({e2e});
  if (!rows) return Unexpected(rows.error());
  std::set<PaymentState> recorded;
  for (const PaymentStateRow& r : *rows) {
    if (auto st = ParsePaymentState(r.state)) recorded.insert(*st);
  }
  const auto batch_state = *batch ? ParseBatchState((*batch)->State()) : std::nullopt;
  const PaymentState now =
      CurrentPaymentState(batch_state.value_or(BatchState::kPrepared), recorded);
  if (now != PaymentState::kRejected && now != PaymentState::kReturned &&
      now != PaymentState::kCancelled) {
    return Fail(ErrorCode::kRefused, "--payment " + e2e + ": it is " + ToString(now) +
                                         ", it has not failed (not rejected, returned or "
                                         "cancelled), so re-issuing it could pay the bill twice; "
                                         "nothing changed");
  }
  for (const PaymentStateRow& r : *rows) {
    if (r.state == ToString(now)) *failure = r;
  }
  auto replacement = store.ReplacementOf(original.key);
  if (!replacement) return Unexpected(replacement.error());
  if (*replacement) {
    return Fail(ErrorCode::kConflict, "--payment " + e2e + " was already re-issued as " +
                                          **replacement +
                                          "; a bill is never paid twice; nothing changed");
  }
  auto reversed = store.ExistingEntryKeys({original.key + "|reversed"});
  if (!reversed) return Unexpected(reversed.error());
  if (reversed->empty()) {
    return Fail(ErrorCode::kRefused, "--payment " + e2e +
                                         ": its money is not back on the client's ledger yet; "
                                         "nothing changed");
  }
  return {};
}

// The re-issue of one failed payment, to the payee's current account, if the client has the
// money (less what this batch already spends of it, in `spent`).
Result<Payment, Error> ReissueOne(const Config& config, Store& store, const Store::SentRecord& rec,
                                  const std::map<CreditorId, Creditor>& creditors, Date run_date,
                                  std::map<std::string, Money>* spent) {
  const Payment& original = rec.payment;
  const std::string& e2e = original.end_to_end_id;
  PaymentStateRow failure;
  if (auto s = MayReissue(store, rec, &failure); !s) return Unexpected(s.error());
  auto payee = CurrentPayee(store, original, creditors);
  if (!payee) return Unexpected(payee.error());
  const ReasonCode* reason = FindReasonCode(failure.reason_code);
  if (reason != nullptr && reason->needs_correction &&
      payee->iban.compact() == original.payee.iban.compact()) {
    return Fail(ErrorCode::kRefused,
                "--payment " + e2e + ": it failed with " + ExplainReason(reason->code) +
                    ", and the account is still " + original.payee.iban.Formatted() +
                    "; correct it first (`ontzorg correct-account --" +
                    (original.bill ? "creditor" : "client") + " ... --iban ...`); nothing changed");
  }
  const size_t hash = original.key.find('#');
  const int attempt = hash == std::string::npos ? 2 : std::stoi(original.key.substr(hash + 1)) + 1;
  auto again =
      ReissuedPayment(original, attempt, *payee, run_date, config.month.settlement_business_days);
  if (!again) {
    return Fail(ErrorCode::kRefused, "--payment " + e2e +
                                         ": re-issued 8 times already; settle it by hand; nothing "
                                         "changed");
  }
  auto funds = ClientFundsNow(store, original.client);
  if (!funds) return Unexpected(funds.error());
  Money& used = (*spent)[original.client.value];
  if (*funds - used < again->amount) {
    return Fail(ErrorCode::kRefused, "--payment " + e2e + ": client " + original.client.value +
                                         " has " + FormatEuros(*funds - used) +
                                         " on the managed account, less than " +
                                         FormatEuros(again->amount) + "; nothing changed");
  }
  used += again->amount;
  return std::move(again).value();
}

}  // namespace

Result<CorrectedAccount, Error> CorrectAccount(Store& store, const AccountCorrection& c,
                                               const Actor& actor, FieldNames names) {
  const bool creditor = c.holder == Store::AccountHolder::kCreditor;
  const auto field = [&](const std::string& name) {
    return names == FieldNames::kOption ? "--" + name : name;
  };
  auto user = RequireAction(store, actor.user, Action::kCorrectAccount);
  if (!user) return Unexpected(user.error());
  auto iban = ParseIban(c.iban);
  if (!iban) {
    return Fail(ErrorCode::kBadInput, field("iban") + " '" + c.iban +
                                          "': " + ExplainIbanError(iban.error(), c.iban) +
                                          "; nothing changed");
  }
  std::optional<std::string> bic;
  if (!c.bic.empty()) {
    auto b = ParseBic(c.bic);
    if (!b) {
      return Fail(ErrorCode::kBadInput, field("bic") + " '" + c.bic +
                                            "': " + ExplainBicError(b.error(), c.bic) +
                                            "; nothing changed");
    }
    bic = *b;
  }
  if (c.reason.empty()) {
    return Fail(ErrorCode::kBadInput, field("reason") + ": say why; nothing changed");
  }
  CorrectedAccount out{.old_iban = "", .new_iban = iban->Formatted()};
  if (creditor) {
    auto creditors = store.LoadCreditors();
    if (!creditors) return Unexpected(creditors.error());
    const auto it = creditors->find(CreditorId{c.id});
    if (it == creditors->end()) {
      return Fail(ErrorCode::kBadInput, field("creditor") + " " + c.id + ": no such creditor");
    }
    out.old_iban = it->second.iban.Formatted();
  } else {
    auto found = store.FindClient(ClientId{c.id});
    if (!found) return Unexpected(found.error());
    if (!*found)
      return Fail(ErrorCode::kBadInput, field("client") + " " + c.id + ": no such client");
    out.old_iban = (*found)->own_iban.Formatted();
  }
  if (out.old_iban == out.new_iban) {
    return Fail(ErrorCode::kBadInput, field("iban") + " " + out.new_iban + ": " +
                                          (creditor ? "creditor " : "client ") + c.id +
                                          " already has this account; nothing changed");
  }
  const AuditRecord audit{0,
                          actor.at,
                          actor.user,
                          "account.corrected",
                          std::string(creditor ? "creditor:" : "client:") + c.id,
                          out.old_iban + " -> " + out.new_iban + ": " + c.reason};
  if (auto s = store.CorrectAccount(c.holder, c.id, *iban, bic, audit); !s) {
    return Unexpected(s.error());
  }
  return out;
}

Result<PreparedBatch, Error> ReissuePayments(const Config& given, Store& store,
                                             const std::vector<std::string>& end_to_end_ids,
                                             Date run_date, const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kReissuePayments);
  if (!user) return Unexpected(user.error());
  // The payments' municipality (issue 20): the batch pays from its managed account. Read before
  // the batch's lock: a payment and its client's municipality never change.
  auto named = store.PaymentsByEndToEndId(end_to_end_ids);
  if (!named) return Unexpected(named.error());
  std::vector<ClientId> clients;
  for (const Store::SentRecord& r : *named) clients.push_back(r.payment.client);
  auto municipality = MunicipalityOfClients(given, store, clients, YearMonth::Of(run_date));
  if (!municipality) return Unexpected(municipality.error());
  const Config& config = municipality->config;
  const ScopedToMunicipality scoped(store, municipality->id);
  // The new batch's transaction holds the store's write lock from here: the checks below read
  // what nobody else can change before this batch is stored (two re-issues of one payment: one
  // wins, the other is told it was re-issued).
  auto writer =
      store.BeginMonth({0, YearMonth::Of(run_date), run_date, actor.at, actor.user, "reissue"},
                       FileSettingsOf(config));
  if (!writer) return Unexpected(writer.error());
  auto sent = store.PaymentsByEndToEndId(end_to_end_ids);
  if (!sent) return Unexpected(sent.error());
  auto creditors = store.LoadCreditors(YearMonth::Of(run_date));
  if (!creditors) return Unexpected(creditors.error());
  std::map<std::string, ClientMonth> months;
  std::map<std::string, Money> spent;  // per client, by this batch
  for (const std::string& e2e : end_to_end_ids) {
    const auto rec = std::find_if(sent->begin(), sent->end(), [&](const Store::SentRecord& x) {
      return x.payment.end_to_end_id == e2e;
    });
    auto visible = rec == sent->end() ? false : ClientInScope(store, rec->payment.client);
    if (!visible) return Unexpected(visible.error());
    if (!*visible) {  // another municipality's payment is not there for this user
      return Fail(ErrorCode::kBadInput, "--payment " + e2e + ": no such payment; nothing changed");
    }
    auto again = ReissueOne(config, store, *rec, *creditors, run_date, &spent);
    if (!again) return Unexpected(again.error());
    ClientMonth& m = months[rec->payment.client.value];
    m.client = rec->payment.client;
    m.month = rec->payment.period;
    m.entries.push_back(PaymentEntry(*again, run_date));
    m.payments.push_back(std::move(again).value());
  }
  PreparedBatch out;
  if (auto s = WritePrepared(config, **writer, months, &out); !s) return Unexpected(s.error());
  for (const auto& [client, month] : months) {
    for (const Payment& p : month.payments) {
      out.notes.push_back(p.end_to_end_id + " re-issues " + *p.replaces + " to " +
                          p.payee.iban.Formatted() + ", " + FormatEuros(p.amount));
    }
  }
  return out;
}

Result<PreparedBatch, Error> ReleaseHeld(const Config& given, Store& store, Date run_date,
                                         const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kReleaseHeld);
  if (!user) return Unexpected(user.error());
  // The held bills of one municipality (issue 20): the batch pays from its managed account.
  auto municipality =
      MunicipalityInScope(given, store, YearMonth::Of(run_date), "releasing held bills");
  if (!municipality) return Unexpected(municipality.error());
  const Config& config = municipality->config;
  const ScopedToMunicipality scoped(store, municipality->id);
  // As a re-issue: the checks run inside the new batch's transaction (one release pays a hold).
  auto writer =
      store.BeginMonth({0, YearMonth::Of(run_date), run_date, actor.at, actor.user, "release"},
                       FileSettingsOf(config));
  if (!writer) return Unexpected(writer.error());
  auto holds = store.OpenHolds(std::nullopt);
  if (!holds) return Unexpected(holds.error());
  auto creditors = store.LoadCreditors(YearMonth::Of(run_date));
  if (!creditors) return Unexpected(creditors.error());
  std::map<std::string, ClientMonth> months;
  PreparedBatch out;
  std::map<std::string, std::vector<DirectDebitRecord>> records;
  for (const Store::HoldRecord& h : *holds) {
    if (!records.count(h.client.value)) {
      auto r = store.DirectDebits(h.client);
      if (!r) return Unexpected(r.error());
      records[h.client.value] = std::move(r).value();
    }
    const auto record = DirectDebitOf(records[h.client.value], h.bill.bill, run_date);
    const GuardDecision decision =
        DecideDoubleDebit(config.month.double_debit, h.bill.kind, record);
    if (decision == GuardDecision::kHold) {
      out.notes.push_back(h.bill.bill.value + " " + h.bill.period.ToString() + " (" +
                          h.client.value +
                          "): still held, the direct debit is not confirmed "
                          "cancelled");
      continue;
    }
    auto bill = store.FindBill(h.bill.bill);
    if (!bill) return Unexpected(bill.error());
    const auto c = *bill ? creditors->find((*bill)->creditor) : creditors->end();
    if (c == creditors->end()) {
      out.notes.push_back(h.bill.bill.value + ": its creditor is not on record; still held");
      continue;
    }
    Payment p = ReleasedBillPayment(h.client, **bill, c->second, h.bill, run_date,
                                    config.month.settlement_business_days);
    p.double_debit_risk = decision == GuardDecision::kPayWithWarning;
    ClientMonth& m = months[h.client.value];
    m.client = h.client;
    m.month = h.bill.period;
    m.entries.push_back(PaymentEntry(p, run_date));
    out.notes.push_back(p.end_to_end_id + " released (" +
                        (record ? std::string(ToString(record->status)) + " on " +
                                      record->on.ToString() + " by " + record->confirmed_by
                                : std::string("not guarded")) +
                        "), " + FormatEuros(p.amount));
    m.payments.push_back(std::move(p));
  }
  if (months.empty()) return out;  // nothing to release: the writer rolls back
  if (auto s = WritePrepared(config, **writer, months, &out); !s) return Unexpected(s.error());
  return out;
}

Status<Error> RecordDirectDebit(Store& store, const DirectDebitRecord& record, const Actor& actor,
                                FieldNames names) {
  const auto field = [&](const char* option, const char* form_field) {
    return std::string(names == FieldNames::kOption ? option : form_field);
  };
  auto user = RequireAction(store, actor.user, Action::kRecordDirectDebit);
  if (!user) return Unexpected(user.error());
  auto bill = store.FindBill(record.bill);
  if (!bill) return Unexpected(bill.error());
  if (!*bill) {
    return Fail(ErrorCode::kBadInput, field("--bill", "bill") + " " + record.bill.value +
                                          ": no such bill; nothing changed");
  }
  if (record.status == DirectDebitStatus::kOverride && record.note.empty()) {
    return Fail(
        ErrorCode::kBadInput,
        field("--note", "note") + ": an override needs the coach's reason; nothing changed");
  }
  if (record.confirmed_by.empty()) {
    return Fail(ErrorCode::kBadInput, field("--confirmed-by", "confirmed_by") +
                                          ": say who or what confirmed it (e.g. the creditor's "
                                          "letter); nothing changed");
  }
  DirectDebitRecord r = record;
  r.client = (*bill)->client;
  Changes c;
  c.direct_debits.push_back(r);
  c.recorded = actor;
  c.audit.push_back({0, actor.at, actor.user, "direct_debit." + std::string(ToString(r.status)),
                     "bill:" + r.bill.value,
                     "on " + r.on.ToString() + ", confirmed by " + r.confirmed_by +
                         (r.note.empty() ? "" : ": " + r.note)});
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  return {};
}

}  // namespace ontzorg
