#include "adapters/cli/learning_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iomanip>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "adapters/app/overview.h"
#include "adapters/statement/client_texts.h"
#include "adapters/system/files.h"
#include "engine/learning.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

struct Cohort {
  std::vector<ClientCase> cases;  // clients in relief in the month
};

// The month to look at: given, else the latest run's month, else this month.
Result<YearMonth, Error> PickMonth(Store& store, const std::string& text) {
  if (!text.empty()) {
    const auto m = YearMonth::Parse(text);
    if (!m) return Fail(ErrorCode::kBadInput, "--month '" + text + "': " + Describe(m.error()));
    return *m;
  }
  auto latest = store.LatestRun();
  if (!latest) return Unexpected(latest.error());
  return *latest ? (*latest)->month : YearMonth::Of(Today());
}

Result<Cohort, Error> InRelief(Store& store, YearMonth month) {
  Cohort out;
  auto all = store.ForEachCase(month, 1000, [&](ClientCase& c) -> Status<Error> {
    if (ComputePeriod(c.plan).Overlaps(month)) out.cases.push_back(std::move(c));
    return {};
  });
  if (!all) return Unexpected(all.error());
  return out;
}

// "2 grotendeels zelf / mostly alone": the level's names from the Dutch and English texts.
std::string LevelName(int level, const Result<ClientTexts, Error>& nl,
                      const Result<ClientTexts, Error>& en) {
  const std::string key = "levels." + std::to_string(level);
  std::string name = std::to_string(level);
  if (nl && en) name += " " + nl->Get(key, "") + " / " + en->Get(key, "");
  return name;
}

}  // namespace

int GroupsCommand(const Globals& g, const std::string& month_text, const std::string& area,
                  Output output) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  const CompetenceModel& model = opened->config.competences;
  if (!area.empty() &&
      std::find(model.areas.begin(), model.areas.end(), area) == model.areas.end()) {
    std::string known;
    for (const std::string& a : model.areas) known += (known.empty() ? "" : ", ") + a;
    std::cerr << "ontzorg: --area '" << area << "' is not an area of the competence model; "
              << "choose one of " << known << "\n";
    return ExitCodeFor(ErrorCode::kBadInput);
  }
  auto month = PickMonth(*opened->store, month_text);
  if (!month) return Report(month.error());
  auto cohort = InRelief(*opened->store, *month);
  if (!cohort) return Report(cohort.error());
  auto nl = LoadClientTexts(opened->config.texts_dir, "nl");
  auto en = LoadClientTexts(opened->config.texts_dir, "en");
  // area -> level (-1: never assessed) -> clients
  std::map<std::string, std::map<int, std::vector<const ClientCase*>>> groups;
  for (const ClientCase& c : cohort->cases) {
    const Checkpoint cp = CheckpointOf(model, c, *month);
    for (const AreaProgress& a : cp.areas) {
      if (!area.empty() && a.area != area) continue;
      groups[a.area][cp.assessed_on ? a.level : -1].push_back(&c);
    }
  }
  if (output == Output::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const std::string& a : model.areas) {
      if (!groups.count(a)) continue;
      nlohmann::json levels = nlohmann::json::array();
      for (const auto& [level, clients] : groups[a]) {
        nlohmann::json ids = nlohmann::json::array();
        for (const ClientCase* c : clients) {
          ids.push_back({{"client", c->client.id.value}, {"name", c->client.name}});
        }
        levels.push_back({{"level", level < 0 ? nlohmann::json(nullptr) : nlohmann::json(level)},
                          {"clients", ids}});
      }
      out.push_back({{"area", a}, {"levels", levels}});
    }
    std::cout << nlohmann::json{{"month", month->ToString()}, {"areas", out}}.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Trainingsgroepen / training groups, " << month->ToString() << ": "
            << cohort->cases.size()
            << " clients in relief, by level per area (latest assessment)\n";
  for (const std::string& a : model.areas) {
    if (!groups.count(a)) continue;
    std::cout << "\n" << a;
    if (nl && en) {
      std::cout << ": " << nl->Get("areas." + a, a) << " / " << en->Get("areas." + a, a);
    }
    std::cout << "\n";
    for (const auto& [level, clients] : groups[a]) {
      std::cout << "  " << std::left << std::setw(34)
                << (level < 0 ? "nooit beoordeeld / never assessed" : LevelName(level, nl, en))
                << std::right << clients.size() << ":";
      for (const ClientCase* c : clients) std::cout << " " << c->client.id.value;
      std::cout << "\n";
    }
  }
  return kExitOk;
}

