// Golden cases for the monthly computation: fixtures/golden/<case>/ holds import CSVs, case.txt
// (the runs: "run <month> <run date>") and expected.txt, worked out by hand (see case.txt's
// notes). The runs follow each other: balances, credit and processed receipts carry forward as
// the store would hold them. The engine's result is rendered as text (benefit, income, credit,
// bills paid in priority order, unpaid bills, leefgeld, closing balance, signals) and compared
// whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "adapters/config/competences.h"
#include "adapters/import/importer.h"
#include "engine/month.h"
#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using testing_support::ReadFile;
using testing_support::SourceDir;

std::string Render(const ClientMonth& m) {
  std::ostringstream out;
  out << m.client.value << " relief " << m.period.first.ToString() << ".."
      << m.period.last.ToString() << ", month " << m.relief_month
      << (m.after_relief ? " (after relief: settling)" : "") << ", opening "
      << m.opening_balance.ToDecimalString() << "\n";
  for (const Entry& e : m.entries) {
    if (e.kind == EntryKind::kBenefitReceived) {
      out << "  benefit " << e.amount.ToDecimalString() << "\n";
    }
    if (e.kind == EntryKind::kIncomeReceived) {
      out << "  income " << e.key.substr(e.key.find("receipt:") + 8) << " "
          << e.amount.ToDecimalString() << "\n";
    }
  }
  const CreditMonth& c = m.credit;
  const auto flow = [&](const char* what, Money amount) {
    if (amount.IsPositive()) out << "  credit " << what << " " << amount.ToDecimalString() << "\n";
  };
  flow("to_recover", c.moved_to_recovery);
  flow("set_off", c.set_off);
  flow("written_off", c.written_off);
  if (c.drawn.IsPositive()) {
    out << "  credit drawn " << c.drawn.ToDecimalString() << " (minimum "
        << c.minimum.ToDecimalString() << ", cover " << c.cover.ToDecimalString() << ", ceiling "
        << c.ceiling.ToDecimalString() << ")\n";
  }
  const auto line = [&](const Payment& p) {
    out << p.amount.ToDecimalString() << " due " << p.due.ToString() << " exec "
        << p.execution.ToString() << " " << p.end_to_end_id << (p.late ? " LATE" : "") << "\n";
  };
  for (const Payment& p : m.payments) {
    if (p.purpose != PaymentPurpose::kBill) continue;
    out << "  bill " << p.bill->value << " " << ToString(*p.bill_kind) << " ";
    line(p);
  }
  for (const UnpaidBill& u : m.unpaid) {
    out << "  unpaid " << u.bill.value << " " << ToString(u.kind) << " "
        << u.amount.ToDecimalString() << " due " << u.due.ToString() << " "
        << (u.reason == UnpaidReason::kInsufficientFunds ? "insufficient_funds"
                                                         : "unknown_creditor")
        << " available " << u.available.ToDecimalString() << "\n";
  }
  for (const HeldBill& h : m.holds) {
    out << "  held " << h.bill.value << " " << ToString(h.kind) << " " << h.amount.ToDecimalString()
        << " due " << h.due.ToString() << " (reserved)\n";
  }
  for (const Payment& p : m.payments) {
    if (p.purpose != PaymentPurpose::kAllowance) continue;
    out << "  allowance ";
    line(p);
  }
  flow("recovered", c.recovered);
  out << "  closing " << m.closing_balance.ToDecimalString();
  if (c.after.Outstanding().IsPositive()) {
    out << ", loan " << c.after.loan.ToDecimalString() << ", to recover "
        << c.after.to_recover.ToDecimalString();
  }
  out << "\n";
  for (const Signal& sig : m.signals)
    out << "  signal " << ToString(sig.kind) << ": " << sig.detail << "\n";
  return out.str();
}

