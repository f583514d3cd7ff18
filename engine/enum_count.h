// Hand-kept enum counts, checked at compile time. Some enums keep their number of values in a
// constant (kEntryKindCount, ...) so the parsers can loop over them; a value added without
// raising the count would never be parsed back. Each .cc that names an enum's values asserts
//   static_assert(CountsEveryEnumerator(EntryKindName, kEntryKindCount));
// with `name` a constexpr function that returns "?" for a value that is no enumerator.
#ifndef ONTZORG_ENGINE_ENUM_COUNT_H_
#define ONTZORG_ENGINE_ENUM_COUNT_H_

#include <optional>
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

// The value below `count` that `name` names `text`, if any: the parser of a counted enum.
template <typename Enum, int count>
std::optional<Enum> ParseByName(std::string_view text, const char* (*name)(Enum)) {
  for (int i = 0; i < count; ++i) {
    if (text == name(static_cast<Enum>(i))) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_ENUM_COUNT_H_