namespace {
// A record id from the clock: "A20261123T101500" (one a second per kind is plenty by hand).
std::string TodayText(const std::string& given) {
  return given.empty() ? Today().ToString() : given;
}
}  // namespace

int AssessCommand(const Globals& g, const AssessOptions& o) {
  auto added = RecordRow(g, "assessments.csv", "assessment",
                         {{"client_id", o.client},
                          {"assessed_on", TodayText(o.on)},
                          {"assessed_by", g.user},
                          {"note", o.note},
                          {"levels", o.levels}},
                         'A');
  if (!added) return Report(added.error());
  std::cout << "beoordeling / assessment recorded for client " << o.client << " by " << g.user
            << "; the next run's checkpoint uses it\n";
  return kExitOk;
}

int HandOverCommand(const Globals& g, const HandOverOptions& o) {
  auto added = RecordRow(g, "handovers.csv", "hand-over",
                         {{"client_id", o.client},
                          {"bill_id", o.bill},
                          {"state", o.state},
                          {"from", o.from},
                          {"reason", o.reason},
                          {"decided_by", g.user},
                          {"decided_on", TodayText(o.decided_on)}},
                         'H');
  if (!added) return Report(added.error());
  std::cout << "overdracht / hand-over recorded: bill " << o.bill << " of client " << o.client
            << " is " << o.state << " from " << o.from << "\n";
  return kExitOk;
}

int ConfirmCommand(const Globals& g, const ConfirmOptions& o) {
  auto added = RecordRow(g, "confirmations.csv", "confirmation",
                         {{"client_id", o.client},
                          {"bill_id", o.bill},
                          {"period", o.period},
                          {"paid", o.paid},
                          {"confirmed_by", g.user},
                          {"confirmed_on", TodayText(o.on)}});
  if (!added) return Report(added.error());
  std::cout << "bevestiging / confirmation recorded: bill " << o.bill << " for " << o.period
            << (o.paid == "no" ? ": MISSED; the next run pays it for the client again and signals"
                               : ": paid by the client")
            << "\n";
  return kExitOk;
}

