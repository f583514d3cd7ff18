// Reading a TOML file (toml++) with the house's error: "file:line:column: not valid TOML: why".
#ifndef ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_
#define ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <toml++/toml.h>

#include "adapters/error.h"

namespace ontzorg {

// Debian's toml++ 3.3.0 reaches undefined behaviour (TOML_UNREACHABLE in
// is_non_ascii_horizontal_whitespace) on any code point from U+FB26 to U+FEFE where it looks for
// whitespace (found by fuzz_config). Those are presentation forms (Arabic, Hebrew) that nobody
// types on purpose; refusing them before toml++ reads the text keeps the parser on defined paths.
// Returns the 1-based line and the code point of the first one, or line 0.
inline std::pair<int, char32_t> FindTomlppUnsafeCodePoint(const std::string& text) {
  int line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\n') ++line;
    if (b == 0xEF && i + 2 < text.size()) {
      const char32_t cp = ((b & 0x0Fu) << 12) |
                          ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                          (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      if (cp >= 0xFB26 && cp <= 0xFEFE) return {line, cp};
    }
  }
  return {0, 0};
}

inline Result<toml::table, Error> ParseTomlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kBadConfig, path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (const auto [line, cp] = FindTomlppUnsafeCodePoint(text); line > 0) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
    return Fail(ErrorCode::kBadConfig, path + ":" + std::to_string(line) + ": the character " +
                                           code + " (a presentation form) is not accepted; type "
                                           "the ordinary letter instead");
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
