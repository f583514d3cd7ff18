// The model check: an independent, deliberately simple re-computation of the month, run against
// the engine over many seeded random municipalities. The model shares no code path with the
// engine: its own calendar arithmetic (std::chrono), its own TARGET holidays (Easter by the
// Meeus/Jones/Butcher algorithm), its own reading of the relief period, the bill schedules, the
// priority order, the execution dates and the leefgeld, from the rules in docs and DOMAIN.md,
// written as plainly as possible. Only the input and output types are the engine's.
//
// Scope: everything the month does without bridging credit, receipts, write-offs, hand-overs and
// the double-debit guard (those have their own golden cases and property tests): statutory and
// maatwerk plans with extensions and ended bijstand, the four bill kinds on every schedule with
// due days up to 31 and start and end dates, unknown creditors, bijstand missing, zero or short,
// a random priority order, allowance day and settlement days, run dates before and inside the
// month, sixteen months carried forward in a base year from 2026 to 2041, and the payout after the
// relief ends. Any difference fails with the seed; ONTZORG_MODEL_SEEDS=N runs N municipalities
// (default 2000).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/month.h"

namespace ontzorg {
namespace {

namespace ch = std::chrono;

// --- The model's own calendar ------------------------------------------------------------------

struct Day {
  ch::sys_days d;
  static Day Of(int y, int m, int dd) {
    return {ch::sys_days(ch::year{y} / ch::month{static_cast<unsigned>(m)} /
                         ch::day{static_cast<unsigned>(dd)})};
  }
  static Day Of(const Date& e) { return Of(e.year(), e.month(), e.day()); }
  ch::year_month_day ymd() const { return ch::year_month_day(d); }
  int y() const { return static_cast<int>(ymd().year()); }
  int m() const { return static_cast<int>(static_cast<unsigned>(ymd().month())); }
  int dd() const { return static_cast<int>(static_cast<unsigned>(ymd().day())); }
  Day Plus(int n) const { return {d + ch::days{n}}; }
  std::string Text() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y(), m(), dd());
    return buf;
  }
  auto operator<=>(const Day&) const = default;
};

int DaysIn(int y, int m) {
  return static_cast<int>(static_cast<unsigned>(
      ch::year_month_day_last(ch::year{y}, ch::month_day_last{ch::month{static_cast<unsigned>(m)}})
          .day()));
}

// Easter Sunday (Gregorian), Meeus/Jones/Butcher.
Day Easter(int y) {
  const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25,
            g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4,
            l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451,
            month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return Day::Of(y, month, day);
}

// TARGET2 is closed on Saturdays, Sundays, 1 January, Good Friday, Easter Monday, 1 May,
// 25 and 26 December.
bool Open(Day x) {
  const ch::weekday w{x.d};
  if (w == ch::Saturday || w == ch::Sunday) return false;
  if ((x.m() == 1 && x.dd() == 1) || (x.m() == 5 && x.dd() == 1) ||
      (x.m() == 12 && (x.dd() == 25 || x.dd() == 26))) {
    return false;
  }
  const Day easter = Easter(x.y());
  return x != easter.Plus(-2) && x != easter.Plus(1);
}

// The payment's execution date: the last open day that still lands the money by `due` after
// `settle` more open days; not before the first open day from the run date (then late).
std::pair<Day, bool> Execution(Day due, Day run, int settle) {
  Day latest = due;
  while (!Open(latest)) latest = latest.Plus(-1);
  for (int i = 0; i < settle; ++i) {
    do latest = latest.Plus(-1);
    while (!Open(latest));
  }
  Day earliest = run;
  while (!Open(earliest)) earliest = earliest.Plus(1);
  if (earliest <= latest) return {latest, false};
  return {earliest, true};
}

// --- The model's month -------------------------------------------------------------------------

struct ModelPayment {
  std::string e2e;
  int64_t cents = 0;
  std::string execution;
  bool late = false;
  std::string iban;
  bool operator==(const ModelPayment&) const = default;
};

