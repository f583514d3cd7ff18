// Hand-kept enum counts, checked at compile time. Some enums keep their number of values in a
// constant (kEntryKindCount, ...) so the parsers can loop over them; a value added without
// raising the count would never be parsed back. Each .cc that names an enum's values asserts
//   static_assert(CountsEveryEnumerator(EntryKindName, kEntryKindCount));
// with `name` a constexpr function that returns "?" for a value that is no enumerator.
#ifndef ONTZORG_ENGINE_ENUM_COUNT_H_
#define ONTZORG_ENGINE_ENUM_COUNT_H_

#include <string_view>

namespace ontzorg {

// True when `name` names every value below `count` and not `count` itself.
template <typename Enum>
constexpr bool CountsEveryEnumerator(const char* (*name)(Enum), int count) {
  for (int i = 0; i < count; ++i) {
    if (std::string_view(name(static_cast<Enum>(i))) == "?") return false;
  }
  return std::string_view(name(static_cast<Enum>(count))) == "?";
}

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_ENUM_COUNT_H_
