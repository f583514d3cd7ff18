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

TEST(TextTest, BillKindsReadBackAsWritten) {
  const std::vector<BillKind> kinds = {BillKind::kEnergy, BillKind::kWater};
  EXPECT_EQ(EncodeBillKinds(kinds), "energy,water");
  EXPECT_EQ(DecodeBillKinds(EncodeBillKinds(kinds)), kinds);
}

TEST(TextTest, ReferenceKindsReadBackAsWritten) {
  for (ReferenceKind k : {ReferenceKind::kBetalingskenmerk, ReferenceKind::kRfCreditorReference,
                          ReferenceKind::kFreeText}) {
    EXPECT_EQ(ParseReferenceKind(ToString(k)), k);
  }
  EXPECT_FALSE(ParseReferenceKind("acceptgiro"));
}

TEST(DutchAmountTest, ReadsDecimalCommasAndThousandsDots) {
  EXPECT_EQ(ParseDutchEuros("1234,56").value().cents(), 123456);
  EXPECT_EQ(ParseDutchEuros("1.234,56").value().cents(), 123456);
  EXPECT_EQ(ParseDutchEuros("1.234.567,8").value().cents(), 123456780);
  EXPECT_EQ(ParseDutchEuros("-3,10").value().cents(), -310);
  EXPECT_EQ(ParseDutchEuros("700").value().cents(), 70000);
  EXPECT_EQ(ParseDutchEuros("1.234").value().cents(), 123400);  // a thousands dot, not cents
}

TEST(DutchAmountTest, RefusesDotsThatAreNotThousandsAndSecondCommas) {
  for (const char* bad : {"12.50", "1.23", "12.3456", ".5", "1..234", "1.234,5,6", "12,5.0",
                          "1234.56", ",50", "€ 12,50", ""}) {
    EXPECT_FALSE(ParseDutchEuros(bad)) << bad;
  }
}

TEST(FormatEurosTest, OneFunctionWritesEveryStyle) {
  const Money m = Money::FromCents(-123456789);
  EXPECT_EQ(FormatEuros(Money::FromCents(123456)), "€ 1.234,56");
  EXPECT_EQ(FormatEuros(m), "€ -1.234.567,89");
  EXPECT_EQ(FormatEuros(m, EuroStyle::English()), "€ -1,234,567.89");
  EXPECT_EQ(FormatEuros(m, EuroStyle::Cell()), "-1234567,89");
  EXPECT_EQ(FormatEuros(Money::FromCents(5)), "€ 0,05");
  EXPECT_EQ(FormatEuros(Money::FromCents(100000)), "€ 1.000,00");
  EXPECT_EQ(FormatEuros(Money::FromCents(INT64_MIN), EuroStyle::Cell()), "-92233720368547758,08");
}

TEST(FormatEurosTest, EveryCellReadsBackAsTheSameAmount) {
  for (int64_t c : {0L, 1L, -1L, 99L, 100L, 123456L, -100000L, 99999999999999L}) {
    const Money m = Money::FromCents(c);
    EXPECT_EQ(ParseDutchEuros(FormatEuros(m, EuroStyle::Cell())).value().cents(), c);
    EXPECT_EQ(ParseDutchEuros(FormatEuros(m).substr(std::string("€ ").size())).value().cents(), c);
  }
}

TEST(FormatDutchDateTest, DayMonthYearWithLeadingZeros) {
  EXPECT_EQ(FormatDutchDate(Date::FromYmd(2027, 3, 31).value()), "31-03-2027");
  EXPECT_EQ(FormatDutchDate(Date::FromYmd(2027, 1, 4).value()), "04-01-2027");
}

TEST(TypedAmountTest, EitherWayButNeverAGuess) {
  EXPECT_EQ(ParseTypedEuros("1234.56").value().cents(), 123456);
  EXPECT_EQ(ParseTypedEuros("1234,56").value().cents(), 123456);
  EXPECT_EQ(ParseTypedEuros("1.234,56").value().cents(), 123456);
  EXPECT_EQ(ParseTypedEuros("12,5").value().cents(), 1250);
  EXPECT_EQ(ParseTypedEuros("150").value().cents(), 15000);
  EXPECT_EQ(ParseTypedEuros("1.250").error(), AmountError::kAmbiguous);
  EXPECT_NE(ExplainAmountError(AmountError::kAmbiguous, "1.250").find("1.250,00"),
            std::string::npos);
  EXPECT_FALSE(ParseTypedEuros("1,234.56"));
}

}  // namespace
}  // namespace ontzorg
