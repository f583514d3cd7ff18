#include "adapters/import/csv.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string_view>

namespace ontzorg {

int CsvTable::Column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// The offset of the first byte that does not belong to well-formed UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text, size_t from) {
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
Result<char, Error> HeaderSeparator(std::string_view text, size_t pos, const std::string& file) {
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

// Reads a text a block at a time, each block ending at a row's end (or the file's end): the
// rows go to the callbacks as ForEachCsvRow says.
class CsvScanner {
 public:
  using OnHeader = std::function<bool(const CsvTable&)>;
  using OnRow = std::function<void(const CsvTable&, CsvRow&&)>;
  CsvScanner(const std::string& file, const OnHeader& on_header, const OnRow& on_row)
      : on_header_(on_header), on_row_(on_row) {
    table_.file = file;
  }

  bool stopped() const { return stopped_; }

  // Scans the next block; `first` for the file's first (its BOM skipped, its header row's
  // separator found).
  Status<Error> Scan(std::string_view text, bool first) {
    size_t pos = first && text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    if (auto checked = CheckBytes(text, pos); !checked) return checked;
    if (first) {
      const auto separator = HeaderSeparator(text, pos, table_.file);
      if (!separator) return Unexpected(separator.error());
      table_.separator = *separator;
    }
    while (pos < text.size() && !stopped_) {
      auto row = NextRow(text, pos);
      if (!row) return Unexpected(row.error());
      if (row->fields.size() == 1 && row->fields[0].empty()) continue;  // a blank line
      if (have_header_) {
        on_row_(table_, std::move(row).value());
        continue;
      }
      table_.header = std::move(row).value().fields;
      have_header_ = true;
      stopped_ = !on_header_(table_);
    }
    return {};
  }

  // After the last block.
  Status<Error> Finish() const {
    if (!have_header_) {
      return Fail(ErrorCode::kBadInput, table_.file + ": the file is empty; it needs a header row");
    }
    return {};
  }

 private:
  // Control characters (a NUL, a form feed) are never part of a name, IBAN or amount: refused
  // with their line instead of stored (found by the malformed-input corpus); so is text that is
  // not UTF-8 (named by its byte in the file: the block's bytes are counted when it passes).
  Status<Error> CheckBytes(std::string_view text, size_t pos) {
    for (size_t i = pos, at_line = static_cast<size_t>(line_); i < text.size(); ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      if (byte == '\n') ++at_line;
      if ((byte < 0x20 && byte != '\n' && byte != '\r' && byte != '\t') || byte == 0x7F) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", byte);
        return Fail(ErrorCode::kBadInput, table_.file + ":" + std::to_string(at_line) +
                                              ": a control character (byte " + hex +
                                              ") in the text; save the file as plain UTF-8 text");
      }
    }
    if (const size_t bad = FirstInvalidUtf8(text, pos); bad != std::string::npos) {
      const auto at_line =
          line_ + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
      return Fail(ErrorCode::kBadInput, table_.file + ":" + std::to_string(at_line) +
                                            ": not UTF-8 text (byte " +
                                            std::to_string(offset_ + bad) +
                                            "); save the file as UTF-8 (in Excel: CSV UTF-8)");
    }
    offset_ += text.size();
    return {};
  }

  // Over 70 lines: one scanner, its states in one loop.
  // NOLINTNEXTLINE(readability-function-size)
  Result<CsvRow, Error> NextRow(std::string_view text, size_t& pos) {
    const std::string& file = table_.file;
    CsvRow row;
    row.line = line_;
    std::string field;
    bool quoted = false, was_quoted = false;
    while (true) {
      if (pos >= text.size()) {
        if (quoted) {
          return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(row.line) +
                                                ": a quoted field is not closed (missing \")");
        }
        row.fields.push_back(std::move(field));
        return row;
      }
      const char c = text[pos++];
      if (quoted) {
        if (c == '"' && pos < text.size() && text[pos] == '"') {
          field += '"';
          ++pos;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') ++line_;
          field += c;
        }
      } else if (c == '"' && field.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (c == table_.separator) {
        row.fields.push_back(field);
        field.clear();
        was_quoted = false;
      } else if (c == '\n' || (c == '\r' && pos < text.size() && text[pos] == '\n')) {
        if (c == '\r') ++pos;
        ++line_;
        row.fields.push_back(std::move(field));
        return row;
      } else if (was_quoted) {
        return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(line_) +
                                              ": text after a closing quote; put the whole "
                                              "field in quotes");
      } else if (c == '"') {
        // RFC 4180: a quote only inside a quoted field, doubled. Accepting it would guess.
        return Fail(ErrorCode::kBadInput, file + ":" + std::to_string(line_) +
                                              ": a double quote inside a field without quotes; "
                                              "put the whole field in double quotes and write "
                                              "the quote twice (\"\")");
      } else {
        field += c;
      }
    }
  }

  const OnHeader& on_header_;
  const OnRow& on_row_;
  CsvTable table_;
  int line_ = 1;       // the line the next row starts on
  size_t offset_ = 0;  // the bytes checked in earlier blocks
  bool have_header_ = false;
  bool stopped_ = false;
};

// The end of the last complete row in `text`: after its last line end outside double quotes
// (counting quotes from the start, where no field is open), or 0.
size_t LastRowEnd(std::string_view text) {
  size_t end = 0;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (text[i] == '\n' && !quoted) end = i + 1;
  }
  return end;
}

}  // namespace

Status<Error> ForEachCsvRow(const std::string& text, const std::string& file,
                            const std::function<bool(const CsvTable&)>& on_header,
                            const std::function<void(const CsvTable&, CsvRow&&)>& on_row) {
  CsvScanner scanner(file, on_header, on_row);
  if (auto scanned = scanner.Scan(text, true); !scanned) return scanned;
  return scanner.Finish();
}

Status<Error> ForEachCsvRowInFile(const std::string& path, const std::string& file,
                                  const std::function<bool(const CsvTable&)>& on_header,
                                  const std::function<void(const CsvTable&, CsvRow&&)>& on_row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, path + ": cannot be read");
  CsvScanner scanner(file, on_header, on_row);
  constexpr size_t kBlock = size_t{1} << 20;
  std::string buffer;
  bool first = true;
  while (!scanner.stopped()) {
    const size_t had = buffer.size();
    buffer.resize(had + kBlock);
    in.read(buffer.data() + static_cast<std::ptrdiff_t>(had), static_cast<std::streamsize>(kBlock));
    buffer.resize(had + static_cast<size_t>(in.gcount()));
    if (in.bad()) return Fail(ErrorCode::kIo, path + ": cannot be read");
    const bool last = in.eof();
    // A block ends at a row's end; a row longer than a block waits for the next read.
    const size_t end = last ? buffer.size() : LastRowEnd(buffer);
    if (end > 0 || last) {
      if (auto scanned = scanner.Scan(std::string_view(buffer).substr(0, end), first); !scanned) {
        return scanned;
      }
      first = false;
      buffer.erase(0, end);
    }
    if (last) break;
  }
  return scanner.Finish();
}

Result<CsvTable, Error> ParseCsv(const std::string& text, const std::string& file) {
  CsvTable out;
  auto read = ForEachCsvRow(
      text, file,
      [&](const CsvTable& table) {
        out = table;
        return true;
      },
      [&](const CsvTable&, CsvRow&& row) { out.rows.push_back(std::move(row)); });
  if (!read) return Unexpected(read.error());
  return out;
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
