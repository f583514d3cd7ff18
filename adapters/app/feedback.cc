#include "adapters/app/feedback.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "adapters/bank/bank_xml.h"
#include "adapters/sepa/pain001_writer.h"

namespace ontzorg {
namespace {

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string ReasonsInWords(const std::vector<std::string>& codes) {
  std::vector<std::string> words;
  words.reserve(codes.size());
  for (const std::string& c : codes) words.push_back(ExplainReason(c));
  return Join(words, "; ");
}

// What is already known about the payments a file mentions.
struct Known {
  std::map<std::string, Store::SentRecord> sent;        // by EndToEndId
  std::map<std::string, std::set<std::string>> states;  // EndToEndId -> states
  std::set<std::string> reversed;                       // payment keys with a reversal
};

Status<Error> LoadKnown(Store& store, const std::vector<std::string>& e2es, Known* k) {
  auto sent = store.PaymentsByEndToEndId(e2es);
  if (!sent) return Unexpected(sent.error());
  std::vector<std::string> found, reversal_keys;
  for (const Store::SentRecord& s : *sent) {
    found.push_back(s.payment.end_to_end_id);
    reversal_keys.push_back(s.payment.key + "|reversed");
    k->sent[s.payment.end_to_end_id] = s;
  }
  auto states = store.PaymentStates(found);
  if (!states) return Unexpected(states.error());
  for (const PaymentStateRow& r : *states) k->states[r.end_to_end_id].insert(r.state);
  auto reversed = store.ExistingEntryKeys(reversal_keys);
  if (!reversed) return Unexpected(reversed.error());
  for (const std::string& key : *reversed) k->reversed.insert(key.substr(0, key.size() - 9));
  return {};
}

bool Failed(const std::set<std::string>& states) {
  return states.count("rejected") || states.count("returned") || states.count("cancelled");
}

// What the bank said went wrong with a payment, and where it said so.
struct Failure {
  std::string state;        // "rejected" (pain.002) or "returned" (camt)
  EntryKind reversal;       // the entry that puts the money back
  std::string reason_code;  // the ISO reason, may be empty
  std::string words;        // the reason in words
  std::string source;       // the bank file
  Date on;                  // the day the money is back
};

// Adds a payment's failure: its state, the money back on the client (once), a signal.
void AddFailure(const Store::SentRecord& s, const Failure& f, const Actor& actor, Known* known,
                Changes* c) {
  const Payment& p = s.payment;
  const std::string &state = f.state, &reason_code = f.reason_code, &words = f.words,
                    &source = f.source;
  const EntryKind kind = f.reversal;
  const Date on = f.on;
  c->payment_states.push_back({p.end_to_end_id, state, reason_code, source, actor.at, words});
  known->states[p.end_to_end_id].insert(state);
  if (!known->reversed.count(p.key)) {
    c->entries.push_back({PaymentReversal(p, kind, on), s.run_id});
    known->reversed.insert(p.key);
  }
  c->signals.push_back({p.client, ToString(SignalKind::kPaymentFailed), p.amount,
                        "payment " + p.end_to_end_id + " to " + p.payee.name + " " + state +
                            (words.empty() ? std::string() : ": " + words) +
                            "; its money is back on the client's account and reserved until it "
                            "is re-issued (ontzorg reissue --payment " +
                            p.end_to_end_id + ")",
                        source, actor.at});
}

// Over 70 lines (101): which status speaks for which payment, then each; to split when changed.
// NOLINTNEXTLINE(readability-function-size)
Status<Error> ImportStatus(Store& store, const StatusReport& r, const std::string& source,
                           const Actor& actor, Changes* c, FeedbackReport* out) {
  out->original_msg_id = r.original_msg_id;
  out->group_status = r.group_status;
  out->group_reasons = r.group_reasons;
  out->msg_id = r.msg_id;
  auto file = store.PaymentsByMsgId(r.original_msg_id);
  if (!file) return Unexpected(file.error());
  if (file->empty()) {
    out->notes.push_back("OrgnlMsgId " + r.original_msg_id + " is not one of our files: the " +
                         std::to_string(r.transactions.size()) +
                         " statuses in it are listed, "
                         "nothing else was changed");
    for (const auto& t : r.transactions) {
      out->statuses.push_back(
          {t.end_to_end_id, "", "unknown", ReasonsInWords(t.reasons), "not ours: not matched"});
    }
    return {};
  }
  // Which payments each status speaks for: a transaction status for one, a payment-group status
  // for its group's, the group status for the whole file (the most specific wins).
  std::vector<Payment> payments;
  for (const auto& s : *file) payments.push_back(s.payment);
  const std::vector<std::string> groups = PmtInfIds(r.original_msg_id, payments);
  struct Verdict {
    std::string status;
    std::vector<std::string> reasons;
    std::string additional;
  };
  std::map<std::string, Verdict> verdict;  // by EndToEndId
  if (ParseStatusCode(r.group_status)) {
    for (const Payment& p : payments)
      verdict[p.end_to_end_id] = {r.group_status, r.group_reasons, ""};
  }
  for (const auto& g : r.payment_groups) {
    if (!ParseStatusCode(g.status)) continue;
    for (size_t i = 0; i < payments.size(); ++i) {
      if (groups[i] == g.pmt_inf_id) verdict[payments[i].end_to_end_id] = {g.status, g.reasons, ""};
    }
  }
  std::set<std::string> ours;
  for (const Payment& p : payments) ours.insert(p.end_to_end_id);
  for (const auto& t : r.transactions) {
    if (!ours.count(t.end_to_end_id)) {
      out->statuses.push_back({t.end_to_end_id, "", "unknown", ReasonsInWords(t.reasons),
                               "not a payment of file " + r.original_msg_id + ": not matched"});
      continue;
    }
    verdict[t.end_to_end_id] = {t.status, t.reasons, t.additional};
  }
  std::vector<std::string> e2es;
  e2es.reserve(verdict.size());
  for (const auto& [e2e, v] : verdict) e2es.push_back(e2e);
  Known known;
  if (auto s = LoadKnown(store, e2es, &known); !s) return s;
  const Date on = Date::Parse(actor.at.substr(0, 10)).value();
  for (const auto& [e2e, v] : verdict) {
    const Store::SentRecord& s = known.sent.at(e2e);
    const auto status = ParseStatusCode(v.status);
    const std::set<std::string>& states = known.states[e2e];
    std::string words = ReasonsInWords(v.reasons);
    if (!v.additional.empty()) words += (words.empty() ? "" : " - ") + v.additional;
    FeedbackReport::Status line{e2e, s.payment.client.value, status ? ToString(*status) : v.status,
                                words, ""};
    if (!status || *status == PaymentStatus::kPending) {
      line.outcome = "no change (pending)";
    } else if (*status == PaymentStatus::kAccepted) {
      if (states.count("accepted") || states.count("booked")) {
        line.outcome = "already known";
      } else if (Failed(states)) {
        line.outcome = "conflict: the payment already failed; a person must check";
        out->notes.push_back(e2e + ": the bank says accepted, but it was already " +
                             Join(std::vector<std::string>(states.begin(), states.end()), ", "));
      } else {
        c->payment_states.push_back({e2e, "accepted", "", source, actor.at, words});
        line.outcome = "accepted";
      }
    } else {  // rejected
      if (states.count("rejected")) {
        line.outcome = "already known";
      } else if (states.count("booked") || states.count("returned") || states.count("cancelled")) {
        line.outcome = "conflict: the payment was already booked or ended; a person must check";
        out->notes.push_back(e2e + ": the bank says rejected, but it was already " +
                             Join(std::vector<std::string>(states.begin(), states.end()), ", "));
      } else {
        AddFailure(s,
                   {.state = "rejected",
                    .reversal = EntryKind::kPaymentRejected,
                    .reason_code = v.reasons.empty() ? "" : v.reasons.front(),
                    .words = words,
                    .source = source,
                    .on = on},
                   actor, &known, c);
        line.outcome = "rejected: " + s.payment.amount.ToDecimalString() +
                       " back on the client's account, reserved for re-issue";
      }
    }
    out->statuses.push_back(std::move(line));
  }
  return {};
}

std::string Compact(const std::string& iban) {
  std::string out;
  for (char ch : iban) {
    if (ch != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return out;
}

Status<Error> BuildIndex(const Config& config, Store& store, const BankMessage& m,
                         MatchIndex* index) {
  index->payers = config.payers;
  std::vector<std::string> e2es;
  std::set<std::string> msg_ids;
  std::set<std::string> counterparties;
  for (const BankStatement& s : m.statements) {
    for (const BankEntry& e : s.entries) {
      const auto msg_of = [](const std::string& pmt_inf) {
        const size_t dash = pmt_inf.rfind('-');
        return dash == std::string::npos ? pmt_inf : pmt_inf.substr(0, dash);
      };
      if (!e.batch_msg_id.empty()) msg_ids.insert(e.batch_msg_id);
      if (!e.batch_pmt_inf_id.empty()) msg_ids.insert(msg_of(e.batch_pmt_inf_id));
      for (const BankTransaction& t : e.transactions) {
        if (!t.end_to_end_id.empty()) e2es.push_back(t.end_to_end_id);
        if (!t.msg_id.empty()) msg_ids.insert(t.msg_id);
        if (!t.pmt_inf_id.empty()) msg_ids.insert(msg_of(t.pmt_inf_id));
        if (!t.counterparty_iban.empty()) counterparties.insert(Compact(t.counterparty_iban));
      }
    }
  }
  auto sent = store.PaymentsByEndToEndId(e2es);
  if (!sent) return Unexpected(sent.error());
  const auto add = [&](const Store::SentRecord& s) {
    const Payment& p = s.payment;
    index->by_end_to_end_id[p.end_to_end_id] = {
        p.key,       p.end_to_end_id,        p.client,           p.amount, s.msg_id, "", p.bill,
        p.bill_kind, p.payee.iban.compact(), p.double_debit_risk};
  };
  for (const Store::SentRecord& s : *sent) add(s);
  for (const std::string& msg : msg_ids) {
    auto file = store.PaymentsByMsgId(msg);
    if (!file) return Unexpected(file.error());
    if (file->empty()) continue;
    std::vector<Payment> payments;
    for (const auto& s : *file) payments.push_back(s.payment);
    const std::vector<std::string> groups = PmtInfIds(msg, payments);
    for (size_t i = 0; i < file->size(); ++i) {
      add((*file)[i]);
      index->by_pmt_inf_id[groups[i]].push_back(payments[i].end_to_end_id);
      index->by_msg_id[msg].push_back(payments[i].end_to_end_id);
    }
  }
  auto clients = store.ClientIds();
  if (!clients) return Unexpected(clients.error());
  index->clients = std::move(clients).value();
  auto creditors = store.LoadCreditors();
  if (!creditors) return Unexpected(creditors.error());
  for (const auto& [id, creditor] : *creditors) {
    if (!counterparties.count(creditor.iban.compact())) continue;
    auto bills = store.BillsOfCreditor(id);
    if (!bills) return Unexpected(bills.error());
    for (const Bill& b : *bills) {
      index->bills_by_creditor_iban[creditor.iban.compact()].push_back(
          {b.id, b.client, b.kind, Compact(b.reference.value)});
      auto paid = store.PaymentsOfBill(b.id);
      if (!paid) return Unexpected(paid.error());
      for (const auto& p : *paid) {
        if (p.payment.double_debit_risk) index->bills_paid_at_risk.insert(b.id.value);
      }
    }
  }
  return {};
}

// One line of a statement, and what the rules say it is.
struct PendingLine {
  BankLineRow row;
  LineMatch match;
};

// The row recording one line: a transaction of an entry (tx), or the entry itself (tx nullptr).
BankLineRow LineRow(const BankStatement& s, const BankEntry& e, const BankTransaction* tx,
                    const LineMatch& match) {
  BankLineRow row;
  row.statement_id = s.id;
  row.account = s.account_iban;
  row.line = e.line;
  row.booked_on = e.booked_on ? e.booked_on : e.value_on;
  row.amount = tx && tx->amount ? *tx->amount : e.amount;
  row.money_in = e.credit != e.reversal;
  row.kind = ToString(match.kind);
  row.client = match.client;
  row.payments = Join(match.payments, ",");
  row.reason_code = match.reason_code;
  if (tx != nullptr) {
    row.counterparty =
        tx->counterparty_name + (tx->counterparty_iban.empty() ? "" : " " + tx->counterparty_iban);
    row.remittance = tx->remittance + (tx->reference.empty() ? "" : " " + tx->reference);
  }
  row.detail = match.explanation;
  return row;
}

// Every line of the statements of our managed account, matched; statements of other accounts
// are listed in out->skipped.
std::vector<PendingLine> LinesOf(const BankMessage& m, const Iban& ours, const std::string& source,
                                 const MatchIndex& index, FeedbackReport* out) {
  const std::string& our_iban = ours.compact();
  std::vector<PendingLine> lines;
  for (const BankStatement& s : m.statements) {
    if (s.account_iban != our_iban) {
      out->skipped.push_back({s.id, s.account_iban, s.entries.size()});
      continue;
    }
    for (size_t ei = 0; ei < s.entries.size(); ++ei) {
      const BankEntry& e = s.entries[ei];
      const std::string entry_key =
          s.account_iban + "|" +
          (!e.servicer_ref.empty()
               ? e.servicer_ref
               : s.id + "#" + (e.entry_ref.empty() ? std::to_string(ei + 1) : e.entry_ref));
      // A batch booking is one line; otherwise one line per transaction (or the entry itself).
      const bool batch =
          e.transactions.size() != 1 && (!e.batch_msg_id.empty() || !e.batch_pmt_inf_id.empty());
      const size_t n = batch || e.transactions.empty() ? 1 : e.transactions.size();
      for (size_t ti = 0; ti < n; ++ti) {
        const BankTransaction* tx = batch || e.transactions.empty() ? nullptr : &e.transactions[ti];
        PendingLine p;
        p.match = MatchLine(e, tx, index);
        p.row = LineRow(s, e, tx, p.match);
        p.row.dedup_key =
            entry_key + "|" + std::to_string(ti + 1) +
            (p.match.kind == LineKind::kNotBooked ? "|" + e.status + "|" + source : std::string());
        lines.push_back(std::move(p));
      }
    }
  }
  return lines;
}

// A debit of our payments: each becomes booked, unless it already failed (then a person checks).
void BookPayments(const PendingLine& p, const std::string& source, const Actor& actor, Known* known,
                  Changes* c, FeedbackReport* out) {
  for (const std::string& e2e : p.match.payments) {
    const auto& states = known->states[e2e];
    if (states.count("booked")) continue;
    if (Failed(states)) {
      out->notes.push_back(e2e + ": booked by the bank, but it was " +
                           Join(std::vector<std::string>(states.begin(), states.end()), ", ") +
                           ": a person must check (line " + std::to_string(p.row.line) + ")");
      continue;
    }
    c->payment_states.push_back(
        {e2e, "booked", "", source, actor.at, "statement " + p.row.statement_id});
    known->states[e2e].insert("booked");
  }
}

// Our payment came back: its money back on the client, and a signal when it was paid twice.
void ReturnPayment(const PendingLine& p, Date on, const std::string& source, const Actor& actor,
                   Known* known, Changes* c) {
  const std::string& e2e = p.match.payments.front();
  if (known->states[e2e].count("returned")) return;
  const std::string words =
      p.match.reason_code.empty() ? "reversal" : ExplainReason(p.match.reason_code);
  AddFailure(known->sent.at(e2e),
             {.state = "returned",
              .reversal = EntryKind::kPaymentReturned,
              .reason_code = p.match.reason_code,
              .words = words,
              .source = source,
              .on = on},
             actor, known, c);
  if (p.match.double_payment) {
    c->signals.push_back({*p.match.client, ToString(SignalKind::kDoublePayment), p.row.amount,
                          "payment " + e2e + " came back as a duplicate (" + words + ")", source,
                          actor.at});
  }
}

// A toeslag or a creditor's refund for one client: a receipt on the managed account.
void ReceiveIncome(const PendingLine& p, Date on, const std::string& source, const Actor& actor,
                   Changes* c) {
  Receipt r;
  r.client = *p.match.client;
  r.kind = *p.match.income;
  r.received_on = on;
  r.amount = p.row.amount;
  r.landed_on = Destination::kManaged;
  c->line_receipts.push_back({c->bank_lines.size(), r});
  if (p.match.double_payment) {
    c->signals.push_back({r.client, ToString(SignalKind::kDoublePayment), r.amount,
                          p.match.explanation, source, actor.at});
  }
}

// Bijstand for one client: recognised when it equals the amount recorded for the month it
// arrived in or the next; otherwise a person assigns it.
Status<Error> CheckBijstand(Store& store, Date on, PendingLine* p) {
  auto benefits = store.Benefits(*p->match.client);
  if (!benefits) return Unexpected(benefits.error());
  const YearMonth m0 = YearMonth::Of(on);
  for (const YearMonth month : {m0, m0.AddMonths(1)}) {
    const auto it = benefits->find(month);
    if (it != benefits->end() && it->second == p->row.amount) {
      p->row.detail += ": equals the bijstand recorded for " + month.ToString();
      return {};
    }
  }
  p->row.kind = ToString(LineKind::kUnmatched);
  p->row.detail = "bijstand for " + p->match.client->value + " of " +
                  p->row.amount.ToDecimalString() + " equals no bijstand recorded for " +
                  m0.ToString() + " or the month after: check benefits.csv, then assign";
  return {};
}

// What one new line changes, by what it is.
Status<Error> ApplyLine(Store& store, const std::string& source, const Actor& actor, PendingLine* p,
                        Known* known, Changes* c, FeedbackReport* out) {
  const Date on = p->row.booked_on.value_or(Date::Parse(actor.at.substr(0, 10)).value());
  switch (p->match.kind) {
    case LineKind::kBooked: BookPayments(*p, source, actor, known, c, out); break;
    case LineKind::kReturned: ReturnPayment(*p, on, source, actor, known, c); break;
    case LineKind::kToeslag:
    case LineKind::kRefund: ReceiveIncome(*p, on, source, actor, c); break;
    case LineKind::kBijstand: return CheckBijstand(store, on, p);
    case LineKind::kNotBooked:
    case LineKind::kUnmatched: break;
  }
  return {};
}

Status<Error> ImportStatement(const Config& config, Store& store, const BankMessage& m,
                              const std::string& source, const Actor& actor, Changes* c,
                              FeedbackReport* out) {
  out->msg_id = m.msg_id;
  MatchIndex index;
  if (auto s = BuildIndex(config, store, m, &index); !s) return s;
  std::vector<PendingLine> lines = LinesOf(m, config.debtor.iban, source, index, out);
  std::vector<std::string> keys, e2es;
  for (const PendingLine& p : lines) {
    keys.push_back(p.row.dedup_key);
    e2es.insert(e2es.end(), p.match.payments.begin(), p.match.payments.end());
  }
  auto seen = store.ExistingBankLines(keys);
  if (!seen) return Unexpected(seen.error());
  Known known;
  if (auto s = LoadKnown(store, e2es, &known); !s) return s;
  std::set<std::string> in_this_file;
  for (PendingLine& p : lines) {
    if (seen->count(p.row.dedup_key) || !in_this_file.insert(p.row.dedup_key).second) {
      ++out->lines_seen_before;
      continue;
    }
    if (auto s = ApplyLine(store, source, actor, &p, &known, c, out); !s) return s;
    ++out->by_kind[p.row.kind];
    c->bank_lines.push_back(p.row);
  }
  return {};
}

}  // namespace

Result<FeedbackReport, Error> ImportBankFeedback(const Config& config, Store& store,
                                                 const std::string& path, const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kImportBankFile);
  if (!user) return Unexpected(user.error());
  auto file = ReadBankFile(path, config.sepa.schema_dir);
  if (!file) return Unexpected(file.error());
  FeedbackReport out;
  out.path = path;
  out.format = file->format;
  auto before = store.BankFileBySha256(file->sha256);
  if (!before) return Unexpected(before.error());
  if (*before) {
    out.already_imported = true;
    out.already = (*before)->imported_at + " by " + (*before)->user + " (" + (*before)->name + ")";
    return out;
  }
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string source = file->format + " " + name;
  Changes c;
  c.recorded = actor;
  if (const auto* report = std::get_if<StatusReport>(&file->content)) {
    if (auto s = ImportStatus(store, *report, source, actor, &c, &out); !s) {
      return Unexpected(s.error());
    }
  } else {
    const auto& message = std::get<BankMessage>(file->content);
    if (auto s = ImportStatement(config, store, message, source, actor, &c, &out); !s) {
      return Unexpected(s.error());
    }
  }
  std::string summary;
  if (out.format.rfind("pain.002", 0) == 0) {
    std::map<std::string, int> n;
    for (const auto& s : out.statuses) ++n[s.status];
    for (const auto& [k, v] : n)
      summary += (summary.empty() ? "" : ", ") + std::to_string(v) + " " + k;
    summary = "status of " + out.original_msg_id + ": " +
              (summary.empty() ? "group " + out.group_status : summary);
  } else {
    for (const auto& [k, v] : out.by_kind) {
      summary += (summary.empty() ? "" : ", ") + std::to_string(v) + " " + k;
    }
    summary = std::to_string(c.bank_lines.size()) + " new lines" +
              (summary.empty() ? "" : " (" + summary + ")") + ", " +
              std::to_string(out.lines_seen_before) + " seen before, " +
              std::to_string(out.skipped.size()) + " statements of other accounts";
  }
  c.bank_file =
      BankFileRow{out.format, out.msg_id, name, file->sha256, actor.at, actor.user, summary};
  c.audit.push_back({0, actor.at, actor.user, "bank.imported", "bank_file:" + name, summary});
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  for (size_t i = 0; i < c.bank_lines.size(); ++i) {
    out.lines.push_back(c.bank_lines[i]);
    out.lines.back().id = applied->line_ids.at(i);
  }
  return out;
}

Status<Error> AssignBankLine(Store& store, const LineAssignment& assignment, const Actor& actor) {
  const std::string &line_id = assignment.line_id, &kind = assignment.kind,
                    &reason = assignment.reason;
  const std::optional<ClientId>& client = assignment.client;
  auto user = RequireAction(store, actor.user, Action::kAssignBankLine);
  if (!user) return Unexpected(user.error());
  auto line = store.BankLine(line_id);
  if (!line) return Unexpected(line.error());
  if (!*line) return Fail(ErrorCode::kBadInput, "--line " + line_id + ": no such bank line");
  if ((*line)->kind != "unmatched") {
    return Fail(ErrorCode::kRefused, "--line " + line_id + " was matched (" + (*line)->kind +
                                         "); only unmatched lines are assigned by hand");
  }
  if ((*line)->assigned_kind) {
    return Fail(ErrorCode::kConflict, "--line " + line_id + " was already assigned (" +
                                          *(*line)->assigned_kind + "); nothing changed");
  }
  if (reason.empty()) return Fail(ErrorCode::kBadInput, "--reason: say why; nothing changed");
  Changes c;
  c.recorded = actor;
  if (kind != "ignore") {
    const auto income = ParseIncomeKind(kind);
    if (!income) {
      return Fail(ErrorCode::kBadInput, "--as '" + kind +
                                            "': use ignore, rent_allowance, "
                                            "care_allowance, child_budget, holiday_allowance, "
                                            "energy_refund or creditor_refund");
    }
    if (!client) return Fail(ErrorCode::kBadInput, "--client: whose money is it?");
    auto found = store.FindClient(*client);
    if (!found) return Unexpected(found.error());
    if (!*found)
      return Fail(ErrorCode::kBadInput, "--client " + client->value + ": no such client");
    if (!(*line)->money_in) {
      return Fail(ErrorCode::kRefused, "--line " + line_id +
                                           " is money out; only money in is "
                                           "assigned to a client as income (use --as ignore)");
    }
    Receipt r;
    r.id = line_id;
    r.client = *client;
    r.kind = *income;
    r.received_on = (*line)->booked_on.value_or(Date::Parse(actor.at.substr(0, 10)).value());
    r.amount = (*line)->amount;
    r.landed_on = Destination::kManaged;
    c.receipts.push_back(r);
  }
  c.assignments.push_back({line_id, client, kind, reason, actor.user, actor.at});
  c.audit.push_back({0, actor.at, actor.user, "bank.assigned", "bank_line:" + line_id,
                     kind + (client ? " to " + client->value : std::string()) + ": " + reason});
  auto applied = store.Apply(c);
  if (!applied) return Unexpected(applied.error());
  return {};
}
// Over 70 lines (89): the reconciliation's rows and totals; split when next changed.
// NOLINTNEXTLINE(readability-function-size)
Result<Reconciliation, Error> Reconcile(Store& store, std::optional<int64_t> only) {
  Reconciliation out;
  auto batches = store.Batches();
  if (!batches) return Unexpected(batches.error());
  std::map<std::string, Reconciliation::ClientLine> clients;
  std::vector<std::string> payment_keys;  // parallel to out.payments
  for (const BatchRecord& b : *batches) {
    if (only && b.run.id != *only) continue;
    auto payments = store.BatchPayments(b.run.id);
    if (!payments) return Unexpected(payments.error());
    std::vector<std::string> e2es, keys;
    for (const Payment& p : *payments) {
      e2es.push_back(p.end_to_end_id);
      keys.push_back(p.key);
      keys.push_back(p.key + "|reversed");
    }
    auto states = store.PaymentStates(e2es);
    if (!states) return Unexpected(states.error());
    auto entries = store.ExistingEntryKeys(keys);
    if (!entries) return Unexpected(entries.error());
    std::map<std::string, std::map<std::string, std::string>> by;  // e2e -> state -> reason
    for (const PaymentStateRow& s : *states) by[s.end_to_end_id][s.state] = s.reason_code;
    Reconciliation::BatchLine line;
    line.batch = b.run.id;
    line.kind = b.run.kind;
    line.state = b.State();
    line.month = b.run.month.ToString();
    for (const Payment& p : *payments) {
      const auto& st = by[p.end_to_end_id];
      std::string state = "prepared";
      if (line.state == "approved") state = "approved";
      if (line.state == "exported") state = "sent";
      std::string reason;
      for (const char* s : {"accepted", "booked", "rejected", "returned", "cancelled"}) {
        if (st.count(s)) {
          state = s;
          if (!st.at(s).empty()) reason = ExplainReason(st.at(s));
        }
      }
      ++line.sent;
      line.sent_amount += p.amount;
      const bool failed = state == "rejected" || state == "returned" || state == "cancelled";
      if (state == "accepted") ++line.accepted;
      if (state == "rejected") ++line.rejected;
      if (state == "returned") ++line.returned;
      if (state == "cancelled") ++line.cancelled;
      if (state == "booked") {
        ++line.booked;
        line.booked_amount += p.amount;
      }
      if (failed) line.failed_amount += p.amount;
      if (!failed && state != "booked") ++line.open;
      out.payments.push_back({b.run.id, p.end_to_end_id, p.client.value, ToString(p.purpose),
                              p.payee.name, state, reason, p.amount, ""});
      payment_keys.push_back(p.key);
      // Our ledger against the bank, per client: the ledger from the entries alone; the bank
      // side from the payment states.
      Reconciliation::ClientLine& c = clients[p.client.value];
      c.client = p.client.value;
      if (entries->count(p.key)) c.ledger_paid += p.amount;
      if (entries->count(p.key + "|reversed")) c.ledger_paid -= p.amount;
      if (state == "booked") c.bank_booked += p.amount;
      if (!failed && state != "booked") c.in_transit += p.amount;
    }
    out.batches.push_back(line);
  }
  // Which payment re-issued which.
  std::map<std::string, std::string> replaced_by;
  for (const BatchRecord& b : *batches) {
    auto payments = store.BatchPayments(b.run.id);
    if (!payments) return Unexpected(payments.error());
    for (const Payment& p : *payments) {
      if (p.replaces) replaced_by[*p.replaces] = p.end_to_end_id;
    }
  }
  for (size_t i = 0; i < out.payments.size(); ++i) {
    const auto it = replaced_by.find(payment_keys[i]);
    if (it != replaced_by.end()) out.payments[i].replaced_by = it->second;
  }
  for (auto& [id, c] : clients) {
    c.difference = c.ledger_paid - c.bank_booked - c.in_transit;
    out.clients.push_back(c);
  }
  auto unmatched = store.BankLines("unmatched");
  if (!unmatched) return Unexpected(unmatched.error());
  for (const BankLineRow& l : *unmatched) out.unmatched_lines += l.assigned_kind ? 0 : 1;
  return out;
}

}  // namespace ontzorg
