// The rows of a large import split into parts on disk (issue 18), so that the import holds one
// part's rows at a time instead of every row of every file: the caller routes each row to a part
// (an import routes by client, so that a client's rows, which are checked together, share one),
// then reads each part back file by file, as the CSV reader gives a file: its header row, then
// its rows with their original line numbers.
//
// Each part is one temporary file made with tmpfile(): already unlinked, so the personal data it
// holds (names, BSNs, IBANs) is gone when the import ends, however it ends, even killed. The
// rows are kept as read (fields and line), so a part's rows read back are exactly the file's.
#ifndef ONTZORG_ADAPTERS_IMPORT_PARTS_H_
#define ONTZORG_ADAPTERS_IMPORT_PARTS_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/error.h"
#include "adapters/import/csv.h"

namespace ontzorg {

class ImportParts {
 public:
  // `parts` empty parts; kIo when the temporary files cannot be made.
  static Result<std::unique_ptr<ImportParts>, Error> Create(size_t parts);
  ~ImportParts();
  ImportParts(const ImportParts&) = delete;
  ImportParts& operator=(const ImportParts&) = delete;

  // Reads the file at `path` (`name` in messages and for reading back) as ForEachCsvRowInFile
  // does: `on_header` sees its header row first and says whether its rows are read; each row goes
  // to part `part_of(table, row)` (less than size()). Gives the CSV reader's error for a broken
  // file (the rows before it were added); kIo, naming the temporary files, when they cannot be
  // written (a full disk: TMPDIR names where they are made).
  Status<Error> Add(const std::string& path, const std::string& name,
                    const std::function<bool(const CsvTable&)>& on_header,
                    const std::function<size_t(const CsvTable&, const CsvRow&)>& part_of);

  size_t size() const { return parts_.size(); }
  // The files with rows in part `part`, in the order they were added, and how many rows each.
  std::vector<std::string> Files(size_t part) const;
  size_t Rows(size_t part, const std::string& name) const;

  // Gives file `name` of part `part` as the CSV reader gave the file: its header row (a table
  // without rows) to `on_header`, which says whether to go on, then the part's rows of it in
  // the order they were read. kIo when the temporary file cannot be read back.
  Status<Error> ForEachRow(size_t part, const std::string& name,
                           const std::function<bool(const CsvTable&)>& on_header,
                           const std::function<void(const CsvTable&, CsvRow&&)>& on_row) const;

 private:
  struct Section {
    long offset = 0;  // where the file's rows begin in the part's temporary file
    size_t rows = 0;
    size_t bytes = 0;  // how many bytes they take there
  };
  struct Part {
    std::FILE* file = nullptr;
    std::vector<std::pair<std::string, Section>> sections;  // in the order added
  };
  explicit ImportParts(std::vector<Part> parts) : parts_(std::move(parts)) {}
  const Section* Find(size_t part, const std::string& name) const;

  std::vector<Part> parts_;
  std::map<std::string, CsvTable> headers_;  // each file's header row, by name
};

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_IMPORT_PARTS_H_
