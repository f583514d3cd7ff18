#include "engine/learning.h"

#include <algorithm>
#include <functional>
#include <tuple>

#include "engine/enum_count.h"

namespace ontzorg {
namespace {

struct Event {
  YearMonth from;
  Date on;
  std::string order;  // decision id, or "~" for a miss (after decisions of the same day)
  HandOver state;
  std::optional<YearMonth> missed;
};

const Assessment* LatestOnOrBefore(const std::vector<Assessment>& assessments, Date day,
                                   const Assessment* before = nullptr) {
  const Assessment* best = nullptr;
  for (const Assessment& a : assessments) {
    if (a.on > day || &a == before) continue;
    if (before != nullptr && std::tie(a.on, a.id) >= std::tie(before->on, before->id)) continue;
    if (best == nullptr || std::tie(a.on, a.id) > std::tie(best->on, best->id)) best = &a;
  }
  return best;
}

int Level(const Assessment* a, const std::string& key) {
  return a == nullptr ? 0 : a->levels.Get(key);
}

// Every level key the model assesses for these bill kinds: the areas, then the skills.
std::vector<std::string> Keys(const CompetenceModel& model, const std::vector<BillKind>& kinds) {
  std::vector<std::string> keys = model.areas;
  for (const BillKind kind : kinds) {
    for (const auto& skill : model.skills) {
      if (std::find(skill.applies_to.begin(), skill.applies_to.end(), kind) !=
          skill.applies_to.end()) {
        keys.push_back(SkillKey(kind, skill.id));
      }
    }
  }
  return keys;
}

int Total(const Assessment* a, const std::vector<std::string>& keys) {
  int total = 0;
  for (const std::string& k : keys) total += Level(a, k);
  return total;
}

}  // namespace

namespace {

// Calls `each(key, level)` for every "key=level" item of stored levels (well-formed: Parse
// checked them) until it returns false.
template <typename Each>
void ForEachLevel(std::string_view text, Each&& each) {
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(start, end - start);
    const size_t eq = item.find('=');
    int level = 0;
    for (const char ch : item.substr(eq + 1)) level = level * 10 + (ch - '0');
    if (!each(item.substr(0, eq), level)) return;
    start = end + 1;
  }
}

}  // namespace

Levels::Levels(std::initializer_list<std::pair<const std::string, int>> levels)
    : Levels(std::map<std::string, int>(levels)) {}

Levels::Levels(const std::map<std::string, int>& levels) {
  for (const auto& [key, level] : levels) {
    text_ += (text_.empty() ? "" : ";") + key + "=" + std::to_string(level);
  }
}

std::optional<Levels> Levels::Parse(std::string_view text) {
  std::string_view previous;
  bool in_order = true;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(start, end - start);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 2 != item.size() || item[eq + 1] < '0' ||
        item[eq + 1] > '9') {
      return std::nullopt;
    }
    const std::string_view key = item.substr(0, eq);
    in_order = in_order && (previous.empty() || previous < key);
    previous = key;
    start = end + 1;
  }
  Levels out;
  if (in_order && (text.empty() || text.back() != ';')) {
    out.text_ = std::string(text);  // as stored, in key order: one copy
    return out;
  }
  // Another order (a coach's file lists them in the model's order): sorted by key, the last of
  // a repeated key kept.
  std::vector<std::pair<std::string_view, int>> items;
  ForEachLevel(text, [&](std::string_view key, int level) {
    items.emplace_back(key, level);
    return true;
  });
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out.text_.reserve(text.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (i + 1 < items.size() && items[i + 1].first == items[i].first) continue;
    if (!out.text_.empty()) out.text_ += ';';
    out.text_.append(items[i].first).append("=").append(std::to_string(items[i].second));
  }
  return out;
}

std::vector<std::pair<std::string_view, int>> Levels::Items() const {
  std::vector<std::pair<std::string_view, int>> out;
  ForEachLevel(text_, [&](std::string_view key, int level) {
    out.emplace_back(key, level);
    return true;
  });
  return out;
}

