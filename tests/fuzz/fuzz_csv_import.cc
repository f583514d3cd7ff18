// libFuzzer target: the CSV import (adapters/import). The first byte picks which of the known
// files the rest is (clients.csv, bills.csv, ...); a small golden case's other files come with
// it, so rows can refer to real clients and creditors and reach the cross-file checks. Properties:
// no crash, every refusal names the file, and a file set that passes the checks passes them again
// (the check is deterministic and reads nothing else).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "adapters/import/csv.h"
#include "adapters/import/importer.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

std::vector<std::pair<std::string, std::string>>* demo = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  demo = new std::vector<std::pair<std::string, std::string>>();
  for (const std::string& name : ontzorg::ImportFileNames()) {
    const std::string path =
        std::string(ONTZORG_SOURCE_DIR) + "/fixtures/golden/learning-six-months/" + name;
    if (!std::filesystem::exists(path)) continue;
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    demo->emplace_back(name, s.str());
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ontzorg;
  if (size == 0) return 0;
  const auto& names = ImportFileNames();
  const std::string name = names[data[0] % names.size()];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  // The CSV reader alone.
  if (auto table = ParseCsv(text, name)) {
    for (const CsvRow& row : table->rows) (void)FieldCountProblem(*table, row);
  } else {
    Require(table.error().message.find(name) != std::string::npos);
  }

  // The whole import: the fuzzed file in place of the demo's.
  std::vector<std::pair<std::string, std::string>> files;
  bool replaced = false;
  for (const auto& [n, content] : *demo) {
    if (n == name) {
      files.emplace_back(n, text);
      replaced = true;
    } else {
      files.emplace_back(n, content);
    }
  }
  if (!replaced) files.emplace_back(name, text);
  auto parsed = ParseImportFiles(files);
  if (!parsed) {
    Require(!parsed.error().message.empty());
    return 0;
  }
  auto checked = CheckImport(*parsed, ImportBatch{});
  auto again = CheckImport(*parsed, ImportBatch{});
  Require(checked.has_value() == again.has_value());
  if (!checked) Require(!checked.error().message.empty());
  return 0;
}
