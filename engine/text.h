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
};

// Parses an amount in euros written with a decimal point: "1234.56", "12.5", "700", "-3.10",
// "8.850" (zeros after the cents, as ISO 20022 amounts may carry up to 5 decimals). Refuses
// commas, signs other than a leading '-', digits beyond the cents other than zeros, and more
// than 12 integer digits (so no amount read can overflow).
Result<Money, AmountError> ParseEuros(std::string_view text);
// "'12,50' is not an amount in euros like 1234.56 (use a decimal point, not a comma)".
std::string ExplainAmountError(AmountError error, std::string_view text);

// "rent,energy": the kinds in the given order, comma separated.
std::string EncodeBillKinds(const std::vector<BillKind>& kinds);
// The kinds named in `text`, in order; unknown names are skipped (the writer wrote only known
// ones).
std::vector<BillKind> DecodeBillKinds(std::string_view text);

// "overview=2;rent.pays_on_time=1": the levels in key order.
std::string EncodeLevels(const std::map<std::string, int>& levels);
// The levels of `text` (each "key=digit", ';' separated); nullopt when an item is malformed.
std::optional<std::map<std::string, int>> DecodeLevels(std::string_view text);

const char* ToString(ReferenceKind kind);  // "betalingskenmerk", "rf", "text"
std::optional<ReferenceKind> ParseReferenceKind(std::string_view text);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_TEXT_H_
