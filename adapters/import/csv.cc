#include "adapters/import/csv.h"

#include <algorithm>
#include <cstdio>

namespace ontzorg {

int CsvTable::Column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// The offset of the first byte that does not belong to well-formed UTF-8, or npos.
size_t FirstInvalidUtf8(const std::string& text, size_t from) {
  for (size_t i = from; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= text.size()) return i;
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string::npos;
}

// The separator of the header row (its first line, outside quotes): the more frequent of ',' and
// ';'. A tab or '|' where neither is found is an error that names it.
Result<char, Error> HeaderSeparator(const std::string& text, size_t pos, const std::string& file) {
  int commas = 0, semicolons = 0, tabs = 0, bars = 0;
  bool quoted = false;
  for (size_t i = pos; i < text.size() && (quoted || text[i] != '\n'); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
    bars += c == '|';
  }
  if (commas == 0 && semicolons == 0 && (tabs > 0 || bars > 0)) {
    return Fail(ErrorCode::kBadInput,
                file + ":1: the header row is separated by " +
                    (tabs > 0 ? std::string("tabs") : std::string("'|'")) +
                    ", not by ',' or ';'; save the file as CSV (in Excel: CSV UTF-8, which "
                    "separates by ';')");
  }
  return semicolons > commas ? ';' : ',';
}

}  // namespace

// Over 70 lines (87): one scanner, its states in one loop.
// NOLINTNEXTLINE(readability-function-size)
Result<CsvTable, Error> ParseCsv(const std::string& text, const std::string& file) {
  CsvTable table;
  table.file = file;
  size_t pos = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  // Control characters (a NUL, a form feed) are never part of a name, IBAN or amount: refused
  // with their line instead of stored (found by the malformed-input corpus).
  for (size_t i = pos, at_line = 1; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') ++at_line;
    if ((byte < 0x20 && byte != '\n' && byte != '\r' && byte != '\t') || byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", byte);
      return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(at_line) +
                                            ": a control character (byte " + hex +
                                            ") in the text; save the file as plain UTF-8 text");
    }
  }
  if (const size_t bad = FirstInvalidUtf8(text, pos); bad != std::string::npos) {
    const int at_line =
        1 + static_cast<int>(
                std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(at_line) +
                                          ": not UTF-8 text (byte " + std::to_string(bad) +
                                          "); save the file as UTF-8 (in Excel: CSV UTF-8)");
  }
  const auto separator = HeaderSeparator(text, pos, file);
  if (!separator) return Unexpected(separator.error());
  table.separator = *separator;
  int line = 1;
  std::vector<CsvRow> rows;
  while (pos < text.size()) {
    CsvRow row;
    row.line = line;
    std::string field;
    bool quoted = false, was_quoted = false, row_done = false;
    while (!row_done) {
      if (pos >= text.size()) {
        if (quoted) {
          return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(row.line) +
                                                ": a quoted field is not closed (missing \")");
        }
        row.fields.push_back(field);
        break;
      }
      const char c = text[pos++];
      if (quoted) {
        if (c == '"' && pos < text.size() && text[pos] == '"') {
          field += '"';
          ++pos;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      } else if (c == '"' && field.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (c == table.separator) {
        row.fields.push_back(field);
        field.clear();
        was_quoted = false;
      } else if (c == '\n' || (c == '\r' && pos < text.size() && text[pos] == '\n')) {
        if (c == '\r') ++pos;
        ++line;
        row.fields.push_back(field);
        row_done = true;
      } else if (was_quoted) {
        return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(line) +
                                              ": text after a closing quote; put the whole "
                                              "field in quotes");
      } else if (c == '"') {
        // RFC 4180: a quote only inside a quoted field, doubled. Accepting it would guess.
        return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(line) +
                                              ": a double quote inside a field without quotes; "
                                              "put the whole field in double quotes and write "
                                              "the quote twice (\"\")");
      } else {
        field += c;
      }
    }
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    return Fail(ErrorCode::kBadInput, file + ": the file is empty; it needs a header row");
  }
  table.header = rows.front().fields;
  for (size_t i = 1; i < rows.size(); ++i) table.rows.push_back(std::move(rows[i]));
  return table;
}

std::string FieldCountProblem(const CsvTable& table, const CsvRow& row) {
  if (row.fields.size() == table.header.size()) return "";
  const std::string sep(1, table.separator);
  const char other = table.separator == ',' ? ';' : ',';
  std::string line;
  for (const auto& f : row.fields) line += f;
  const std::string why =
      row.fields.size() < table.header.size() && line.find(other) != std::string::npos
          ? "the header row is separated by '" + sep + "' but this row seems separated by '" +
                std::string(1, other) + "'; use one separator in the whole file"
          : (table.separator == ',' ? std::string("a comma") : "a '" + sep + "'") +
                " inside a value needs double quotes";
  return std::to_string(row.fields.size()) + " fields, the header has " +
         std::to_string(table.header.size()) + " (" + why + ")";
}

}  // namespace ontzorg
