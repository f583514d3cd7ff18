// The documents a run writes beside the SEPA files (adapters/app/emission.h).
#include "adapters/app/emission.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ontzorg {
namespace {

// The checkpoint line as the run wrote it before issue 18: a nlohmann::json document, dumped.
// The direct writer must give the same bytes, so the municipality's case system reads the same.
std::string LibraryLine(const Checkpoint& cp) {
  nlohmann::json areas = nlohmann::json::array(), bills = nlohmann::json::array();
  for (const AreaProgress& a : cp.areas) {
    areas.push_back(
        {{"area", a.area}, {"level", a.level}, {"previous", a.previous}, {"trend", a.trend}});
  }
  for (const BillReadiness& b : cp.bills) {
    bills.push_back({{"bill", b.bill.value},
                     {"kind", ToString(b.kind)},
                     {"state", ToString(b.state)},
                     {"readiness", b.readiness},
                     {"weakest_skill", b.weakest_skill}});
  }
  const nlohmann::json doc = {
      {"client", cp.client.value},
      {"month", cp.month.ToString()},
      {"relief_month", cp.relief_month},
      {"relief_months", cp.relief_months},
      {"assessed_on",
       cp.assessed_on ? nlohmann::json(cp.assessed_on->ToString()) : nlohmann::json(nullptr)},
      {"progress_percent", cp.progress_percent},
      {"stage", ToString(cp.stage)},
      {"stalled", cp.stalled},
      {"next_step", ToString(cp.next)},
      {"next_subject", cp.next_subject},
      {"areas", areas},
      {"bills", bills}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DirectLine(const Checkpoint& cp) {
  std::string out = "left alone|";
  AppendCheckpointJson(&out, cp);
  EXPECT_EQ(out.substr(0, 11), "left alone|") << "appends, never overwrites";
  return out.substr(11);
}

TEST(CheckpointJsonTest, WritesWhatTheLibraryWroteByteForByte) {
  Checkpoint cp;
  cp.client = ClientId{"C000001"};
  cp.month = *YearMonth::Parse("2027-01");
  cp.relief_month = 1;
  cp.relief_months = 7;
  EXPECT_EQ(DirectLine(cp), LibraryLine(cp)) << "no assessment, no areas, no bills";

  cp.assessed_on = *Date::Parse("2026-12-05");
  cp.stalled = true;
  cp.stage = Stage::kHandingOver;
  cp.next = NextStep::kLearnSkill;
  cp.progress_percent = -3;  // never stored, but a number is a number
  // Text from the import and the competence model: quotes, backslashes, control characters,
  // Dutch and Arabic letters, DEL, and bytes that are no UTF-8 at all.
  cp.next_subject = "rent.\"pays\" on\ttime\\ \x01\x1f \x7f";
  cp.areas = {{"overview", 2, 1, 1},
              {"uitgaven \xc3\xbc \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a", 0, 1, -1}};
  cp.bills = {{BillId{"C000001-H"}, BillKind::kRent, HandOver::kSafetyNet, 3, "knows_bill"},
              {BillId{"bad \xff\xfe utf-8\n"}, BillKind::kHealthInsurance, HandOver::kPaidForClient,
               0, ""}};
  const std::string line = DirectLine(cp);
  EXPECT_EQ(line, LibraryLine(cp));
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one line per checkpoint";
  const nlohmann::json back = nlohmann::json::parse(line);
  EXPECT_EQ(back["bills"][1]["bill"], "bad \xef\xbf\xbd\xef\xbf\xbd utf-8\n");
  EXPECT_EQ(back["areas"][1]["trend"], -1);
  EXPECT_EQ(back["stalled"], true);
}

}  // namespace
}  // namespace ontzorg
