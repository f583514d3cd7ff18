// The bank's feedback, read back: payment status reports (pain.002) and account statements
// (camt.053, camt.054) as plain data, the words a finance employee reads for the ISO reason codes,
// and the matching rules that say what each statement line is. Pure: the adapters parse the XML
// and look up our payments; this decides, and never guesses (a line that matches nothing by these
// rules is listed for a person to assign).
#ifndef ONTZORG_ENGINE_BANK_FEEDBACK_H_
#define ONTZORG_ENGINE_BANK_FEEDBACK_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bridging.h"
#include "engine/date.h"
#include "engine/money.h"
#include "engine/relief.h"

namespace ontzorg {

// --- Reason codes ----------------------------------------------------------------------------

// An ISO 20022 external status or return reason code (ExternalStatusReason1Code,
// ExternalReturnReason1Code) in words, Dutch and English.
struct ReasonCode {
  const char* code;
  const char* nl;
  const char* en;
  // The payee's account details are the problem: re-issue only after they are corrected.
  bool needs_correction;
};
// nullptr for a code not in the table (shown as the code itself).
const ReasonCode* FindReasonCode(std::string_view code);
// "AC04 rekening opgeheven / account closed"; an unknown code: "XY99 (onbekende code / unknown
// code: see the bank's list)".
std::string ExplainReason(std::string_view code);

// --- pain.002: payment status report ---------------------------------------------------------

enum class PaymentStatus { kAccepted, kPending, kRejected };
const char* ToString(PaymentStatus status);  // "accepted", "pending", "rejected"
// ACCP, ACSC, ACSP, ACTC, ACWC, ACCC -> accepted; PDNG, RCVD -> pending; RJCT -> rejected.
// PART (group level only) and anything else: nullopt.
std::optional<PaymentStatus> ParseStatusCode(std::string_view code);

struct StatusReport {
  std::string msg_id;           // the report's own MsgId
  std::string original_msg_id;  // the MsgId of our pain.001
  std::string group_status;     // GrpSts, may be empty
  std::vector<std::string> group_reasons;
  struct GroupOfPayments {  // OrgnlPmtInfAndSts
    std::string pmt_inf_id;
    std::string status;  // PmtInfSts, may be empty
    std::vector<std::string> reasons;
  };
  std::vector<GroupOfPayments> payment_groups;
  struct Transaction {  // TxInfAndSts
    std::string pmt_inf_id;
    std::string end_to_end_id;
    std::string status;  // TxSts
    std::vector<std::string> reasons;
    std::string additional;  // AddtlInf, joined
    int line = 0;
  };
  std::vector<Transaction> transactions;
};

// --- camt.053 / camt.054: statements and notifications ---------------------------------------

struct BankTransaction {        // NtryDtls/TxDtls
  std::optional<Money> amount;  // AmtDtls/TxAmt or Amt (absent: the entry's amount)
  std::string end_to_end_id, msg_id, pmt_inf_id, instr_id;
  std::string counterparty_name, counterparty_iban;  // the other party: debtor of a credit
  std::string remittance;                            // Ustrd lines joined with a space
  std::string reference;                             // Strd/CdtrRefInf/Ref
  std::string return_reason;                         // RtrInf/Rsn/Cd
};

struct BankEntry {  // Ntry
  int line = 0;
  Money amount;
  bool credit = false;    // CdtDbtInd CRDT (money in) / DBIT (money out)
  bool reversal = false;  // RvslInd
  std::string status;     // BOOK, PDNG, INFO
  std::optional<Date> booked_on, value_on;
  std::string entry_ref, servicer_ref;         // NtryRef, AcctSvcrRef
  std::string batch_msg_id, batch_pmt_inf_id;  // NtryDtls/Btch
  std::optional<int> batch_count;
  std::vector<BankTransaction> transactions;
};

struct BankStatement {  // Stmt (camt.053) or Ntfctn (camt.054)
  std::string id;
  std::string account_iban;  // compact
  std::string currency;
  int line = 0;
  std::vector<BankEntry> entries;
  // The closing booked balance (Bal of type CLBD; camt.053 only): what the account held at the
  // end of the statement, negative when debit.
  std::optional<Money> closing_balance;
  std::optional<Date> closing_on;
};

struct BankMessage {
  std::string format;  // "camt.053.001.02", "camt.054.001.02"
  std::string msg_id;
  std::string created_at;
  std::vector<BankStatement> statements;
};

// --- Telling lines apart ---------------------------------------------------------------------

// What identifies one line (`tx`, the `tx_index`th transaction of `entry`, or the entry itself
// when `tx` is nullptr) across the bank's files: the bank's own reference (AcctSvcrRef) when it
// gives one, else the line's content: account, value date (else booking date), direction,
// reversal, amount, counterparty, EndToEndId and the other references, remittance, batch ids.
// So the same credit in a camt.054 and again in the day's camt.053, or a statement sent again
// with a line added in front, is recognised. NtryRef is left out: it numbers a line within one
// statement only.
struct LineIdentity {
  bool by_bank_reference = false;
  std::string text;  // the adapter stores a hash of it
};
LineIdentity IdentifyLine(const BankStatement& statement, const BankEntry& entry,
                          const BankTransaction* tx, size_t tx_index);

// What becomes of `in_file` lines of one identity when `stored` lines of it were booked before:
// seen before (skipped), booked, or listed for a person because they cannot be told apart (two
// lines of the same content in one file, or more of them than were booked before: a second real
// payment or a copy, only a person knows).
struct Occurrences {
  int seen = 0;
  int book = 0;
  int listed = 0;
};
struct Sightings {
  bool by_bank_reference = false;
  int in_file = 0;  // lines of the identity in the file being imported
  int stored = 0;   // lines of it booked or seen before
};
Occurrences SortOccurrences(const Sightings& sightings);

// Why an entry cannot be split into its transactions by their amounts: several transactions of
// which one has no amount of its own, or transaction amounts that do not add up to the entry's.
// nullopt when they add up (or the entry has at most one transaction without an amount).
std::optional<std::string> EntryAmountProblem(const BankEntry& entry);

// --- Matching --------------------------------------------------------------------------------

// One of our payments as sent, for matching.
struct SentPayment {
  std::string key, end_to_end_id;
  ClientId client;
  Money amount;
  std::string msg_id, pmt_inf_id;
  std::optional<BillId> bill;
  std::optional<BillKind> bill_kind;
  std::string payee_iban;
  bool double_debit_risk = false;  // paid while the client's own direct debit was not confirmed
                                   // cancelled (the guard's warning)
};

// Who pays money into the managed account (from config): the municipality's bijstand account,
// Dienst Toeslagen.
enum class PayerKind { kBijstand, kToeslagen };
const char* ToString(PayerKind kind);  // "bijstand", "toeslagen"
std::optional<PayerKind> ParsePayerKind(std::string_view text);

// What the caller knows, looked up for the lines of one file.
struct MatchIndex {
  std::map<std::string, SentPayment> by_end_to_end_id;
  std::map<std::string, std::vector<std::string>> by_pmt_inf_id;  // -> EndToEndIds
  std::map<std::string, std::vector<std::string>> by_msg_id;      // -> EndToEndIds
  std::map<std::string, PayerKind> payers;                        // compact IBAN -> kind
  std::set<std::string> clients;                                  // every client id
  struct CreditorBill {
    BillId bill;
    ClientId client;
    BillKind kind = BillKind::kRent;
    std::string reference;  // the bill's payment reference, compact
  };
  std::map<std::string, std::vector<CreditorBill>> bills_by_creditor_iban;
  // Bills paid while the client's own direct debit was not confirmed cancelled: a refund from
  // their creditor may well be the second payment coming back.
  std::set<std::string> bills_paid_at_risk;
};

enum class LineKind {
  kBooked,     // our payment(s) debited: by EndToEndId, or a batch by PmtInfId / MsgId
  kReturned,   // our payment came back (return reason or reversal)
  kToeslag,    // a toeslag from Dienst Toeslagen for one client
  kBijstand,   // bijstand from the municipality for one client
  kRefund,     // a creditor paid money back for one client
  kNotBooked,  // a pending or information-only entry: nothing to do yet
  kUnmatched,  // matches nothing by the rules: a person assigns it
  // Set by the import, not by MatchLine:
  kDuplicate,  // cannot be told apart from another line or a receipt on record: a person decides
  kConflict,   // the bank's word on our payment cannot be applied: a person checks
};
const char* ToString(LineKind kind);  // "booked", "returned", ...

struct LineMatch {
  LineKind kind = LineKind::kUnmatched;
  std::vector<std::string> payments;  // EndToEndIds (booked, returned)
  std::optional<ClientId> client;     // toeslag, bijstand, refund, returned
  std::optional<IncomeKind> income;   // toeslag, refund
  std::optional<BillId> bill;         // refund: the bill whose creditor paid back
  std::string reason_code;            // returned: RtrInf reason
  bool double_payment = false;        // the line shows a bill was paid twice
  std::string explanation;            // English, for the report; says why, never a BSN
};

// Decides what one transaction of an entry is (`tx` = nullptr: the entry has no TxDtls).
LineMatch MatchLine(const BankEntry& entry, const BankTransaction* tx, const MatchIndex& index);

// The client ids named in a remittance text (whole words that are client ids in the index).
std::vector<std::string> ClientIdsIn(std::string_view text, const std::set<std::string>& clients);
// The toeslag kind named in a remittance text ("huurtoeslag", "zorgtoeslag", "kindgebonden
// budget", "vakantie..."), if exactly one is named.
std::optional<IncomeKind> ToeslagKindIn(std::string_view text);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_BANK_FEEDBACK_H_
