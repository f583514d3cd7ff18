// Golden cases for the monthly computation: fixtures/golden/<case>/ holds import CSVs, case.txt
// (the runs: "run <month> <run date>") and expected.txt, worked out by hand (see case.txt's
// notes). The engine's result is rendered as text (benefit, bills paid in priority order, unpaid
// bills, leefgeld, closing balance) and compared whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

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
      << m.period.last.ToString() << ", month " << m.relief_month << ", opening "
      << m.opening_balance.ToDecimalString() << "\n";
  for (const Entry& e : m.entries) {
    if (e.kind == EntryKind::kBenefitReceived) {
      out << "  benefit " << e.amount.ToDecimalString() << "\n";
    }
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
        << (u.reason == UnpaidReason::kInsufficientFunds ? "insufficient_funds" : "unknown_creditor")
        << " available " << u.available.ToDecimalString() << "\n";
  }
  for (const Payment& p : m.payments) {
    if (p.purpose != PaymentPurpose::kAllowance) continue;
    out << "  allowance ";
    line(p);
  }
  out << "  closing " << m.closing_balance.ToDecimalString() << "\n";
  return out.str();
}

std::string RunCase(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& name : ImportFileNames()) {
    files.emplace_back(name, ReadFile(dir + "/" + name));
  }
  auto parsed = ParseImportFiles(files);
  if (!parsed) return "input refused: " + parsed.error().message;
  const ImportBatch& in = parsed->batch;
  std::map<CreditorId, Creditor> creditors;
  for (const Creditor& c : in.creditors) creditors[c.id] = c;
  const MonthPolicy policy;  // the defaults, as in config/ontzorg.toml
  std::ostringstream out;
  std::istringstream script(ReadFile(dir + "/case.txt"));
  for (std::string line; std::getline(script, line);) {
    if (line.rfind("run ", 0) != 0) continue;
    const YearMonth month = YearMonth::Parse(line.substr(4, 7)).value();
    const Date run_date = Date::Parse(line.substr(12, 10)).value();
    out << "== month " << month.ToString() << ", run date " << run_date.ToString() << "\n";
    for (const Client& client : in.clients) {
      ClientCase c;
      c.client = client;
      for (const ReliefPlan& p : in.plans) {
        if (p.client == client.id) c.plan = p;
      }
      for (const Bill& b : in.bills) {
        if (b.client == client.id) c.bills.push_back(b);
      }
      for (const auto& b : in.benefits) {
        if (b.client == client.id && b.month == month) c.benefit = b.amount;
      }
      const auto result = ComputeClientMonth(c, creditors, policy, month, run_date);
      out << (result ? Render(*result) : client.id.value + " not in relief\n");
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
  EXPECT_GE(cases, 4);
}

}  // namespace
}  // namespace ontzorg
