// The SEPA rules our own code enforces on every pain.001 file, whatever the schema says
// (SEPA.md §2, §3, §13): the Latin character set, field lengths, identifier syntax, amount range,
// and control sums in integer cents. The XSD cannot catch most of these (Nm is Max140Text there).
#ifndef ONTZORG_ENGINE_SEPA_RULES_H_
#define ONTZORG_ENGINE_SEPA_RULES_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/money.h"
#include "engine/month.h"

namespace ontzorg {

// Limits in characters (EPC usage rules).
constexpr size_t kMaxNameChars = 70;
constexpr size_t kMaxIdChars = 35;
constexpr size_t kMaxRemittanceChars = 140;
constexpr int64_t kMaxAmountCents = 99999999999;  // 999 999 999.99

// Transliterates UTF-8 text to the SEPA Latin set (a-z A-Z 0-9 / - ? : ( ) . , ' + space):
// é -> e, ß -> ss, ĳ -> ij, ’ -> ', & -> +, other characters dropped; runs of spaces collapse;
// then cuts to `max_chars`. The result is plain ASCII, so characters equal bytes.
std::string ToSepaText(std::string_view utf8, size_t max_chars);
// Whether ToSepaText(text, max_chars) is `text` itself: Latin only, at most max_chars, no space at
// either end or twice in a row. Lets a writer use the text without a copy.
bool IsSepaText(std::string_view text, size_t max_chars);

// Whether `id` is a valid SEPA identifier: 1..35 characters of the Latin set without space, not
// starting or ending with '/', without "//" (EPC230-15).
bool IsSepaIdentifier(std::string_view id);

enum class SepaError {
  kAmountOutOfRange,      // an amount must be 0.01 .. 999 999 999.99 euro
  kBadEndToEndId,         // the EndToEndId breaks the identifier rules
  kEmptyPayeeName,        // the payee's name is empty after transliteration
  kReferenceTooLong,      // a structured reference is at most 35 characters
  kMissingTownOrCountry,  // pain.001.001.09 structured addresses need a town and a country
};
const char* Describe(SepaError error);

// Checks one payment against the rules above (after transliteration).
Status<SepaError> CheckPayment(const Payment& payment);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_SEPA_RULES_H_
