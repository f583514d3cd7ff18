#include "adapters/app/write_offs.h"

#include <algorithm>

#include "adapters/app/batches.h"
#include "engine/month.h"
#include "engine/text.h"

namespace ontzorg {

namespace {

std::string Euros(Money m) { return FormatEuros(m); }

// Refused unless `amount` fits in what the client owes, less what pending write-offs and open
// requests (other than `except`) already take. Call inside a write transaction.
Status<Error> CheckFits(Store& store, const ClientId& client, Money amount, Date day,
                        int64_t except, const std::string& prefix = "") {
  auto entries = store.ClientEntries(client);
  if (!entries) return Unexpected(entries.error());
  auto pending = store.WriteOffs(client);
  if (!pending) return Unexpected(pending.error());
  auto requests = store.WriteOffRequests(client);
  if (!requests) return Unexpected(requests.error());
  YearMonth last = YearMonth::Of(day);
  for (const Entry& e : *entries) last = std::max(last, e.month);
  const Money outstanding = CreditFromEntries(*entries, client, last).after.Outstanding();
  Money taken;
  for (const WriteOff& w : *pending) {
    if (!w.processed_in) taken += w.amount;
  }
  for (const WriteOffRequest& q : *requests) {
    if (q.decision.empty() && q.id != except) taken += q.amount;
  }
  if (amount + taken > outstanding) {
    return Fail(ErrorCode::kBadInput,
                prefix + "amount: " + Euros(amount) + " is more than client " + client.value +
                    " owes: " + Euros(outstanding) + " outstanding" +
                    (taken.IsPositive() ? ", of which " + Euros(taken) +
                                              " is already in a pending write-off or request"
                                        : std::string()) +
                    "; nothing was recorded");
  }
  return {};
}

Status<Error> NeedReason(const std::string& reason, const char* what,
                         const std::string& prefix = "") {
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    return Fail(ErrorCode::kBadInput,
                prefix + "reason: " + what + " needs its reason; nothing was recorded");
  }
  return {};
}

Date DayOf(const Actor& actor) {
  const auto day = Date::Parse(actor.at.substr(0, 10));
  return day ? *day : Date();
}

}  // namespace

Result<std::string, Error> RecordWriteOff(Store& store, const WriteOffDecision& d,
                                          const Actor& actor, FieldNames names) {
  const std::string prefix = names == FieldNames::kOption ? "--" : "";
  if (auto s = NeedReason(d.reason, "a write-off", prefix); !s) return Unexpected(s.error());
  std::string recorded;
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto user = RequireAction(store, actor.user, Action::kRecordWriteOff);
    if (!user) return Unexpected(user.error());
    if (auto fits = CheckFits(store, d.client, d.amount, d.decided_on, 0, prefix); !fits) {
      return Unexpected(fits.error());
    }
    auto added = store.AddWriteOff(
        {"", d.client, d.amount, d.reason, actor.user, d.decided_on, std::nullopt}, actor.at);
    if (!added) return Unexpected(added.error());
    recorded = *added;
    Changes c;
    c.audit.push_back({0, actor.at, actor.user, "write_off.recorded", "client:" + d.client.value,
                       recorded + ": " + d.amount.ToDecimalString() + " EUR decided " +
                           d.decided_on.ToString() + ": " + d.reason});
    return c;
  });
  if (!applied) return Unexpected(applied.error());
  return recorded;
}

Result<int64_t, Error> RequestWriteOff(Store& store, const ClientId& client, Money amount,
                                       const std::string& reason, const Actor& actor) {
  if (auto s = NeedReason(reason, "a write-off request"); !s) return Unexpected(s.error());
  if (!amount.IsPositive()) {
    return Fail(ErrorCode::kBadInput, "amount: must be more than 0.00; nothing was recorded");
  }
  int64_t id = 0;
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto user = RequireAction(store, actor.user, Action::kRequestWriteOff);
    if (!user) return Unexpected(user.error());
    if (auto fits = CheckFits(store, client, amount, DayOf(actor), 0); !fits) {
      return Unexpected(fits.error());
    }
    auto added = store.AddWriteOffRequest({.client = client,
                                           .amount = amount,
                                           .reason = reason,
                                           .requested_by = actor.user,
                                           .requested_at = actor.at});
    if (!added) return Unexpected(added.error());
    id = *added;
    Changes c;
    c.audit.push_back(
        {0, actor.at, actor.user, "write_off.requested", "client:" + client.value,
         "request " + std::to_string(id) + ": " + amount.ToDecimalString() + " EUR: " + reason});
    return c;
  });
  if (!applied) return Unexpected(applied.error());
  return id;
}

Result<WriteOffRequest, Error> DecideWriteOff(Store& store, const WriteOffVerdict& v,
                                              const Actor& actor) {
  if (!v.approve) {
    if (auto s = NeedReason(v.note, "a rejection"); !s) return Unexpected(s.error());
  }
  WriteOffRequest decided;
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto user = RequireAction(store, actor.user, Action::kRecordWriteOff);
    if (!user) return Unexpected(user.error());
    auto requests = store.WriteOffRequests(v.client);
    if (!requests) return Unexpected(requests.error());
    const auto it = std::find_if(requests->begin(), requests->end(),
                                 [&](const WriteOffRequest& q) { return q.id == v.request; });
    if (it == requests->end()) {
      return Fail(ErrorCode::kBadInput, "request: client " + v.client.value +
                                            " has no write-off request " +
                                            std::to_string(v.request) + "; nothing changed");
    }
    if (!it->decision.empty()) {
      return Fail(ErrorCode::kConflict, "request " + std::to_string(v.request) + " was " +
                                            it->decision + " by " + it->decided_by + " at " +
                                            it->decided_at + "; nothing changed");
    }
    if (it->requested_by == actor.user) {
      return Fail(ErrorCode::kRefused, "request " + std::to_string(v.request) +
                                           ": you asked for it; another person decides (four "
                                           "eyes); nothing changed");
    }
    decided = *it;
    decided.decision = v.approve ? "approved" : "rejected";
    decided.decided_by = actor.user;
    decided.decided_at = actor.at;
    decided.note = v.note;
    if (v.approve) {
      const Date day = DayOf(actor);
      if (auto fits = CheckFits(store, v.client, it->amount, day, it->id); !fits) {
        return Unexpected(fits.error());
      }
      auto added = store.AddWriteOff(
          {"", v.client, it->amount, it->reason + " (asked by " + it->requested_by + ")",
           actor.user, day, std::nullopt},
          actor.at);
      if (!added) return Unexpected(added.error());
      decided.write_off = *added;
    }
    if (auto s = store.AddWriteOffDecision(decided); !s) return Unexpected(s.error());
    Changes c;
    c.audit.push_back({0, actor.at, actor.user, "write_off." + decided.decision,
                       "client:" + v.client.value,
                       "request " + std::to_string(v.request) + " (" +
                           it->amount.ToDecimalString() + " EUR, asked by " + it->requested_by +
                           ")" + (decided.write_off.empty() ? "" : " -> " + decided.write_off) +
                           (v.note.empty() ? "" : ": " + v.note)});
    return c;
  });
  if (!applied) return Unexpected(applied.error());
  return decided;
}

}  // namespace ontzorg
