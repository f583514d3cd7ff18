#include "engine/bank_feedback.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace ontzorg {
namespace {

// ISO 20022 ExternalStatusReason1Code / ExternalReturnReason1Code, the codes Dutch banks use in
// pain.002 and camt.053 returns (NVB and EPC implementation guides), in words.
constexpr std::array<ReasonCode, 38> kReasonCodes = {{
    {"AC01", "rekeningnummer (IBAN) onjuist", "incorrect account number (IBAN)", true},
    {"AC03", "rekeningnummer begunstigde ongeldig", "invalid creditor account number", true},
    {"AC04", "rekening opgeheven", "account closed", true},
    {"AC06", "rekening geblokkeerd", "account blocked", true},
    {"AC13", "soort rekening ongeldig", "invalid account type", true},
    {"AG01", "transactie niet toegestaan op deze rekening", "transaction forbidden on this account",
     true},
    {"AG02", "ongeldige bankcode van de opdracht", "invalid bank operation code", false},
    {"AM01", "bedrag is nul", "amount is zero", false},
    {"AM02", "bedrag niet toegestaan", "amount not allowed", false},
    {"AM04", "onvoldoende saldo op de beheerrekening", "insufficient funds on the paying account",
     false},
    {"AM05", "dubbele betaling", "duplicate payment", false},
    {"AM09", "bedrag onjuist", "wrong amount", false},
    {"BE01", "naam past niet bij de rekening", "name does not match the account", true},
    {"BE04", "adres begunstigde ontbreekt", "creditor address missing", true},
    {"BE05", "opdrachtgever niet herkend", "initiating party not recognised", false},
    {"CNOR", "bank van de begunstigde niet bereikbaar", "creditor's bank not registered", true},
    {"CUST", "op verzoek van de klant", "requested by the customer", false},
    {"DNOR", "bank van de betaler niet bereikbaar", "debtor's bank not registered", false},
    {"DT01", "datum ongeldig", "invalid date", false},
    {"DUPL", "dubbele betaling", "duplicate payment", false},
    {"ED05", "verrekening mislukt", "settlement failed", false},
    {"FF01", "bestandsformaat ongeldig", "invalid file format", false},
    {"FOCR", "teruggeboekt na annuleringsverzoek", "returned after a cancellation request", false},
    {"FRAD", "fraude vermoed", "fraudulent origin suspected", false},
    {"MD01", "geen machtiging", "no mandate", false},
    {"MD06", "terugboeking op verzoek van de klant", "refund requested by the end customer", false},
    {"MD07", "rekeninghouder overleden", "account holder deceased", true},
    {"MS02", "geweigerd door de begunstigde (reden niet opgegeven)",
     "refused by the customer (reason not given)", false},
    {"MS03", "geweigerd door de bank (reden niet opgegeven)",
     "refused by the bank (reason not given)", false},
    {"NARR", "zie de toelichting van de bank", "see the bank's narrative", false},
    {"RC01", "BIC onjuist", "bank identifier (BIC) incorrect", true},
    {"RR01", "rekening of identificatie betaler ontbreekt",
     "debtor account or identification missing", false},
    {"RR02", "naam of adres betaler ontbreekt", "debtor name or address missing", false},
    {"RR03", "naam of adres begunstigde ontbreekt", "creditor name or address missing", true},
    {"RR04", "om wettelijke redenen (regelgeving)", "regulatory reason", false},
    {"SL01", "specifieke dienst van de bank van de betaler",
     "specific service of the debtor's bank", false},
    {"TECH", "technisch probleem", "technical problem", false},
    {"TM01", "na de uiterste aanlevertijd ontvangen", "received after the cut-off time", false},
}};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Compact(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): text first, as std::string::find
bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

Money SumOf(const MatchIndex& index, const std::vector<std::string>& e2es) {
  Money sum;
  for (const std::string& e : e2es) sum += index.by_end_to_end_id.at(e).amount;
  return sum;
}

LineMatch Unmatched(std::string why) {
  LineMatch m;
  m.kind = LineKind::kUnmatched;
  m.explanation = std::move(why);
  return m;
}

// A debit: our payments leaving the account.
LineMatch MatchDebit(const BankEntry& entry, const BankTransaction* tx, const MatchIndex& index) {
  const Money amount = tx && tx->amount ? *tx->amount : entry.amount;
  if (tx && !tx->end_to_end_id.empty()) {
    const auto it = index.by_end_to_end_id.find(tx->end_to_end_id);
    if (it == index.by_end_to_end_id.end()) {
      return Unmatched("debit with EndToEndId " + tx->end_to_end_id +
                       ", which is not one of our payments");
    }
    if (it->second.amount != amount) {
      return Unmatched("debit for our payment " + tx->end_to_end_id + " of " +
                       amount.ToDecimalString() + ", but we sent " +
                       it->second.amount.ToDecimalString());
    }
    LineMatch m;
    m.kind = LineKind::kBooked;
    m.payments = {tx->end_to_end_id};
    m.client = it->second.client;
    m.explanation = "our payment " + tx->end_to_end_id + " booked";
    return m;
  }
  // A batch booking: one line for a payment group (PmtInfId) or a whole file (MsgId).
  const std::string pmt_inf = !entry.batch_pmt_inf_id.empty() ? entry.batch_pmt_inf_id
                              : tx                            ? tx->pmt_inf_id
                                                              : std::string();
  const std::string msg = !entry.batch_msg_id.empty() ? entry.batch_msg_id
                          : tx                        ? tx->msg_id
                                                      : std::string();
  const std::vector<std::string>* members = nullptr;
  std::string via;
  if (!pmt_inf.empty() && index.by_pmt_inf_id.count(pmt_inf)) {
    members = &index.by_pmt_inf_id.at(pmt_inf);
    via = "PmtInfId " + pmt_inf;
  } else if (!msg.empty() && index.by_msg_id.count(msg)) {
    members = &index.by_msg_id.at(msg);
    via = "MsgId " + msg;
  }
  if (members == nullptr) {
    if (!pmt_inf.empty() || !msg.empty()) {
      return Unmatched("batch debit for " +
                       (pmt_inf.empty() ? "MsgId " + msg : "PmtInfId " + pmt_inf) +
                       ", which is not one of our files");
    }
    return Unmatched("debit without an EndToEndId, PmtInfId or MsgId of ours");
  }
  const Money sum = SumOf(index, *members);
  if (sum != entry.amount) {
    return Unmatched("batch debit for " + via + " of " + entry.amount.ToDecimalString() +
                     ", but its " + std::to_string(members->size()) + " payments sum to " +
                     sum.ToDecimalString());
  }
  if (entry.batch_count && *entry.batch_count != static_cast<int>(members->size())) {
    return Unmatched("batch debit for " + via + " says " + std::to_string(*entry.batch_count) +
                     " payments, we sent " + std::to_string(members->size()));
  }
  LineMatch m;
  m.kind = LineKind::kBooked;
  m.payments = *members;
  m.explanation = "batch booking of " + std::to_string(members->size()) + " payments (" + via + ")";
  return m;
}

// A credit that is one of our payments coming back.
std::optional<LineMatch> MatchReturn(const BankEntry& entry, const BankTransaction* tx,
                                     const MatchIndex& index) {
  const bool looks_returned = entry.reversal || (tx && !tx->return_reason.empty());
  if (!tx || tx->end_to_end_id.empty()) {
    if (looks_returned) return Unmatched("a return or reversal without an EndToEndId of ours");
    return std::nullopt;
  }
  const auto it = index.by_end_to_end_id.find(tx->end_to_end_id);
  if (it == index.by_end_to_end_id.end()) {
    if (looks_returned) {
      return Unmatched("return of EndToEndId " + tx->end_to_end_id +
                       ", which is not one of our payments");
    }
    return std::nullopt;
  }
  const Money amount = tx->amount ? *tx->amount : entry.amount;
  if (amount != it->second.amount) {
    return Unmatched("return of our payment " + tx->end_to_end_id + " of " +
                     amount.ToDecimalString() + ", but we sent " +
                     it->second.amount.ToDecimalString() + " (a partial return: assign by hand)");
  }
  LineMatch m;
  m.kind = LineKind::kReturned;
  m.payments = {tx->end_to_end_id};
  m.client = it->second.client;
  m.reason_code = tx->return_reason;
  m.double_payment = tx->return_reason == "AM05" || tx->return_reason == "DUPL";
  m.explanation = "our payment " + tx->end_to_end_id + " came back" +
                  (tx->return_reason.empty() ? std::string(" (reversal)")
                                             : ": " + ExplainReason(tx->return_reason));
  return m;
}

}  // namespace

