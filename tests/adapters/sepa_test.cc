// The pain.001 writer, validated against the official ISO 20022 schemas in ../shared/iso20022
// (and the EPC-restricted .03 schema, which also enforces the 70-character names).
#include <gtest/gtest.h>

#include "adapters/sepa/pain001_writer.h"
#include "adapters/sepa/xsd_validator.h"
#include "adapters/system/files.h"
#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using testing_support::ReadFile;
using testing_support::SharedDir;
using testing_support::SourceDir;
using testing_support::TempDir;

Payment MakePayment(const std::string& e2e, int64_t cents, const char* exec, ReferenceKind kind,
                    const std::string& ref, bool bic) {
  Payment p;
  p.key = e2e;
  p.end_to_end_id = e2e;
  p.client = {"C1"};
  p.amount = Money::FromCents(cents);
  p.due = Date::Parse(exec).value();
  p.execution = Date::Parse(exec).value();
  p.payee.name =
      "Woonstichting W\xC3\xB3on & Zo\xC3\xABn \xE2\x80\x99t Huis " + std::string(60, 'x');
  p.payee.iban = ParseIban("NL91ABNA0417164300").value();
  if (bic) p.payee.bic = "ABNANL2A";
  p.payee.address = Address{
      "Stra\xC3\x9F"
      "e",
      "12a", "1234 AB", "\xC3\x89pinal", "NL"};
  p.remittance = {kind, ref};
  return p;
}

class SepaTest : public testing::TestWithParam<const char*> {
 protected:
  Pain001Header Header(bool debtor_bic) const {
    Pain001Header h;
    h.msg_id = "GM9999-20261214-00000001";
    h.created_at = "2026-12-14T10:00:00";
    h.format = GetParam();
    h.initiating_party = "Gemeente Voorbeeld";
    h.debtor.name = "Gemeente Voorbeeld beheerrekening";
    h.debtor.iban = ParseIban("NL38BNGH0285012345").value();
    if (debtor_bic) h.debtor.bic = "BNGHNL2G";
    h.debtor.address = Address{"Raadhuisplein", "1", "9999 AA", "Voorbeeld", "NL"};
    return h;
  }
  std::vector<Payment> Payments() const {
    return {MakePayment("OZ-B-202701-B1", 10, "2026-12-30", ReferenceKind::kBetalingskenmerk,
                        "5000056789012345", true),
            MakePayment("OZ-B-202701-B2", 20, "2026-12-30", ReferenceKind::kRfCreditorReference,
                        "RF712348231", false),
            MakePayment("OZ-L-202701-C1", 123456, "2027-01-14", ReferenceKind::kFreeText,
                        "Leefgeld januari 2027 / living allowance", false)};
  }
  TempDir dir_;
};

// The digest an approval records is computed over the batch's payments one at a time
// (Sha256Stream); it equals the digest over all of them joined, and of known text (FIPS 180-2).
TEST(Sha256StreamTest, PiecesGiveTheDigestOfTheWhole) {
  Sha256Stream abc;
  abc.Update("a");
  abc.Update("");
  abc.Update("bc");
  EXPECT_EQ(abc.HexDigest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string whole;
  Sha256Stream pieces;
  for (int i = 0; i < 1000; ++i) {
    const std::string line = "OZ-B-" + std::to_string(i) + "|" + std::to_string(i * 7) + "\n";
    whole += line;
    pieces.Update(line);
  }
  EXPECT_EQ(pieces.HexDigest(), Sha256Hex(whole));
}

TEST_P(SepaTest, ValidatesAgainstTheOfficialSchema) {
  const std::string path = dir_ / "f.xml";
  ASSERT_TRUE(WritePain001(Header(false), Payments(), path));
  auto xsd = XsdValidator::Load(SharedDir() + "/iso20022", GetParam());
  ASSERT_TRUE(xsd) << xsd.error().message;
  auto valid = (*xsd)->ValidateFile(path);
  EXPECT_TRUE(valid) << valid.error().message;
  if (std::string(GetParam()) == "pain.001.001.03") {
    auto epc = XsdValidator::Load(SharedDir() + "/iso20022/epc", "pain.001.001.03_EPC");
    ASSERT_TRUE(epc) << epc.error().message;
    auto epc_valid = (*epc)->ValidateFile(path);
    EXPECT_TRUE(epc_valid) << epc_valid.error().message;
  }
}

TEST_P(SepaTest, SumsGroupsCharactersAndAgents) {
  const std::string path = dir_ / "f.xml";
  ASSERT_TRUE(WritePain001(Header(false), Payments(), path));
  const std::string xml = ReadFile(path);
  EXPECT_NE(xml.find("<NbOfTxs>3</NbOfTxs>"), std::string::npos);
  EXPECT_NE(xml.find("<CtrlSum>1234.86</CtrlSum>"), std::string::npos);  // 0.10 + 0.20 + 1234.56
  EXPECT_NE(xml.find("<CtrlSum>0.30</CtrlSum>"), std::string::npos);     // exact, never 0.3000004
  EXPECT_NE(xml.find("GM9999-20261214-00000001-2</PmtInfId>"), std::string::npos);
  EXPECT_NE(xml.find("<Nm>Woonstichting Woon + Zoen 't Huis xxxxxxxxx"), std::string::npos);
  EXPECT_NE(xml.find("<Id>NOTPROVIDED</Id>"), std::string::npos);  // debtor without BIC
  EXPECT_NE(xml.find("<Issr>CUR</Issr>"), std::string::npos);
  EXPECT_NE(xml.find("<Issr>ISO</Issr>"), std::string::npos);
  EXPECT_NE(xml.find("<ChrgBr>SLEV</ChrgBr>"), std::string::npos);
  for (size_t pos = 0; (pos = xml.find("<Nm>", pos)) != std::string::npos; ++pos) {
    EXPECT_LE(xml.find("</Nm>", pos) - pos - 4, 70u) << "EPC: names at most 70 characters";
  }
  for (unsigned char c : xml) EXPECT_LT(c, 0x80) << "only the SEPA Latin set is written";
}

TEST_P(SepaTest, RewritingIsByteIdentical) {
  ASSERT_TRUE(WritePain001(Header(true), Payments(), dir_ / "a.xml"));
  ASSERT_TRUE(WritePain001(Header(true), Payments(), dir_ / "b.xml"));
  EXPECT_EQ(HashFile(dir_ / "a.xml")->sha256, HashFile(dir_ / "b.xml")->sha256);
}

TEST_P(SepaTest, OwnChecksRefuseWhatTheSchemaWouldMiss) {
  std::vector<Payment> payments = Payments();
  payments[1].end_to_end_id = "OZ//B2";
  auto refused = WritePain001(Header(true), payments, dir_ / "f.xml");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidOutput);
  EXPECT_NE(refused.error().message.find("OZ//B2"), std::string::npos);
  payments = Payments();
  payments[0].amount = Money::Zero();
  EXPECT_FALSE(WritePain001(Header(true), payments, dir_ / "f.xml"));
}

