#include "adapters/app/batches.h"

#include <algorithm>
#include <map>

#include "adapters/app/run_month.h"
#include "adapters/system/files.h"
#include "engine/bank_feedback.h"

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
  const BatchState* s = b.Find(state);
  return "batch " + std::to_string(b.run.id) + " is " + state +
         (s ? " (by " + s->user + " at " + s->at + ")" : std::string());
}

Status<Error> WritePrepared(const Config& config, Store& store, const std::string& kind,
                            Date run_date, const Actor& actor,
                            const std::map<std::string, ClientMonth>& months, PreparedBatch* out) {
  auto writer = store.BeginMonth({0, YearMonth::Of(run_date), run_date, actor.at, actor.user, kind},
                                 FileSettingsOf(config));
  if (!writer) return Unexpected(writer.error());
  for (const auto& [client, month] : months) {
    for (const Payment& p : month.payments) {
      ++out->payments;
      out->amount += p.amount;
    }
    if (auto s = (*writer)->Add(month, {}); !s) return s;
  }
  if (auto s = (*writer)->Commit({.clients = static_cast<int64_t>(months.size()),
                                  .payments = out->payments,
                                  .amount = out->amount});
      !s) {
    return s;
  }
  out->batch = (*writer)->run_id();
  return {};
}

// The client's funds now (credits minus debits on client:<id>) and what is reserved on them.
Result<Money, Error> ClientFundsNow(Store& store, const ClientId& client) {
  auto entries = store.ClientEntries(client);
  if (!entries) return Unexpected(entries.error());
  return LiabilityBalance(*entries, accounts::ClientFunds(client));
}

}  // namespace

Result<User, Error> RequireRole(Store& store, const std::string& user,
                                const std::vector<std::string>& roles, const std::string& action) {
  auto found = store.FindUser(user);
  if (!found) return Unexpected(found.error());
  std::string wanted;
  for (const std::string& r : roles) wanted += (wanted.empty() ? "" : " or ") + r;
  if (!*found) {
    return Fail(ErrorCode::kRefused, "user '" + user + "' is not registered, so cannot " + action +
                                         "; an admin adds users with `ontzorg user add` (role " +
                                         wanted + "); nothing was changed");
  }
  if (std::find(roles.begin(), roles.end(), (*found)->role) == roles.end()) {
    return Fail(ErrorCode::kRefused, "user '" + user + "' has role " + (*found)->role + "; to " +
                                         action + " needs role " + wanted +
                                         "; nothing was changed");
  }
  return **found;
}

std::string BatchDigest(const std::vector<Payment>& payments) {
  std::string text;
  for (const Payment& p : payments) {
    text += p.end_to_end_id + "|" + std::to_string(p.amount.cents()) + "|" +
            p.payee.iban.compact() + "|" + p.payee.name + "|" + p.execution.ToString() + "|" +
            p.remittance.value + "\n";
  }
  return Sha256Hex(text);
}

Status<Error> ApproveBatch(Store& store, int64_t batch, const Actor& actor) {
  auto user = RequireRole(store, actor.user, {"finance"}, "approve a batch");
  if (!user) return Unexpected(user.error());
  auto b = LoadBatch(store, batch);
  if (!b) return Unexpected(b.error());
  if (b->State() != "prepared") {
    return Fail(b->State() == "cancelled" ? ErrorCode::kRefused : ErrorCode::kConflict,
                StateSentence(*b) + "; only a prepared batch can be approved; nothing was changed");
  }
  if (b->run.user == actor.user) {
    return Fail(ErrorCode::kRefused,
                "batch " + std::to_string(batch) + " was prepared by " + actor.user +
                    "; four eyes: a second person with role finance must approve it; nothing "
                    "was changed");
  }
  auto payments = store.BatchPayments(batch);
  if (!payments) return Unexpected(payments.error());
  const std::string detail = std::to_string(payments->size()) + " payments, " +
                             b->amount.ToDecimalString() + " EUR, content sha256 " +
                             BatchDigest(*payments);
  Changes c;
  c.batch_states.push_back({batch, {"approved", actor.user, actor.at, detail}});
  c.audit.push_back({0, actor.at, actor.user, "batch.approved", Subject(batch), detail});
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  return {};
}

