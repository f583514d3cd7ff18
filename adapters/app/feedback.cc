#include "adapters/app/feedback.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "adapters/app/municipalities.h"
#include "adapters/bank/bank_xml.h"
#include "adapters/sepa/pain001_writer.h"
#include "adapters/system/files.h"
#include "engine/lifecycle.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

// A payment's state in Dutch words, for the Dutch sentences of signals (issue 17).
const char* DutchState(PaymentState state) {
  switch (state) {
    case PaymentState::kPrepared: return "klaargezet";
    case PaymentState::kSent: return "verstuurd";
    case PaymentState::kPending: return "in behandeling bij de bank";
    case PaymentState::kAccepted: return "geaccepteerd";
    case PaymentState::kBooked: return "afgeschreven";
    case PaymentState::kRejected: return "geweigerd door de bank";
    case PaymentState::kReturned: return "teruggestort";
    case PaymentState::kCancelled: return "geannuleerd";
  }
  return "?";
}

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

// What is known about the payments a file mentions, read inside the import's transaction: as
// sent, the states the bank gave them, their batches' states, and which were reversed.
struct Known {
  std::map<std::string, Store::SentRecord> sent;         // by EndToEndId
  std::map<std::string, std::set<PaymentState>> states;  // EndToEndId -> states
  std::map<int64_t, BatchState> batches;                 // run -> state
  std::set<std::string> reversed;                        // payment keys with a reversal
  // The payment's state now, by the life cycle.
  PaymentState Now(const std::string& e2e) const {
    const auto b = batches.find(sent.at(e2e).run_id);
    const auto st = states.find(e2e);
    return CurrentPaymentState(b == batches.end() ? BatchState::kPrepared : b->second,
                               st == states.end() ? std::set<PaymentState>{} : st->second);
  }
};

// `k->sent` may hold payments already (those the match index fetched in the same transaction);
// the others of `e2es` are fetched here.
Status<Error> LoadKnown(Store& store, const std::vector<std::string>& e2es, Known* k) {
  std::vector<std::string> missing;
  for (const std::string& e2e : e2es) {
    if (k->sent.count(e2e) == 0) missing.push_back(e2e);
  }
  if (!missing.empty()) {
    auto sent = store.PaymentsByEndToEndId(missing);
    if (!sent) return Unexpected(sent.error());
    for (Store::SentRecord& s : std::move(sent).value()) {
      const std::string e2e = s.payment.end_to_end_id;
      k->sent[e2e] = std::move(s);
    }
  }
  std::vector<std::string> found, reversal_keys;
  std::set<std::string> seen;
  for (const std::string& e2e : e2es) {
    const auto it = k->sent.find(e2e);
    if (it == k->sent.end() || !seen.insert(e2e).second) continue;
    const Store::SentRecord& s = it->second;
    found.push_back(e2e);
    reversal_keys.push_back(s.payment.key + "|reversed");
    if (k->batches.count(s.run_id) == 0) {
      auto b = store.Batch(s.run_id);
      if (!b) return Unexpected(b.error());
      k->batches[s.run_id] = *b ? ParseBatchState((*b)->State()).value_or(BatchState::kPrepared)
                                : BatchState::kPrepared;
    }
  }
  auto states = store.PaymentStates(found);
  if (!states) return Unexpected(states.error());
  for (const PaymentStateRow& r : *states) {
    if (auto st = ParsePaymentState(r.state)) k->states[r.end_to_end_id].insert(*st);
  }
  auto reversed = store.ExistingEntryKeys(reversal_keys);
  if (!reversed) return Unexpected(reversed.error());
  for (const std::string& key : *reversed) k->reversed.insert(key.substr(0, key.size() - 9));
  return {};
}

// The bank's word on one payment.
struct BankWord {
  PaymentEvent event = PaymentEvent::kBooked;
  std::string reason_code;  // ISO reason (rejections and returns), may be empty
  std::string words;        // the reason, or what the bank said, in words
  std::string source;       // the bank file
  std::string detail;       // for the state row ("statement ...")
  Date on;                  // the day the money is back (rejections and returns)
};

enum class WordOutcome { kApplied, kAlreadyKnown, kHeld };