int Levels::Get(std::string_view key) const {
  if (key.empty()) return 0;
  // The key where an item starts ("key=" at the start or after ';'): one pass of find.
  for (size_t at = text_.find(key); at != std::string::npos; at = text_.find(key, at + 1)) {
    const size_t eq = at + key.size();
    if ((at == 0 || text_[at - 1] == ';') && eq < text_.size() && text_[eq] == '=') {
      int level = 0;
      for (size_t i = eq + 1; i < text_.size() && text_[i] != ';'; ++i) {
        level = level * 10 + (text_[i] - '0');
      }
      return level;
    }
  }
  return 0;
}

std::string SkillKey(BillKind kind, const std::string& skill) {
  return std::string(ToString(kind)) + "." + skill;
}

std::set<std::string, std::less<>> LevelKeys(const CompetenceModel& model) {
  std::set<std::string, std::less<>> keys(model.areas.begin(), model.areas.end());
  for (const auto& skill : model.skills) {
    for (const BillKind kind : skill.applies_to) keys.insert(SkillKey(kind, skill.id));
  }
  return keys;
}

namespace {
constexpr const char* HandOverName(HandOver state) {
  switch (state) {
    case HandOver::kPaidForClient: return "paid_for_client";
    case HandOver::kPractising: return "practising";
    case HandOver::kSafetyNet: return "safety_net";
    case HandOver::kClientAlone: return "client_alone";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(HandOverName, kHandOverCount));
}  // namespace

const char* ToString(HandOver state) { return HandOverName(state); }

std::optional<HandOver> ParseHandOver(std::string_view text) {
  for (int i = 0; i < kHandOverCount; ++i) {
    const auto state = static_cast<HandOver>(i);
    if (text == ToString(state)) return state;
  }
  return std::nullopt;
}

const char* Describe(HandOverError error) {
  switch (error) {
    case HandOverError::kStatutoryBeforeMonthSix:
      return "a statutory plan pays every bill for the client until month six has ended (art. "
             "56a Participatiewet); choose a month after it, or a maatwerk plan";
    case HandOverError::kWithoutReason: return "a hand-over needs the coach's reason";
    case HandOverError::kBillNotInPlan:
      return "the plan does not pay this bill for the client, so there is nothing to hand over";
  }
  return "?";
}

YearMonth MonthSix(const ReliefPlan& plan) {
  return YearMonth::Of(StatutoryLastDay(plan.benefit_start));
}

Status<HandOverError> CheckHandOver(const ReliefPlan& plan, const Bill& bill, HandOver state,
                                    YearMonth from, const std::string& reason) {
  if (!Covers(plan, bill.kind)) return Unexpected(HandOverError::kBillNotInPlan);
  if (state == HandOver::kPaidForClient) return {};
  if (plan.kind == PlanKind::kStatutory && from <= MonthSix(plan)) {
    return Unexpected(HandOverError::kStatutoryBeforeMonthSix);
  }
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    return Unexpected(HandOverError::kWithoutReason);
  }
  return {};
}

