#include "engine/text.h"

namespace ontzorg {

Result<Money, AmountError> ParseEuros(std::string_view text) {
  if (text.empty()) return Unexpected(AmountError::kEmpty);
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  int64_t euros = 0;
  int int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    // Counted past 12 but not added: 20 digits would overflow int64 (found by fuzz_checks).
    if (int_digits < 12) euros = euros * 10 + (text[i] - '0');
  }
  if (int_digits == 0) return Unexpected(AmountError::kMalformed);
  if (int_digits > 12) return Unexpected(AmountError::kTooManyDigits);
  int64_t cents = 0;
  if (i < text.size()) {
    if (text[i] == ',') return Unexpected(AmountError::kDecimalComma);
    if (text[i] != '.') return Unexpected(AmountError::kMalformed);
    ++i;
    const size_t decimals = text.size() - i;
    if (decimals == 0) return Unexpected(AmountError::kMalformed);
    for (size_t k = i; k < text.size(); ++k) {
      if (text[k] < '0' || text[k] > '9') return Unexpected(AmountError::kMalformed);
    }
    // Trailing zeros beyond the cents ("8.850", as the ISO schemas allow) change nothing.
    for (size_t k = i + 2; k < text.size(); ++k) {
      if (text[k] != '0') return Unexpected(AmountError::kTooManyDecimals);
    }
    if (decimals > 5) return Unexpected(AmountError::kTooManyDecimals);
    for (size_t k = i; k < text.size() && k < i + 2; ++k) cents = cents * 10 + (text[k] - '0');
    if (decimals == 1) cents *= 10;
  }
  const int64_t total = euros * 100 + cents;
  return Money::FromCents(negative ? -total : total);
}

std::string ExplainAmountError(AmountError error, std::string_view text) {
  if (error == AmountError::kEmpty) return "empty; give an amount in euros like 1234.56";
  std::string bad = "'" + std::string(text) + "' is not an amount in euros like 1234.56";
  switch (error) {
    case AmountError::kDecimalComma: return bad + " (use a decimal point, not a comma)";
    case AmountError::kTooManyDecimals:
      return bad + " (whole cents: at most 2 decimals, or zeros after them)";
    case AmountError::kTooManyDigits: return bad + " (at most 12 digits before the point)";
    case AmountError::kAmbiguous:
      return "'" + std::string(text) +
             "' could mean either amount: write the cents (1.250,00 or 1250.00 for twelve hundred "
             "and fifty euros, 1,25 for one euro twenty-five)";
    case AmountError::kEmpty:
    case AmountError::kMalformed: break;
  }
  return bad;
}

Result<Money, AmountError> ParseDutchEuros(std::string_view text) {
  if (text.empty()) return Unexpected(AmountError::kEmpty);
  const size_t comma = text.find(',');
  const std::string_view whole = text.substr(0, comma);
  std::string plain;
  size_t digits_since_dot = 0;
  bool grouped = false;
  for (size_t i = 0; i < whole.size(); ++i) {
    const char c = whole[i];
    if (c == '.') {
      // A thousands dot stands after 1-3 leading digits or a group of exactly three.
      const bool first = !grouped && digits_since_dot >= 1 && digits_since_dot <= 3;
      if (!first && !(grouped && digits_since_dot == 3)) return Unexpected(AmountError::kMalformed);
      grouped = true;
      digits_since_dot = 0;
      continue;
    }
    if (c >= '0' && c <= '9') ++digits_since_dot;
    plain += c;
  }
  if (grouped && digits_since_dot != 3) return Unexpected(AmountError::kMalformed);
  if (comma != std::string_view::npos) {
    const std::string_view cents = text.substr(comma + 1);
    if (cents.find_first_of(",.") != std::string_view::npos) {
      return Unexpected(AmountError::kMalformed);
    }
    plain += '.';
    plain += cents;
  }
  return ParseEuros(plain);
}

Result<Money, AmountError> ParseTypedEuros(std::string_view text) {
  if (text.find(',') != std::string_view::npos) return ParseDutchEuros(text);
  const size_t dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot == 4) {
    return Unexpected(AmountError::kAmbiguous);
  }
  return ParseEuros(text);
}

std::string ExplainTypedAmountError(AmountError error, std::string_view text) {
  if (error == AmountError::kEmpty) return "empty; give an amount in euros like 1.234,56";
  if (error == AmountError::kAmbiguous) return ExplainAmountError(error, text);
  std::string bad =
      "'" + std::string(text) + "' is not an amount in euros like 1.234,56 or 1234.56";
  if (error == AmountError::kTooManyDecimals) return bad + " (whole cents: at most 2 decimals)";
  if (error == AmountError::kTooManyDigits) return bad + " (at most 12 digits before the cents)";
  return bad;
}

std::string FormatEuros(Money amount, const EuroStyle& style) {
  const int64_t cents = amount.cents();
  // Through unsigned: the magnitude of the most negative int64 does not fit in an int64.
  const uint64_t v = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  const std::string whole = std::to_string(v / 100);
  std::string out(style.symbol);
  if (cents < 0) out += '-';
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += style.thousands;
    out += whole[i];
  }
  out += style.decimal;
  out += static_cast<char>('0' + v % 100 / 10);
  out += static_cast<char>('0' + v % 10);
  return out;
}

Result<Date, DateError> ParseDutchDate(std::string_view text) {
  const bool shape = text.size() == 10 && text[2] == '-' && text[5] == '-';
  for (size_t i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (!shape || text[i] < '0' || text[i] > '9') return Unexpected(DateError::kBadFormat);
  }
  const auto num = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  return Date::FromYmd(num(6, 4), num(3, 2), num(0, 2));
}

std::string FormatDutchDate(Date day) {
  const auto two = [](int n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
  return two(day.day()) + "-" + two(day.month()) + "-" + std::to_string(day.year());
}

std::string EncodeBillKinds(const std::vector<BillKind>& kinds) {
  std::string out;
  for (BillKind k : kinds) out += (out.empty() ? "" : ",") + std::string(ToString(k));
  return out;
}

std::vector<BillKind> DecodeBillKinds(std::string_view text) {
  std::vector<BillKind> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    if (auto k = ParseBillKind(text.substr(start, end - start))) out.push_back(*k);
    start = end + 1;
  }
  return out;
}

const char* ToString(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::kBetalingskenmerk: return "betalingskenmerk";
    case ReferenceKind::kRfCreditorReference: return "rf";
    case ReferenceKind::kFreeText: return "text";
  }
  return "text";
}

std::optional<ReferenceKind> ParseReferenceKind(std::string_view text) {
  if (text == "betalingskenmerk") return ReferenceKind::kBetalingskenmerk;
  if (text == "rf") return ReferenceKind::kRfCreditorReference;
  if (text == "text") return ReferenceKind::kFreeText;
  return std::nullopt;
}

}  // namespace ontzorg
