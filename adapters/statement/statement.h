// The client statement: what was paid for the client this month and to whom, the leefgeld and
// when it comes, what the client pays themselves, the loan if any, and what the client is
// learning next. Plain language (B1) from config/texts/<language>.toml, as one HTML page with a
// print stylesheet for A4; right-to-left languages get dir="rtl", and amounts, dates and
// references are isolated so they read correctly inside right-to-left text.
#ifndef ONTZORG_ADAPTERS_STATEMENT_STATEMENT_H_
#define ONTZORG_ADAPTERS_STATEMENT_STATEMENT_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/statement/client_texts.h"
#include "engine/learning.h"
#include "engine/month.h"

namespace ontzorg {

// What became of a payment, as the statement tells it: it will be paid (prepared, approved, the
// file made or accepted by the bank), it was paid (booked on the bank's statement), the bank
// could not pay it (rejected or returned, with the reason in words), or it was stopped
// (cancelled). A statement made by the run knows none yet: every payment "will be paid".
enum class PaymentOutcome { kPending, kPaid, kFailed, kCancelled };
struct StatementPaymentStatus {
  PaymentOutcome outcome = PaymentOutcome::kPending;
  std::string reason;  // for kFailed: "AC04 rekening opgeheven / account closed"
};

struct StatementData {
  std::string municipality;
  std::vector<std::string> municipality_address;  // the sender block's lines
  std::string municipality_phone;
  std::string coach_name, coach_phone;  // the client's budget coach (empty: none assigned)
  Client client;
  YearMonth month;
  int relief_month = 0;
  int relief_months = 0;
  std::vector<Payment> bills_paid;  // paid for the client this month
  std::optional<Payment> leefgeld;
  std::vector<Payment> one_offs;             // one-off payments finance recorded (issue 17)
  std::set<std::string> special_assistance;  // their keys paid as bijzondere bijstand
  std::vector<ClientPaysBill> client_pays;
  CreditMonth credit;
  const BridgingPolicy* policy = nullptr;
  std::optional<Checkpoint> checkpoint;
  std::map<std::string, StatementPaymentStatus> status;  // by EndToEndId; none: kPending
};

// The statement's data from a month the engine computed (and the run booked).
StatementData StatementFromMonth(const std::string& municipality, const Client& client,
                                 const ClientMonth& month, const BridgingPolicy* policy,
                                 const std::optional<Checkpoint>& checkpoint);

// Escapes & < > and " for HTML text and double-quoted attribute values.
std::string HtmlEscape(const std::string& text);

// One client's statement as a whole HTML page.
std::string RenderStatementHtml(const StatementData& data, const ClientTexts& texts);
// Many statements in one printable document (one per language and month: creating a file per
// client costs the file system about 0.2 ms each, 20 s for 100,000 clients): the head, then one
// <article id="<client>"> per client, each starting a new A4 page, then the end.
std::string StatementDocumentStart(const ClientTexts& texts, const std::string& title);
std::string RenderStatementArticle(const StatementData& data, const ClientTexts& texts);
std::string StatementDocumentEnd();

// The next step in the client's words, e.g. "Volgende stap: u betaalt Water zelf."
std::string NextStepText(const Checkpoint& checkpoint, const ClientTexts& texts);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STATEMENT_STATEMENT_H_
