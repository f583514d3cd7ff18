// One-off payments finance records (issue 17): a deposit, a bijzondere bijstand amount, an extra
// bill. Each goes into a batch of its own that a second person approves like any other.
#ifndef ONTZORG_ADAPTERS_APP_ONE_OFFS_H_
#define ONTZORG_ADAPTERS_APP_ONE_OFFS_H_

#include <string>

#include "adapters/app/batches.h"
#include "adapters/app/records.h"
#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

// A one-off payment (issue 17) as typed on the command line or in the web form: a deposit, a
// bijzondere bijstand amount, an extra bill. Paid to a creditor on record or (no creditor) the
// client's own account.
struct OneOffRequest {
  std::string decision;     // the decision's number (beschikkingsnummer): once only
  std::string client;       // the client's id
  std::string creditor;     // a creditor's id; empty: the client's own account
  std::string amount;       // typed: "1.250,00" or "1250.00"
  std::string funding;      // "special_assistance" or "client_funds"
  std::string description;  // what the payee reads (SEPA text, at most 140 characters)
  std::string due;          // the day the payee should have it: 2027-02-15 or 15-02-2027
};
// Checks the request and prepares it as a new batch of its own that a second person approves like
// any other (four eyes; the batch shows the decision, the payee and the funding). Special
// assistance: the municipality's money enters for the client first (special_assistance_received),
// then the payment goes out (one_off_paid); from the client's funds only what is not reserved.
// A decision recorded before is refused (kConflict), also when two people record it at once (the
// checks run inside the batch's transaction). Refusals name the field as `names` says; nothing
// changes on a refusal. Finance only (Action::kRecordOneOff).
Result<PreparedBatch, Error> RecordOneOff(const Config& config, Store& store,
                                          const OneOffRequest& request, Date run_date,
                                          const Actor& actor,
                                          FieldNames names = FieldNames::kOption);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_ONE_OFFS_H_