Result<ExportReport, Error> ExportBatch(const Config& config, Store& store, int64_t batch,
                                        const std::string& out_dir, const Actor& actor) {
  auto user = RequireRole(store, actor.user, {"finance"}, "export a batch");
  if (!user) return Unexpected(user.error());
  auto b = LoadBatch(store, batch);
  if (!b) return Unexpected(b.error());
  const std::string state = b->State();
  if (state == "exported") {
    return Fail(ErrorCode::kConflict,
                StateSentence(*b) +
                    "; a batch is exported once. A lost file is written again, "
                    "byte-identical with the same MsgId, by `ontzorg rewrite --batch " +
                    std::to_string(batch) + "`; nothing was changed");
  }
  if (state != "approved") {
    return Fail(ErrorCode::kRefused, StateSentence(*b) +
                                         "; it must be approved by a second "
                                         "person first (`ontzorg approve --batch " +
                                         std::to_string(batch) + "`); nothing was changed");
  }
  auto payments = store.BatchPayments(batch);
  if (!payments) return Unexpected(payments.error());
  const std::string digest = BatchDigest(*payments);
  if (b->Find("approved")->detail.find(digest) == std::string::npos) {
    return Fail(ErrorCode::kRefused, "batch " + std::to_string(batch) +
                                         "'s payments differ from "
                                         "what was approved; it is not exported. Report this: the "
                                         "store was changed outside ontzorg");
  }
  auto files = store.Files(batch, "");
  if (!files) return Unexpected(files.error());
  ExportReport report;
  if (auto s = WriteFiles(config, store, *files, out_dir, true, &report.files, &report.schema_path);
      !s) {
    return Unexpected(s.error());
  }
  std::string detail;
  for (const FileRecord& f : report.files) {
    detail += (detail.empty() ? "" : "; ") + f.name + " sha256 " + f.sha256;
  }
  Changes c;
  c.batch_states.push_back({batch, {"exported", actor.user, actor.at, detail}});
  c.audit.push_back({0, actor.at, actor.user, "batch.exported", Subject(batch), detail});
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  return report;
}

Result<ExportReport, Error> RewriteBatch(const Config& config, Store& store, int64_t batch,
                                         const std::string& out_dir, const Actor& actor) {
  auto user = RequireRole(store, actor.user, {"finance"}, "re-write a batch's files");
  if (!user) return Unexpected(user.error());
  auto b = LoadBatch(store, batch);
  if (!b) return Unexpected(b.error());
  if (b->State() != "exported") {
    return Fail(ErrorCode::kRefused, StateSentence(*b) +
                                         "; only an exported batch's files are "
                                         "re-written; nothing was changed");
  }
  auto files = store.Files(batch, "");
  if (!files) return Unexpected(files.error());
  ExportReport report;
  if (auto s =
          WriteFiles(config, store, *files, out_dir, false, &report.files, &report.schema_path);
      !s) {
    return Unexpected(s.error());
  }
  std::string detail;
  for (size_t i = 0; i < report.files.size(); ++i) {
    const FileRecord& written = report.files[i];
    const auto recorded = std::find_if(files->begin(), files->end(),
                                       [&](const FileRecord& f) { return f.id == written.id; });
    if (recorded == files->end() || recorded->sha256 != written.sha256) {
      return Fail(ErrorCode::kInvalidOutput,
                  written.written_path + " differs from the file exported (sha256 " +
                      (recorded == files->end() ? std::string("?") : recorded->sha256) +
                      "); do not send it, report this");
    }
    detail += (detail.empty() ? "" : "; ") + written.name + " sha256 " + written.sha256;
  }
  Changes c;
  c.audit.push_back({0, actor.at, actor.user, "batch.rewritten", Subject(batch),
                     "to " + out_dir + ": " + detail});
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  return report;
}

