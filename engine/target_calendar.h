// The TARGET2 business-day calendar (ECB press release 14-12-2000): closed on Saturdays, Sundays,
// 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December. Dutch-only holidays (King's
// Day, Liberation Day, Ascension) are business days for SEPA.
#ifndef ONTZORG_ENGINE_TARGET_CALENDAR_H_
#define ONTZORG_ENGINE_TARGET_CALENDAR_H_

#include "engine/date.h"

namespace ontzorg {

// Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm), for 1900..2199.
Date EasterSunday(int year);

bool IsTargetBusinessDay(Date date);

// The first business day strictly after / strictly before `date`.
Date NextBusinessDay(Date date);
Date PreviousBusinessDay(Date date);
// `date` itself when it is a business day, else the next / previous one.
Date BusinessDayOnOrAfter(Date date);
Date BusinessDayOnOrBefore(Date date);

// Moves `days` business days forward (days >= 0) from `date`.
Date AddBusinessDays(Date date, int days);

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_TARGET_CALENDAR_H_
