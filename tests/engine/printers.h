// GoogleTest printers for engine value types, so failures read "2027-01-28", not bytes.
#ifndef ONTZORG_TESTS_ENGINE_PRINTERS_H_
#define ONTZORG_TESTS_ENGINE_PRINTERS_H_

#include <ostream>

#include "engine/date.h"
#include "engine/money.h"

namespace ontzorg {
inline void PrintTo(const Date& d, std::ostream* os) { *os << d.ToString(); }
inline void PrintTo(const YearMonth& m, std::ostream* os) { *os << m.ToString(); }
inline void PrintTo(const Money& m, std::ostream* os) { *os << m.ToDecimalString(); }
}  // namespace ontzorg

#endif  // ONTZORG_TESTS_ENGINE_PRINTERS_H_