const ReasonCode* FindReasonCode(std::string_view code) {
  for (const ReasonCode& r : kReasonCodes) {
    if (code == r.code) return &r;
  }
  return nullptr;
}

std::string ExplainReason(std::string_view code) {
  if (const ReasonCode* r = FindReasonCode(code)) {
    return std::string(r->code) + " " + r->nl + " / " + r->en;
  }
  return std::string(code) + " (onbekende code / unknown code: see the bank's code list)";
}

const char* ToString(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kAccepted: return "accepted";
    case PaymentStatus::kPending: return "pending";
    case PaymentStatus::kRejected: return "rejected";
  }
  return "?";
}

std::optional<PaymentStatus> ParseStatusCode(std::string_view code) {
  for (const char* c : {"ACCP", "ACSC", "ACSP", "ACTC", "ACWC", "ACCC"}) {
    if (code == c) return PaymentStatus::kAccepted;
  }
  if (code == "PDNG" || code == "RCVD") return PaymentStatus::kPending;
  if (code == "RJCT") return PaymentStatus::kRejected;
  return std::nullopt;
}

const char* ToString(PayerKind kind) {
  return kind == PayerKind::kBijstand ? "bijstand" : "toeslagen";
}

std::optional<PayerKind> ParsePayerKind(std::string_view text) {
  if (text == "bijstand") return PayerKind::kBijstand;
  if (text == "toeslagen") return PayerKind::kToeslagen;
  return std::nullopt;
}

