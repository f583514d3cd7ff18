// A strict CSV reader (RFC 4180): UTF-8, a header row, fields optionally in double quotes (a
// quote inside doubled), LF or CRLF line ends, a leading BOM ignored. The separator is taken
// from the header row: ',' as the import format writes it, or ';' as Dutch Excel saves "CSV"
// (the caller then reads amounts with a decimal comma). A header row separated by tabs or '|'
// is refused with the separator named.
#ifndef ONTZORG_ADAPTERS_IMPORT_CSV_H_
#define ONTZORG_ADAPTERS_IMPORT_CSV_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "adapters/error.h"

namespace ontzorg {

struct CsvRow {
  int line = 0;  // 1-based line in the file where the row starts
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string file;  // for messages
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  char separator = ',';  // ',' or ';', as found in the header row
  // Index of a column by header name, or -1.
  int Column(const std::string& name) const;
};

// Reads `text` a row at a time, so that a large file is never held as a table too (issue 18):
// the whole text's checks first (control characters, UTF-8, the separator), then the header row
// to `on_header` (a table without rows; returning false stops the reading there), then each
// further row to `on_row` as it is read. Refuses broken quoting as ParseCsv does, after the rows
// before it were given.
Status<Error> ForEachCsvRow(const std::string& text, const std::string& file,
                            const std::function<bool(const CsvTable&)>& on_header,
                            const std::function<void(const CsvTable&, CsvRow&&)>& on_row);

// The same for the file at `path` (`file` names it in messages), read a block of 1 MiB at a time
// and each block cut after its last complete row: a file is never held whole (issue 18). kIo when
// it cannot be read.
Status<Error> ForEachCsvRowInFile(const std::string& path, const std::string& file,
                                  const std::function<bool(const CsvTable&)>& on_header,
                                  const std::function<void(const CsvTable&, CsvRow&&)>& on_row);

// Parses `text`; refuses broken quoting, naming file and line. Rows whose field count differs
// from the header's are kept: the caller reports each (see FieldCountProblem).
Result<CsvTable, Error> ParseCsv(const std::string& text, const std::string& file);

// "3 fields, the header has 2 (...)" when `row` does not match the header, else "" (naming the
// separators when the row seems separated by another one than the header).
std::string FieldCountProblem(const CsvTable& table, const CsvRow& row);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_IMPORT_CSV_H_