Status<Error> CancelBatch(Store& store, int64_t batch, const std::string& reason,
                          const Actor& actor) {
  auto user = RequireRole(store, actor.user, {"finance"}, "cancel a batch");
  if (!user) return Unexpected(user.error());
  if (reason.empty()) {
    return Fail(ErrorCode::kBadInput, "--reason: say why the batch is cancelled; nothing changed");
  }
  auto b = LoadBatch(store, batch);
  if (!b) return Unexpected(b.error());
  const std::string state = b->State();
  if (state != "prepared" && state != "approved") {
    return Fail(ErrorCode::kRefused,
                StateSentence(*b) + "; only a prepared or approved batch can be cancelled" +
                    (state == "exported" ? " (an exported batch may already be at the bank: ask "
                                           "the bank to cancel, its pain.002 or camt.053 brings "
                                           "the result back)"
                                         : "") +
                    "; nothing was changed");
  }
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
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  return {};
}

// Over 70 lines (115): checks each failed payment, then prepares; to split when next changed.
// NOLINTNEXTLINE(readability-function-size)
Result<PreparedBatch, Error> ReissuePayments(const Config& config, Store& store,
                                             const std::vector<std::string>& end_to_end_ids,
                                             Date run_date, const Actor& actor) {
  auto user = RequireRole(store, actor.user, {"finance"}, "re-issue payments");
  if (!user) return Unexpected(user.error());
  auto sent = store.PaymentsByEndToEndId(end_to_end_ids);
  if (!sent) return Unexpected(sent.error());
  auto states = store.PaymentStates(end_to_end_ids);
  if (!states) return Unexpected(states.error());
  auto creditors = store.LoadCreditors();
  if (!creditors) return Unexpected(creditors.error());
  std::map<std::string, ClientMonth> months;
  std::map<std::string, Money> spent;  // per client, by this batch
  for (const std::string& e2e : end_to_end_ids) {
    const auto rec = std::find_if(sent->begin(), sent->end(), [&](const Store::SentRecord& s) {
      return s.payment.end_to_end_id == e2e;
    });
    if (rec == sent->end()) {
      return Fail(ErrorCode::kBadInput, "--payment " + e2e + ": no such payment; nothing changed");
    }
    const Payment& original = rec->payment;
    const PaymentStateRow* failure = nullptr;
    for (const PaymentStateRow& s : *states) {
      if (s.end_to_end_id == e2e &&
          (s.state == "rejected" || s.state == "returned" || s.state == "cancelled")) {
        failure = &s;
      }
    }
    if (failure == nullptr) {
      return Fail(ErrorCode::kRefused, "--payment " + e2e +
                                           ": it has not failed (not rejected, "
                                           "returned or cancelled), so re-issuing it could pay the "
                                           "bill twice; nothing changed");
    }
    auto replacement = store.ReplacementOf(original.key);
    if (!replacement) return Unexpected(replacement.error());
    if (*replacement) {
      return Fail(ErrorCode::kConflict, "--payment " + e2e + " was already re-issued as " +
                                            **replacement +
                                            "; a bill is never paid twice; "
                                            "nothing changed");
    }
    auto reversed = store.ExistingEntryKeys({original.key + "|reversed"});
    if (!reversed) return Unexpected(reversed.error());
    if (reversed->empty()) {
      return Fail(ErrorCode::kRefused, "--payment " + e2e +
                                           ": its money is not back on the "
                                           "client's ledger yet; nothing changed");
    }
    // The payee's current details: a bill's creditor, or the client's own account.
    Payee payee = original.payee;
    if (original.bill) {
      auto bill = store.FindBill(*original.bill);
      if (!bill) return Unexpected(bill.error());
      const auto c = *bill ? creditors->find((*bill)->creditor) : creditors->end();
      if (c == creditors->end()) {
        return Fail(ErrorCode::kBadInput, "--payment " + e2e +
                                              ": the bill's creditor is not on "
                                              "record; nothing changed");
      }
      payee = Payee{c->second.name, c->second.iban, c->second.bic, c->second.address};
    } else {
      auto client = store.FindClient(original.client);
      if (!client) return Unexpected(client.error());
      if (*client) payee.iban = (*client)->own_iban;
    }
    const ReasonCode* reason = FindReasonCode(failure->reason_code);
    if (reason != nullptr && reason->needs_correction &&
        payee.iban.compact() == original.payee.iban.compact()) {
      return Fail(ErrorCode::kRefused,
                  "--payment " + e2e + ": it failed with " + ExplainReason(reason->code) +
                      ", and the account is still " + original.payee.iban.Formatted() +
                      "; correct it first (`ontzorg correct-account --" +
                      (original.bill ? "creditor" : "client") +
                      " ... --iban ...`); nothing "
                      "changed");
    }
    const size_t hash = original.key.find('#');
    const int attempt =
        hash == std::string::npos ? 2 : std::stoi(original.key.substr(hash + 1)) + 1;
    auto again =
        ReissuedPayment(original, attempt, payee, run_date, config.month.settlement_business_days);
    if (!again) {
      return Fail(ErrorCode::kRefused, "--payment " + e2e +
                                           ": re-issued 8 times already; "
                                           "settle it by hand; nothing changed");
    }
    auto funds = ClientFundsNow(store, original.client);
    if (!funds) return Unexpected(funds.error());
    Money& used = spent[original.client.value];
    if (*funds - used < again->amount) {
      return Fail(ErrorCode::kRefused, "--payment " + e2e + ": client " + original.client.value +
                                           " has " + (*funds - used).ToDecimalString() +
                                           " on the managed account, less than " +
                                           again->amount.ToDecimalString() + "; nothing changed");
    }
    used += again->amount;
    ClientMonth& m = months[original.client.value];
    m.client = original.client;
    m.month = original.period;
    m.entries.push_back(PaymentEntry(*again, run_date));
    m.payments.push_back(*again);
  }
  PreparedBatch out;
  if (auto s = WritePrepared(config, store, "reissue", run_date, actor, months, &out); !s) {
    return Unexpected(s.error());
  }
  for (const auto& [client, month] : months) {
    for (const Payment& p : month.payments) {
      out.notes.push_back(p.end_to_end_id + " re-issues " + *p.replaces + " to " +
                          p.payee.iban.Formatted() + ", " + p.amount.ToDecimalString());
    }
  }
  return out;
}