struct ModelMonth {
  bool computed = false;                                    // the engine should return a month
  std::vector<ModelPayment> payments;                       // in the order paid
  std::vector<std::pair<std::string, std::string>> unpaid;  // bill id, "funds"/"creditor"
  int64_t closing = 0;
  bool operator==(const ModelMonth&) const = default;
};

int Index(int y, int m) { return y * 12 + (m - 1); }

ModelMonth Model(const ClientCase& c, const std::map<CreditorId, Creditor>& creditors,
                 const MonthPolicy& policy, int y, int m, Day run, int64_t opening) {
  ModelMonth out;
  const ReliefPlan& p = c.plan;
  // The relief period: six months from the bijstand start (or to the extension), a maatwerk
  // plan's own dates where it gives them, never past the end of the bijstand.
  const Day start = Day::Of(p.benefit_start);
  int ey = start.y(), em = start.m() + 6;
  if (em > 12) em -= 12, ey += 1;
  // To the day before the same date, or to the month's end where it has no such date.
  Day last = start.dd() > DaysIn(ey, em) ? Day::Of(ey, em, DaysIn(ey, em))
                                         : Day::Of(ey, em, start.dd()).Plus(-1);
  if (p.extension_end) last = Day::Of(*p.extension_end);
  Day first = start;
  if (p.kind == PlanKind::kMaatwerk) {
    if (p.period_start) first = Day::Of(*p.period_start);
    if (p.period_end) last = Day::Of(*p.period_end);
  }
  if (p.benefit_end && Day::Of(*p.benefit_end) < last) last = Day::Of(*p.benefit_end);
  const Day month_first = Day::Of(y, m, 1), month_last = Day::Of(y, m, DaysIn(y, m));
  const bool overlaps = first <= last && first <= month_last && month_first <= last;
  const bool ended = first <= last && Index(last.y(), last.m()) < Index(y, m);
  const Day allowance_day = Day::Of(y, m, std::min(policy.allowance_day, DaysIn(y, m)));
  // In relief, never due before the right to bijstand starts (a start mid-month).
  const Day leefgeld_day =
      start.y() == y && start.m() == m && allowance_day < start ? start : allowance_day;
  if (!overlaps) {
    if (!(ended && opening > 0)) return out;  // nothing to do this month
    // After the relief: pay out what the client has left.
    out.computed = true;
    const auto [when, late] = Execution(allowance_day, run, policy.settlement_business_days);
    out.payments.push_back({"OZ-L-" + std::to_string(y * 100 + m) + "-" + c.client.id.value,
                            opening, when.Text(), late, c.client.own_iban.compact()});
    return out;
  }
  out.computed = true;
  int64_t funds = opening + (c.benefit && c.benefit->cents() > 0 ? c.benefit->cents() : 0);

  struct Due {
    const Bill* bill;
    int rank;
    Day due;
  };
  std::vector<Due> due;
  for (const Bill& b : c.bills) {
    const bool covered =
        p.kind == PlanKind::kStatutory || std::count(p.bills.begin(), p.bills.end(), b.kind) > 0;
    if (!covered) continue;
    const Day bs = Day::Of(b.start);
    const int since = Index(y, m) - Index(bs.y(), bs.m());
    if (since < 0) continue;
    bool scheduled = false;
    if (b.schedule == Schedule::kMonthly) scheduled = true;
    if (b.schedule == Schedule::kQuarterly) scheduled = since % 3 == 0;
    if (b.schedule == Schedule::kTenPerYear) scheduled = since % 12 < 10;
    if (b.schedule == Schedule::kOnce) scheduled = since == 0;
    if (!scheduled) continue;
    Day when =
        b.schedule == Schedule::kOnce ? bs : Day::Of(y, m, std::min(b.due_day, DaysIn(y, m)));
    if (b.schedule != Schedule::kOnce && when < bs) continue;
    if (b.end && when > Day::Of(*b.end)) continue;
    if (when < first || when > last) continue;
    const int rank =
        static_cast<int>(std::find(policy.priority.begin(), policy.priority.end(), b.kind) -
                         policy.priority.begin());
    due.push_back({&b, rank, when});
  }
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.due != b.due) return a.due < b.due;
    return a.bill->id.value < b.bill->id.value;
  });
  char ym[32];
  std::snprintf(ym, sizeof ym, "%04d%02d", y, m);
  for (const Due& d : due) {
    const auto creditor = creditors.find(d.bill->creditor);
    if (creditor == creditors.end()) {
      out.unpaid.push_back({d.bill->id.value, "creditor"});
      continue;
    }
    if (d.bill->amount.cents() > funds) {
      out.unpaid.push_back({d.bill->id.value, "funds"});
      continue;
    }
    funds -= d.bill->amount.cents();
    const auto [when, late] = Execution(d.due, run, policy.settlement_business_days);
    out.payments.push_back({std::string("OZ-B-") + ym + "-" + d.bill->id.value,
                            d.bill->amount.cents(), when.Text(), late,
                            creditor->second.iban.compact()});
  }
  if (funds > 0) {
    const auto [when, late] = Execution(leefgeld_day, run, policy.settlement_business_days);
    out.payments.push_back({std::string("OZ-L-") + ym + "-" + c.client.id.value, funds, when.Text(),
                            late, c.client.own_iban.compact()});
    funds = 0;
  }
  out.closing = funds;
  return out;
}

