// The text forms of domain values in files (CSV, configuration, bank XML, the store's own
// columns), parsed and formatted exactly, so a value read back is the value written.
//   "1234.56"             an amount in euros with a decimal point (Money::ToDecimalString writes
//   it) "energy,water"        a list of bill kinds "overview=2;rent.x=1" competence levels (0-9) by
//   competence key "betalingskenmerk"    a reference kind: "betalingskenmerk", "rf" or "text"
// Pure: no locale, no I/O. A refusal is a named error; Explain...() gives the sentence a person
// reads (what is wrong and how to write it).
#ifndef ONTZORG_ENGINE_TEXT_H_
#define ONTZORG_ENGINE_TEXT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/checks.h"
#include "engine/date.h"
#include "engine/money.h"
#include "engine/relief.h"
#include "engine/result.h"

namespace ontzorg {

enum class AmountError {
  kEmpty,            // nothing written
  kMalformed,        // not digits with an optional '-' and one decimal point
  kDecimalComma,     // a comma where the decimal point belongs ("12,50")
  kTooManyDecimals,  // more than 2 decimals: not a whole number of cents
  kTooManyDigits,    // more than 12 digits before the point (beyond any real amount)
  kAmbiguous,        // typed "1.250": a thousands dot or a decimal point? (ParseTypedEuros)
};

// Parses an amount in euros written with a decimal point: "1234.56", "12.5", "700", "-3.10",
// "8.850" (zeros after the cents, as ISO 20022 amounts may carry up to 5 decimals). Refuses
// commas, signs other than a leading '-', digits beyond the cents other than zeros, and more
// than 12 integer digits (so no amount read can overflow).
Result<Money, AmountError> ParseEuros(std::string_view text);
// "'12,50' is not an amount in euros like 1234.56 (use a decimal point, not a comma)".
std::string ExplainAmountError(AmountError error, std::string_view text);

// The same amount written the Dutch way, as a ';'-separated file from Dutch Excel holds it:
// "1234,56", "1.234,56" (dots only between groups of three digits), "-3,10", "700". A decimal
// point is refused (kMalformed) so "1.234" is never read as one euro and 23 cents.
Result<Money, AmountError> ParseDutchEuros(std::string_view text);

// An amount a person typed in a form or option, either way: "1234.56", "1234,56", "1.234,56".
// With a comma it is read the Dutch way; without one the file way, except that a dot followed by
// exactly three digits ("1.250") is refused as kAmbiguous: 1250 to a Dutch eye, 1.25 to a program.
Result<Money, AmountError> ParseTypedEuros(std::string_view text);
// "'12,5,0' is not an amount in euros like 1.234,56 or 1234.56": ExplainAmountError for what
// ParseTypedEuros (or ParseDutchEuros) refused.
std::string ExplainTypedAmountError(AmountError error, std::string_view text);

// How an amount is written for a person to read. One function writes every such amount (the
// command line, the web app, client statements, spreadsheet cells), so they never disagree.
struct EuroStyle {
  std::string_view symbol = "€ ";  // before the amount; "" in a spreadsheet cell
  std::string_view thousands = ".";
  std::string_view decimal = ",";

  static constexpr EuroStyle Dutch() { return {}; }                  // "€ -1.234,56"
  static constexpr EuroStyle English() { return {"€ ", ",", "."}; }  // "€ -1,234.56"
  static constexpr EuroStyle Plain() { return {"", ".", ","}; }      // "-1.234,56"
  static constexpr EuroStyle Cell() { return {"", "", ","}; }        // "-1234,56"
};
std::string FormatEuros(Money amount, const EuroStyle& style = EuroStyle::Dutch());
// "31-03-2027" read back (exactly two digits, two digits, four; as Dutch Excel saves a date).
Result<Date, DateError> ParseDutchDate(std::string_view text);
// "31-03-2027": a date on a Dutch page, list or file a person opens.
std::string FormatDutchDate(Date day);

// "rent,energy": the kinds in the given order, comma separated.
std::string EncodeBillKinds(const std::vector<BillKind>& kinds);
// The kinds named in `text`, in order; unknown names are skipped (the writer wrote only known
// ones).
std::vector<BillKind> DecodeBillKinds(std::string_view text);

const char* ToString(ReferenceKind kind);  // "betalingskenmerk", "rf", "text"
std::optional<ReferenceKind> ParseReferenceKind(std::string_view text);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_TEXT_H_