// The file, byte for byte, as fixtures/pain001/ holds it: written by libxml2's xmlTextWriter
// until 2026-12-06, when the writer became our own (issue 18). A file exported before must be
// re-written identical (`ontzorg rewrite` compares SHA-256), so the bytes may never change. The
// payments cover both address forms, no address, an address without street, with and without
// BIC, the three reference kinds, a name cut at 70 characters, letters outside the Latin set, a
// reference with the characters XML escapes, and three execution dates.
TEST_P(SepaTest, WritesTheGoldenFileByteForByte) {
  std::vector<Payment> payments = Payments();
  Payment bare = MakePayment("OZ-L-202701-C2", 5, "2027-01-14", ReferenceKind::kFreeText,
                             "Leefgeld <januari> & \"februari\" 2027", false);
  bare.payee.name = "A";
  bare.payee.address.reset();
  payments.push_back(bare);
  Payment town_only = MakePayment("OZ-B-202702-B3", 99999999, "2027-02-01",
                                  ReferenceKind::kFreeText, "\xC3\xA9\xC3\xA8 / ref: 12", true);
  town_only.payee.address = Address{"", "", "", "Den Haag", "NL"};
  payments.push_back(town_only);
  // A reference is written as it is, so the characters XML escapes are escaped as libxml2 did.
  payments.push_back(MakePayment("OZ-B-202702-B4", 1, "2027-02-01",
                                 ReferenceKind::kRfCreditorReference, "RF<&>\"\r'1", false));
  const std::string path = dir_ / "f.xml";
  ASSERT_TRUE(WritePain001(Header(true), payments, path));
  const std::string golden = SourceDir() + "/fixtures/pain001/" + GetParam() + ".xml";
  EXPECT_EQ(ReadFile(path), ReadFile(golden)) << "differs from " << golden;
}

INSTANTIATE_TEST_SUITE_P(Formats, SepaTest, testing::Values("pain.001.001.09", "pain.001.001.03"));

TEST(XsdValidatorTest, RejectsAnInvalidSampleAndReportsMissingSchemas) {
  auto xsd = XsdValidator::Load(SharedDir() + "/iso20022", "pain.001.001.03");
  ASSERT_TRUE(xsd);
  EXPECT_TRUE(
      (*xsd)->ValidateFile(SharedDir() + "/samples/pain.001.001.03/sepavalidation_valid.xml"));
  auto invalid = (*xsd)->ValidateFile(SharedDir() +
                                      "/samples/pain.001.001.03/sepavalidation_invalid_schema.xml");
  ASSERT_FALSE(invalid);
  EXPECT_NE(invalid.error().message.find("line "), std::string::npos);
  auto missing = XsdValidator::Load("/no/such/folder", "pain.001.001.09");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("schema_dir"), std::string::npos);
}

}  // namespace
}  // namespace ontzorg