// Applies `word` to payment `e2e` as the life cycle allows: its state row; for a rejection or a
// return its money back on the client (once) and a signal. When the life cycle refuses (its
// batch was not exported, or the bank contradicts itself), nothing is booked: a note and a
// feedback_held signal ask a person to check. `why` says what happened.
WordOutcome ApplyBankWord(const std::string& e2e, const BankWord& word, const Actor& actor,
                          Known* known, Changes* c, FeedbackReport* out, std::string* why) {
  const Store::SentRecord& s = known->sent.at(e2e);
  const Payment& p = s.payment;
  const PaymentState now = known->Now(e2e);
  auto next = DecidePayment(now, word.event);
  if (!next) {
    if (next.error() == PaymentRefusal::kAlreadyKnown) {
      *why = "already known";
      return WordOutcome::kAlreadyKnown;
    }
    *why = next.error() == PaymentRefusal::kNotExported
               ? std::string("held for a person: the bank says ") + ToString(word.event) +
                     ", but the payment's batch was not exported (it is " + ToString(now) +
                     "); nothing was booked"
               : std::string("held for a person: the bank says ") + ToString(word.event) +
                     ", but the payment was " + ToString(now) + " already; nothing was booked";
    out->notes.push_back(e2e + ": " + *why);
    c->signals.push_back(
        {p.client, ToString(SignalKind::kFeedbackHeld), p.amount,
         "payment " + e2e + " to " + p.payee.name + ": " + *why, word.source, actor.at,
         "Betaling " + e2e + " aan " + p.payee.name + " vastgehouden voor een persoon: de bank " +
             (next.error() == PaymentRefusal::kNotExported
                  ? "meldt iets over een betaling uit een batch die niet verstuurd is (" +
                        std::string(DutchState(now)) + ")"
                  : std::string("meldt iets dat niet past bij wat zij eerder meldde (de "
                                "betaling is al ") +
                        DutchState(now) + ")") +
             ". Er is niets geboekt; zoek uit wat er gebeurd is."});
    return WordOutcome::kHeld;
  }
  c->payment_states.push_back({e2e, ToString(*next), word.reason_code, word.source, actor.at,
                               word.detail.empty() ? word.words : word.detail});
  known->states[e2e].insert(*next);
  *why = ToString(*next);
  if (!ReversesPayment(*next)) return WordOutcome::kApplied;
  if (!known->reversed.count(p.key)) {
    const EntryKind kind = *next == PaymentState::kRejected ? EntryKind::kPaymentRejected
                                                            : EntryKind::kPaymentReturned;
    c->entries.push_back({PaymentReversal(p, kind, word.on), s.run_id});
    known->reversed.insert(p.key);
  }
  c->signals.push_back({p.client, ToString(SignalKind::kPaymentFailed), p.amount,
                        "payment " + e2e + " to " + p.payee.name + " " + ToString(*next) +
                            (word.words.empty() ? std::string() : ": " + word.words) +
                            "; its money is back on the client's account and reserved until it "
                            "is re-issued (ontzorg reissue --payment " +
                            e2e + ")",
                        word.source, actor.at,
                        "Betaling " + e2e + " van " + FormatEuros(p.amount) + " aan " +
                            p.payee.name + " is " + DutchState(*next) +
                            (word.words.empty() ? std::string() : " (" + word.words + ")") +
                            ". Het geld staat weer op de rekening van de cliënt en blijft "
                            "gereserveerd tot het opnieuw betaald is (Aansluiting: rekening "
                            "corrigeren en opnieuw betalen)."});
  *why = std::string(ToString(*next)) + ": " + FormatEuros(p.amount) +
         " back on the client's account, reserved for re-issue";
  return WordOutcome::kApplied;
}

