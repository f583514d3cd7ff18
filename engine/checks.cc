#include "engine/checks.h"

#include <cctype>
#include <cstdint>

namespace ontzorg {
namespace {

// One row of the SWIFT IBAN registry: the country, the IBAN's total length and the BBAN structure
// in registry notation ("4!a10!n": 4 letters then 10 digits; c = letter or digit).
struct IbanCountry {
  const char* code;
  int length;
  const char* bban;
};

constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24, "4!n4!n12!c"},
    {"AE", 23, "3!n16!n"},
    {"AL", 28, "8!n16!c"},
    {"AT", 20, "5!n11!n"},
    {"AZ", 28, "4!a20!c"},
    {"BA", 20, "3!n3!n8!n2!n"},
    {"BE", 16, "3!n7!n2!n"},
    {"BG", 22, "4!a4!n2!n8!c"},
    {"BH", 22, "4!a14!c"},
    {"BI", 27, "5!n5!n11!n2!n"},
    {"BR", 29, "8!n5!n10!n1!a1!c"},
    {"BY", 28, "4!c4!n16!c"},
    {"CH", 21, "5!n12!c"},
    {"CR", 22, "4!n14!n"},
    {"CY", 28, "3!n5!n16!c"},
    {"CZ", 24, "4!n6!n10!n"},
    {"DE", 22, "8!n10!n"},
    {"DJ", 27, "5!n5!n11!n2!n"},
    {"DK", 18, "4!n9!n1!n"},
    {"DO", 28, "4!c20!n"},
    {"EE", 20, "2!n2!n11!n1!n"},
    {"EG", 29, "4!n4!n17!n"},
    {"ES", 24, "4!n4!n1!n1!n10!n"},
    {"FI", 18, "3!n11!n"},
    {"FK", 18, "2!a12!n"},
    {"FO", 18, "4!n9!n1!n"},
    {"FR", 27, "5!n5!n11!c2!n"},
    {"GB", 22, "4!a6!n8!n"},
    {"GE", 22, "2!a16!n"},
    {"GI", 23, "4!a15!c"},
    {"GL", 18, "4!n9!n1!n"},
    {"GR", 27, "3!n4!n16!c"},
    {"GT", 28, "4!c20!c"},
    {"HR", 21, "7!n10!n"},
    {"HU", 28, "3!n4!n1!n15!n1!n"},
    {"IE", 22, "4!a6!n8!n"},
    {"IL", 23, "3!n3!n13!n"},
    {"IQ", 23, "4!a3!n12!n"},
    {"IS", 26, "4!n2!n6!n10!n"},
    {"IT", 27, "1!a5!n5!n12!c"},
    {"JO", 30, "4!a4!n18!c"},
    {"KW", 30, "4!a22!c"},
    {"KZ", 20, "3!n13!c"},
    {"LB", 28, "4!n20!c"},
    {"LC", 32, "4!a24!c"},
    {"LI", 21, "5!n12!c"},
    {"LT", 20, "5!n11!n"},
    {"LU", 20, "3!n13!c"},
    {"LV", 21, "4!a13!c"},
    {"LY", 25, "3!n3!n15!n"},
    {"MC", 27, "5!n5!n11!c2!n"},
    {"MD", 24, "2!c18!c"},
    {"ME", 22, "3!n13!n2!n"},
    {"MK", 19, "3!n10!c2!n"},
    {"MN", 20, "4!n12!n"},
    {"MR", 27, "5!n5!n11!n2!n"},
    {"MT", 31, "4!a5!n18!c"},
    {"MU", 30, "4!a2!n2!n12!n3!n3!a"},
    {"NI", 28, "4!a20!n"},
    {"NL", 18, "4!a10!n"},
    {"NO", 15, "4!n6!n1!n"},
    {"PK", 24, "4!a16!c"},
    {"PL", 28, "8!n16!n"},
    {"PS", 29, "4!a21!c"},
    {"PT", 25, "4!n4!n11!n2!n"},
    {"QA", 29, "4!a21!c"},
    {"RO", 24, "4!a16!c"},
    {"RS", 22, "3!n13!n2!n"},
    {"SA", 24, "2!n18!c"},
    {"SC", 31, "4!a2!n2!n16!n3!a"},
    {"SE", 24, "3!n16!n1!n"},
    {"SI", 19, "5!n8!n2!n"},
    {"SK", 24, "4!n6!n10!n"},
    {"SM", 27, "1!a5!n5!n12!c"},
    {"ST", 25, "4!n4!n11!n2!n"},
    {"SV", 28, "4!a20!n"},
    {"TL", 23, "3!n14!n2!n"},
    {"TN", 24, "2!n3!n13!n2!n"},
    {"TR", 26, "5!n1!n16!c"},
    {"UA", 29, "6!n19!c"},
    {"VA", 22, "3!n15!n"},
    {"VG", 24, "4!a16!n"},
    {"XK", 20, "4!n10!n2!n"},
    // Added to the SWIFT IBAN registry since 2020.
    {"SD", 18, "2!n12!n"},
    {"RU", 33, "9!n5!n15!c"},
    {"OM", 23, "3!n16!c"},
    {"SO", 23, "4!n3!n12!n"},
    {"YE", 30, "4!a4!n18!c"},
    {"HN", 28, "4!a20!n"},
};