ModelMonth FromEngine(const std::optional<ClientMonth>& e) {
  ModelMonth out;
  if (!e) return out;
  out.computed = true;
  for (const Payment& p : e->payments) {
    out.payments.push_back({p.end_to_end_id, p.amount.cents(), p.execution.ToString(), p.late,
                            p.payee.iban.compact()});
  }
  for (const UnpaidBill& u : e->unpaid) {
    out.unpaid.push_back(
        {u.bill.value, u.reason == UnpaidReason::kUnknownCreditor ? "creditor" : "funds"});
  }
  out.closing = e->closing_balance.cents();
  return out;
}

std::string Show(const ModelMonth& m) {
  std::ostringstream s;
  s << (m.computed ? "computed" : "nothing") << ", closing " << m.closing << "\n";
  for (const ModelPayment& p : m.payments) {
    s << "  pay " << p.e2e << " " << p.cents << " on " << p.execution << (p.late ? " late" : "")
      << " to " << p.iban << "\n";
  }
  for (const auto& [bill, why] : m.unpaid) s << "  unpaid " << bill << " (" << why << ")\n";
  return s.str();
}

void PrintTo(const ModelMonth& m, std::ostream* os) { *os << "\n" << Show(m); }

// --- Random municipalities ---------------------------------------------------------------------

struct Municipality {
  int shift = 0;  // years added to every date (2026 .. 2041), for other weekday patterns
  std::map<CreditorId, Creditor> creditors;
  std::vector<ClientCase> clients;
  std::map<std::string, std::map<int, std::optional<Money>>> benefits;  // client -> month index
  MonthPolicy policy;
};

Date RandomDate(std::mt19937& rng, int y0, int m0, int months) {
  // Shifted by the municipality's base year, so the holidays fall on other weekdays.
  const int idx = Index(y0, m0) + static_cast<int>(rng() % static_cast<unsigned>(months));
  const int y = idx / 12, m = idx % 12 + 1;
  return Date::FromYmd(y, m, 1 + static_cast<int>(rng() % static_cast<unsigned>(DaysIn(y, m))))
      .value();
}

// IBANs that pass the check: NL, a bank code and a 10-digit account with the right check digits.
Iban MakeIban(int n) {
  const std::string account =
      "NL00INGB" + std::string(10 - std::to_string(n).size(), '0') + std::to_string(n);
  // ISO 7064 mod 97-10 over BBAN + "NL00" with letters as numbers.
  std::string digits;
  for (char ch : account.substr(4) + "NL00") {
    digits += std::isdigit(static_cast<unsigned char>(ch)) ? std::string(1, ch)
                                                           : std::to_string(ch - 'A' + 10);
  }
  int rest = 0;
  for (char ch : digits) rest = (rest * 10 + (ch - '0')) % 97;
  const int check = 98 - rest;
  std::string iban = account;
  iban[2] = static_cast<char>('0' + check / 10);
  iban[3] = static_cast<char>('0' + check % 10);
  return ParseIban(iban).value();
}

