// Generates a fictional municipality as import CSVs: creditors, clients, plans, bills, monthly
// bijstand amounts, and toeslag expectations and receipts for the newest clients, deterministic
// for a seed. Used for the demo fixture (64 clients, committed in
// fixtures/demo/) and for the benchmark (100,000 clients).
//
//   ontzorg-generate --clients N --seed S --month YYYY-MM --out DIR
//
// Relief starts are spread over the six months up to --month (some mid-month), so every client is
// in relief in --month. Every 9th client has a maatwerk plan, every 23rd an extension, client 3
// loses bijstand in its third month of relief. Amounts are 2026-27 levels (DOMAIN.md).
// Clients whose relief starts in the last two months have toeslagen expected (huurtoeslag,
// zorgtoeslag, kindgebonden budget for families) and received as Dienst Toeslagen pays them: on
// time, a month late (every 4th), on the client's own account (every 5th: no mandate; every 7th:
// mandate not yet accepted) or 10% less than expected (every 11th). Every client has a statement
// language (ar, nl, en in turn) and monthly assessments (a fast, an average or a slow learner);
// every maatwerk client hands one bill over step by step, with safety-net confirmations.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/bridging.h"
#include "engine/checks.h"
#include "engine/date.h"

namespace {

using ontzorg::Date;
using ontzorg::YearMonth;

std::string NlIban(const std::string& bank, uint64_t account) {
  char digits[11];
  std::snprintf(digits, sizeof digits, "%010llu",
                static_cast<unsigned long long>(account % 10000000000ULL));
  const std::string bban = bank + digits;
  int r = 0;
  for (char c : bban + "NL00") {
    const int v = c >= 'A' ? c - 'A' + 10 : c - '0';
    r = (v >= 10 ? r * 100 + v : r * 10 + v) % 97;
  }
  char check[3];
  std::snprintf(check, sizeof check, "%02d", 98 - r);
  return "NL" + std::string(check) + bban;
}

// A BSN unique per client index: an 8-digit prefix from the index (2i or 2i+1), plus the
// elfproef check digit; a prefix whose check digit would be 10 takes the next one.
std::string Bsn(int index) {
  for (int64_t prefix = 10000000 + 2 * static_cast<int64_t>(index);; ++prefix) {
    const std::string d = std::to_string(prefix);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (d[static_cast<size_t>(i)] - '0') * (9 - i);
    if (sum % 11 != 10) return d + static_cast<char>('0' + sum % 11);
  }
}

// A 16-digit betalingskenmerk with a valid check digit.
std::string Kenmerk(std::mt19937_64& rng) {
  static constexpr int kWeights[10] = {2, 4, 8, 5, 10, 9, 7, 3, 6, 1};
  std::string rest;
  for (int i = 0; i < 15; ++i) rest += static_cast<char>('0' + rng() % 10);
  int sum = 0;
  for (size_t i = rest.size(), w = 0; i-- > 0; w = (w + 1) % 10)
    sum += (rest[i] - '0') * kWeights[w];
  int c = 11 - sum % 11;
  c = c == 11 ? 0 : (c == 10 ? 1 : c);
  return std::to_string(c) + rest;
}

std::string Euro(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buf;
}

struct Creditor {
  const char* id;
  const char* name;
  const char* bank;
  const char* bic;
  const char* street;
  const char* building;
  const char* postcode;
  const char* town;
};

constexpr Creditor kCreditors[] = {
    {"WS-LINDE", "Woonstichting De Linde", "INGB", "", "Lindelaan", "12", "9999 AB", "Voorbeeld"},
    {"WS-HAVEN", "Stichting Wonen aan de Haven", "RABO", "RABONL2U", "Havenkade", "3", "9998 CD",
     "Voorbeeld"},
    {"WB-IJSSEL", "Woonbedrijf IJsselstreek", "ABNA", "", "Kerkstraat", "40", "9997 EF",
     "IJsselstad"},
    {"EN-NOORD", "Energie Noord B.V.", "INGB", "", "Stroomweg", "7", "9901 GH", "Groningen"},
    {"EN-GROEN", "Groene Stroom & Gas", "ABNA", "ABNANL2A", "Windmolenpad", "21", "3511 AA",
     "Utrecht"},
    {"WA-MIDDEN", "Waterbedrijf Midden", "BNGH", "", "Bronlaan", "2", "6811 KL", "Arnhem"},
    {"ZV-SAMEN", "Zorgverzekeraar Samen U.A.", "RABO", "", "Gezondheidsplein", "100", "3584 AB",
     "Utrecht"},
    {"ZV-ZORGT", "Zorgt Verzekeringen N.V.", "INGB", "", "Postbus", "5050", "5000 AA", "Tilburg"},
};

}  // namespace