// The learning lines of a client's month: every bill's hand-over state and readiness, the bills
// the client pays, and the checkpoint with its next step.
std::string RenderLearning(const ClientMonth& m, const Checkpoint& cp) {
  std::ostringstream out;
  out << "  hand-over";
  for (size_t i = 0; i < cp.bills.size(); ++i) {
    out << (i ? ", " : " ") << cp.bills[i].bill.value << " " << ToString(cp.bills[i].state) << " r"
        << cp.bills[i].readiness;
  }
  out << "\n";
  for (const ClientPaysBill& b : m.client_pays) {
    out << "  client pays " << b.bill.value << " " << ToString(b.kind) << " "
        << b.amount.ToDecimalString() << " due " << b.due.ToString() << " (" << ToString(b.state)
        << ")\n";
  }
  out << "  checkpoint month " << cp.relief_month << "/" << cp.relief_months << ", assessed "
      << (cp.assessed_on ? cp.assessed_on->ToString() : "never") << ", progress "
      << cp.progress_percent << "%, stage " << ToString(cp.stage) << ", next " << ToString(cp.next)
      << (cp.next_subject.empty() ? "" : " " + cp.next_subject) << (cp.stalled ? ", STALLED" : "")
      << "\n";
  return out.str();
}

std::string RunCase(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& name : ImportFileNames()) {
    if (std::filesystem::exists(dir + "/" + name)) {
      files.emplace_back(name, ReadFile(dir + "/" + name));
    }
  }
  const auto model = LoadCompetenceModel(SourceDir() + "/config/competences.toml");
  if (!model) return "competence model refused: " + model.error().message;
  auto parsed = ParseImportFiles(files, &*model);
  if (!parsed) return "input refused: " + parsed.error().message;
  const ImportBatch& in = parsed->batch;
  std::map<CreditorId, Creditor> creditors;
  for (const Creditor& c : in.creditors) creditors[c.id] = c;
  MonthPolicy policy;  // the defaults, as in config/ontzorg.toml
  policy.double_debit = DoubleDebitPolicy::Default();
  std::vector<ClientCase> cases;
  for (const Client& client : in.clients) {
    ClientCase c;
    c.client = client;
    for (const ReliefPlan& p : in.plans) {
      if (p.client == client.id) c.plan = p;
    }
    for (const Bill& b : in.bills) {
      if (b.client == client.id) c.bills.push_back(b);
    }
    for (const ToeslagExpectation& e : in.toeslagen) {
      if (e.client == client.id) c.toeslagen.push_back(e);
    }
    for (const Receipt& r : in.receipts) {
      if (r.client == client.id) c.receipts.push_back(r);
    }
    for (const Assessment& a : in.assessments) {
      if (a.client == client.id) c.assessments.push_back(a);
    }
    for (const HandOverDecision& d : in.hand_overs) {
      if (d.client == client.id) c.hand_overs.push_back(d);
    }
    for (const PaymentConfirmation& x : in.confirmations) {
      if (x.client == client.id) c.confirmations.push_back(x);
    }
    for (DirectDebitRecord d : in.direct_debits) {
      for (const Bill& b : c.bills) {
        if (b.id == d.bill) {
          d.client = client.id;
          c.direct_debits.push_back(d);
        }
      }
    }
    cases.push_back(std::move(c));
  }
  std::ostringstream out;
  std::istringstream script(ReadFile(dir + "/case.txt"));
  for (std::string line; std::getline(script, line);) {
    if (line.rfind("run ", 0) != 0) continue;
    const YearMonth month = YearMonth::Parse(line.substr(4, 7)).value();
    const Date run_date = Date::Parse(line.substr(12, 10)).value();
    out << "== month " << month.ToString() << ", run date " << run_date.ToString() << "\n";
    for (ClientCase& c : cases) {
      c.benefit.reset();
      for (const auto& b : in.benefits) {
        if (b.client == c.client.id && b.month == month) c.benefit = b.amount;
      }
      const auto result = ComputeClientMonth(c, creditors, policy, month, run_date);
      out << (result ? Render(*result) : c.client.id.value + " not in relief\n");
      if (result && !result->after_relief && (!c.assessments.empty() || !c.hand_overs.empty())) {
        out << RenderLearning(
            *result, DeriveCheckpoint(*model, c.plan, c.client.id, result->hand_over, c.assessments,
                                      month, run_date));
      }
      if (result) CarryForward(*result, &c);
    }
  }
  return out.str();
}

TEST(GoldenTest, EveryCaseMatchesItsHandWorkedResult) {
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SourceDir() + "/fixtures/golden")) {
    if (!entry.is_directory()) continue;
    ++cases;
    const std::string dir = entry.path().string();
    EXPECT_EQ(RunCase(dir), ReadFile(dir + "/expected.txt")) << "case " << dir;
  }
  EXPECT_GE(cases, 14);
}

}  // namespace
}  // namespace ontzorg