Municipality Generate(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  Municipality w;
  w.shift = pick(16);
  const int y0 = 2026 + w.shift;
  for (int i = 0; i < 3; ++i) {
    Creditor c;
    c.id = {"CR" + std::to_string(i)};
    c.name = "Creditor " + std::to_string(i);
    c.iban = MakeIban(1000 + i);
    c.address = Address{"Straat", "1", "1234AB", "Utrecht", "NL"};
    w.creditors[c.id] = c;
  }
  std::vector<BillKind> kinds = {BillKind::kRent, BillKind::kEnergy, BillKind::kWater,
                                 BillKind::kHealthInsurance};
  std::shuffle(kinds.begin(), kinds.end(), rng);
  w.policy.priority = kinds;
  w.policy.allowance_day = pick(4) == 0 ? 31 : 1 + pick(28);
  w.policy.settlement_business_days = pick(4);
  w.policy.bridging = {};  // no credit: the model's scope
  const int clients = 1 + pick(25);
  for (int i = 0; i < clients; ++i) {
    ClientCase c;
    c.client.id = {"C" + std::to_string(i)};
    c.client.name = "Client " + std::to_string(i);
    c.client.own_iban = MakeIban(5000 + i);
    c.plan.client = c.client.id;
    c.plan.benefit_start = RandomDate(rng, y0, 9, 7);
    const Date statutory_last = c.plan.benefit_start.AddMonthsClamped(6).AddDays(-1);
    if (pick(5) == 0) c.plan.benefit_end = c.plan.benefit_start.AddDays(pick(200));
    if (pick(6) == 0) {
      c.plan.extension_end = statutory_last.AddDays(1 + pick(120));
      c.plan.extension_reason = "needs more time";
    }
    if (pick(3) == 0) {
      c.plan.kind = PlanKind::kMaatwerk;
      c.plan.reason = "coach's choice";
      for (BillKind k : kinds) {
        if (pick(2) == 0) c.plan.bills.push_back(k);
      }
      if (c.plan.bills.empty()) c.plan.bills.push_back(kinds[0]);
      if (pick(2) == 0) c.plan.period_start = c.plan.benefit_start.AddDays(pick(60));
      if (pick(2) == 0) c.plan.period_end = c.plan.benefit_start.AddDays(60 + pick(200));
    }
    const int bills = pick(7);
    for (int b = 0; b < bills; ++b) {
      Bill bill;
      bill.id = {"B" + std::to_string(i) + "-" + std::to_string(b)};
      bill.client = c.client.id;
      bill.kind = static_cast<BillKind>(pick(4));
      bill.creditor = {pick(12) == 0 ? "UNKNOWN" : "CR" + std::to_string(pick(3))};
      bill.amount = Money::FromCents(100 + pick(90000));
      bill.schedule = static_cast<Schedule>(pick(4));
      bill.due_day = 1 + pick(31);
      bill.start = RandomDate(rng, y0, 8, 10);
      if (pick(4) == 0) bill.end = bill.start.AddDays(pick(300));
      bill.reference = {ReferenceKind::kFreeText, "ref " + bill.id.value};
      c.bills.push_back(bill);
    }
    for (int mi = Index(y0, 9); mi <= Index(y0 + 1, 12); ++mi) {
      std::optional<Money> benefit;
      const int r = pick(10);
      if (r == 0)
        benefit = std::nullopt;  // not recorded
      else if (r == 1)
        benefit = Money::Zero();  // recorded as nothing
      else
        benefit = Money::FromCents(pick(180000));  // sometimes short
      w.benefits[c.client.id.value][mi] = benefit;
    }
    w.clients.push_back(c);
  }
  return w;
}