int LearningReportCommand(const Globals& g, const std::string& month_text) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  const CompetenceModel& model = opened->config.competences;
  auto month = PickMonth(*opened->store, month_text);
  if (!month) return Report(month.error());
  auto cohort = InRelief(*opened->store, *month);
  if (!cohort) return Report(cohort.error());
  std::map<std::string, int> per_stage;
  std::map<int, std::pair<int, int>> handed_over;  // relief month -> (client pays, all bills)
  std::vector<std::pair<std::string, int>> self_reliant;  // client, relief month reached
  std::vector<const ClientCase*> stalled;
  for (const ClientCase& c : cohort->cases) {
    const Checkpoint now = CheckpointOf(model, c, *month);
    per_stage[ToString(now.stage)]++;
    if (now.stalled) stalled.push_back(&c);
    const YearMonth first = YearMonth::Of(ComputePeriod(c.plan).first);
    std::optional<int> reached;
    for (YearMonth m = first; m <= *month; m = m.AddMonths(1)) {
      const int k = m.MonthsSince(first) + 1;
      const auto states = HandOverStates(c.plan, c.bills, c.hand_overs, c.confirmations, m);
      bool all_alone = !states.empty();
      for (const BillState& s : states) {
        handed_over[k].first += ClientPays(s.state);
        handed_over[k].second += 1;
        all_alone = all_alone && s.state == HandOver::kClientAlone;
      }
      if (all_alone && !reached) reached = k;
    }
    if (reached) self_reliant.emplace_back(c.client.id.value, *reached);
  }
  std::cout << "Leervoortgang gemeente / municipality learning report, " << month->ToString()
            << ": " << cohort->cases.size() << " clients in relief\n\n"
            << "Clienten per fase / clients per stage:\n";
  for (int i = 0; i < 4; ++i) {
    const char* stage = ToString(static_cast<Stage>(i));
    std::cout << "  " << std::left << std::setw(18) << stage << std::right << std::setw(6)
              << (per_stage.count(stage) ? per_stage[stage] : 0) << "\n";
  }
  std::cout << "\nRekeningen overgedragen per maand van ontzorgen / bills the client pays, by "
               "month of relief:\n";
  for (const auto& [k, counts] : handed_over) {
    std::cout << "  month " << std::setw(2) << k << ": " << std::setw(5) << counts.first << " of "
              << counts.second << " bills\n";
  }
  std::cout << "\nMaanden tot zelfredzaam / months to self-reliance (every bill paid alone): ";
  if (self_reliant.empty()) {
    std::cout << "nobody yet\n";
  } else {
    int total = 0;
    for (const auto& [client, k] : self_reliant) total += k;
    std::cout << self_reliant.size() << " clients, on average month " << std::fixed
              << std::setprecision(1)
              << static_cast<double>(total) / static_cast<double>(self_reliant.size()) << "\n";
    for (const auto& [client, k] : self_reliant)
      std::cout << "  " << client << ": month " << k << "\n";
  }
  std::cout << "\nVoortgang stokt / progress stalled (" << stalled.size() << "):";
  for (const ClientCase* c : stalled) std::cout << " " << c->client.id.value;
  std::cout << "\n";
  return kExitOk;
}

int OverviewCommand(const Globals& g, const std::string& client, const std::string& month_text) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  Store& store = *opened->store;
  auto found = store.FindClient(ClientId{client});
  if (!found) return Report(found.error());
  if (!*found) {
    return Report(Error{ErrorCode::kBadInput,
                        "--client '" + client + "': no such client; check the client number"});
  }
  if (auto seen = RecordView(g, store, client, "ontzorg overview"); !seen) {
    return Report(seen.error());
  }
  auto latest = store.LatestRun();
  if (!latest) return Report(latest.error());
  YearMonth month = *latest ? (*latest)->month : YearMonth::Of(Today());
  if (!month_text.empty()) {
    const auto m = ParseFlag<YearMonth>("--month", month_text);
    if (!m) return ExitCodeFor(ErrorCode::kBadInput);
    month = *m;
  }
  auto v = LoadOverview(store, opened->config, **found, month);
  if (!v) return Report(v.error());
  std::ostream& out = std::cout;
  const auto euro = [](Money m) { return FormatEuros(m); };
  out << "Client / client " << v->client.id.value << " " << v->client.name << " ("
      << (v->coach.empty() ? std::string("geen coach / no coach") : "coach " + v->coach) << "), "
      << month.ToString() << "\n";
  if (!v->has_case) {
    out << "  geen plan voor deze maand / no plan for this month\n";
  } else {
    const Checkpoint& cp = v->checkpoint;
    out << "  maand / month              " << cp.relief_month << " van/of " << cp.relief_months
        << (v->in_relief ? "" : " (niet in ontzorging / not in relief)") << "\n"
        << "  fase / stage               " << ToString(cp.stage) << ", " << cp.progress_percent
        << "%" << (cp.stalled ? " (stilgevallen / stalled)" : "") << "\n"
        << "  volgende stap / next step  " << ToString(cp.next)
        << (cp.next_subject.empty() ? "" : " " + cp.next_subject) << "\n"
        << "  saldo / balance            " << euro(v->balance) << "\n"
        << "  gereserveerd / reserved    " << euro(v->reserved) << "\n"
        << "  krediet / credit           " << euro(v->credit_outstanding) << "\n";
    for (const BillReadiness& b : cp.bills) {
      out << "  rekening / bill            " << b.bill.value << " " << ToString(b.kind) << " "
          << ToString(b.state) << ", niveau / level " << b.readiness << "\n";
    }
  }
  out << "  open signalen / signals    " << v->open_signals;
  for (size_t i = 0; i < v->signal_codes.size(); ++i) {
    out << (i == 0 ? " (" : ", ") << v->signal_codes[i];
  }
  out << (v->signal_codes.empty() ? "" : ")") << "\n";
  return 0;
}

