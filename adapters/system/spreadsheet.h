// CSV files for people: what finance and coaches download and open in Excel. Written as Dutch
// Excel opens a file with a double click: UTF-8 with a byte order mark (else accents break), ';'
// between cells (the Dutch list separator; a ',' file opens as one column), CRLF line ends,
// amounts with a decimal comma and no thousands dots ("1234,56": a number Excel can add up),
// dates as 31-03-2027. A text cell that Excel would run as a formula (starting with = + - @, a
// tab or a carriage return: "=HYPERLINK(...)" as a creditor's name) is neutralised with a
// leading apostrophe, as OWASP's CSV-injection advice says, so it shows as typed and never runs.
// Machine files (the import's own CSV, JSONL, SEPA XML) are not written with this.
#ifndef ONTZORG_ADAPTERS_SYSTEM_SPREADSHEET_H_
#define ONTZORG_ADAPTERS_SYSTEM_SPREADSHEET_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/date.h"
#include "engine/money.h"

namespace ontzorg {

class SpreadsheetCsv {
 public:
  // Starts the file: the byte order mark and the header row.
  explicit SpreadsheetCsv(const std::vector<std::string>& header);

  SpreadsheetCsv& Text(std::string_view value);  // neutralised if Excel would run it
  SpreadsheetCsv& Amount(Money value);           // "-1234,56"
  SpreadsheetCsv& Number(int64_t value);
  SpreadsheetCsv& Day(Date value);  // "31-03-2027"
  void EndRow();

  const std::string& str() const { return out_; }
  size_t rows() const { return rows_; }

 private:
  void Cell(std::string_view written);
  std::string out_;
  bool first_in_row_ = true;
  size_t rows_ = 0;
};

// The cell as written: quoted when it holds ';', '"' or a line break; an apostrophe before a
// text that starts with = + - @, a tab or a carriage return.
std::string SpreadsheetTextCell(std::string_view value);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_SYSTEM_SPREADSHEET_H_