TEST(ModelCheck, TheEngineAgreesWithAnIndependentModelOverRandomMunicipalities) {
  const char* env = std::getenv("ONTZORG_MODEL_SEEDS");
  const int seeds = env != nullptr ? std::atoi(env) : 2000;
  int64_t months_compared = 0, payments_compared = 0, late = 0, unpaid = 0, payouts = 0;
  for (int s = 1; s <= seeds; ++s) {
    const uint32_t seed = static_cast<uint32_t>(s);
    Municipality w = Generate(seed);
    std::mt19937 rng(seed * 7919u);
    std::map<std::string, int64_t> engine_balance, model_balance;
    for (int mi = Index(2026 + w.shift, 9); mi <= Index(2027 + w.shift, 12); ++mi) {
      const int y = mi / 12, m = mi % 12 + 1;
      const YearMonth month = YearMonth::FromYm(y, m).value();
      // Usually mid previous month; sometimes inside the month itself (late payments).
      const YearMonth run_month = rng() % 6 == 0 ? month : month.AddMonths(-1);
      const Date run_date = run_month.DayClamped(1 + static_cast<int>(rng() % 28));
      for (ClientCase& c : w.clients) {
        const std::string id = c.client.id.value;
        c.benefit = w.benefits[id][mi];
        if (rng() % 15 == 0) {
          // Money came back to the client's funds between runs (a returned payment): both sides
          // start the month with it.
          const int64_t back = 1 + static_cast<int64_t>(rng() % 50000);
          engine_balance[id] += back;
          model_balance[id] += back;
        }
        c.opening_balance = Money::FromCents(engine_balance[id]);
        c.booked_keys.clear();
        const auto engine = ComputeClientMonth(c, w.creditors, w.policy, month, run_date);
        const ModelMonth expected =
            Model(c, w.creditors, w.policy, y, m, Day::Of(run_date), model_balance[id]);
        const ModelMonth got = FromEngine(engine);
        ASSERT_EQ(got, expected)
            << "seed " << seed << ", client " << id << ", month " << month.ToString()
            << ", run date " << run_date.ToString()
            << " (got: the engine; expected: the model) (rerun: ONTZORG_MODEL_SEEDS=" << seed
            << " build/tests/engine_test --gtest_filter=ModelCheck.*)";
        if (engine) {
          // The engine's own books: every entry balanced, opening + in - out = closing.
          int64_t net = 0;
          const Account funds{"client:" + id};
          for (const Entry& e : engine->entries) {
            ASSERT_TRUE(e.amount.IsPositive() && e.debit_account != e.credit_account)
                << "seed " << seed;
            if (e.credit_account == funds) net += e.amount.cents();
            if (e.debit_account == funds) net -= e.amount.cents();
          }
          ASSERT_EQ(engine->opening_balance.cents() + net, engine->closing_balance.cents())
              << "seed " << seed;
          engine_balance[id] = engine->closing_balance.cents();
          ++months_compared;
          payments_compared += static_cast<int64_t>(expected.payments.size());
          for (const ModelPayment& p : expected.payments) late += p.late;
          unpaid += static_cast<int64_t>(expected.unpaid.size());
          payouts += engine->after_relief;
        }
        model_balance[id] = expected.computed ? expected.closing : model_balance[id];
      }
    }
  }
  // The generator must reach what it claims to: otherwise this test proves little.
  EXPECT_GT(months_compared, seeds * 20);
  EXPECT_GT(late, 0);
  EXPECT_GT(unpaid, 0);
  EXPECT_GT(payouts, 0);
  std::printf(
      "model check: %d municipalities, %lld client-months, %lld payments (%lld late), "
      "%lld unpaid bills, %lld payouts after relief: no difference\n",
      seeds, static_cast<long long>(months_compared), static_cast<long long>(payments_compared),
      static_cast<long long>(late), static_cast<long long>(unpaid),
      static_cast<long long>(payouts));
}

}  // namespace
}  // namespace ontzorg