Result<PreparedBatch, Error> ReleaseHeld(const Config& config, Store& store, Date run_date,
                                         const Actor& actor) {
  auto user = RequireRole(store, actor.user, {"finance"}, "release held payments");
  if (!user) return Unexpected(user.error());
  auto holds = store.OpenHolds(std::nullopt);
  if (!holds) return Unexpected(holds.error());
  auto creditors = store.LoadCreditors();
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
                        "), " + p.amount.ToDecimalString());
    m.payments.push_back(std::move(p));
  }
  if (months.empty()) return out;
  if (auto s = WritePrepared(config, store, "release", run_date, actor, months, &out); !s) {
    return Unexpected(s.error());
  }
  return out;
}

Status<Error> RecordDirectDebit(Store& store, const DirectDebitRecord& record, const Actor& actor) {
  auto user = RequireRole(store, actor.user, {"coach", "finance"}, "record a direct debit");
  if (!user) return Unexpected(user.error());
  auto bill = store.FindBill(record.bill);
  if (!bill) return Unexpected(bill.error());
  if (!*bill) {
    return Fail(ErrorCode::kBadInput, "--bill " + record.bill.value +
                                          ": no such bill; nothing "
                                          "changed");
  }
  if (record.status == DirectDebitStatus::kOverride && record.note.empty()) {
    return Fail(ErrorCode::kBadInput,
                "--note: an override needs the coach's reason; nothing "
                "changed");
  }
  if (record.confirmed_by.empty()) {
    return Fail(ErrorCode::kBadInput,
                "--confirmed-by: say who or what confirmed it (e.g. the "
                "creditor's letter); nothing changed");
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
