#include "engine/target_calendar.h"

#include "engine/invariant.h"

namespace ontzorg {

Date EasterSunday(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return Date::FromYmd(year, month, day).value();
}

bool IsTargetBusinessDay(Date date) {
  if (date.IsoWeekday() >= 6) return false;
  const int m = date.month();
  const int d = date.day();
  if ((m == 1 && d == 1) || (m == 5 && d == 1) || (m == 12 && (d == 25 || d == 26))) return false;
  if (m == 3 || m == 4) {
    const Date easter = EasterSunday(date.year());
    if (date == easter.AddDays(-2) || date == easter.AddDays(1)) return false;
  }
  return true;
}

Date NextBusinessDay(Date date) {
  Date d = date.AddDays(1);
  while (!IsTargetBusinessDay(d)) d = d.AddDays(1);
  return d;
}

Date PreviousBusinessDay(Date date) {
  Date d = date.AddDays(-1);
  while (!IsTargetBusinessDay(d)) d = d.AddDays(-1);
  return d;
}

Date BusinessDayOnOrAfter(Date date) {
  return IsTargetBusinessDay(date) ? date : NextBusinessDay(date);
}

Date BusinessDayOnOrBefore(Date date) {
  return IsTargetBusinessDay(date) ? date : PreviousBusinessDay(date);
}

Date AddBusinessDays(Date date, int days) {
  OZ_INVARIANT(days >= 0, "AddBusinessDays needs days >= 0");
  Date d = date;
  for (int i = 0; i < days; ++i) d = NextBusinessDay(d);
  return d;
}

}  // namespace ontzorg
