// What every monthly run writes besides the SEPA files: the learning checkpoints as JSON lines and
// CSV for the municipality's case system, and a statement per client (HTML, A4, in the client's
// language). Written as parts while the month is booked; renamed into place only when the run
// is committed, so a crashed or empty run leaves nothing half-written behind.
//   <out>/checkpoints-YYYY-MM.jsonl, <out>/checkpoints-YYYY-MM.csv
//   <out>/statements/YYYY-MM/<language>.html   every client's statement in that language, one
//                                            A4 page each, <article id="<client>">
//   <out>/statements/YYYY-MM/index.csv        client_id,language,file,anchor (for mail merge)
#ifndef ONTZORG_ADAPTERS_APP_EMISSION_H_
#define ONTZORG_ADAPTERS_APP_EMISSION_H_

#include <fstream>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/statement/client_texts.h"
#include "adapters/storage/store.h"
#include "engine/learning.h"
#include "engine/month.h"

namespace ontzorg {

struct EmissionReport {
  std::string checkpoints_jsonl, checkpoints_csv, statements_dir;
  int64_t checkpoints = 0, statements = 0;
  std::map<std::string, int64_t> statements_by_language;
  std::vector<std::string> warnings;  // e.g. a client language without a texts file
};

// Each client's budget coach as the statement names them: the coach's full name (else the login
// name) and phone number, by client id.
struct CoachContact {
  std::string name, phone;
};
Result<std::map<std::string, CoachContact>, Error> CoachContacts(Store& store);

// Appends a checkpoint as one JSON object (no newline): keys sorted, strings as UTF-8 with invalid
// bytes replaced by U+FFFD, byte for byte what nlohmann::json's dump(-1) writes for it.
void AppendCheckpointJson(std::string* out, const Checkpoint& cp);

class Emitter {
 public:
  Emitter(const Config& config, std::string out_dir, YearMonth month, Date run_date);
  ~Emitter();      // removes the parts unless committed
  void Abandon();  // closes and removes the parts now
  Status<Error> Open();
  // The coaches the statements name (CoachContacts); none: statements name no coach.
  void SetCoaches(std::map<std::string, CoachContact> coaches) { coaches_ = std::move(coaches); }
  // A client's month in relief: its checkpoint and statement.
  Status<Error> Add(const ClientCase& input, const ClientMonth& month);
  Status<Error> Commit(EmissionReport* report);

 private:
  Result<const ClientTexts*, Error> Texts(const std::string& language);
  std::string Path(const std::string& name) const;

  const Config& config_;
  std::string out_dir_;
  YearMonth month_;
  Date run_date_;
  std::ofstream jsonl_, csv_;
  std::string line_;  // the checkpoint line being written, its buffer kept across clients
  std::string statements_part_;
  std::map<std::string, ClientTexts> texts_;
  std::map<std::string, CoachContact> coaches_;
  std::map<std::string, std::ofstream> documents_;  // by language code
  std::ofstream index_;
  EmissionReport report_;
  std::vector<std::string> created_;  // folders Open() made, outermost first
  bool committed_ = false;
};

// An Emitter on a thread of its own: Add() hands a client's case and month over and returns; the
// checkpoints and statements are written in the order added, a chunk at a time, while the caller
// books the next clients (issue 18: a quarter of the run was rendering statements on the booking
// thread). At most two chunks are held: the one being written and the one being filled.
class EmitterThread {
 public:
  explicit EmitterThread(Emitter& emitter, size_t chunk = 500) : emitter_(emitter), chunk_(chunk) {}
  ~EmitterThread();  // waits for the chunk being written
  EmitterThread(const EmitterThread&) = delete;
  EmitterThread& operator=(const EmitterThread&) = delete;
  // Fails with the error of a chunk written before, if any; then nothing more is written.
  Status<Error> Add(ClientCase input, ClientMonth month);
  // Writes what is left and waits for it: the first error of any chunk.
  Status<Error> Finish();

 private:
  Status<Error> Hand();

  Emitter& emitter_;
  size_t chunk_;
  std::vector<std::pair<ClientCase, ClientMonth>> filling_;
  std::future<Status<Error>> writing_;
  Status<Error> failed_;
};

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_EMISSION_H_
