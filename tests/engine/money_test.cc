#include "engine/money.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/engine/printers.h"

namespace ontzorg {
namespace {

TEST(MoneyTest, FormatsTwoDecimals) {
  EXPECT_EQ(Money::FromCents(123456).ToDecimalString(), "1234.56");
  EXPECT_EQ(Money::FromCents(5).ToDecimalString(), "0.05");
  EXPECT_EQ(Money::FromCents(-1999).ToDecimalString(), "-19.99");
  EXPECT_EQ(Money::FromCents(INT64_MIN).ToDecimalString(), "-92233720368547758.08");
}

TEST(MoneyTest, AddsAndSubtracts) {
  Money m = Money::FromCents(100);
  m += Money::FromCents(50);
  m -= Money::FromCents(175);
  EXPECT_EQ(m.cents(), -25);
  EXPECT_TRUE(m.IsNegative());
}

TEST(MoneyDeathTest, OverflowIsAnInvariant) {
  EXPECT_DEATH((void)(Money::FromCents(INT64_MAX) + Money::FromCents(1)), "overflow");
}

TEST(MoneyTest, SplitSumsExactlyProperty) {
  const uint32_t seed = 20261123;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 10000; ++i) {
    const int64_t total = static_cast<int64_t>(rng() % 2000000) - 1000000;
    const int parts = static_cast<int>(rng() % 12) + 1;
    const std::vector<Money> split = Split(Money::FromCents(total), parts);
    ASSERT_EQ(static_cast<int>(split.size()), parts) << "seed " << seed;
    Money sum;
    for (Money p : split) {
      sum += p;
      ASSERT_LE(std::abs(p.cents() - split[0].cents()), 1) << "seed " << seed;
    }
    ASSERT_EQ(sum.cents(), total) << "seed " << seed << " total " << total;
  }
}

}  // namespace
}  // namespace ontzorg
