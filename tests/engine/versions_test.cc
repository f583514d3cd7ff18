// Effective-dated versions (issue 16): the record valid for a month, against a model that picks,
// field by field, the value of the latest version (by month, then entry) on or before the month.
#include "engine/versions.h"

#include <gtest/gtest.h>

#include <random>

namespace ontzorg {
namespace {

Bill Rent() {
  Bill b;
  b.id = BillId{"HS"};
  b.client = ClientId{"S"};
  b.kind = BillKind::kRent;
  b.creditor = CreditorId{"WL"};
  b.amount = Money::FromCents(70000);
  b.due_day = 1;
  b.start = Date::Parse("2027-01-01").value();
  return b;
}

YearMonth Month(int m) { return YearMonth::Parse("2027-01").value().AddMonths(m - 1); }

TEST(VersionsTest, DifferingFieldsNamesTheImportColumns) {
  Bill a = Rent(), b = Rent();
  EXPECT_TRUE(DifferingFields(a, b).empty());
  b.amount = Money::FromCents(76000);
  b.due_day = 20;
  b.reference.value = "Huur";
  EXPECT_EQ(DifferingFields(a, b), (std::vector<std::string>{"amount", "due_day", "reference"}));
  EXPECT_EQ(FixedField<Bill>({"amount", "kind"}), "kind");
  EXPECT_EQ(FixedField<Bill>({"amount"}), "");
  Client c, d;
  d.bsn = "1";
  EXPECT_EQ(FixedField<Client>(DifferingFields(c, d)), "bsn");
}

TEST(VersionsTest, AVersionHoldsFromItsMonthAndSetsOnlyItsFields) {
  const Bill base = Rent();
  Bill rise = Rent();
  rise.amount = Money::FromCents(76000);
  rise.due_day = 28;  // not among its fields: not applied
  Bill landlord = Rent();
  landlord.creditor = CreditorId{"WN"};
  const std::vector<Version<Bill>> versions = {{Month(5), 2, {"creditor_id"}, landlord},
                                               {Month(3), 1, {"amount"}, rise}};
  EXPECT_EQ(AsOf(base, versions, Month(2)).amount.cents(), 70000);
  EXPECT_EQ(AsOf(base, versions, Month(3)).amount.cents(), 76000);
  EXPECT_EQ(AsOf(base, versions, Month(3)).due_day, 1);
  EXPECT_EQ(AsOf(base, versions, Month(4)).creditor.value, "WL");
  EXPECT_EQ(AsOf(base, versions, Month(5)).creditor.value, "WN");
  EXPECT_EQ(AsOf(base, versions, Month(5)).amount.cents(), 76000);
  EXPECT_EQ(AsOf(base, versions, std::nullopt).creditor.value, "WN");
}

// Random version sets, every month: AsOf agrees with the field-by-field model.
TEST(VersionsTest, AsOfAgreesWithTheModelOnRandomVersions) {
  std::mt19937 rng(16);
  for (int round = 0; round < 500; ++round) {
    const Bill base = Rent();
    std::vector<Version<Bill>> versions;
    const int n = static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) {
      Version<Bill> v{
          Month(1 + static_cast<int>(rng() % 8)), static_cast<int64_t>(n - i), {}, Rent()};
      if (rng() % 2) {
        v.fields.push_back("amount");
        v.row.amount = Money::FromCents(60000 + static_cast<int64_t>(rng() % 30000));
      }
      if (rng() % 2) {
        v.fields.push_back("due_day");
        v.row.due_day = 1 + static_cast<int>(rng() % 28);
      }
      versions.push_back(v);
    }
    for (int m = 1; m <= 8; ++m) {
      // The model: per field, the version with the greatest (valid_from, seq) on or before m.
      Money amount = base.amount;
      int due = base.due_day;
      std::pair<YearMonth, int64_t> amount_at{YearMonth(), -1}, due_at{YearMonth(), -1};
      for (const Version<Bill>& v : versions) {
        if (Month(m) < v.valid_from) continue;
        const std::pair<YearMonth, int64_t> at{v.valid_from, v.seq};
        for (const std::string& f : v.fields) {
          if (f == "amount" && amount_at <= at) {
            amount_at = at;
            amount = v.row.amount;
          }
          if (f == "due_day" && due_at <= at) {
            due_at = at;
            due = v.row.due_day;
          }
        }
      }
      const Bill got = AsOf(base, versions, Month(m));
      ASSERT_EQ(got.amount, amount) << "round " << round << " month " << m;
      ASSERT_EQ(got.due_day, due) << "round " << round << " month " << m;
    }
  }
}

}  // namespace
}  // namespace ontzorg