std::vector<BillState> HandOverStates(const ReliefPlan& plan, const std::vector<Bill>& bills,
                                      const std::vector<HandOverDecision>& decisions,
                                      const std::vector<PaymentConfirmation>& confirmations,
                                      YearMonth month) {
  std::vector<BillState> out;
  for (const Bill& bill : bills) {
    if (!Covers(plan, bill.kind)) continue;
    std::vector<Event> events;
    for (const HandOverDecision& d : decisions) {
      if (d.bill == bill.id && d.from <= month) {
        events.push_back({d.from, d.decided_on, d.id, d.state, std::nullopt});
      }
    }
    for (const PaymentConfirmation& c : confirmations) {
      if (c.bill == bill.id && !c.paid && c.period.AddMonths(1) <= month) {
        events.push_back({c.period.AddMonths(1), c.on, "~", HandOver::kPaidForClient, c.period});
      }
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      return std::tie(a.from, a.on, a.order) < std::tie(b.from, b.on, b.order);
    });
    BillState s{bill.id, bill.kind, HandOver::kPaidForClient, std::nullopt, 0};
    if (!events.empty()) {
      s.state = events.back().state;
      // Signal a miss once: in the month right after it.
      if (events.back().missed && events.back().missed->AddMonths(1) == month) {
        s.missed = events.back().missed;
      }
    }
    // Art. 56a Pw: whatever was recorded, a statutory plan pays until month six has ended.
    if (plan.kind == PlanKind::kStatutory && month <= MonthSix(plan)) {
      s.state = HandOver::kPaidForClient;
    }
    for (YearMonth m = month.AddMonths(-1);; m = m.AddMonths(-1)) {
      const auto confirmed = std::find_if(confirmations.begin(), confirmations.end(),
                                          [&](const PaymentConfirmation& c) {
                                            return c.bill == bill.id && c.period == m && c.paid;
                                          });
      if (confirmed == confirmations.end()) break;
      ++s.months_confirmed;
    }
    out.push_back(s);
  }
  return out;
}

namespace {
constexpr const char* NextStepName(NextStep step) {
  switch (step) {
    case NextStep::kAssess: return "assess";
    case NextStep::kLearnSkill: return "learn_skill";
    case NextStep::kWaitForMonthSix: return "wait_for_month_six";
    case NextStep::kStartPractising: return "start_practising";
    case NextStep::kStartSafetyNet: return "start_safety_net";
    case NextStep::kLetGo: return "let_go";
    case NextStep::kWorkOnArea: return "work_on_area";
    case NextStep::kSelfReliant: return "self_reliant";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(NextStepName, kNextStepCount));
}  // namespace

const char* ToString(NextStep step) { return NextStepName(step); }

const char* ToString(Stage stage) {
  switch (stage) {
    case Stage::kPaidForClient: return "paid_for_client";
    case Stage::kPractising: return "practising";
    case Stage::kHandingOver: return "handing_over";
    case Stage::kSelfReliant: return "self_reliant";
  }
  return "?";
}

// Over 70 lines (125): the checkpoint's parts in order; split when next changed.
// NOLINTNEXTLINE(readability-function-size)
Checkpoint DeriveCheckpoint(const CompetenceModel& model, const ReliefPlan& plan,
                            const ClientId& client, const std::vector<BillState>& states,
                            const std::vector<Assessment>& assessments, YearMonth month,
                            Date known_on) {
  Checkpoint cp;
  cp.client = client;
  cp.month = month;
  const ReliefPeriod period = ComputePeriod(plan);
  cp.relief_month = month.MonthsSince(YearMonth::Of(period.first)) + 1;
  cp.relief_months = YearMonth::Of(period.last).MonthsSince(YearMonth::Of(period.first)) + 1;
  const Assessment* latest = LatestOnOrBefore(assessments, known_on);
  const Assessment* previous = latest ? LatestOnOrBefore(assessments, latest->on, latest) : nullptr;
  if (latest) cp.assessed_on = latest->on;

  for (const std::string& area : model.areas) {
    const int now = Level(latest, area), before = Level(previous, area);
    cp.areas.push_back({area, now, before, now > before ? 1 : now < before ? -1 : 0});
  }
  std::vector<BillKind> kinds;
  for (const BillState& s : states) {
    BillReadiness r{s.bill, s.kind, s.state, model.max_level, ""};
    for (const auto& skill : model.skills) {
      if (std::find(skill.applies_to.begin(), skill.applies_to.end(), s.kind) ==
          skill.applies_to.end()) {
        continue;
      }
      const int level = Level(latest, SkillKey(s.kind, skill.id));
      if (r.weakest_skill.empty() || level < r.readiness) {
        r.readiness = level;
        r.weakest_skill = skill.id;
      }
    }
    cp.bills.push_back(r);
    if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) kinds.push_back(s.kind);
  }
  const std::vector<std::string> keys = Keys(model, kinds);
  if (!keys.empty() && model.max_level > 0) {
    cp.progress_percent =
        Total(latest, keys) * 100 / (static_cast<int>(keys.size()) * model.max_level);
  }

