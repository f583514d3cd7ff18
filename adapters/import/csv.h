// A strict CSV reader (RFC 4180): UTF-8, a header row, comma separated, fields optionally in
// double quotes (a quote inside doubled), LF or CRLF line ends, a leading BOM ignored.
#ifndef ONTZORG_ADAPTERS_IMPORT_CSV_H_
#define ONTZORG_ADAPTERS_IMPORT_CSV_H_

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
  // Index of a column by header name, or -1.
  int Column(const std::string& name) const;
};

// Parses `text`; refuses broken quoting, naming file and line. Rows whose field count differs
// from the header's are kept: the caller reports each (see FieldCountProblem).
Result<CsvTable, Error> ParseCsv(const std::string& text, const std::string& file);

// "3 fields, the header has 2 (...)" when `row` does not match the header, else "".
std::string FieldCountProblem(const CsvTable& table, const CsvRow& row);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_IMPORT_CSV_H_
