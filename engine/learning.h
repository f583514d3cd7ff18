// Learning toward financial self-reliance, and the guided hand-over of bills (begeleid loslaten).
//
// A competence model (data, from config) names the areas (Nibud's five) and the practical skills
// per bill kind, with levels 0 (not yet) to max_level (independently). A coach records
// assessments. Each bill moves, by the coach's decision, from "paid for the client" through
// "practising" (the client prepares the payment with the coach; we still pay) and "safety net"
// (the client pays; the coach confirms; a miss moves it back) to "the client pays alone". A
// statutory plan keeps every bill paid for the client until month six has ended; a maatwerk plan
// may move earlier, with a reason. Every month the engine derives a checkpoint: the month within
// the relief, progress and trend per area, readiness per bill, the stage, whether progress
// stalled, and one recommended next step.
#ifndef ONTZORG_ENGINE_LEARNING_H_
#define ONTZORG_ENGINE_LEARNING_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/date.h"
#include "engine/relief.h"
#include "engine/result.h"

namespace ontzorg {

struct CompetenceModel {
  std::vector<std::string> areas;  // ids, e.g. "overview"
  struct Skill {
    std::string id;                    // e.g. "pays_on_time"
    std::vector<BillKind> applies_to;  // the bill kinds it is assessed for
  };
  std::vector<Skill> skills;
  int max_level = 3;
  // Readiness (the lowest skill level of a bill) needed for each hand-over step.
  int practise_from = 1;
  int safety_net_from = 2;
  int alone_from = 3;
  int confirmed_months_before_alone = 2;  // months confirmed paid under the safety net
  int stalled_after_months = 2;           // no progress for this long: stalled
  int reassess_after_months = 2;          // the latest assessment is this old: assess again
  // The order bills are handed over in: the least harmful to miss first, rent last.
  std::vector<BillKind> hand_over_order = {BillKind::kWater, BillKind::kEnergy,
                                           BillKind::kHealthInsurance, BillKind::kRent};
};

// "rent.pays_on_time": the level key of a skill for a bill kind.
std::string SkillKey(BillKind kind, const std::string& skill);
// Every level key the model knows: its areas and each skill's key for each bill kind it applies
// to (an import checks each assessed key against them).
std::set<std::string, std::less<>> LevelKeys(const CompetenceModel& model);

// An assessment's levels (area id or SkillKey -> level 0-9), kept as they are stored: one text
// "overview=2;rent.pays_on_time=1" in key order, read by key. A month reads every assessment of
// every client and looks at two or three per client; one string per assessment instead of a map
// node and a string per key (17 keys) took a sixth off the run (docs/speed.md).
class Levels {
 public:
  Levels() = default;
  Levels(std::initializer_list<std::pair<const std::string, int>> levels);
  explicit Levels(const std::map<std::string, int>& levels);

  // The levels of `text` (each "key=digit", ';' separated, any order, the last of a repeated
  // key counts); nullopt when an item is malformed.
  static std::optional<Levels> Parse(std::string_view text);

  // The level of `key`; 0 when it was not assessed.
  int Get(std::string_view key) const;
  // Each key with its level, in key order.
  std::vector<std::pair<std::string_view, int>> Items() const;
  // "overview=2;rent.pays_on_time=1": the levels in key order (the stored form).
  const std::string& Encoded() const { return text_; }

  bool operator==(const Levels& other) const { return text_ == other.text_; }