// Over 70 lines: a tool's main, its steps in order.
// NOLINTNEXTLINE(readability-function-size)
int main(int argc, char** argv) {
  int clients = 64;
  uint64_t seed = 1;
  std::string month_text = "2027-01", out = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--clients")
      clients = std::atoi(value.c_str());
    else if (flag == "--seed")
      seed = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--month")
      month_text = value;
    else if (flag == "--out")
      out = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  const auto month = YearMonth::Parse(month_text);
  if (!month || clients < 1) {
    std::fprintf(stderr,
                 "usage: ontzorg-generate --clients N --seed S --month YYYY-MM --out DIR\n");
    return 2;
  }
  std::mt19937_64 rng(seed);
  std::ofstream cred(out + "/creditors.csv"), cli(out + "/clients.csv"), plans(out + "/plans.csv"),
      bills(out + "/bills.csv"), bens(out + "/benefits.csv"), toes(out + "/toeslagen.csv"),
      recs(out + "/receipts.csv");
  toes << "client_id,kind,applied_on,right_from,monthly_amount,first_payment,paid_to\n";
  recs << "id,client_id,kind,received_on,amount,covers_from,covers_to,landed_on\n";
  cred << "id,name,iban,bic,street,building,postcode,town,country\n";
  uint64_t account = 1000000;
  for (const Creditor& c : kCreditors) {
    cred << c.id << ",\"" << c.name << "\"," << NlIban(c.bank, 4100000000ULL + account++) << ","
         << c.bic << "," << c.street << "," << c.building << "," << c.postcode << "," << c.town
         << ",NL\n";
  }
  cli << "id,bsn,name,household,iban,adults,children,language\n";
  plans << "client_id,kind,benefit_start,benefit_end,extension_end,extension_reason,bills,"
           "period_start,period_end,reason\n";
  bills << "id,client_id,kind,creditor_id,amount,schedule,due_day,reference_kind,reference,start,"
           "end\n";
  bens << "client_id,month,amount\n";
  static const char* const kFirst[] = {"Amal",   "Yonas",  "Dilan",  "Rahim", "Samira",
                                       "Tesfay", "Nour",   "Omar",   "Hiba",  "Ahmad",
                                       "Lina",   "Mehmet", "Zainab", "Yusuf"};
  static const char* const kLast[] = {"Haddad",      "Tesfaye", "Yilmaz", "Al-Sayed", "Mohammadi",
                                      "Gebremedhin", "Khalil",  "Rahimi", "Osman",    "Hussein"};
  static const char* const kHouse[] = {"single", "single", "single", "couple", "family", "family"};
  static const char* const kLanguages[] = {"ar", "nl", "en"};  // the statement's language
  std::ofstream assessments_csv(out + "/assessments.csv"), hand(out + "/handovers.csv"),
      conf(out + "/confirmations.csv"), dd(out + "/direct_debits.csv");
  dd << "bill_id,status,on,confirmed_by,note\n";
  assessments_csv << "id,client_id,assessed_on,assessed_by,note,levels\n";
  hand << "id,client_id,bill_id,state,from,reason,decided_by,decided_on\n";
  conf << "client_id,bill_id,period,paid,confirmed_by,confirmed_on\n";
  // Client 17 and every 17th after it is a family, so the demo shows a shortfall.

  for (int i = 1; i <= clients; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "C%06d", i);
    const std::string household = i % 17 == 0 ? "family" : kHouse[rng() % 6];
    // Household size for the minimum leefgeld: every 17th client is a single parent.
    const int adults = household == "single" || (household == "family" && i % 17 == 0) ? 1 : 2;
    const int children = household == "family" ? 1 + i % 3 : 0;
    cli << id << "," << Bsn(i) << ",\"" << kFirst[rng() % 14] << " " << kLast[rng() % 10] << "\","
        << household << "," << NlIban("INGB", 6000000000ULL + static_cast<uint64_t>(i)) << ","
        << adults << "," << children << "," << kLanguages[i % 3] << "\n";
    // Relief starts in one of the six months up to `month`; a third of them mid-month.
    const YearMonth start_month = month->AddMonths(-static_cast<int>(rng() % 6));
    const int start_day = rng() % 3 == 0 ? 1 + static_cast<int>(rng() % 27) : 1;
    const Date start = start_month.DayClamped(start_day);
    std::string kind = "statutory", chosen, reason, benefit_end, ext_end, ext_reason;
    if (i % 9 == 0) {
      kind = "maatwerk";
      chosen = i % 2 == 0 ? "energy;water;health_insurance" : "rent;energy";
      reason = "Klant betaalt de overige lasten al zelf (intake coach)";
    }
    if (i == 3) benefit_end = start.AddMonthsClamped(3).AddDays(-10).ToString();
    if (i % 23 == 0) {
      ext_end = start.AddMonthsClamped(9).AddDays(-1).ToString();
      ext_reason = "Schulden nog niet in kaart; verlengd na evaluatie (art. 57 Pw)";
    }
    plans << id << "," << kind << "," << start.ToString() << "," << benefit_end << "," << ext_end
          << ",\"" << ext_reason << "\"," << chosen << ",,,\"" << reason << "\"\n";
    // Every 17th client is a single parent with a large house: the bijstand falls short.
    const bool single_parent = household == "family" && i % 17 == 0;
    const bool couple = household != "single" && !single_parent;
    const int64_t rent = 55000 + static_cast<int64_t>(rng() % 35000) +
                         (household == "family" ? 10000 : 0) + (single_parent ? 30000 : 0);
    const int64_t energy = 11000 + static_cast<int64_t>(rng() % 9000);
    const int64_t premium = int64_t{couple ? 2 : 1} * 15950;
    const int64_t water_q = 6500 + static_cast<int64_t>(rng() % 3000);
    const std::string bill_start = start_month.FirstDay().ToString();
    const auto bill = [&](const char* suffix, const char* kind_name, const char* creditor,
                          int64_t amount, const char* schedule, int due_day,
                          const std::string& ref) {
      bills << id << "-" << suffix << "," << id << "," << kind_name << "," << creditor << ","
            << Euro(amount) << "," << schedule << "," << due_day << ",," << ref << "," << bill_start
            << ",\n";
    };
    bill("H", "rent", kCreditors[rng() % 3].id, rent, "monthly", 1,
         "\"Huur " + std::string(id) + "\"");
    bill("E", "energy", kCreditors[3 + rng() % 2].id, energy, "monthly", 28, Kenmerk(rng));
    bill("W", "water", kCreditors[5].id, water_q, "quarterly", 20, Kenmerk(rng));
    bill("Z", "health_insurance", kCreditors[6 + rng() % 2].id, premium, "monthly", 1,
         Kenmerk(rng));
    // The double-debit guard: the coach confirms each bill's own direct debit cancelled (or that
    // there never was one) when the relief starts. Client 5 and every 11th after it has not
    // confirmed its energy direct debit yet (held), client 7 and every 13th not its rent (paid
    // with a warning).
    for (const char* suffix : {"H", "E", "W", "Z"}) {
      if ((i % 11 == 5 && suffix[0] == 'E') || (i % 13 == 7 && suffix[0] == 'H')) continue;
      dd << id << "-" << suffix << "," << (suffix[0] == 'W' ? "none" : "cancelled") << ","
         << start_month.FirstDay().AddDays(-30).ToString() << ",coach,\n";
    }
    // Net bijstand per month (2026 levels after the holiday-pay reserve), pro rata in the first.
    const int64_t norm = couple ? 190000 : 133000;
    for (int m = 0; m < 10; ++m) {
      const YearMonth bm = start_month.AddMonths(m);
      if (!benefit_end.empty() && bm.FirstDay() > Date::Parse(benefit_end).value()) break;
      int64_t amount = norm;
      if (m == 0 && start_day > 1) {
        const int days = bm.LastDay().day();
        amount = norm * (days - start_day + 1) / days;
      }
      bens << id << "," << bm.ToString() << "," << Euro(amount) << "\n";
    }
    // Monthly assessments from the first week of relief, up to three months after --month and
    // within the relief: a fast, an average or a slow learner (by client number).
    std::mt19937_64 arng(seed * 7919ULL + static_cast<uint64_t>(i));
    static const char* const kAreas[] = {"overview", "spending", "looking_ahead", "products",
                                         "knowing_the_system"};
    static const char* const kKinds[] = {"rent", "energy", "water", "health_insurance"};
    static const char* const kSkills[] = {"knows_bill", "reads_invoice", "pays_on_time"};
    for (int m = 0;; ++m) {
      const Date on = start.AddDays(4).AddMonthsClamped(m);
      if (YearMonth::Of(on) > month->AddMonths(3) || m >= 6) break;
      const int speed = i % 3;  // 0 fast, 1 average, 2 slow
      const int base = std::min(3, speed == 0 ? m + 1 : speed == 1 ? (m + 2) / 2 : m > 0 ? 1 : 0);
      std::string levels;
      for (const char* a : kAreas) {
        levels += std::string(levels.empty() ? "" : ";") + a + "=" +
                  std::to_string(std::max(0, base - static_cast<int>(arng() % 2)));
      }
      for (const char* k : kKinds) {
        for (const char* sk : kSkills) {
          levels += std::string(";") + k + "." + sk + "=" + std::to_string(base);
        }
      }
      assessments_csv << id << "-A" << m + 1 << "," << id << "," << on.ToString() << ",coach"
                      << 1 + i % 4 << ",maand " << m + 1 << ",\"" << levels << "\"\n";
    }
    // Maatwerk clients hand one bill over (water, or energy when water is not in the plan):
    // practising in their second month, the safety net from the third, confirmed paid each month,
    // except client 36, who misses the fourth month.
    if (i % 9 == 0) {
      const std::string bill = std::string(id) + (i % 2 == 0 ? "-W" : "-E");
      const auto decide = [&](int n, const char* state, int month_no, const char* reason) {
        const YearMonth from = start_month.AddMonths(month_no - 1);
        hand << id << "-H" << n << "," << id << "," << bill << "," << state << ","
             << from.ToString() << ",\"" << reason << "\",coach" << 1 + i % 4 << ","
             << from.AddMonths(-1).DayClamped(10).ToString() << "\n";
      };
      decide(1, "practising", 2, "Klant bereidt de betaling voor met de coach");
      decide(2, "safety_net", 3, "Klant betaalt zelf, coach kijkt mee");
      for (int m = 3; m <= 6; ++m) {
        const YearMonth period = start_month.AddMonths(m - 1);
        conf << id << "," << bill << "," << period.ToString() << ","
             << (i == 36 && m == 4 ? "no" : "yes") << ",coach" << 1 + i % 4 << ","
             << period.DayClamped(28).ToString() << "\n";
      }
    }
    // Toeslagen for the newest clients, from their own random stream so the data above does not
    // depend on them.
    if (start_month < month->AddMonths(-1)) continue;
    std::mt19937_64 trng(seed * 1000003ULL + static_cast<uint64_t>(i));
    using ontzorg::Destination;
    using ontzorg::IncomeKind;
    const Destination paid_to = i % 5 == 0 ? Destination::kOwn : Destination::kManaged;
    struct Expected {
      IncomeKind kind;
      const char* code;
      int64_t monthly;
    };
    std::vector<Expected> expected = {
        {IncomeKind::kRentAllowance, "HT", 15000 + static_cast<int64_t>(trng() % 20000)},
        {IncomeKind::kCareAllowance, "ZT", couple ? 24000 : 12900}};
    if (household == "family") {
      expected.push_back(
          {IncomeKind::kChildBudget, "KB", 20000 + static_cast<int64_t>(trng() % 15000)});
    }
    const Date applied = start.AddDays(3);
    const Date horizon = month->AddMonths(5).LastDay();
    for (const Expected& x : expected) {
      toes << id << "," << ontzorg::ToString(x.kind) << "," << applied.ToString() << ","
           << start_month.ToString() << "," << Euro(x.monthly) << ",," << ontzorg::ToString(paid_to)
           << "\n";
      ontzorg::ToeslagExpectation e;
      e.kind = x.kind;
      e.applied_on = applied;
      e.right_from = start_month;
      e.monthly = ontzorg::Money::FromCents(x.monthly);
      int n = 0;
      for (const auto& p : ontzorg::ExpectedPayments(e, {.lag_days = 56, .count = 8})) {
        const Date on = p.date.AddDays(i % 4 == 0 && n == 0 ? 31 : 0);
        if (on > horizon) break;
        const bool own = paid_to == Destination::kOwn || i % 7 == 0;
        const int64_t cents = i % 11 == 0 ? p.amount.cents() * 9 / 10 : p.amount.cents();
        recs << id << "-" << x.code << ++n << "," << id << "," << ontzorg::ToString(x.kind) << ","
             << on.ToString() << "," << Euro(cents) << "," << p.covers_from.ToString() << ","
             << p.covers_to.ToString() << "," << (own ? "own" : "managed") << "\n";
      }
    }
  }
  return 0;
}
