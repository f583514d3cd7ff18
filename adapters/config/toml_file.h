// Reading a TOML file (toml++) with the house's error: "file:line:column: not valid TOML: why".
#ifndef ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_
#define ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <toml++/toml.h>

#include "adapters/error.h"

namespace ontzorg {

// Debian's toml++ 3.3.0 reaches undefined behaviour (TOML_UNREACHABLE in
// is_non_ascii_horizontal_whitespace) when it meets U+00A1..U+0499 or U+FB26..U+FEFE where it
// looks for whitespace, i.e. outside quoted strings and comments (found by fuzz_config, twice).
// TOML 1.0 allows nothing but ASCII there anyway, so such text is refused before toml++ reads it;
// the presentation forms (U+FB26..U+FEFE) nobody types on purpose are refused everywhere.
// Returns the 1-based line and a reason, or line 0.
inline std::pair<int, std::string> FindTomlppUnsafeText(const std::string& text) {
  int line = 1;
  enum { kPlain, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral } state = kPlain;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto b = static_cast<unsigned char>(c);
    if (b == 0xEF && i + 2 < text.size()) {
      const char32_t cp = ((b & 0x0Fu) << 12) |
                          ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                          (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      if (cp >= 0xFB26 && cp <= 0xFEFE) {
        char code[16];
        std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
        return {line, std::string("the character ") + code +
                          " (a presentation form) is not accepted; type the ordinary letter instead"};
      }
    }
    const auto starts = [&](const char* s3) { return text.compare(i, 3, s3) == 0; };
    switch (state) {
      case kPlain:
        if (b >= 0x80) {
          return {line, "a character that is not ASCII outside quotes; names and values that are "
                        "text go in double quotes"};
        }
        if (c == '#') state = kComment;
        else if (starts("\"\"\"")) state = kMultiBasic, i += 2;
        else if (starts("'''")) state = kMultiLiteral, i += 2;
        else if (c == '"') state = kBasic;
        else if (c == '\'') state = kLiteral;
        break;
      case kComment:
        if (c == '\n') state = kPlain;
        break;
      case kBasic:
        if (c == '\\') {  // an escape
          if (i + 1 < text.size() && text[i + 1] == '\n') ++line;
          ++i;
        } else if (c == '"' || c == '\n') {
          state = kPlain;
        }
        break;
      case kLiteral:
        if (c == '\'' || c == '\n') state = kPlain;
        break;
      case kMultiBasic:
        if (c == '\\') {  // an escape, or a line-ending backslash
          if (i + 1 < text.size() && text[i + 1] == '\n') ++line;
          ++i;
        } else if (starts("\"\"\"")) {
          state = kPlain;
          i += 2;
        }
        break;
      case kMultiLiteral:
        if (starts("'''")) state = kPlain, i += 2;
        break;
    }
    if (c == '\n') ++line;
  }
  return {0, ""};
}

inline Result<toml::table, Error> ParseTomlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kBadConfig, path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (const auto [line, why] = FindTomlppUnsafeText(text); line > 0) {
    return Fail(ErrorCode::kBadConfig, path + ":" + std::to_string(line) + ": " + why);
  }
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kBadConfig, path + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) +
                                           ": not valid TOML: " + std::string(e.description()));
  }
}

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_
