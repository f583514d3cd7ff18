// Writing off bridging credit: a decision finance records (the command line's write-off), or a
// request a coach makes that finance approves or rejects, never the person who asked (issue 16).
// Every path reads what is owed and what is already pending and writes in one write transaction,
// so two write-offs at once can never together write off more than is owed, and one request is
// decided once.
#ifndef ONTZORG_ADAPTERS_APP_WRITE_OFFS_H_
#define ONTZORG_ADAPTERS_APP_WRITE_OFFS_H_

#include <cstdint>
#include <string>

#include "adapters/app/records.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

struct WriteOffDecision {
  ClientId client;
  Money amount;
  std::string reason;
  Date decided_on;
};
// Finance records a decision (kRecordWriteOff). Returns the write-off's id ("W12"). Refused: no
// reason, more than is outstanding minus what pending write-offs and open requests already take.
Result<std::string, Error> RecordWriteOff(Store& store, const WriteOffDecision& decision,
                                          const Actor& actor,
                                          FieldNames names = FieldNames::kFormField);

// A coach (or finance) asks for a write-off (kRequestWriteOff), with the reason. Returns the
// request's number. Refused as RecordWriteOff.
Result<int64_t, Error> RequestWriteOff(Store& store, const ClientId& client, Money amount,
                                       const std::string& reason, const Actor& actor);

// Finance approves (recording the write-off the next run books) or rejects (with a reason) a
// request of `client`. Refused: the person who asked (four eyes), a request decided already
// (kConflict, naming who), a request of another client, an approval of more than is now owed.
struct WriteOffVerdict {
  ClientId client;
  int64_t request = 0;
  bool approve = false;
  std::string note;  // required for a rejection
};
Result<WriteOffRequest, Error> DecideWriteOff(Store& store, const WriteOffVerdict& verdict,
                                              const Actor& actor);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_WRITE_OFFS_H_
