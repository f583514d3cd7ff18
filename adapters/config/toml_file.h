// Reading a TOML file (toml++) with the house's error: "file:line:column: not valid TOML: why".
#ifndef ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_
#define ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_

#include <toml++/toml.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/error.h"

namespace ontzorg {

// Debian's toml++ 3.3.0 reaches undefined behaviour (TOML_UNREACHABLE in
// is_non_ascii_horizontal_whitespace) on code points U+00A1..U+0499 and U+FB26..U+FEFE wherever
// it looks for whitespace; fuzz_config found three inputs that get there, one of them through a
// quote inside a broken value. So toml++ is only ever given ASCII: this rewrites the text with
// every non-ASCII character inside a double-quoted string as its \uXXXX escape (the same value),
// blanks it in a comment, and refuses it anywhere else (TOML allows it nowhere else) and in a
// single-quoted string (which has no escapes). Line numbers stay as they were. Returns false
// with `why` and `line` set when the text is refused.
// Over 70 lines (107): one scanner, its states in one loop.
// NOLINTNEXTLINE(readability-function-size)
inline bool AsciiOnlyToml(const std::string& text, std::string* out, int* line, std::string* why) {
  enum { kPlain, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral } state = kPlain;
  *line = 1;
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80) {
      // Decode one UTF-8 sequence, strictly.
      size_t n = b >= 0xF0 && b <= 0xF4   ? 3
                 : b >= 0xE0 && b <= 0xEF ? 2
                 : b >= 0xC2 && b <= 0xDF ? 1
                                          : 0;
      char32_t cp = n == 3 ? (b & 0x07u) : n == 2 ? (b & 0x0Fu) : (b & 0x1Fu);
      bool ok = n > 0;
      for (size_t k = 1; ok && k <= n; ++k) {
        if (i + k >= text.size()) {
          ok = false;
          break;
        }
        const auto c = static_cast<unsigned char>(text[i + k]);
        ok = (c & 0xC0u) == 0x80u;
        cp = (cp << 6) | (c & 0x3Fu);
      }
      ok = ok && !(n == 2 && cp < 0x800) && !(n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) &&
           !(cp >= 0xD800 && cp <= 0xDFFF);
      if (!ok) {
        *why = "not UTF-8 text; save the file as UTF-8";
        return false;
      }
      if (state == kBasic || state == kMultiBasic) {
        char escape[16];
        std::snprintf(escape, sizeof escape, cp > 0xFFFF ? "\\U%08X" : "\\u%04X",
                      static_cast<unsigned>(cp));
        *out += escape;
      } else if (state == kComment) {
        *out += ' ';
      } else if (state == kPlain) {
        *why =
            "a character that is not ASCII outside quotes; names and values that are text go "
            "in double quotes";
        return false;
      } else {
        *why = "a character that is not ASCII in a single-quoted string; use double quotes";
        return false;
      }
      i += n + 1;
      continue;
    }
    const char c = text[i];
    const auto starts = [&](const char* three) { return text.compare(i, 3, three) == 0; };
    size_t take = 1;  // bytes copied as they are
    switch (state) {
      case kPlain:
        if (c == '#') {
          state = kComment;
        } else if (starts("\"\"\"")) {
          state = kMultiBasic;
          take = 3;
        } else if (starts("'''")) {
          state = kMultiLiteral;
          take = 3;
        } else if (c == '"') {
          state = kBasic;
        } else if (c == '\'') {
          state = kLiteral;
        }
        break;
      case kComment:
        if (c == '\n') state = kPlain;
        break;
      case kBasic:
      case kMultiBasic:
        if (c == '\\' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80) {
          *why = "a backslash before a character that is not ASCII: not an escape TOML knows";
          return false;
        }
        if (state == kMultiBasic) {
          if (c == '\\' && i + 1 < text.size()) {
            take = 2;  // an escape, or a line-ending backslash
          } else if (starts("\"\"\"")) {
            state = kPlain;
            take = 3;
          }
        } else if (c == '\\' && i + 1 < text.size()) {
          take = 2;  // an escape (a line break here is an error toml++ reports)
        } else if (c == '"' || c == '\n') {
          state = kPlain;
        }
        break;
      case kLiteral:
        if (c == '\'' || c == '\n') state = kPlain;
        break;
      case kMultiLiteral:
        if (starts("'''")) {
          state = kPlain;
          take = 3;
        }
        break;
    }
    for (size_t k = 0; k < take && i < text.size(); ++k, ++i) {
      if (text[i] == '\n') ++*line;
      *out += text[i];
    }
  }
  return true;
}

// TOML text; `path` names where it came from in errors ("file:line:column: ...").
inline Result<toml::table, Error> ParseTomlText(const std::string& text, const std::string& path) {
  std::string ascii, why;
  int line = 1;
  if (!AsciiOnlyToml(text, &ascii, &line, &why)) {
    return Fail(ErrorCode::kBadConfig, path + ":" + std::to_string(line) + ": " + why);
  }
  try {
    return toml::parse(ascii, path);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kBadConfig, path + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) +
                                           ": not valid TOML: " + std::string(e.description()));
  }
}

inline Result<toml::table, Error> ParseTomlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kBadConfig, path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseTomlText(buffer.str(), path);
}

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_
