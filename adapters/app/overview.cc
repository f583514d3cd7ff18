#include "adapters/app/overview.h"

#include <algorithm>

#include "engine/month.h"
#include "engine/relief.h"

namespace ontzorg {

Result<ClientOverview, Error> LoadOverview(Store& store, const Config& config, const Client& client,
                                           YearMonth month) {
  ClientOverview o;
  o.client = client;
  auto coach = store.CoachOf(client.id);
  if (!coach) return Unexpected(coach.error());
  o.coach = *coach ? **coach : std::string();
  // The case as it stands after the month shown was run (saldo, reserved money and credit are
  // what they are now, not before that run); a client with nothing after it: that month's.
  auto loaded = store.LoadCase(client.id, month.AddMonths(1));
  if (loaded && !*loaded) loaded = store.LoadCase(client.id, month);
  if (!loaded) return Unexpected(loaded.error());
  if (*loaded) {
    const ClientCase& c = **loaded;
    o.has_case = true;
    o.in_relief = ComputePeriod(c.plan).Overlaps(month);
    o.checkpoint = CheckpointOf(config.competences, c, month);
    o.balance = c.opening_balance;
    o.reserved = c.reserved;
    o.credit_outstanding = c.credit.Outstanding();
  }
  auto signals = store.WorkSignals(client.id);
  if (!signals) return Unexpected(signals.error());
  for (const WorkSignal& w : *signals) {
    if (w.state == "done") continue;
    ++o.open_signals;
    if (o.signal_codes.size() < 3 &&
        std::find(o.signal_codes.begin(), o.signal_codes.end(), w.code) == o.signal_codes.end()) {
      o.signal_codes.push_back(w.code);
    }
  }
  return o;
}

}  // namespace ontzorg
