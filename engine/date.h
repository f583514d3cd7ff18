// Calendar dates and months, wrapping std::chrono::year_month_day. No clock: "today" is always a
// parameter handed in by an adapter.
//
// Month arithmetic clamps to the end of the month: 31 Jan + 1 month = 28 Feb (29 in leap years).
#ifndef ONTZORG_ENGINE_DATE_H_
#define ONTZORG_ENGINE_DATE_H_

#include <chrono>
#include <compare>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ontzorg {

enum class DateError {
  kBadFormat,   // not of the form YYYY-MM-DD (or YYYY-MM for a month)
  kOutOfRange,  // the numbers do not name a real day (2027-02-30) or the year is not 1900..2199
};

// Human-readable English reason for a DateError.
const char* Describe(DateError error);

class Date {
 public:
  Date() = default;  // 1970-01-01; a placeholder until assigned
  // Builds a date; refuses days that do not exist and years outside 1900..2199.
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): ISO 8601 order; impossible dates refused
  static Result<Date, DateError> FromYmd(int year, int month, int day);
  // Parses "YYYY-MM-DD" exactly (ISO 8601 calendar date, no time, no spaces).
  static Result<Date, DateError> Parse(std::string_view text);

  int year() const { return static_cast<int>(ymd().year()); }
  int month() const { return static_cast<int>(static_cast<unsigned>(ymd().month())); }
  int day() const { return static_cast<int>(static_cast<unsigned>(ymd().day())); }
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int IsoWeekday() const;

  Date AddDays(int days) const { return Date(days_ + days); }
  // Days from `other` to this date (positive when this date is later).
  int DaysSince(Date other) const { return days_ - other.days_; }
  // Adds calendar months, clamping the day to the length of the target month.
  Date AddMonthsClamped(int months) const;

  std::string ToString() const;  // "YYYY-MM-DD"
  auto operator<=>(const Date&) const = default;

 private:
  explicit Date(int days) : days_(days) {}
  std::chrono::year_month_day ymd() const;
  int days_ = 0;  // days since 1970-01-01
};

class YearMonth {
 public:
  YearMonth() = default;  // 1970-01; a placeholder until assigned
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): ISO 8601 order; months 1-12 checked
  static Result<YearMonth, DateError> FromYm(int year, int month);
  // Parses "YYYY-MM".
  static Result<YearMonth, DateError> Parse(std::string_view text);
  static YearMonth Of(Date date);

  int year() const { return year_; }
  int month() const { return month_; }
  YearMonth AddMonths(int months) const;
  // Months from `other` to this month (2027-03 minus 2026-12 = 3).
  int MonthsSince(YearMonth other) const;
  Date FirstDay() const;
  Date LastDay() const;
  // The given day of this month, clamped to its last day (day 31 in April is 30 April).
  Date DayClamped(int day) const;
  bool Contains(Date date) const { return Of(date) == *this; }

  std::string ToString() const;         // "YYYY-MM"
  std::string ToCompactString() const;  // "YYYYMM"
  auto operator<=>(const YearMonth&) const = default;

 private:
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): private; FromYm checks the range
  YearMonth(int year, int month) : year_(year), month_(month) {}
  int year_ = 1970;
  int month_ = 1;
};

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_DATE_H_
