#include <gtest/gtest.h>

#include "adapters/import/csv.h"
#include "adapters/import/importer.h"
#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

const char* kCreditors =
    "id,name,iban,bic,street,building,postcode,town,country\n"
    "WS1,\"Woonstichting De Linde, Voorbeeld\",NL91ABNA0417164300,,Lindelaan,12,9999 AB,Voorbeeld,NL\n";
const char* kClients = "id,bsn,name,household,iban\nC1,111222333,Amal Haddad,single,NL20INGB0001234567\n";

std::string Refusal(const Files& files, const ImportBatch& existing = {}) {
  auto parsed = ParseImportFiles(files);
  if (!parsed) return parsed.error().message;
  auto checked = CheckImport(*parsed, existing);
  return checked ? std::string("accepted") : checked.error().message;
}

TEST(CsvTest, QuotesCrlfBomAndFieldCounts) {
  auto t = ParseCsv("\xEF\xBB\xBF" "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n", "f.csv");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0].fields[0], "x, y");
  EXPECT_EQ(t->rows[0].fields[1], "say \"hi\"");
  EXPECT_EQ(t->rows[0].line, 2);
  auto wide = ParseCsv("a,b\n1,2,3\n", "f.csv");
  ASSERT_TRUE(wide);
  EXPECT_EQ(FieldCountProblem(*wide, wide->rows[0]),
            "3 fields, the header has 2 (a comma inside a value needs double quotes)");
  EXPECT_NE(ParseCsv("a\n\"open\n", "f.csv").error().message.find("not closed"), std::string::npos);
  EXPECT_FALSE(ParseCsv("", "f.csv"));
}

TEST(CsvTest, EuroAmounts) {
  EXPECT_EQ(ParseEuroCents("1234.56").value(), 123456);
  EXPECT_EQ(ParseEuroCents("12.5").value(), 1250);
  EXPECT_EQ(ParseEuroCents("700").value(), 70000);
  EXPECT_EQ(ParseEuroCents("-3.10").value(), -310);
  EXPECT_NE(ParseEuroCents("12,50").error().find("decimal point"), std::string::npos);
  EXPECT_FALSE(ParseEuroCents("1.234"));
  EXPECT_FALSE(ParseEuroCents("1e3"));
  EXPECT_FALSE(ParseEuroCents(".5"));
  EXPECT_FALSE(ParseEuroCents("9999999999999"));
}

TEST(ImportTest, GoodFilesAreAccepted) {
  EXPECT_EQ(Refusal({{"creditors.csv", kCreditors}, {"clients.csv", kClients}}), "accepted");
}