// Which status speaks for which payment of the file: a transaction status for one, a payment
// group's status for its group, the group status for the whole file (the most specific wins).
struct Verdict {
  std::string status;
  std::vector<std::string> reasons;
  std::string additional;
};
std::map<std::string, Verdict> Verdicts(const StatusReport& r, const std::vector<Payment>& payments,
                                        FeedbackReport* out) {
  const std::vector<std::string> groups = PmtInfIds(r.original_msg_id, payments);
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
  return verdict;
}

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
                         " statuses in it are listed, nothing else was changed");
    for (const auto& t : r.transactions) {
      out->statuses.push_back(
          {t.end_to_end_id, "", "unknown", ReasonsInWords(t.reasons), "not ours: not matched"});
    }
    return {};
  }
  std::vector<Payment> payments;
  payments.reserve(file->size());
  for (const auto& s : *file) payments.push_back(s.payment);
  const std::map<std::string, Verdict> verdict = Verdicts(r, payments, out);
  std::vector<std::string> e2es;
  e2es.reserve(verdict.size());
  for (const auto& [e2e, v] : verdict) e2es.push_back(e2e);
  Known known;
  if (auto s = LoadKnown(store, e2es, &known); !s) return s;
  const Date on = Date::Parse(actor.at.substr(0, 10)).value();
  for (const auto& [e2e, v] : verdict) {
    const auto status = ParseStatusCode(v.status);
    std::string words = ReasonsInWords(v.reasons);
    if (!v.additional.empty()) words += (words.empty() ? "" : " - ") + v.additional;
    FeedbackReport::Status line{e2e, known.sent.at(e2e).payment.client.value,
                                status ? ToString(*status) : v.status, words, ""};
    if (!status) {
      line.outcome = "no change (status " + v.status + " is not one we act on)";
    } else {
      const PaymentEvent event = *status == PaymentStatus::kAccepted  ? PaymentEvent::kAccepted
                                 : *status == PaymentStatus::kPending ? PaymentEvent::kPending
                                                                      : PaymentEvent::kRejected;
      ApplyBankWord(
          e2e,
          {.event = event,
           .reason_code =
               event == PaymentEvent::kRejected && !v.reasons.empty() ? v.reasons.front() : "",
           .words = words,
           .source = source,
           .on = on},
          actor, &known, c, out, &line.outcome);
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

// The payments fetched go into `known` too, so the life cycle's check does not fetch them again.
Status<Error> BuildIndex(const Config& config, Store& store, const BankMessage& m,
                         MatchIndex* index, Known* known) {
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
    known->sent[p.end_to_end_id] = s;
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
  std::vector<std::string> paid;  // the creditors the statement names
  std::map<std::string, std::string> iban_of;
  for (const auto& [id, creditor] : *creditors) {
    if (!counterparties.count(creditor.iban.compact())) continue;
    paid.push_back(id.value);
    iban_of[id.value] = creditor.iban.compact();
  }
  auto bills = store.BillsOfCreditors(paid);
  if (!bills) return Unexpected(bills.error());
  for (const Bill& b : *bills) {
    index->bills_by_creditor_iban[iban_of.at(b.creditor.value)].push_back(
        {b.id, b.client, b.kind, Compact(b.reference.value)});
  }
  auto at_risk = store.BillsPaidAtRisk(paid);
  if (!at_risk) return Unexpected(at_risk.error());
  index->bills_paid_at_risk = std::move(at_risk).value();
  return {};
}

// One line of a statement: its row, what the rules say it is, and how it is told apart.
struct PendingLine {
  BankLineRow row;
  LineMatch match;
  std::string identity;  // hash of IdentifyLine's text (with status and file for lines not booked)
  bool by_bank_reference = false;
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

// The lines of one entry: a batch booking is one line; an entry whose transactions do not add
// up to it is one line for a person; otherwise one line per transaction (or the entry itself).
void LinesOfEntry(const BankStatement& s, const BankEntry& e, const std::string& source,
                  const MatchIndex& index, std::vector<PendingLine>* lines) {
  const bool batch =
      e.transactions.size() != 1 && (!e.batch_msg_id.empty() || !e.batch_pmt_inf_id.empty());
  const std::optional<std::string> problem = batch ? std::nullopt : EntryAmountProblem(e);
  const size_t n = batch || problem || e.transactions.empty() ? 1 : e.transactions.size();
  for (size_t ti = 0; ti < n; ++ti) {
    const BankTransaction* tx =
        batch || problem || e.transactions.empty() ? nullptr : &e.transactions[ti];
    PendingLine p;
    if (problem && e.status == "BOOK") {
      p.match.kind = LineKind::kUnmatched;
      p.match.explanation = *problem;
    } else {
      p.match = MatchLine(e, tx, index);
    }
    p.row = LineRow(s, e, tx, p.match);
    const LineIdentity id = IdentifyLine(s, e, tx, ti);
    p.by_bank_reference = id.by_bank_reference;
    p.identity =
        Sha256Hex(p.match.kind == LineKind::kNotBooked ? id.text + "|" + e.status + "|" + source
                                                       : id.text)
            .substr(0, 40);
    lines->push_back(std::move(p));
  }
}

// Every line of the statements of our managed account, matched; statements of other accounts
// are listed in out->skipped.
std::vector<PendingLine> LinesOf(const BankMessage& m, const Iban& ours, const std::string& source,
                                 const MatchIndex& index, FeedbackReport* out) {
  const std::string& our_iban = ours.compact();
  std::vector<PendingLine> lines;
  size_t entries = 0;
  for (const BankStatement& s : m.statements) entries += s.entries.size();
  lines.reserve(entries);  // at least one line an entry (100,000 at a time: issue 18)
  for (const BankStatement& s : m.statements) {
    if (s.account_iban != our_iban) {
      out->skipped.push_back({s.id, s.account_iban, s.entries.size()});
      continue;
    }
    for (const BankEntry& e : s.entries) LinesOfEntry(s, e, source, index, &lines);
  }
  return lines;
}

// How each line is told apart from lines of earlier files: each identity's lines numbered in
// file order ("<identity>#<n>"), compared with the lines stored under those keys. Returns, per
// line, seen (skip), book, or listed (cannot be told apart: a person decides).
enum class Fate { kSeen, kBook, kListed };
Result<std::vector<Fate>, Error> SortLines(Store& store, std::vector<PendingLine>* lines) {
  std::map<std::string, std::vector<size_t>> by_identity;
  for (size_t i = 0; i < lines->size(); ++i) by_identity[(*lines)[i].identity].push_back(i);
  std::vector<std::string> keys;
  for (const auto& [identity, members] : by_identity) {
    for (size_t k = 0; k < members.size(); ++k) {
      const std::string key = identity + "#" + std::to_string(k + 1);
      (*lines)[members[k]].row.dedup_key = key;
      keys.push_back(key);
    }
  }
  auto stored = store.ExistingBankLines(keys);
  if (!stored) return Unexpected(stored.error());
  std::vector<Fate> fate(lines->size(), Fate::kSeen);
  for (const auto& [identity, members] : by_identity) {
    int already = 0;
    for (size_t k = 0; k < members.size(); ++k) {
      already += stored->count(identity + "#" + std::to_string(k + 1)) ? 1 : 0;
    }
    const Occurrences o =
        SortOccurrences({.by_bank_reference = (*lines)[members.front()].by_bank_reference,
                         .in_file = static_cast<int>(members.size()),
                         .stored = already});
    for (size_t k = 0; k < members.size(); ++k) {
      const int i = static_cast<int>(k);
      fate[members[k]] = i < o.seen            ? Fate::kSeen
                         : i < o.seen + o.book ? Fate::kBook
                                               : Fate::kListed;
    }
  }
  return fate;
}

// A debit of our payments: each becomes booked as the life cycle allows; a single payment the
// bank's word cannot be applied to makes the line a conflict for a person.
void BookPayments(PendingLine* p, const std::string& source, const Actor& actor, Known* known,
                  Changes* c, FeedbackReport* out) {
  for (const std::string& e2e : p->match.payments) {
    std::string why;
    const WordOutcome o = ApplyBankWord(e2e,
                                        {.event = PaymentEvent::kBooked,
                                         .source = source,
                                         .detail = "statement " + p->row.statement_id},
                                        actor, known, c, out, &why);
    if (o == WordOutcome::kHeld && p->match.payments.size() == 1) {
      p->row.kind = ToString(LineKind::kConflict);
      p->row.detail = e2e + " " + why;
    }
  }
}

// Our payment came back: its money back on the client (as the life cycle allows), and a signal
// when it was paid twice.
void ReturnPayment(PendingLine* p, Date on, const std::string& source, const Actor& actor,
                   Known* known, Changes* c, FeedbackReport* out) {
  const std::string& e2e = p->match.payments.front();
  const std::string words =
      p->match.reason_code.empty() ? "reversal" : ExplainReason(p->match.reason_code);
  std::string why;
  const WordOutcome o = ApplyBankWord(e2e,
                                      {.event = PaymentEvent::kReturned,
                                       .reason_code = p->match.reason_code,
                                       .words = words,
                                       .source = source,
                                       .on = on},
                                      actor, known, c, out, &why);
  if (o == WordOutcome::kHeld) {
    p->row.kind = ToString(LineKind::kConflict);
    p->row.detail = e2e + " " + why;
    return;
  }
  if (o == WordOutcome::kApplied && p->match.double_payment) {
    c->signals.push_back({*p->match.client, ToString(SignalKind::kDoublePayment), p->row.amount,
                          "payment " + e2e + " came back as a duplicate (" + words + ")", source,
                          actor.at,
                          "Betaling " + e2e + " kwam terug als dubbele betaling (" + words + ")."});
  }
}

// A toeslag or a creditor's refund for one client: a receipt on the managed account, unless a
// receipt of the same money is already recorded (typed by hand, or from an earlier line): then
// the line is listed for a person, naming that receipt.
Status<Error> ReceiveIncome(Store& store, PendingLine* p, Date on, const std::string& source,
                            const Actor& actor, Changes* c) {
  Receipt r;
  r.client = *p->match.client;
  r.kind = *p->match.income;
  r.received_on = on;
  r.amount = p->row.amount;
  r.landed_on = Destination::kManaged;
  auto stored = store.ReceiptsOf(r.client);
  if (!stored) return Unexpected(stored.error());
  std::vector<Receipt> recorded = std::move(stored).value();
  for (const auto& [index, earlier] : c->line_receipts) recorded.push_back(earlier);
  if (const Receipt* same = SameMoney(r, recorded, kSameMoneyDays)) {
    p->row.kind = ToString(LineKind::kDuplicate);
    p->row.detail = "looks like receipt " +
                    (same->id.empty() ? std::string("(this file)") : same->id) + " (" +
                    ToString(same->kind) + " " + FormatEuros(same->amount) + " received " +
                    same->received_on.ToString() +
                    "): not booked twice; a person decides whether it is another payment";
    return {};
  }
  c->line_receipts.push_back({c->bank_lines.size(), r});
  if (p->match.double_payment) {
    c->signals.push_back({r.client, ToString(SignalKind::kDoublePayment), r.amount,
                          p->match.explanation, source, actor.at,
                          "Mogelijk twee keer ontvangen: " + FormatEuros(r.amount) + " op " +
                              FormatDutchDate(on) + ". Controleer of het een tweede betaling is (" +
                              p->match.explanation + ")."});
  }
  return {};
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
  p->row.detail = "bijstand for " + p->match.client->value + " of " + FormatEuros(p->row.amount) +
                  " equals no bijstand recorded for " + m0.ToString() +
                  " or the month after: check benefits.csv, then assign";
  return {};
}

// What one new line changes, by what it is.
Status<Error> ApplyLine(Store& store, const std::string& source, const Actor& actor, PendingLine* p,
                        Known* known, Changes* c, FeedbackReport* out) {
  const Date on = p->row.booked_on.value_or(Date::Parse(actor.at.substr(0, 10)).value());
  switch (p->match.kind) {
    case LineKind::kBooked: BookPayments(p, source, actor, known, c, out); break;
    case LineKind::kReturned: ReturnPayment(p, on, source, actor, known, c, out); break;
    case LineKind::kToeslag:
    case LineKind::kRefund: return ReceiveIncome(store, p, on, source, actor, c);
    case LineKind::kBijstand: return CheckBijstand(store, on, p);
    case LineKind::kNotBooked:
    case LineKind::kUnmatched:
    case LineKind::kDuplicate:
    case LineKind::kConflict: break;
  }
  return {};
}

Status<Error> ImportStatement(const Config& config, Store& store, const BankMessage& m,
                              const std::string& source, const Actor& actor, Changes* c,
                              FeedbackReport* out) {
  out->msg_id = m.msg_id;
  MatchIndex index;
  Known known;
  if (auto s = BuildIndex(config, store, m, &index, &known); !s) return s;
  std::vector<PendingLine> lines = LinesOf(m, config.debtor.iban, source, index, out);
  auto fate = SortLines(store, &lines);
  if (!fate) return Unexpected(fate.error());
  std::vector<std::string> e2es;
  for (const PendingLine& p : lines) {
    e2es.insert(e2es.end(), p.match.payments.begin(), p.match.payments.end());
  }
  if (auto s = LoadKnown(store, e2es, &known); !s) return s;
  for (size_t i = 0; i < lines.size(); ++i) {
    PendingLine& p = lines[i];
    if ((*fate)[i] == Fate::kSeen) {
      ++out->lines_seen_before;
      continue;
    }
    if ((*fate)[i] == Fate::kListed) {
      p.row.kind = ToString(LineKind::kDuplicate);
      p.row.detail =
          "the same content as another line of this file or of one imported before "
          "(no bank reference tells them apart): not booked; a person decides "
          "whether it is another payment or a copy (" +
          p.match.explanation + ")";
    } else if (auto s = ApplyLine(store, source, actor, &p, &known, c, out); !s) {
      return s;
    }
    ++out->by_kind[p.row.kind];
    c->bank_lines.push_back(std::move(p.row));  // `p` is done with
  }
  // The managed account's closing balances: the approval screen compares a batch with the latest.
  for (const BankStatement& s : m.statements) {
    if (s.account_iban != config.debtor.iban.compact() || !s.closing_balance || !s.closing_on) {
      continue;
    }
    c->balances.push_back({.account = s.account_iban,
                           .statement_id = s.id,
                           .booked_on = *s.closing_on,
                           .amount = *s.closing_balance});
  }
  return {};
}

// The municipality (issue 20) whose managed account `iban` is, in any version of its settings,
// with the configuration of the latest such version; nullopt when it is no municipality's.
struct AccountOwner {
  int64_t municipality = 0;
  Config config;
};
Result<std::optional<AccountOwner>, Error> OwnerOf(const Config& installation,
                                                   const std::vector<MunicipalityRecord>& all,
                                                   const std::string& iban) {
  for (const MunicipalityRecord& m : all) {
    for (auto v = m.versions.rbegin(); v != m.versions.rend(); ++v) {
      auto config = WithMunicipality(installation, v->settings, "municipality " + m.code);
      if (!config) return Unexpected(config.error());
      if (config->debtor.iban.compact() == iban) {
        return std::optional<AccountOwner>(AccountOwner{m.id, std::move(config).value()});
      }
    }
  }
  return std::optional<AccountOwner>();
}

// The municipalities whose managed accounts the statements of `m` are, each once; `ours` gets
// those accounts.
Result<std::map<int64_t, AccountOwner>, Error> OwnersOf(const Config& installation,
                                                        const std::vector<MunicipalityRecord>& all,
                                                        const BankMessage& m,
                                                        std::set<std::string>* ours) {
  std::map<int64_t, AccountOwner> owners;
  for (const BankStatement& s : m.statements) {
    auto owner = OwnerOf(installation, all, s.account_iban);
    if (!owner) return Unexpected(owner.error());
    if (!*owner) continue;
    ours->insert(s.account_iban);
    owners.emplace((*owner)->municipality, **owner);
  }
  return owners;
}

// A user who works for some municipalities reads no file holding another's statement: it would
// be recorded as read, and the other municipality's lines never booked. Asked before anything
// else: also a file someone else read already is not theirs to read (the race harness found
// that answering "already imported" told them who read it and when).
Status<Error> RefuseOthersStatements(const Config& installation, Store& store,
                                     const BankMessage& m) {
  const std::vector<int64_t> scopes = store.scopes();
  if (scopes.empty()) return {};
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  if (all->size() <= 1) return {};
  std::set<std::string> ours;
  auto owners = OwnersOf(installation, *all, m, &ours);
  if (!owners) return Unexpected(owners.error());
  for (const auto& [id, owner] : *owners) {
    if (std::find(scopes.begin(), scopes.end(), id) == scopes.end()) {
      return Fail(ErrorCode::kRefused,
                  "the file holds a statement of " + owner.config.municipality_code +
                      "'s managed account, a municipality you do not work for: someone who "
                      "works for it reads the file; nothing was changed");
    }
  }
  return {};
}

// The statements of a camt file, each booked on the municipality whose managed account it is
// (issue 20): the store scoped to it, so its lines match only its own clients, with its payers.
// A store of one municipality (or none yet) books the configured account's, as before. The
// caller has refused a file holding a statement of a municipality the user does not work for.
Status<Error> ImportStatements(const Config& installation, Store& store, const BankMessage& m,
                               const std::string& source, const Actor& actor, Changes* c,
                               FeedbackReport* out) {
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  if (all->size() <= 1) return ImportStatement(installation, store, m, source, actor, c, out);
  std::set<std::string> ours;
  auto found = OwnersOf(installation, *all, m, &ours);
  if (!found) return Unexpected(found.error());
  const std::map<int64_t, AccountOwner>& owners = *found;
  const std::vector<int64_t> scopes = store.scopes();
  for (const auto& [id, owner] : owners) {
    store.SetScope(id);
    const size_t first = c->bank_lines.size();
    auto s = ImportStatement(owner.config, store, m, source, actor, c, out);
    store.SetScopes(scopes);
    if (!s) return s;
    for (size_t i = first; i < c->bank_lines.size(); ++i) c->bank_lines[i].municipality = id;
  }
  // Each pass skipped the others' statements: listed are those of no municipality's account.
  std::vector<FeedbackReport::Skipped> skipped;
  std::set<std::string> listed;
  for (FeedbackReport::Skipped& s : out->skipped) {
    if (!ours.count(s.account) && listed.insert(s.statement_id + "|" + s.account).second) {
      skipped.push_back(std::move(s));
    }
  }
  out->skipped = std::move(skipped);
  if (owners.empty()) {  // no statement of any municipality's account: all are listed
    out->msg_id = m.msg_id;
    for (const BankStatement& s : m.statements) {
      out->skipped.push_back({s.id, s.account_iban, s.entries.size()});
    }
  }
  return {};
}

// A user who works for some municipalities (a scoped store) reads the bank's status of their own
// files only (issue 20): a pain.002 on another municipality's file is refused, nothing changed.
Status<Error> RefuseOthersFile(Store& store, const StatusReport& report) {
  const std::vector<int64_t>& scopes = store.scopes();
  if (scopes.empty()) return {};
  auto sent = store.PaymentsByMsgId(report.original_msg_id);
  if (!sent) return Unexpected(sent.error());
  for (const Store::SentRecord& s : *sent) {
    auto m = store.MunicipalityOfClient(s.payment.client);
    if (!m) return Unexpected(m.error());
    if (std::find(scopes.begin(), scopes.end(), *m) == scopes.end()) {
      return Fail(ErrorCode::kRefused, "the status report is about " + report.original_msg_id +
                                           ", a file of a municipality you do not work for; "
                                           "nothing was changed");
    }
  }
  return {};
}

// A one-line summary of what the file did, for the audit log and the file's record.
std::string Summary(const FeedbackReport& out, size_t new_lines) {
  std::string summary;
  if (out.format.rfind("pain.002", 0) == 0) {
    std::map<std::string, int> n;
    for (const auto& s : out.statuses) ++n[s.status];
    for (const auto& [k, v] : n)
      summary += (summary.empty() ? "" : ", ") + std::to_string(v) + " " + k;
    return "status of " + out.original_msg_id + ": " +
           (summary.empty() ? "group " + out.group_status : summary);
  }
  for (const auto& [k, v] : out.by_kind) {
    summary += (summary.empty() ? "" : ", ") + std::to_string(v) + " " + k;
  }
  return std::to_string(new_lines) + " new lines" + (summary.empty() ? "" : " (" + summary + ")") +
         ", " + std::to_string(out.lines_seen_before) + " seen before, " +
         std::to_string(out.skipped.size()) + " statements of other accounts";
}

}  // namespace

Result<FeedbackReport, Error> ImportBankFeedback(const Config& config, Store& store,
                                                 const std::string& path, const Actor& actor) {
  auto user = RequireAction(store, actor.user, Action::kImportBankFile);
  if (!user) return Unexpected(user.error());
  auto file = ReadBankFile(path, config.sepa.schema_dir);
  if (!file) return Unexpected(file.error());
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string source = file->format + " " + name;
  FeedbackReport out;
  std::vector<BankLineRow> new_lines;
  // Read, decide and write in one transaction holding the store's write lock: two imports of
  // overlapping files, or an import beside a cancel, see each other's outcome whole.
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    out = FeedbackReport{};
    out.path = path;
    out.format = file->format;
    // Another municipality's file is refused first, even when someone else read it already.
    if (const auto* report = std::get_if<StatusReport>(&file->content)) {
      if (auto s = RefuseOthersFile(store, *report); !s) return Unexpected(s.error());
    } else if (auto s = RefuseOthersStatements(config, store, std::get<BankMessage>(file->content));
               !s) {
      return Unexpected(s.error());
    }
    auto before = store.BankFileBySha256(file->sha256);
    if (!before) return Unexpected(before.error());
    if (*before) {
      out.already_imported = true;
      out.already =
          (*before)->imported_at + " by " + (*before)->user + " (" + (*before)->name + ")";
      return Changes{};
    }
    Changes c;
    c.recorded = actor;
    if (const auto* report = std::get_if<StatusReport>(&file->content)) {
      if (auto s = ImportStatus(store, *report, source, actor, &c, &out); !s) {
        return Unexpected(s.error());
      }
    } else {
      const auto& message = std::get<BankMessage>(file->content);
      if (auto s = ImportStatements(config, store, message, source, actor, &c, &out); !s) {
        return Unexpected(s.error());
      }
    }
    const std::string summary = Summary(out, c.bank_lines.size());
    c.bank_file =
        BankFileRow{out.format, out.msg_id, name, file->sha256, actor.at, actor.user, summary};
    c.audit.push_back({0, actor.at, actor.user, "bank.imported", "bank_file:" + name, summary});
    new_lines = c.bank_lines;
    return c;
  });
  if (!applied) return Unexpected(applied.error());
  out.lines = std::move(new_lines);
  for (size_t i = 0; i < out.lines.size(); ++i) out.lines[i].id = applied->line_ids.at(i);
  return out;
}

