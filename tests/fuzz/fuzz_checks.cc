// libFuzzer target: the identifier and value checks people type into (engine/checks.h, amounts,
// dates, the bank's reason codes). Properties beyond "no crash": a value that is accepted is
// accepted again in its normalised form and normalises to itself, and every refusal explains
// itself in a non-empty sentence.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/bank_feedback.h"
#include "engine/checks.h"
#include "engine/date.h"
#include "engine/text.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input that got here
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ontzorg;
  const std::string input(reinterpret_cast<const char*>(data), size);

  if (auto iban = ParseIban(input)) {
    auto again = ParseIban(iban->compact());
    Require(again && again->compact() == iban->compact());
    auto formatted = ParseIban(iban->Formatted());
    Require(formatted && formatted->compact() == iban->compact());
  } else {
    Require(!ExplainIbanError(iban.error(), input).empty());
  }
  if (auto bic = ParseBic(input)) {
    Require(ParseBic(*bic) && *ParseBic(*bic) == *bic);
  } else {
    Require(!ExplainBicError(bic.error(), input).empty());
  }
  if (auto bsn = ParseBsn(input)) {
    Require(bsn->size() == 9 && ParseBsn(*bsn) && *ParseBsn(*bsn) == *bsn);
  } else {
    Require(!ExplainBsnError(bsn.error(), input).empty());
  }
  for (ReferenceKind kind : {ReferenceKind::kBetalingskenmerk, ReferenceKind::kRfCreditorReference,
                             ReferenceKind::kFreeText}) {
    if (auto ref = ParseReference(kind, input)) {
      auto again = ParseReference(kind, *ref);
      Require(again && *again == *ref);
    } else {
      Require(!ExplainReferenceError(ref.error(), input).empty());
    }
  }
  (void)GuessReferenceKind(input);
  if (auto amount = ParseEuros(input)) {
    // 12 integer digits at most: far from overflow.
    Require(amount->cents() < 1'000'000'000'000'00LL && amount->cents() > -1'000'000'000'000'00LL);
  }
  // Dates are read exactly as written: what parses prints back the same.
  if (auto date = Date::Parse(input)) Require(date->ToString() == input);
  if (auto month = YearMonth::Parse(input)) Require(month->ToString() == input);
  (void)ExplainReason(input);
  (void)ParseStatusCode(input);
  return 0;
}