  // The stage: how far the bills have moved.
  bool all_alone = !states.empty(), any_client_pays = false, any_practising = false;
  for (const BillState& s : states) {
    all_alone = all_alone && s.state == HandOver::kClientAlone;
    any_client_pays = any_client_pays || ClientPays(s.state);
    any_practising = any_practising || s.state == HandOver::kPractising;
  }
  cp.stage = all_alone         ? Stage::kSelfReliant
             : any_client_pays ? Stage::kHandingOver
             : any_practising  ? Stage::kPractising
                               : Stage::kPaidForClient;

  // Stalled: no assessment yet after the first months, or no higher total than
  // stalled_after_months before.
  if (latest == nullptr) {
    cp.stalled = cp.relief_month > model.stalled_after_months;
  } else {
    const Date base_day = latest->on.AddMonthsClamped(-model.stalled_after_months);
    const Assessment* base = LatestOnOrBefore(assessments, base_day);
    // Not stalled once everything is at the top level or every bill is handed over.
    cp.stalled = base != nullptr && Total(latest, keys) <= Total(base, keys) && !all_alone &&
                 cp.progress_percent < 100;
  }

  // One next step, for the first bill in hand-over order that can move.
  const Date stale = known_on.AddMonthsClamped(-model.reassess_after_months);
  if (latest == nullptr || latest->on < stale) {
    cp.next = NextStep::kAssess;
    return cp;
  }
  const bool statutory_wait = plan.kind == PlanKind::kStatutory && month < MonthSix(plan);
  for (const BillKind kind : model.hand_over_order) {
    for (size_t i = 0; i < cp.bills.size(); ++i) {
      const BillReadiness& b = cp.bills[i];
      if (b.kind != kind) continue;
      const auto step = [&](NextStep next, std::string subject) {
        cp.next = next;
        cp.next_subject = std::move(subject);
      };
      const std::string weakest = SkillKey(b.kind, b.weakest_skill);
      switch (b.state) {
        case HandOver::kPaidForClient:
          if (b.readiness < model.practise_from) {
            step(NextStep::kLearnSkill, weakest);
          } else {
            step(statutory_wait ? NextStep::kWaitForMonthSix : NextStep::kStartPractising,
                 b.bill.value);
          }
          return cp;
        case HandOver::kPractising:
          if (b.readiness < model.safety_net_from) {
            step(NextStep::kLearnSkill, weakest);
          } else {
            step(NextStep::kStartSafetyNet, b.bill.value);
          }
          return cp;
        case HandOver::kSafetyNet:
          if (b.readiness < model.alone_from) {
            step(NextStep::kLearnSkill, weakest);
            return cp;
          }
          if (states[i].months_confirmed >= model.confirmed_months_before_alone) {
            step(NextStep::kLetGo, b.bill.value);
            return cp;
          }
          break;  // keep confirming; the next bill may move meanwhile
        case HandOver::kClientAlone: break;
      }
    }
  }
  const AreaProgress* weakest_area = nullptr;
  for (const AreaProgress& a : cp.areas) {
    if (a.level < model.max_level && (weakest_area == nullptr || a.level < weakest_area->level)) {
      weakest_area = &a;
    }
  }
  if (weakest_area != nullptr) {
    cp.next = NextStep::kWorkOnArea;
    cp.next_subject = weakest_area->area;
  } else {
    cp.next = all_alone ? NextStep::kSelfReliant : NextStep::kWorkOnArea;
  }
  return cp;
}

}  // namespace ontzorg