namespace {

// A line's state in the life cycle, from its kind and its assignment by hand.
LineState StateOf(const BankLineRow& line) {
  if (line.assigned_kind) {
    return *line.assigned_kind == "ignore" ? LineState::kIgnored : LineState::kAssigned;
  }
  if (line.kind == ToString(LineKind::kUnmatched) || line.kind == ToString(LineKind::kDuplicate) ||
      line.kind == ToString(LineKind::kConflict)) {
    return LineState::kListed;
  }
  return line.kind == ToString(LineKind::kNotBooked) ? LineState::kNotBooked : LineState::kBooked;
}

// The receipt a line assigned as income becomes (its id is the line's).
// How a refusal names a field of an assignment: the command line's option or the web form's.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): option first at every call, as its name
std::string Named(FieldNames names, const char* option, const char* form_field) {
  return names == FieldNames::kOption ? option : form_field;
}

Result<Receipt, Error> AssignedReceipt(Store& store, const BankLineRow& line,
                                       const LineAssignment& a, const Actor& actor,
                                       FieldNames names) {
  const auto income = ParseIncomeKind(a.kind);
  if (!income) {
    return Fail(ErrorCode::kBadInput, Named(names, "--as", "kind") + " '" + a.kind +
                                          "': use ignore, rent_allowance, care_allowance, "
                                          "child_budget, holiday_allowance, energy_refund or "
                                          "creditor_refund");
  }
  if (!a.client) {
    return Fail(ErrorCode::kBadInput, Named(names, "--client", "client") + ": whose money is it?");
  }
  auto found = store.FindClient(*a.client);
  if (!found) return Unexpected(found.error());
  if (!*found) {
    return Fail(ErrorCode::kBadInput,
                Named(names, "--client", "client") + " " + a.client->value + ": no such client");
  }
  if (!line.money_in) {
    return Fail(ErrorCode::kRefused,
                Named(names, "--line", "bank line") + " " + a.line_id +
                    " is money out; only money in is assigned to a client as income (" +
                    Named(names, "use --as ignore", "park it") + ")");
  }
  Receipt r;
  r.id = a.line_id;
  r.client = *a.client;
  r.kind = *income;
  r.received_on = line.booked_on.value_or(Date::Parse(actor.at.substr(0, 10)).value());
  r.amount = line.amount;
  r.landed_on = Destination::kManaged;
  return r;
}

}  // namespace

