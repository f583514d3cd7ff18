// One record typed by a person (the command line or the web app) checked exactly like a row of
// the CSV import: the same parser, the same checks against what is stored, all or nothing.
#ifndef ONTZORG_ADAPTERS_APP_RECORDS_H_
#define ONTZORG_ADAPTERS_APP_RECORDS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

// How a refusal names a field: as the command line's option ("--received-on") or as the web
// form's field ("received_on"), instead of "file:2: column ...".
enum class FieldNames { kOption, kFormField };

// One record as typed: the row of a CSV file.
struct TypedRow {
  std::string file;  // "assessments.csv", ...
  std::string what;  // names the record in messages: "assessment"
  std::vector<std::pair<std::string, std::string>> columns;  // column name -> value
  FieldNames names = FieldNames::kFormField;
  // Nonzero: the record gets a new "id" column: this letter, the day and a number from the
  // store's counter ("A20261214-17"), so two people recording in the same second never collide.
  char new_id = 0;
};

// Records `row` as if it came from its CSV file, recorded by `actor`. Returns what was added
// (empty when the same row was stored).
Result<ImportBatch, Error> RecordRow(const Config& config, Store& store, const TypedRow& row,
                                     const Actor& actor);

// The Latin spelling of a client's name that payments carry (a name in Arabic script has none a
// bank can carry), with the reason: for the command line (correct-name) and the web app alike.
struct BankNameCorrection {
  ClientId client;
  std::string bank_name;
  std::string reason;  // e.g. "as in the residence permit"
};
// Returns the name payments now carry (as SEPA text). Refused (nothing changed): a user whose role
// may not, an unknown client, a name without letters a bank can carry, no reason.
Result<std::string, Error> CorrectClientBankName(Store& store, const BankNameCorrection& c,
                                                 const Actor& actor);

// A change to one of a client's bills from a month on (issue 16): a rent increase, a new energy
// instalment or due day, another creditor. Fields left empty keep what the bill now holds. Checked
// and recorded as a row of a change file (docs/import-format.md): an exported month is refused,
// a reason is required; the added version is returned (refused when nothing would change).
struct BillChange {
  ClientId client;
  BillId bill;
  std::optional<std::string> amount;    // euros, "760.00"
  std::optional<std::string> due_day;   // 1-31
  std::optional<std::string> creditor;  // a creditor id
  std::optional<std::string> end;       // the bill's last day, "YYYY-MM-DD"
  std::string valid_from;               // "YYYY-MM"
  std::string reason;
};
Result<ImportBatch, Error> ChangeBill(const Config& config, Store& store, const BillChange& change,
                                      const Actor& actor,
                                      FieldNames names = FieldNames::kFormField);

// A change to a client's own record from a month on: a new account for the leefgeld, the
// household or its size (the minimum leefgeld follows), the statement's language, the name.
// Fields left empty keep what the record holds; checked and recorded as a clients.csv change row.
// A new account is a payee change: finance only (Action::kCorrectAccount).
struct ClientChange {
  ClientId client;
  std::optional<std::string> name, household, iban, adults, children, language, address;
  std::string valid_from;  // "YYYY-MM"
  std::string reason;
};
Result<ImportBatch, Error> ChangeClient(const Config& config, Store& store,
                                        const ClientChange& change, const Actor& actor,
                                        FieldNames names = FieldNames::kFormField);

// A change to a client's relief plan from a month on: the bijstand ends (benefit_end, the relief
// ends with it), the relief is extended (extension_end with its reason, art. 57 Pw), a maatwerk
// plan's end. Fields left empty keep what the plan holds; recorded as a plans.csv change row.
struct PlanChange {
  ClientId client;
  std::optional<std::string> benefit_end, extension_end, extension_reason, period_end;
  std::string valid_from;  // "YYYY-MM"
  std::string reason;
};
Result<ImportBatch, Error> ChangePlan(const Config& config, Store& store, const PlanChange& change,
                                      const Actor& actor,
                                      FieldNames names = FieldNames::kFormField);

// A creditor's change from a month on: the landlord's new account (a payee change: finance only,
// Action::kCorrectAccount), its BIC or name. Every bill of every client paid to it follows from
// that month. Fields left empty keep what it holds; recorded as a creditors.csv change row.
struct CreditorChange {
  CreditorId creditor;
  std::optional<std::string> name, iban, bic;
  std::string valid_from;  // "YYYY-MM"
  std::string reason;
};
Result<ImportBatch, Error> ChangeCreditor(const Config& config, Store& store,
                                          const CreditorChange& change, const Actor& actor,
                                          FieldNames names = FieldNames::kFormField);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_RECORDS_H_