// Territories whose IBANs have their own country code and another country's format (the
// registry lists them under that country): the Aland Islands with Finland, the French overseas
// departments and territories with France.
struct IbanTerritory {
  const char* code;
  const char* uses;
};
constexpr IbanTerritory kIbanTerritories[] = {
    {"AX", "FI"}, {"GF", "FR"}, {"GP", "FR"}, {"MQ", "FR"}, {"RE", "FR"},
    {"PF", "FR"}, {"TF", "FR"}, {"YT", "FR"}, {"NC", "FR"}, {"BL", "FR"},
    {"MF", "FR"}, {"PM", "FR"}, {"WF", "FR"},
};

const IbanCountry* FindCountry(std::string_view code) {
  for (const auto& t : kIbanTerritories) {
    if (code == t.code) code = t.uses;
  }
  for (const auto& c : kIbanCountries) {
    if (code == c.code) return &c;
  }
  return nullptr;
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Removes spaces, dots and dashes and upper-cases, the way people write account numbers.
std::string Compact(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (char c : input) {
    if (c == ' ' || c == '.' || c == '-' || c == '\t') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// True when `bban` matches a registry structure such as "4!a10!n".
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): a swap fails every IBAN test vector
bool MatchesBbanFormat(std::string_view bban, std::string_view format) {
  size_t pos = 0;
  for (size_t i = 0; i < format.size();) {
    int count = 0;
    while (i < format.size() && IsDigit(format[i])) count = count * 10 + (format[i++] - '0');
    i += 1;  // '!'
    const char kind = format[i++];
    for (int k = 0; k < count; ++k, ++pos) {
      if (pos >= bban.size()) return false;
      const char c = bban[pos];
      const bool ok = kind == 'n'   ? IsDigit(c)
                      : kind == 'a' ? IsUpper(c)
                                    : (IsDigit(c) || IsUpper(c));
      if (!ok) return false;
    }
  }
  return pos == bban.size();
}

// ISO 7064 MOD 97-10 over a string of letters (A=10..Z=35) and digits.
int Mod97(std::string_view text) {
  int remainder = 0;
  for (char c : text) {
    if (IsDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else {
      const int value = c - 'A' + 10;
      remainder = (remainder * 100 + value) % 97;
    }
  }
  return remainder;
}

// Spanish CCC check digits: weights 1,2,4,8,5,10,9,7,3,6 over 10 digits, 11 - sum mod 11.
int SpanishCheckDigit(std::string_view ten_digits) {
  static constexpr int kWeights[10] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += (ten_digits[static_cast<size_t>(i)] - '0') * kWeights[i];
  const int check = 11 - sum % 11;
  return check == 11 ? 0 : (check == 10 ? 1 : check);
}

bool NationalCheckPasses(std::string_view iban) {
  const std::string_view bban = iban.substr(4);
  if (iban.substr(0, 2) == "ES") {
    const std::string first = "00" + std::string(bban.substr(0, 8));
    return SpanishCheckDigit(first) == bban[8] - '0' &&
           SpanishCheckDigit(bban.substr(10, 10)) == bban[9] - '0';
  }
  if (iban.substr(0, 2) == "BE") {
    int64_t account = 0;
    for (char c : bban.substr(0, 10)) account = account * 10 + (c - '0');
    const int64_t check = account % 97 == 0 ? 97 : account % 97;
    return check == (bban[10] - '0') * 10 + (bban[11] - '0');
  }
  return true;
}

// Dutch betalingskenmerk weights, applied from the rightmost digit leftwards.
constexpr int kKenmerkWeights[10] = {2, 4, 8, 5, 10, 9, 7, 3, 6, 1};

int KenmerkCheckDigit(std::string_view digits_after_check) {
  int sum = 0;
  int w = 0;
  for (size_t i = digits_after_check.size(); i-- > 0; w = (w + 1) % 10) {
    sum += (digits_after_check[i] - '0') * kKenmerkWeights[w];
  }
  const int check = 11 - sum % 11;
  return check == 11 ? 0 : (check == 10 ? 1 : check);
}

}  // namespace

std::string Iban::Formatted() const {
  std::string out;
  for (size_t i = 0; i < compact_.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += compact_[i];
  }
  return out;
}

Result<Iban, IbanError> ParseIban(std::string_view input) {
  const std::string iban = Compact(input);
  if (iban.empty()) return Unexpected(IbanError::kEmpty);
  for (char c : iban) {
    if (!IsUpper(c) && !IsDigit(c)) return Unexpected(IbanError::kInvalidCharacter);
  }
  const IbanCountry* country = iban.size() >= 2 ? FindCountry(iban.substr(0, 2)) : nullptr;
  if (country == nullptr) return Unexpected(IbanError::kUnknownCountry);
  if (static_cast<int>(iban.size()) != country->length) return Unexpected(IbanError::kWrongLength);
  if (!IsDigit(iban[2]) || !IsDigit(iban[3]) ||
      !MatchesBbanFormat(std::string_view(iban).substr(4), country->bban)) {
    return Unexpected(IbanError::kBadFormat);
  }
  // 00, 01 and 99 are never issued: they pass mod 97 as 97, 98 and 02 would.
  const int check_digits = (iban[2] - '0') * 10 + (iban[3] - '0');
  if (check_digits < 2 || check_digits > 98) return Unexpected(IbanError::kBadCheckDigits);
  if (Mod97(iban.substr(4) + iban.substr(0, 4)) != 1) return Unexpected(IbanError::kChecksumFailed);
  if (!NationalCheckPasses(iban)) return Unexpected(IbanError::kNationalCheckFailed);
  return Iban(iban);
}

std::string ExplainIbanError(IbanError error, std::string_view input) {
  const std::string iban = Compact(input);
  switch (error) {
    case IbanError::kEmpty: return "the IBAN is empty";
    case IbanError::kInvalidCharacter:
      return "an IBAN has only letters A-Z and digits (spaces are allowed between groups)";
    case IbanError::kUnknownCountry:
      return "'" + iban.substr(0, 2) + "' is not a country code in the IBAN registry";
    case IbanError::kWrongLength: {
      const IbanCountry* c = FindCountry(iban.substr(0, 2));
      return "an " + iban.substr(0, 2) + " IBAN has " + std::to_string(c ? c->length : 0) +
             " characters, this one has " + std::to_string(iban.size());
    }
    case IbanError::kBadFormat: {
      const IbanCountry* c = FindCountry(iban.substr(0, 2));
      return "the account part does not have the form of an " + iban.substr(0, 2) +
             " IBAN (registry format " + std::string(c ? c->bban : "?") +
             ": a = letter, n = digit, c = either)";
    }
    case IbanError::kBadCheckDigits:
      return "the check digits '" + iban.substr(2, 2) +
             "' are never issued (an IBAN's check digits are 02 to 98): probably a typing error";
    case IbanError::kChecksumFailed:
      return "the check digits do not match (mod 97): probably a typing error; ask the creditor "
             "for the IBAN again";
    case IbanError::kNationalCheckFailed:
      return "the IBAN's check digits are right but the bank's own account check digits are not";
  }
  return "unknown IBAN error";
}

Result<std::string, BicError> ParseBic(std::string_view input) {
  std::string bic;
  for (char c : input) {
    if (c != ' ') bic += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (bic.size() != 8 && bic.size() != 11) return Unexpected(BicError::kWrongLength);
  for (size_t i = 0; i < 6; ++i) {
    if (!IsUpper(bic[i])) return Unexpected(BicError::kBadFormat);
  }
  // ISO 9362 / XSD: location is [A-Z2-9][A-NP-Z0-9]; branch is 3 letters or digits.
  const char l1 = bic[6], l2 = bic[7];
  if (!(IsUpper(l1) || (l1 >= '2' && l1 <= '9'))) return Unexpected(BicError::kBadFormat);
  if (!((IsUpper(l2) && l2 != 'O') || IsDigit(l2))) return Unexpected(BicError::kBadFormat);
  for (size_t i = 8; i < bic.size(); ++i) {
    if (!IsUpper(bic[i]) && !IsDigit(bic[i])) return Unexpected(BicError::kBadFormat);
  }
  return bic;
}

std::string ExplainBicError(BicError error, std::string_view) {
  switch (error) {
    case BicError::kWrongLength: return "a BIC has 8 or 11 characters";
    case BicError::kBadFormat:
      return "a BIC is 4 letters (bank), 2 letters (country), 2 letters or digits (location) and "
             "optionally 3 letters or digits (branch), e.g. BNGHNL2G";
  }
  return "unknown BIC error";
}

Result<std::string, BsnError> ParseBsn(std::string_view input) {
  const std::string bsn = Compact(input);
  for (char c : bsn) {
    if (!IsDigit(c)) return Unexpected(BsnError::kNotDigits);
  }
  if (bsn.size() != 9) return Unexpected(BsnError::kWrongLength);
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (bsn[static_cast<size_t>(i)] - '0') * (9 - i);
  sum -= bsn[8] - '0';
  if (sum % 11 != 0 || bsn == "000000000") return Unexpected(BsnError::kElfproefFailed);
  return bsn;
}

std::string ExplainBsnError(BsnError error, std::string_view input) {
  switch (error) {
    case BsnError::kWrongLength:
      return "a BSN has 9 digits, this one has " + std::to_string(Compact(input).size());
    case BsnError::kNotDigits: return "a BSN has only digits";
    case BsnError::kElfproefFailed:
      return "the BSN fails the elfproef (11-test): probably a typing error";
  }
  return "unknown BSN error";
}

Result<std::string, ReferenceError> ParseBetalingskenmerk(std::string_view input) {
  std::string digits;
  for (char c : input) {
    if (c == ' ') continue;
    if (!IsDigit(c)) return Unexpected(ReferenceError::kNotDigits);
    digits += c;
  }
  const size_t n = digits.size();
  if (n == 0) return Unexpected(ReferenceError::kEmpty);
  if (n == 7) return digits;  // 7 digits carry no check digit
  if (n == 16) {
    if (KenmerkCheckDigit(std::string_view(digits).substr(1)) != digits[0] - '0') {
      return Unexpected(ReferenceError::kCheckDigitFailed);
    }
    return digits;
  }
  if (n < 9 || n > 14) return Unexpected(ReferenceError::kWrongLength);
  // Length code L: 7, 8, 9, 0, 1, 2 for 7..12 digits after C and L.
  if (digits[1] - '0' != static_cast<int>((n - 2) % 10)) {
    return Unexpected(ReferenceError::kLengthCodeMismatch);
  }
  if (KenmerkCheckDigit(std::string_view(digits).substr(1)) != digits[0] - '0') {
    return Unexpected(ReferenceError::kCheckDigitFailed);
  }
  return digits;
}

Result<std::string, ReferenceError> ParseRfReference(std::string_view input) {
  const std::string ref = Compact(input);
  if (ref.empty()) return Unexpected(ReferenceError::kEmpty);
  if (ref.size() < 5 || ref.size() > 25 || ref.substr(0, 2) != "RF" || !IsDigit(ref[2]) ||
      !IsDigit(ref[3])) {
    return Unexpected(ReferenceError::kRfBadFormat);
  }
  for (char c : ref) {
    if (!IsUpper(c) && !IsDigit(c)) return Unexpected(ReferenceError::kRfBadFormat);
  }
  if (Mod97(ref.substr(4) + ref.substr(0, 4)) != 1) {
    return Unexpected(ReferenceError::kRfChecksumFailed);
  }
  return ref;
}

Result<std::string, ReferenceError> ParseReference(ReferenceKind kind, std::string_view input) {
  switch (kind) {
    case ReferenceKind::kBetalingskenmerk: return ParseBetalingskenmerk(input);
    case ReferenceKind::kRfCreditorReference: return ParseRfReference(input);
    case ReferenceKind::kFreeText: break;
  }
  // Characters, not bytes: UTF-8 continuation bytes do not count.
  size_t chars = 0;
  for (char c : input) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars == 0) return Unexpected(ReferenceError::kEmpty);
  if (chars > 140) return Unexpected(ReferenceError::kFreeTextTooLong);
  return std::string(input);
}

ReferenceKind GuessReferenceKind(std::string_view input) {
  const std::string compact = Compact(input);
  if (compact.size() >= 2 && compact.substr(0, 2) == "RF")
    return ReferenceKind::kRfCreditorReference;
  bool all_digits = !input.empty();
  for (char c : input) all_digits = all_digits && (IsDigit(c) || c == ' ');
  return all_digits ? ReferenceKind::kBetalingskenmerk : ReferenceKind::kFreeText;
}

std::string ExplainReferenceError(ReferenceError error, std::string_view input) {
  switch (error) {
    case ReferenceError::kEmpty: return "the reference is empty";
    case ReferenceError::kNotDigits: return "a betalingskenmerk has only digits";
    case ReferenceError::kWrongLength:
      return "a betalingskenmerk has 7, 9-14 or 16 digits, this one has " +
             std::to_string(Compact(input).size());
    case ReferenceError::kLengthCodeMismatch:
      return "the second digit of a betalingskenmerk (length code) must match the number of "
             "digits after it: check the acceptgiro or invoice";
    case ReferenceError::kCheckDigitFailed:
      return "the check digit (first digit) of the betalingskenmerk does not match: probably a "
             "typing error";
    case ReferenceError::kRfBadFormat:
      return "an RF reference is 'RF', 2 check digits and 1-21 letters or digits";
    case ReferenceError::kRfChecksumFailed:
      return "the RF reference's check digits do not match (mod 97): probably a typing error";
    case ReferenceError::kFreeTextTooLong: return "free remittance text is at most 140 characters";
  }
  return "unknown reference error";
}

}  // namespace ontzorg