Status<Error> AssignBankLine(Store& store, const LineAssignment& assignment, const Actor& actor,
                             FieldNames names) {
  const std::string& line_id = assignment.line_id;
  const std::string line_name = Named(names, "--line ", "bank line ") + line_id;
  auto user = RequireAction(store, actor.user, Action::kAssignBankLine);
  if (!user) return Unexpected(user.error());
  if (assignment.reason.empty()) {
    return Fail(ErrorCode::kBadInput,
                Named(names, "--reason", "reason") + ": say why; nothing changed");
  }
  // Decided and written in one transaction: two people assigning one line, one wins.
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto line = store.BankLine(line_id);
    if (!line) return Unexpected(line.error());
    if (!*line) return Fail(ErrorCode::kBadInput, line_name + ": no such bank line");
    const LineEvent event = assignment.kind == "ignore" ? LineEvent::kIgnore : LineEvent::kAssign;
    if (auto next = DecideLine(StateOf(**line), event); !next) {
      if (next.error() == LineRefusal::kAlreadyHandled) {
        return Fail(ErrorCode::kConflict, line_name + " was already assigned (" +
                                              *(*line)->assigned_kind + "); nothing changed");
      }
      return Fail(ErrorCode::kRefused, line_name + " was matched (" + (*line)->kind +
                                           "); only lines listed for a person (unmatched, "
                                           "duplicate, conflict) are assigned by hand");
    }
    Changes c;
    c.recorded = actor;
    if (event == LineEvent::kAssign) {
      auto r = AssignedReceipt(store, **line, assignment, actor, names);
      if (!r) return Unexpected(r.error());
      c.receipts.push_back(*r);
    }
    const std::optional<ClientId>& client = assignment.client;
    c.assignments.push_back(
        {line_id, client, assignment.kind, assignment.reason, actor.user, actor.at});
    c.audit.push_back({0, actor.at, actor.user, "bank.assigned", "bank_line:" + line_id,
                       assignment.kind + (client ? " to " + client->value : std::string()) + ": " +
                           assignment.reason});
    return c;
  });
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
  auto unmatched = store.BankLines("listed");
  if (!unmatched) return Unexpected(unmatched.error());
  for (const BankLineRow& l : *unmatched) out.unmatched_lines += l.assigned_kind ? 0 : 1;
  return out;
}

}  // namespace ontzorg
