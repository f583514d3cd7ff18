#include "engine/text.h"

#include <gtest/gtest.h>

namespace ontzorg {
namespace {

TEST(TextTest, EuroAmountsAreReadExactly) {
  EXPECT_EQ(ParseEuros("1234.56").value().cents(), 123456);
  EXPECT_EQ(ParseEuros("12.5").value().cents(), 1250);
  EXPECT_EQ(ParseEuros("700").value().cents(), 70000);
  EXPECT_EQ(ParseEuros("-3.10").value().cents(), -310);
  EXPECT_EQ(ParseEuros("999999999999.99").value().cents(), 99999999999999);
  // Zeros after the cents are whole cents (the ISO schemas allow 5 decimals): issue 15.
  EXPECT_EQ(ParseEuros("8.850").value().cents(), 885);
  EXPECT_EQ(ParseEuros("8.85000").value().cents(), 885);
  EXPECT_EQ(ParseEuros("8.000").value().cents(), 800);
}

TEST(TextTest, EuroAmountsThatAreNotWholeCentsOrNotNumbersAreRefused) {
  EXPECT_EQ(ParseEuros("12,50").error(), AmountError::kDecimalComma);
  EXPECT_NE(ExplainAmountError(AmountError::kDecimalComma, "12,50").find("decimal point"),
            std::string::npos);
  EXPECT_EQ(ParseEuros("1.234").error(), AmountError::kTooManyDecimals);
  EXPECT_EQ(ParseEuros("8.8501").error(), AmountError::kTooManyDecimals);
  EXPECT_EQ(ParseEuros("8.850000").error(), AmountError::kTooManyDecimals);
  EXPECT_EQ(ParseEuros("1e3").error(), AmountError::kMalformed);
  EXPECT_EQ(ParseEuros(".5").error(), AmountError::kMalformed);
  EXPECT_EQ(ParseEuros("").error(), AmountError::kEmpty);
  EXPECT_EQ(ParseEuros("9999999999999").error(), AmountError::kTooManyDigits);
}

// Found by fuzz_checks: 20 integer digits overflowed int64 while being read, before the length
// check refused them (undefined behaviour; the sanitizer build's replay of
// tests/fuzz/regressions/checks/ catches it too).
TEST(TextTest, TwentyDigitAmountIsRefusedWithoutOverflow) {
  auto r = ParseEuros("11222332341112223636.56");
  ASSERT_FALSE(r);
  EXPECT_NE(ExplainAmountError(r.error(), "11222332341112223636.56").find("not an amount in euros"),
            std::string::npos);
  EXPECT_FALSE(ParseEuros("-99999999999999999999999999"));
}

TEST(TextTest, BillKindsAndLevelsReadBackAsWritten) {
  const std::vector<BillKind> kinds = {BillKind::kEnergy, BillKind::kWater};
  EXPECT_EQ(EncodeBillKinds(kinds), "energy,water");
  EXPECT_EQ(DecodeBillKinds(EncodeBillKinds(kinds)), kinds);
  const std::map<std::string, int> levels = {{"overview", 2}, {"rent.pays_on_time", 1}};
  EXPECT_EQ(EncodeLevels(levels), "overview=2;rent.pays_on_time=1");
  EXPECT_EQ(DecodeLevels(EncodeLevels(levels)), levels);
  EXPECT_FALSE(DecodeLevels("overview=12"));
  EXPECT_FALSE(DecodeLevels("=2"));
}

TEST(TextTest, ReferenceKindsReadBackAsWritten) {
  for (ReferenceKind k : {ReferenceKind::kBetalingskenmerk, ReferenceKind::kRfCreditorReference,
                          ReferenceKind::kFreeText}) {
    EXPECT_EQ(ParseReferenceKind(ToString(k)), k);
  }
  EXPECT_FALSE(ParseReferenceKind("acceptgiro"));
}

}  // namespace
}  // namespace ontzorg
