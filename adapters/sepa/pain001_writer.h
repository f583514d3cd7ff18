// Writes a SEPA credit transfer initiation (pain.001.001.09 or .03), following SEPA.md: Latin
// character set, EPC lengths, EUR, SLEV, NbOfTxs and CtrlSum at both levels from integer cents, one
// payment group (PmtInf) per execution date, BIC optional.
// The output is a pure function of its inputs, so a file can be re-written byte-identical.
#ifndef ONTZORG_ADAPTERS_SEPA_PAIN001_WRITER_H_
#define ONTZORG_ADAPTERS_SEPA_PAIN001_WRITER_H_

#include <string>
#include <vector>

#include "adapters/error.h"
#include "engine/month.h"

namespace ontzorg {

struct Pain001Header {
  std::string msg_id;
  std::string created_at;  // CreDtTm
  std::string format;      // "pain.001.001.09" or "pain.001.001.03"
  std::string initiating_party;
  Payee debtor;
  bool batch_booking = false;
};

// Checks every payment with our own rules, then writes the message to `path`. Payments must be
// ordered by execution date. Refuses (kInvalidOutput) when a rule fails, naming the EndToEndId.
Status<Error> WritePain001(const Pain001Header& header, const std::vector<Payment>& payments,
                           const std::string& path);

// The PmtInfId WritePain001 gives each of `payments` (in file order): "<MsgId>-<n>", n counting
// the execution dates. Used to match the bank's batch bookings and pain.002 group statuses.
std::vector<std::string> PmtInfIds(const std::string& msg_id, const std::vector<Payment>& payments);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_SEPA_PAIN001_WRITER_H_
