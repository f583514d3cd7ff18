#include "engine/checks.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ontzorg {
namespace {

// Splits a vectors CSV line on commas, honouring double quotes.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::vector<std::vector<std::string>> ReadVectors(const std::string& name) {
  std::ifstream in(std::string(ONTZORG_SHARED_DIR) + "/vectors/" + name);
  EXPECT_TRUE(in.good()) << "missing ../shared/vectors/" << name;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(SplitCsv(line));
  }
  return rows;
}

TEST(IbanTest, AgreesWithEverySharedVector) {
  const auto rows = ReadVectors("iban.csv");
  ASSERT_GT(rows.size(), 200u);
  for (const auto& row : rows) {
    const bool expected = row[1] == "1";
    const auto result = ParseIban(row[0]);
    EXPECT_EQ(result.has_value(), expected)
        << row[0] << " (" << row[2] << ")"
        << (result ? "" : ": " + ExplainIbanError(result.error(), row[0]));
  }
}

TEST(IbanTest, NormalisesAndExplains) {
  const auto iban = ParseIban("nl91 abna 0417 1643 00");
  ASSERT_TRUE(iban);
  EXPECT_EQ(iban->compact(), "NL91ABNA0417164300");
  EXPECT_EQ(iban->Formatted(), "NL91 ABNA 0417 1643 00");
  const auto short_one = ParseIban("NL91ABNA041716430");
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error(), IbanError::kWrongLength);
  EXPECT_EQ(ExplainIbanError(short_one.error(), "NL91ABNA041716430"),
            "an NL IBAN has 18 characters, this one has 17");
  // Check digits 00, 01 and 99 pass mod 97 (as 97, 98 and 02 do) but are never issued.
  EXPECT_TRUE(ParseIban("NL02ABNA0417164350"));
  EXPECT_EQ(ParseIban("NL99ABNA0417164350").error(), IbanError::kBadCheckDigits);
  EXPECT_TRUE(ParseIban("NL98ABNA0417164368"));
  EXPECT_EQ(ParseIban("NL01ABNA0417164368").error(), IbanError::kBadCheckDigits);
  EXPECT_TRUE(ParseIban("NL97ABNA0417164386"));
  EXPECT_EQ(ParseIban("NL00ABNA0417164386").error(), IbanError::kBadCheckDigits);
  EXPECT_EQ(ExplainIbanError(IbanError::kBadCheckDigits, "NL00ABNA0417164386"),
            "the check digits '00' are never issued (an IBAN's check digits are 02 to 98): "
            "probably a typing error");
  // Countries added to the registry since 2020 (the registry's own examples), and territories
  // with another country's format.
  for (const char* added :
       {"RU0204452560040702810412345678901", "SD2129010501234001", "OM810180000001299123456",
        "SO211000001001000100141", "YE15CBYE0001018861234567891234", "HN88CABF00000000000250005469",
        "AX2112345600000785", "GF4120041010050500013M02606"}) {
    EXPECT_TRUE(ParseIban(added)) << added;
  }
  EXPECT_EQ(ParseIban("AX211234560000078").error(), IbanError::kWrongLength) << "as FI: 18";
  EXPECT_EQ(ParseIban("NL92ABNA0417164300").error(), IbanError::kChecksumFailed);
  EXPECT_EQ(ParseIban("NL91ABNA0417_64300").error(), IbanError::kInvalidCharacter);
  EXPECT_EQ(ParseIban("").error(), IbanError::kEmpty);
}

TEST(BsnTest, AgreesWithEverySharedVector) {
  const auto rows = ReadVectors("bsn.csv");
  ASSERT_GE(rows.size(), 15u);
  for (const auto& row : rows) {
    EXPECT_EQ(ParseBsn(row[0]).has_value(), row[1] == "1") << row[0] << " (" << row[2] << ")";
  }
}

