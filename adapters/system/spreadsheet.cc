#include "adapters/system/spreadsheet.h"

#include "engine/text.h"

namespace ontzorg {

std::string SpreadsheetTextCell(std::string_view value) {
  std::string text;
  text.reserve(value.size() + 1);
  // push_back, not `text = "'"`: GCC 12's -Wrestrict misreads the latter under the sanitizers.
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    text.push_back('\'');
  }
  text.append(value);
  if (text.find_first_of(";\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

SpreadsheetCsv::SpreadsheetCsv(const std::vector<std::string>& header) : out_("\xEF\xBB\xBF") {
  for (const auto& h : header) Text(h);
  EndRow();
  rows_ = 0;
}

void SpreadsheetCsv::Cell(std::string_view written) {
  if (!first_in_row_) out_ += ';';
  out_ += written;
  first_in_row_ = false;
}

SpreadsheetCsv& SpreadsheetCsv::Text(std::string_view value) {
  Cell(SpreadsheetTextCell(value));
  return *this;
}

SpreadsheetCsv& SpreadsheetCsv::Amount(Money value) {
  Cell(FormatEuros(value, EuroStyle::Cell()));
  return *this;
}

SpreadsheetCsv& SpreadsheetCsv::Number(int64_t value) {
  Cell(std::to_string(value));
  return *this;
}

SpreadsheetCsv& SpreadsheetCsv::Day(Date value) {
  Cell(FormatDutchDate(value));
  return *this;
}

void SpreadsheetCsv::EndRow() {
  out_ += "\r\n";
  first_in_row_ = true;
  ++rows_;
}

}  // namespace ontzorg