void AddLearningCommands(CLI::App& app, const Globals& g, CommandTable* table) {
  struct OverviewFlags {
    std::string client, month;
  };
  auto ov = std::make_shared<OverviewFlags>();
  auto* overview = app.add_subcommand(
      "overview",
      "one client at a glance: month of the relief, stage and next step, saldo, reserved money, "
      "credit, open signals (as the web app's client page)");
  overview->add_option("--client", ov->client, "the client number")->required();
  overview->add_option("--month", ov->month, "YYYY-MM (default: the latest run's month)");
  table->Add(overview, [&g, ov] { return OverviewCommand(g, ov->client, ov->month); });

  struct GroupsFlags {
    std::string month, area;
    bool json = false;
  };
  auto go = std::make_shared<GroupsFlags>();
  auto* groups = app.add_subcommand("groups",
                                    "clients grouped by level per area, for training "
                                    "groups");
  groups->add_option("--month", go->month, "YYYY-MM (default: the latest run's month)");
  groups->add_option("--area", go->area, "one area of config/competences.toml");
  groups->add_flag("--json", go->json, "JSON instead of a table");
  table->Add(groups, [&g, go] {
    return GroupsCommand(g, go->month, go->area, go->json ? Output::kJson : Output::kTable);
  });

  auto learning_month = std::make_shared<std::string>();
  auto* learning = app.add_subcommand("learning-report",
                                      "clients per stage, bills handed over "
                                      "per month, months to self-reliance, "
                                      "stalled progress");
  learning->add_option("--month", *learning_month, "YYYY-MM (default: the latest run's month)");
  table->Add(learning, [&g, learning_month] { return LearningReportCommand(g, *learning_month); });

  auto ao = std::make_shared<AssessOptions>();
  auto* assess = app.add_subcommand("assess",
                                    "record a coach's assessment (levels per area and "
                                    "skill)");
  assess->add_option("--client", ao->client, "the client number")->required();
  assess->add_option("--levels", ao->levels, "e.g. overview=2;rent.pays_on_time=1")->required();
  assess->add_option("--on", ao->on, "date of the assessment (default: today)");
  assess->add_option("--note", ao->note, "what the coach saw");
  table->Add(assess, [&g, ao] { return AssessCommand(g, *ao); });

  auto ho = std::make_shared<HandOverOptions>();
  auto* handover = app.add_subcommand("handover",
                                      "move a bill to practising, safety_net, "
                                      "client_alone or back to paid_for_client");
  handover->add_option("--client", ho->client, "the client number")->required();
  handover->add_option("--bill", ho->bill, "the bill id")->required();
  handover->add_option("--state", ho->state, "the new state")->required();
  handover->add_option("--from", ho->from, "first month, YYYY-MM")->required();
  handover->add_option("--reason", ho->reason, "the coach's reason");
  handover->add_option("--decided-on", ho->decided_on, "date (default: today)");
  table->Add(handover, [&g, ho] { return HandOverCommand(g, *ho); });

  auto co = std::make_shared<ConfirmOptions>();
  auto* confirm = app.add_subcommand("confirm",
                                     "under the safety net: did the client pay the "
                                     "bill for a month?");
  confirm->add_option("--client", co->client, "the client number")->required();
  confirm->add_option("--bill", co->bill, "the bill id")->required();
  confirm->add_option("--period", co->period, "the month, YYYY-MM")->required();
  confirm->add_option("--paid", co->paid, "yes or no")->required();
  confirm->add_option("--on", co->on, "date (default: today)");
  table->Add(confirm, [&g, co] { return ConfirmCommand(g, *co); });
}

}  // namespace ontzorg
