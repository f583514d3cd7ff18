#include "engine/money.h"

#include "engine/invariant.h"

namespace ontzorg {

Money Money::operator+(Money other) const {
  int64_t sum = 0;
  OZ_INVARIANT(!__builtin_add_overflow(cents_, other.cents_, &sum), "Money addition overflow");
  return Money(sum);
}

Money Money::operator-(Money other) const {
  int64_t diff = 0;
  OZ_INVARIANT(!__builtin_sub_overflow(cents_, other.cents_, &diff), "Money subtraction overflow");
  return Money(diff);
}

Money Money::Times(int64_t factor) const {
  int64_t product = 0;
  OZ_INVARIANT(!__builtin_mul_overflow(cents_, factor, &product), "Money multiplication overflow");
  return Money(product);
}

std::string Money::ToDecimalString() const {
  // Work in unsigned to format INT64_MIN correctly too.
  const bool negative = cents_ < 0;
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(cents_ + 1)) + 1 : static_cast<uint64_t>(cents_);
  std::string out = std::to_string(magnitude / 100);
  const uint64_t rest = magnitude % 100;
  out += '.';
  out += static_cast<char>('0' + rest / 10);
  out += static_cast<char>('0' + rest % 10);
  return negative ? "-" + out : out;
}

std::vector<Money> Split(Money total, int parts) {
  OZ_INVARIANT(parts >= 1, "Split needs at least one part");
  const int64_t base = total.cents() / parts;
  int64_t remainder = total.cents() % parts;  // same sign as total
  std::vector<Money> out;
  out.reserve(static_cast<size_t>(parts));
  for (int i = 0; i < parts; ++i) {
    int64_t extra = 0;
    if (remainder > 0) {
      extra = 1;
      --remainder;
    }
    if (remainder < 0) {
      extra = -1;
      ++remainder;
    }
    out.push_back(Money::FromCents(base + extra));
  }
  return out;
}

}  // namespace ontzorg
