#include "engine/sepa_rules.h"

#include <gtest/gtest.h>

namespace ontzorg {
namespace {

TEST(SepaTextTest, TransliteratesToTheLatinSet) {
  EXPECT_EQ(ToSepaText("Stichting Wóonbeheer & Zoön", 70), "Stichting Woonbeheer + Zoon");
  EXPECT_EQ(ToSepaText("Straße", 70), "Strasse");
  EXPECT_EQ(ToSepaText("\xC4\xB3sselmonde", 70), "ijsselmonde");  // ĳ ligature
  EXPECT_EQ(ToSepaText("Ahmed’s  \"huur\"  <jan>", 70), "Ahmed's huur jan");
  EXPECT_EQ(ToSepaText("مرحبا Amal", 70), "Amal");
  EXPECT_EQ(ToSepaText("abcdef", 3), "abc");
  EXPECT_EQ(ToSepaText("ab \xFF cd", 70), "ab cd");  // invalid UTF-8 is dropped
}

TEST(SepaTextTest, Identifiers) {
  EXPECT_TRUE(IsSepaIdentifier("OZ-B-202701-B00001"));
  EXPECT_FALSE(IsSepaIdentifier("/OZ"));
  EXPECT_FALSE(IsSepaIdentifier("OZ/"));
  EXPECT_FALSE(IsSepaIdentifier("OZ//1"));
  EXPECT_FALSE(IsSepaIdentifier("OZ 1"));
  EXPECT_FALSE(IsSepaIdentifier(std::string(36, 'A')));
  EXPECT_FALSE(IsSepaIdentifier(""));
}

TEST(SepaRulesTest, CheckPayment) {
  Payment p;
  p.end_to_end_id = "OZ-B-202701-B1";
  p.payee.name = "Vitens";
  p.amount = Money::FromCents(1);
  EXPECT_TRUE(CheckPayment(p));
  p.amount = Money::Zero();
  EXPECT_EQ(CheckPayment(p).error(), SepaError::kAmountOutOfRange);
  p.amount = Money::FromCents(kMaxAmountCents + 1);
  EXPECT_EQ(CheckPayment(p).error(), SepaError::kAmountOutOfRange);
  p.amount = Money::FromCents(100);
  p.payee.name = "مرحبا";
  EXPECT_EQ(CheckPayment(p).error(), SepaError::kEmptyPayeeName);
  p.payee.name = "Vitens";
  p.payee.address = Address{"", "", "", "", "NL"};
  EXPECT_EQ(CheckPayment(p).error(), SepaError::kMissingTownOrCountry);
}

}  // namespace
}  // namespace ontzorg
