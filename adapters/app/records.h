// One record typed by a person (the command line or the web app) checked exactly like a row of
// the CSV import: the same parser, the same checks against what is stored, all or nothing.
#ifndef ONTZORG_ADAPTERS_APP_RECORDS_H_
#define ONTZORG_ADAPTERS_APP_RECORDS_H_

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

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_RECORDS_H_