TEST(ImportTest, EveryBadRowIsNamedWithFileLineAndColumn) {
  const std::string bills =
      "id,client_id,kind,creditor_id,amount,schedule,due_day,reference_kind,reference,start,end\n"
      "B1,C1,rent,WS1,725.00,monthly,1,,Huur,2027-01-01,\n"
      "B2,C1,gas,WS1,12,50,monthly,1,,x,2027-01-01,\n"
      "B3,C1,energy,WS1,\"12,50\",weekly,32,,5000056789012346,2027-02-30,\n"
      "B1,C9,water,NOPE,10.00,monthly,1,,x,2027-01-01,2026-01-01\n";
  const std::string msg = Refusal({{"creditors.csv", kCreditors}, {"clients.csv", kClients},
                                   {"bills.csv", bills}});
  EXPECT_NE(msg.find("import refused, nothing was changed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bills.csv:3: 12 fields, the header has 11"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bills.csv:4: column amount: '12,50' is not an amount in euros like 1234.56 "
                     "(use a decimal point, not a comma)"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find("bills.csv:4: column schedule: 'weekly' is not one of"), std::string::npos);
  EXPECT_NE(msg.find("bills.csv:4: column due_day: '32' must be a day 1-31"), std::string::npos);
  EXPECT_NE(msg.find("bills.csv:4: column reference: '5000056789012346': the check digit"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find("bills.csv:4: column start: '2027-02-30'"), std::string::npos);
  EXPECT_NE(msg.find("bills.csv:5: column id: the same id is already given at bills.csv:2"),
            std::string::npos) << msg;
}

TEST(ImportTest, ReferencesMustExist) {
  const std::string bills =
      "id,client_id,kind,creditor_id,amount,schedule,due_day,reference_kind,reference,start,end\n"
      "B1,C9,rent,NOPE,725.00,monthly,1,,Huur,2027-01-01,\n";
  const std::string msg = Refusal({{"creditors.csv", kCreditors}, {"clients.csv", kClients},
                                   {"bills.csv", bills}});
  EXPECT_NE(msg.find("bills.csv:2: column client_id: client 'C9' is not in clients.csv nor in the "
                     "store"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bills.csv:2: column creditor_id: creditor 'NOPE'"), std::string::npos);
}

TEST(ImportTest, ClientChecksNeverEchoTheBsn) {
  const std::string clients = "id,bsn,name,household,iban\n"
                              "C1,111222334,A,single,NL20INGB0001234567\n"
                              "C2,111222333,B,alone,NL20INGB0001234568\n";
  const std::string msg = Refusal({{"clients.csv", clients}});
  EXPECT_NE(msg.find("clients.csv:2: column bsn: the BSN fails the elfproef"), std::string::npos);
  EXPECT_EQ(msg.find("111222334"), std::string::npos) << "a BSN must not appear in messages";
  EXPECT_NE(msg.find("clients.csv:3: column household: 'alone' is not one of"), std::string::npos);
  EXPECT_NE(msg.find("clients.csv:3: column iban: 'NL20INGB0001234568': the check digits"),
            std::string::npos) << msg;
}

TEST(ImportTest, PlansAreCheckedByTheEngine) {
  const std::string plans =
      "client_id,kind,benefit_start,benefit_end,extension_end,extension_reason,bills,"
      "period_start,period_end,reason\n"
      "C1,maatwerk,2026-10-01,,,,energy;gas,,,\n";
  const std::string msg = Refusal({{"clients.csv", kClients}, {"plans.csv", plans}});
  EXPECT_NE(msg.find("plans.csv:2: column bills: 'gas' is not one of"), std::string::npos) << msg;
  const std::string no_reason =
      "client_id,kind,benefit_start,benefit_end,extension_end,extension_reason,bills,"
      "period_start,period_end,reason\n"
      "C1,maatwerk,2026-10-01,,,,energy,,,\n";
  EXPECT_NE(Refusal({{"clients.csv", kClients}, {"plans.csv", no_reason}})
                .find("a maatwerk plan needs the coach's reason"),
            std::string::npos);
}

TEST(ImportTest, ConflictsWithStoredRowsAreRefusedIdenticalOnesSkipped) {
  auto parsed = ParseImportFiles({{"clients.csv", kClients}});
  ASSERT_TRUE(parsed);
  ImportBatch existing = parsed->batch;
  auto same = CheckImport(*parsed, existing);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->skipped_identical, 1);
  EXPECT_TRUE(same->added.clients.empty());
  existing.clients[0].name = "Someone Else";
  auto conflict = CheckImport(*parsed, existing);
  ASSERT_FALSE(conflict);
  EXPECT_NE(conflict.error().message.find("clients.csv:2: column id: 'C1' is already stored with "
                                          "other data"),
            std::string::npos);
}

TEST(ImportTest, MissingColumnsAndUnknownFiles) {
  const std::string msg = Refusal({{"clients.csv", "id,name\nC1,x\n"}, {"people.csv", "a\n"}});
  EXPECT_NE(msg.find("clients.csv:1: column bsn: missing from the header row"), std::string::npos);
  EXPECT_NE(msg.find("people.csv: unknown file"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ontzorg