TEST(BsnTest, Reasons) {
  EXPECT_EQ(ParseBsn("1112.22.333").value(), "111222333");
  EXPECT_EQ(ParseBsn("12345678").error(), BsnError::kWrongLength);
  EXPECT_EQ(ParseBsn("11122233x").error(), BsnError::kNotDigits);
  EXPECT_EQ(ParseBsn("111222334").error(), BsnError::kElfproefFailed);
  EXPECT_EQ(ParseBsn("000000000").error(), BsnError::kElfproefFailed);
}

TEST(BicTest, Shape) {
  EXPECT_EQ(ParseBic("bnghnl2g").value(), "BNGHNL2G");
  EXPECT_EQ(ParseBic("ABNANL2AXXX").value(), "ABNANL2AXXX");
  EXPECT_EQ(ParseBic("ABNANL2").error(), BicError::kWrongLength);
  EXPECT_EQ(ParseBic("ABN1NL2A").error(), BicError::kBadFormat);
  EXPECT_EQ(ParseBic("ABNANL1A").error(), BicError::kBadFormat);  // location may not start with 1
  EXPECT_EQ(ParseBic("ABNANL2O").error(), BicError::kBadFormat);  // nor end in O
}

TEST(ReferenceTest, BetalingskenmerkWorkedExamples) {
  // SEPA.md §10: both examples verified by the Betaalvereniging and XMLdation.
  EXPECT_EQ(ParseBetalingskenmerk("5000 0567 8901 2345").value(), "5000056789012345");
  EXPECT_TRUE(ParseBetalingskenmerk("12234534622567"));
  EXPECT_TRUE(ParseBetalingskenmerk("1234567"));  // 7 digits: no check digit
  EXPECT_EQ(ParseBetalingskenmerk("4000056789012345").error(), ReferenceError::kCheckDigitFailed);
  EXPECT_EQ(ParseBetalingskenmerk("13234534622567").error(), ReferenceError::kLengthCodeMismatch);
  EXPECT_EQ(ParseBetalingskenmerk("12345678").error(), ReferenceError::kWrongLength);
  EXPECT_EQ(ParseBetalingskenmerk("123456789012345").error(), ReferenceError::kWrongLength);
  EXPECT_EQ(ParseBetalingskenmerk("5000O56789012345").error(), ReferenceError::kNotDigits);
}

TEST(ReferenceTest, RfCreditorReference) {
  EXPECT_EQ(ParseRfReference("rf71 2348 231").value(), "RF712348231");
  EXPECT_TRUE(ParseRfReference("RF2012345678"));
  EXPECT_TRUE(ParseRfReference("RF18539007547034"));  // ISO 11649 example
  EXPECT_EQ(ParseRfReference("RF722348231").error(), ReferenceError::kRfChecksumFailed);
  EXPECT_EQ(ParseRfReference("RF7").error(), ReferenceError::kRfBadFormat);
  EXPECT_EQ(ParseRfReference("RF71234823_").error(), ReferenceError::kRfBadFormat);
}

TEST(ReferenceTest, FreeTextCountsCharactersNotBytes) {
  EXPECT_TRUE(ParseReference(ReferenceKind::kFreeText, std::string(140, 'a')));
  EXPECT_FALSE(ParseReference(ReferenceKind::kFreeText, std::string(141, 'a')));
  std::string accents;
  for (int i = 0; i < 140; ++i) accents += "\xC3\xA9";  // é, 2 bytes each
  EXPECT_TRUE(ParseReference(ReferenceKind::kFreeText, accents));
  EXPECT_EQ(GuessReferenceKind("RF712348231"), ReferenceKind::kRfCreditorReference);
  EXPECT_EQ(GuessReferenceKind("5000 0567 8901 2345"), ReferenceKind::kBetalingskenmerk);
  EXPECT_EQ(GuessReferenceKind("huur januari"), ReferenceKind::kFreeText);
}

}  // namespace
}  // namespace ontzorg
