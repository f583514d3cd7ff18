// Import of creditors, clients, plans, bills, monthly bijstand amounts, toeslag expectations,
// receipts, assessments, hand-over decisions and safety-net confirmations from CSV files (format in
// docs/import-format.md). A file set with any bad row is refused whole: every bad row is reported
// with file, line, column and reason, and the store is not touched. Rows identical to stored ones
// are skipped, so importing the same files twice changes nothing.
#ifndef ONTZORG_ADAPTERS_IMPORT_IMPORTER_H_
#define ONTZORG_ADAPTERS_IMPORT_IMPORTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

// The known file names, in the order they are read (later ones refer to earlier ones).
const std::vector<std::string>& ImportFileNames();

// A row of a change file: a stored record changes from `valid_from` on (issue 16).
struct ChangeMark {
  YearMonth valid_from;
  std::string reason;  // the change_reason column (required for a change)
};

// Where a row was read: its file (an index into ParsedImport::files) and line.
struct RowPlace {
  uint32_t file = 0;
  uint32_t line = 0;
};

// The keys of the rows read in the earlier parts of an import read in parts (importer.cc).
class ClaimedKeys;

// The rows read from the files, and where each came from, keyed by "<table>:<id>" (benefits:
// "benefit:<client>|<month>").
struct ParsedImport {
  ImportBatch batch;
  // A place per row rather than its "file:line" text: 2.6 million rows at 100,000 clients.
  std::map<std::string, RowPlace> where;
  std::vector<std::string> files;             // the file names RowPlace::file counts in
  std::map<std::string, ChangeMark> changes;  // by the same keys, rows with valid_from
  // Files separated by ';' (as Dutch Excel saves CSV): read with decimal commas and dates like
  // 31-03-2027.
  std::vector<std::string> dutch_files;
  // In an import read in parts: the keys given in its earlier parts (a key is given once in the
  // whole import, even when its two rows fall into different parts). Not owned.
  ClaimedKeys* claimed = nullptr;

  // `file`'s index in `files` (added when new).
  uint32_t FileIndex(const std::string& file);
  // "clients.csv:12": where the row of `key` was read (std::out_of_range for a key not read).
  std::string Where(const std::string& key) const;
};

struct ImportReport {
  // The new rows, and in added.versions the changes (who and when still empty). An import read
  // in parts (ImportDirectory) keeps only the changes here: its rows are stored part by part.
  ImportBatch added;
  ImportCounts counts;  // how many rows of each kind were added, in one piece or in parts
  int skipped_identical = 0;
  std::vector<std::string> dutch_files;  // as in ParsedImport, for the summary
  // Changes dated in a month whose batch is prepared but not exported: that batch was computed
  // without them (the batch page and approval say so).
  std::vector<std::string> touched_batches;
};

// Step 1: reads the CSV texts (file name -> content); checks every field. Touches no store.
// With a competence model, assessment levels are checked against its areas and skills.
Result<ParsedImport, Error> ParseImportFiles(
    const std::vector<std::pair<std::string, std::string>>& files,
    const CompetenceModel* model = nullptr);
// Step 2: checks the rows together with `existing` (the stored rows they may refer to or
// repeat): duplicates, references to clients and creditors, conflicts with stored rows. Takes
// `parsed` by value so that an import moves its rows into the report instead of copying them.
Result<ImportReport, Error> CheckImport(ParsedImport parsed, const ImportBatch& existing);

// Stamps the changes of `batch` (batch.versions) with who made them and when.
void StampChanges(ImportBatch& batch, const std::string& user, const std::string& now);

// An import of more rows than this, all files together, is read in parts (issue 18).
inline constexpr size_t kImportRowsPerPart = 100000;

// Reads every known file present in `dir`, checks it against `store`, and stores it whole.
// Receipts are recorded as by `user` at `now` ("YYYY-MM-DDThh:mm:ss").
//
// Files of more than `rows_per_part` rows together are read in parts, so that the import holds
// one part's rows at a time, not all (issue 18): the rows are split by client into parts of
// about `rows_per_part` rows on disk (creditors in a first part, direct debits, which name a
// bill, in a last), and each part is read, checked against the store and stored in turn, all in
// one transaction: the import is still stored whole or not at all, and a file set is refused
// with the same problems, each with its file, line and column (listed in file and line order).
// Rows of a part that refers to a refused part (a bill of a refused creditor) are then checked
// field by field only, which the refusal says.
Result<ImportReport, Error> ImportDirectory(const std::string& dir, Store& store,
                                            const std::string& user = "import",
                                            const std::string& now = "",
                                            const CompetenceModel* model = nullptr,
                                            size_t rows_per_part = kImportRowsPerPart);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_IMPORT_IMPORTER_H_
