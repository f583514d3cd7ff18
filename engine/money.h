// Money: an amount in euro cents, held as int64. Never floating point.
//
// Addition and subtraction are checked: an overflow is a broken invariant (no real amount comes
// near 9e16 cents). There is no division; Split() divides a total into parts that sum exactly.
// Parsing and formatting of "1234.56" for files lives in engine/text.h and is exact.
#ifndef ONTZORG_ENGINE_MONEY_H_
#define ONTZORG_ENGINE_MONEY_H_

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace ontzorg {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromCents(int64_t cents) { return Money(cents); }
  static constexpr Money Zero() { return Money(0); }

  constexpr int64_t cents() const { return cents_; }
  constexpr bool IsPositive() const { return cents_ > 0; }
  constexpr bool IsNegative() const { return cents_ < 0; }

  Money operator+(Money other) const;  // aborts on overflow
  Money operator-(Money other) const;  // aborts on overflow
  Money& operator+=(Money other) { return *this = *this + other; }
  Money& operator-=(Money other) { return *this = *this - other; }
  Money operator-() const { return Money::Zero() - *this; }
  Money Times(int64_t factor) const;  // aborts on overflow
  constexpr auto operator<=>(const Money&) const = default;

  // "1234.56" (always two decimals, '-' for negatives): the form SEPA and CSV use.
  std::string ToDecimalString() const;

 private:
  explicit constexpr Money(int64_t cents) : cents_(cents) {}
  int64_t cents_ = 0;
};

// Divides `total` into `parts` amounts (parts >= 1) that differ by at most one cent and sum to
// exactly `total`; the first parts get the extra cents.
std::vector<Money> Split(Money total, int parts);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_MONEY_H_
