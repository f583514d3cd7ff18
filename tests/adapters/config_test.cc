#include "adapters/config/config.h"

#include <gtest/gtest.h>

#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using testing_support::ReadFile;
using testing_support::SourceDir;
using testing_support::TempDir;
using testing_support::WriteFile;

std::string Load(const std::string& text) {
  TempDir dir;
  WriteFile(dir / "c.toml", text);
  auto c = LoadConfig(dir / "c.toml");
  if (c) return "ok";
  std::string msg = c.error().message;
  return msg.substr(msg.find("c.toml"));  // drop the temp folder
}

std::string Default() { return ReadFile(SourceDir() + "/config/ontzorg.toml"); }

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

TEST(ConfigTest, TheShippedConfigLoads) {
  auto c = LoadConfig(SourceDir() + "/config/ontzorg.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->municipality_code, "GM9999");
  EXPECT_EQ(c->sepa.version, PainVersion::k09);
  EXPECT_EQ(c->month.priority.front(), BillKind::kRent);
}

TEST(ConfigTest, BadValuesNameFileLineAndKey) {
  EXPECT_EQ(Load(Replace(Default(), "iban = \"NL38BNGH0285012345\"", "iban = \"NL38BNGH0285012346\"")),
            "c.toml:10: managed_account.iban: the check digits do not match (mod 97): probably a "
            "typing error; ask the creditor for the IBAN again");
  EXPECT_EQ(Load(Replace(Default(), "max_transactions_per_file = 5000", "max_transactions_per_file = 0")),
            "c.toml:25: sepa.max_transactions_per_file: must be a whole number from 1 to 100000");
  EXPECT_EQ(Load(Replace(Default(), "\"pain.001.001.09\"  ", "\"pain.001.001.02\"  ")),
            "c.toml:23: sepa.format: must be \"pain.001.001.09\" or \"pain.001.001.03\"");
  EXPECT_EQ(Load(Replace(Default(), "\"rent\", \"health_insurance\"", "\"rent\", \"rent\"")),
            "c.toml:29: month.priority: must name each of the four bill kinds exactly once");
  EXPECT_EQ(Load(Replace(Default(), "code = \"GM9999\"", "")),
            "c.toml: municipality.code: missing; add it to the file");
}

TEST(ConfigTest, BrokenTomlAndMissingFile) {
  EXPECT_EQ(Load("[municipality\ncode = 1\n").substr(0, 11), "c.toml:1:14");
  auto missing = LoadConfig("/no/such/file.toml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(missing.error().message.find("configuration file not found"), std::string::npos);
}

}  // namespace
}  // namespace ontzorg