 private:
  std::string text_;
};

struct Assessment {
  std::string id;
  ClientId client;
  Date on;
  std::string by;
  std::string note;
  Levels levels;
};

enum class HandOver {
  kPaidForClient,  // the municipality pays (ontzorgd)
  kPractising,     // the client prepares the payment with the coach; the municipality pays
  kSafetyNet,      // the client pays; the coach confirms each month; a miss moves it back
  kClientAlone,    // the client pays alone
};
constexpr int kHandOverCount = 4;
// "paid_for_client", "practising", "safety_net", "client_alone"
const char* ToString(HandOver state);
std::optional<HandOver> ParseHandOver(std::string_view text);
// Whether the client pays the bill (the run leaves it out and adds its money to the leefgeld).
inline bool ClientPays(HandOver state) {
  return state == HandOver::kSafetyNet || state == HandOver::kClientAlone;
}

struct HandOverDecision {
  std::string id;
  ClientId client;
  BillId bill;
  HandOver state = HandOver::kPaidForClient;
  YearMonth from;  // the first month the state applies to
  std::string reason;
  std::string by;
  Date decided_on;
};

// The coach's confirmation, under the safety net, that the client paid the bill for a month.
struct PaymentConfirmation {
  ClientId client;
  BillId bill;
  YearMonth period;
  bool paid = true;
  std::string by;
  Date on;
};

enum class HandOverError {
  kStatutoryBeforeMonthSix,  // art. 56a Pw: all bills paid for the client for six months
  kWithoutReason,            // a maatwerk hand-over needs the coach's reason
  kBillNotInPlan,            // the plan does not pay this bill for the client
};
const char* Describe(HandOverError error);
// Whether `state` may apply to `bill` from `from` under `plan`.
Status<HandOverError> CheckHandOver(const ReliefPlan& plan, const Bill& bill, HandOver state,
                                    YearMonth from, const std::string& reason);

// The last month of the statutory six: no bill leaves "paid for the client" up to it.
YearMonth MonthSix(const ReliefPlan& plan);

struct BillState {
  BillId bill;
  BillKind kind = BillKind::kRent;
  HandOver state = HandOver::kPaidForClient;
  std::optional<YearMonth> missed;  // the client missed this month under the safety net
  int months_confirmed = 0;         // consecutive confirmed months up to the month before
};
// The hand-over state of each of the plan's bills in `month`: the latest decision from on or
// before it, unless a later miss moved the bill back. A statutory plan's bills stay paid for the
// client up to month six whatever was recorded.
std::vector<BillState> HandOverStates(const ReliefPlan& plan, const std::vector<Bill>& bills,
                                      const std::vector<HandOverDecision>& decisions,
                                      const std::vector<PaymentConfirmation>& confirmations,
                                      YearMonth month);

enum class NextStep {
  kAssess,           // no (recent) assessment: record one
  kLearnSkill,       // work on the weakest skill of the next bill
  kWaitForMonthSix,  // ready to practise, but a statutory plan pays until month six ends
  kStartPractising,  // go through the next bill's payment together
  kStartSafetyNet,   // let the client pay the next bill, with confirmation
  kLetGo,            // the client pays the next bill alone
  kWorkOnArea,       // all bills handed over: work on the weakest area
  kSelfReliant,      // nothing left to learn here
};
constexpr int kNextStepCount = 8;
const char* ToString(NextStep step);  // "assess", "learn_skill", ...

struct AreaProgress {
  std::string area;
  int level = 0;
  int previous = 0;  // at the assessment before
  int trend = 0;     // -1, 0, +1
};

struct BillReadiness {
  BillId bill;
  BillKind kind = BillKind::kRent;
  HandOver state = HandOver::kPaidForClient;
  int readiness = 0;          // the lowest level of the bill's skills
  std::string weakest_skill;  // the skill at that level
};

enum class Stage { kPaidForClient, kPractising, kHandingOver, kSelfReliant };
const char* ToString(
    Stage stage);  // "paid_for_client", "practising", "handing_over", "self_reliant"

struct Checkpoint {
  ClientId client;
  YearMonth month;
  int relief_month = 0;   // 1-based month within the relief period
  int relief_months = 0;  // months in the whole relief period
  std::optional<Date> assessed_on;
  std::vector<AreaProgress> areas;
  std::vector<BillReadiness> bills;
  int progress_percent = 0;  // all levels as a share of the maximum
  Stage stage = Stage::kPaidForClient;
  bool stalled = false;
  NextStep next = NextStep::kAssess;
  std::string next_subject;  // the bill id, area id or skill key the step is about
};

// The checkpoint for `month`, from the assessments recorded on or before `known_on` (the run
// date: a run for March, made in February, sees February's assessment).
Checkpoint DeriveCheckpoint(const CompetenceModel& model, const ReliefPlan& plan,
                            const ClientId& client, const std::vector<BillState>& states,
                            const std::vector<Assessment>& assessments, YearMonth month,
                            Date known_on);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_LEARNING_H_
