#include "engine/date.h"

#include <charconv>

namespace ontzorg {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2199;

// Parses exactly `text.size()` decimal digits; false on anything else.
bool ParseDigits(std::string_view text, int* out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): local helper, value then width
std::string Pad(int value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
  }
  return digits;
}

}  // namespace

const char* Describe(DateError error) {
  switch (error) {
    case DateError::kBadFormat: return "not a date in the form YYYY-MM-DD (or a month YYYY-MM)";
    case DateError::kOutOfRange: return "no such day, or a year outside 1900-2199";
  }
  return "unknown date error";
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): ISO 8601 order; impossible dates refused
Result<Date, DateError> Date::FromYmd(int y, int m, int d) {
  if (y < kMinYear || y > kMaxYear || m < 1 || m > 12 || d < 1 || d > 31) {
    return Unexpected(DateError::kOutOfRange);
  }
  const year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                           std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return Unexpected(DateError::kOutOfRange);
  return Date(static_cast<int>(sys_days(ymd).time_since_epoch().count()));
}

Result<Date, DateError> Date::Parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), &y) || !ParseDigits(text.substr(5, 2), &m) ||
      !ParseDigits(text.substr(8, 2), &d)) {
    return Unexpected(DateError::kBadFormat);
  }
  return FromYmd(y, m, d);
}

year_month_day Date::ymd() const { return year_month_day(sys_days(std::chrono::days(days_))); }

int Date::IsoWeekday() const {
  return static_cast<int>(std::chrono::weekday(sys_days(std::chrono::days(days_))).iso_encoding());
}

Date Date::AddMonthsClamped(int months) const {
  const YearMonth target = YearMonth::Of(*this).AddMonths(months);
  return target.DayClamped(day());
}

std::string Date::ToString() const {
  return Pad(year(), 4) + "-" + Pad(month(), 2) + "-" + Pad(day(), 2);
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): ISO 8601 order; months 1-12 checked
Result<YearMonth, DateError> YearMonth::FromYm(int y, int m) {
  if (y < kMinYear || y > kMaxYear || m < 1 || m > 12) return Unexpected(DateError::kOutOfRange);
  return YearMonth(y, m);
}

Result<YearMonth, DateError> YearMonth::Parse(std::string_view text) {
  int y = 0, m = 0;
  if (text.size() != 7 || text[4] != '-' || !ParseDigits(text.substr(0, 4), &y) ||
      !ParseDigits(text.substr(5, 2), &m)) {
    return Unexpected(DateError::kBadFormat);
  }
  return FromYm(y, m);
}

YearMonth YearMonth::Of(Date date) { return YearMonth(date.year(), date.month()); }

YearMonth YearMonth::AddMonths(int months) const {
  const int index = year_ * 12 + (month_ - 1) + months;
  return YearMonth(index / 12, index % 12 + 1);
}

int YearMonth::MonthsSince(YearMonth other) const {
  return (year_ * 12 + month_) - (other.year_ * 12 + other.month_);
}

Date YearMonth::FirstDay() const { return Date::FromYmd(year_, month_, 1).value(); }

Date YearMonth::LastDay() const { return AddMonths(1).FirstDay().AddDays(-1); }

Date YearMonth::DayClamped(int d) const {
  const int last = LastDay().day();
  return Date::FromYmd(year_, month_, d < 1 ? 1 : (d > last ? last : d)).value();
}

std::string YearMonth::ToString() const { return Pad(year_, 4) + "-" + Pad(month_, 2); }
std::string YearMonth::ToCompactString() const { return Pad(year_, 4) + Pad(month_, 2); }

}  // namespace ontzorg
