// Checks for the identifiers money moves by: IBAN (ISO 13616), BIC (ISO 9362 shape), BSN
// (elfproef), the Dutch betalingskenmerk (weighted mod 11) and the RF creditor reference
// (ISO 11649). Each check normalises what a person types (spaces, lower case) and, when it refuses,
// says what is wrong in words a finance employee can act on.
#ifndef ONTZORG_ENGINE_CHECKS_H_
#define ONTZORG_ENGINE_CHECKS_H_

#include <string>
#include <string_view>

#include "engine/result.h"

namespace ontzorg {

enum class IbanError {
  kEmpty,                // nothing left after removing spaces, dots and dashes
  kInvalidCharacter,     // a character other than A-Z and 0-9
  kUnknownCountry,       // the first two letters are not a country in the IBAN registry
  kWrongLength,          // the length differs from the registry's length for that country
  kBadFormat,            // the account part (BBAN) has letters where digits belong, or vice versa
  kBadCheckDigits,       // check digits 00, 01 or 99: never issued
  kChecksumFailed,       // the two check digits do not match (mod 97 != 1): a typing error
  kNationalCheckFailed,  // the IBAN is right but the country's own account check digits are wrong
};

// A valid IBAN in compact upper-case form ("NL91ABNA0417164300").
class Iban {
 public:
  Iban() = default;  // empty: a placeholder until assigned from ParseIban
  const std::string& compact() const { return compact_; }
  std::string_view country() const { return std::string_view(compact_).substr(0, 2); }
  // Groups of four for people: "NL91 ABNA 0417 1643 00".
  std::string Formatted() const;
  bool operator==(const Iban&) const = default;

 private:
  friend Result<Iban, IbanError> ParseIban(std::string_view);
  explicit Iban(std::string compact) : compact_(std::move(compact)) {}
  std::string compact_;
};

// Accepts spaces, dots, dashes and lower case ("nl91 abna 0417 1643 00"); checks the country,
// its length and account format, the ISO 7064 mod-97 check digits and, for Spain and Belgium,
// the national check digits.
Result<Iban, IbanError> ParseIban(std::string_view input);
// A sentence saying what is wrong with `input`, e.g. "an NL IBAN has 18 characters, this one 17".
std::string ExplainIbanError(IbanError error, std::string_view input);

enum class BicError {
  kWrongLength,  // a BIC has 8 or 11 characters
  kBadFormat,    // not 4 letters (bank), 2 letters (country), 2 letters/digits (location), branch
};
// Returns the BIC upper-cased without spaces.
Result<std::string, BicError> ParseBic(std::string_view input);
std::string ExplainBicError(BicError error, std::string_view input);

enum class BsnError {
  kWrongLength,     // a BSN has 9 digits (after removing spaces, dots and dashes)
  kNotDigits,       // a BSN has only digits
  kElfproefFailed,  // the digits fail the elfproef (11-test): a typing error
};
// Returns the BSN as 9 digits.
Result<std::string, BsnError> ParseBsn(std::string_view input);
std::string ExplainBsnError(BsnError error, std::string_view input);

enum class ReferenceError {
  kEmpty,               // nothing to check
  kNotDigits,           // a betalingskenmerk has only digits
  kWrongLength,         // a betalingskenmerk has 7, 9-14 or 16 digits
  kLengthCodeMismatch,  // the 2nd digit (length code) does not match the number of digits
  kCheckDigitFailed,    // the weighted mod-11 check digit (1st digit) does not match
  kRfBadFormat,         // an RF reference is "RF", 2 check digits and 1-21 letters/digits
  kRfChecksumFailed,    // the RF check digits do not match (mod 97 != 1)
  kFreeTextTooLong,     // free remittance text is at most 140 characters
};

enum class ReferenceKind {
  kBetalingskenmerk,     // Dutch structured reference (acceptgiro), SEPA Strd with Issr CUR
  kRfCreditorReference,  // ISO 11649 "RF..." reference, SEPA Strd with Issr ISO
  kFreeText,             // unstructured remittance (SEPA Ustrd), up to 140 characters
};

// Checks a Dutch betalingskenmerk; returns its digits without spaces.
Result<std::string, ReferenceError> ParseBetalingskenmerk(std::string_view input);
// Checks an ISO 11649 creditor reference; returns it compact and upper-case.
Result<std::string, ReferenceError> ParseRfReference(std::string_view input);
// Checks `input` as a reference of `kind`; returns the normalised form.
Result<std::string, ReferenceError> ParseReference(ReferenceKind kind, std::string_view input);
// Guesses the kind a person meant: "RF..." is RF, all digits is a betalingskenmerk, else free text.
ReferenceKind GuessReferenceKind(std::string_view input);
std::string ExplainReferenceError(ReferenceError error, std::string_view input);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_CHECKS_H_