const char* ToString(LineKind kind) {
  switch (kind) {
    case LineKind::kBooked: return "booked";
    case LineKind::kReturned: return "returned";
    case LineKind::kToeslag: return "toeslag";
    case LineKind::kBijstand: return "bijstand";
    case LineKind::kRefund: return "refund";
    case LineKind::kNotBooked: return "not_booked";
    case LineKind::kUnmatched: return "unmatched";
    case LineKind::kDuplicate: return "duplicate";
    case LineKind::kConflict: return "conflict";
  }
  return "?";
}

std::vector<std::string> ClientIdsIn(std::string_view text, const std::set<std::string>& clients) {
  std::vector<std::string> found;
  for (size_t i = 0; i < text.size();) {
    if (!IsWordChar(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsWordChar(text[j])) ++j;
    const std::string word(text.substr(i, j - i));
    if (clients.count(word) && std::find(found.begin(), found.end(), word) == found.end()) {
      found.push_back(word);
    }
    i = j;
  }
  return found;
}

std::optional<IncomeKind> ToeslagKindIn(std::string_view text) {
  const std::string t = Lower(text);
  std::vector<IncomeKind> kinds;
  if (Contains(t, "huurtoeslag")) kinds.push_back(IncomeKind::kRentAllowance);
  if (Contains(t, "zorgtoeslag")) kinds.push_back(IncomeKind::kCareAllowance);
  if (Contains(t, "kindgebonden")) kinds.push_back(IncomeKind::kChildBudget);
  if (Contains(t, "vakantie")) kinds.push_back(IncomeKind::kHolidayAllowance);
  if (kinds.size() != 1) return std::nullopt;
  return kinds.front();
}

LineIdentity IdentifyLine(const BankStatement& statement, const BankEntry& entry,
                          const BankTransaction* tx, size_t tx_index) {
  if (!entry.servicer_ref.empty()) {
    return {true, statement.account_iban + "|ref|" + entry.servicer_ref + "|" +
                      std::to_string(tx_index + 1)};
  }
  const std::optional<Date> day = entry.value_on ? entry.value_on : entry.booked_on;
  const Money amount = tx && tx->amount ? *tx->amount : entry.amount;
  std::string text = statement.account_iban + "|" + (day ? day->ToString() : "-") + "|" +
                     (entry.credit ? "C" : "D") + (entry.reversal ? "R" : "") + "|" +
                     amount.ToDecimalString() + "|" + entry.batch_msg_id + "|" +
                     entry.batch_pmt_inf_id;
  if (tx != nullptr) {
    // Spaces and case as the bank happens to write them do not tell lines apart.
    std::string remittance;
    for (char c : tx->remittance + " " + tx->reference) {
      if (c != ' ') remittance += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    text += "|" + Compact(tx->counterparty_iban) + "|" + tx->end_to_end_id + "|" + tx->instr_id +
            "|" + tx->msg_id + "|" + tx->pmt_inf_id + "|" + tx->return_reason + "|" + remittance;
  }
  return {false, text};
}

Occurrences SortOccurrences(const Sightings& sightings) {
  const int in_file = sightings.in_file, stored = sightings.stored;
  Occurrences o;
  if (in_file <= 0) return o;
  if (sightings
          .by_bank_reference) {  // the bank's reference names one line: copies of it are copies
    o.book = stored > 0 ? 0 : 1;
    o.seen = in_file - o.book;
    return o;
  }
  o.seen = in_file < stored ? in_file : stored;
  const int rest = in_file - o.seen;
  if (rest == 1 && stored == 0) {
    o.book = 1;
  } else {
    o.listed = rest;
  }
  return o;
}

std::optional<std::string> EntryAmountProblem(const BankEntry& entry) {
  if (entry.transactions.size() <= 1) {
    if (entry.transactions.size() == 1 && entry.transactions[0].amount &&
        *entry.transactions[0].amount != entry.amount) {
      return "the entry of " + entry.amount.ToDecimalString() + " holds one transaction of " +
             entry.transactions[0].amount->ToDecimalString() + ": a person checks it";
    }
    return std::nullopt;
  }
  Money sum;
  for (const BankTransaction& t : entry.transactions) {
    if (!t.amount) {
      return "the entry of " + entry.amount.ToDecimalString() + " holds " +
             std::to_string(entry.transactions.size()) +
             " transactions, not all with an amount of their own: a person splits it";
    }
    sum += *t.amount;
  }
  if (sum != entry.amount) {
    return "the entry of " + entry.amount.ToDecimalString() + " holds " +
           std::to_string(entry.transactions.size()) + " transactions adding up to " +
           sum.ToDecimalString() + ": a person checks it";
  }
  return std::nullopt;
}

// Over 70 lines (88): the matching rules in their order of precedence.
// NOLINTNEXTLINE(readability-function-size)
LineMatch MatchLine(const BankEntry& entry, const BankTransaction* tx, const MatchIndex& index) {
  if (entry.status != "BOOK") {
    LineMatch m;
    m.kind = LineKind::kNotBooked;
    m.explanation = "entry status " +
                    (entry.status.empty() ? std::string("missing") : entry.status) +
                    ": not booked yet, nothing done";
    return m;
  }
  // A reversal of a debit is money coming back; a reversal of a credit is money leaving.
  const bool money_in = entry.credit != entry.reversal;
  if (!money_in && !entry.reversal) return MatchDebit(entry, tx, index);
  if (auto returned = MatchReturn(entry, tx, index)) return *returned;
  if (!money_in) return Unmatched("reversal of an earlier credit: a person must assign it");

  const Money amount = tx && tx->amount ? *tx->amount : entry.amount;
  const std::string iban = tx ? Compact(tx->counterparty_iban) : std::string();
  const std::string text = tx ? tx->remittance + " " + tx->reference : std::string();
  if (iban.empty()) return Unmatched("money in without the payer's IBAN");
  const std::vector<std::string> ids = ClientIdsIn(text, index.clients);

  if (const auto payer = index.payers.find(iban); payer != index.payers.end()) {
    if (ids.size() != 1) {
      return Unmatched(std::string(ToString(payer->second)) + " of " + amount.ToDecimalString() +
                       (ids.empty() ? " names no client number"
                                    : " names " + std::to_string(ids.size()) + " client numbers") +
                       " in its description: assign it by hand");
    }
    LineMatch m;
    m.client = ClientId{ids.front()};
    if (payer->second == PayerKind::kBijstand) {
      m.kind = LineKind::kBijstand;
      m.explanation = "bijstand for " + ids.front();
      return m;
    }
    m.income = ToeslagKindIn(text);
    if (!m.income) {
      return Unmatched("toeslag for " + ids.front() + " of " + amount.ToDecimalString() +
                       " without a recognisable kind (huurtoeslag, zorgtoeslag, kindgebonden "
                       "budget, vakantie...) in its description: assign it by hand");
    }
    m.kind = LineKind::kToeslag;
    m.explanation = std::string(DutchName(*m.income)) + " for " + ids.front();
    return m;
  }

  if (const auto bills = index.bills_by_creditor_iban.find(iban);
      bills != index.bills_by_creditor_iban.end()) {
    // The client: by the bill's payment reference in the text, else by a client number.
    std::vector<const MatchIndex::CreditorBill*> hits;
    const std::string compact_text = Compact(text);
    for (const MatchIndex::CreditorBill& b : bills->second) {
      if (!b.reference.empty() && Contains(compact_text, b.reference)) hits.push_back(&b);
    }
    if (hits.empty()) {
      for (const MatchIndex::CreditorBill& b : bills->second) {
        if (std::find(ids.begin(), ids.end(), b.client.value) != ids.end()) hits.push_back(&b);
      }
    }
    std::set<std::string> clients;
    for (const auto* b : hits) clients.insert(b->client.value);
    if (clients.size() != 1) {
      return Unmatched("money in from a creditor (" + iban.substr(0, 4) + "...) of " +
                       amount.ToDecimalString() +
                       (clients.empty() ? " naming none of its bills' references or clients"
                                        : " naming bills of several clients") +
                       ": assign it by hand");
    }
    LineMatch m;
    m.kind = LineKind::kRefund;
    m.client = hits.front()->client;
    m.bill = hits.front()->bill;
    m.income = hits.front()->kind == BillKind::kEnergy ? IncomeKind::kEnergyRefund
                                                       : IncomeKind::kCreditorRefund;
    const std::string lower = Lower(text);
    m.double_payment = Contains(lower, "dubbel") || Contains(lower, "double") ||
                       Contains(lower, "twice") || Contains(lower, "teveel betaald");
    const bool at_risk = index.bills_paid_at_risk.count(m.bill->value) > 0;
    m.explanation = "refund for " + m.client->value + " (bill " + m.bill->value + ")" +
                    (m.double_payment ? ": its description says the bill was paid twice"
                     : at_risk ? ": the bill was paid while the client's own direct debit was "
                                 "not confirmed cancelled, so this may be a double payment"
                               : "");
    m.double_payment = m.double_payment || at_risk;
    return m;
  }
  return Unmatched("money in of " + amount.ToDecimalString() +
                   " from an account that is not a known payer or creditor: assign it by hand");
}

}  // namespace ontzorg
