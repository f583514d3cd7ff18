// Reading the bank's XML safely: pain.002.001.03 status reports and camt.053.001.02 /
// camt.054.001.02 statements. The file is size-limited, refused if it declares a DOCTYPE (no
// DTDs, no entities, so no billion laughs and no external entities), parsed by libxml2 with the
// network off and entity substitution off, validated against the official ISO 20022 schema, and
// only then read into plain data (engine/bank_feedback.h). Every error names the file and line.
#ifndef ONTZORG_ADAPTERS_BANK_BANK_XML_H_
#define ONTZORG_ADAPTERS_BANK_BANK_XML_H_

#include <string>
#include <variant>

#include "adapters/error.h"
#include "engine/bank_feedback.h"

namespace ontzorg {

constexpr size_t kMaxBankFileBytes = 64u << 20;  // 64 MiB: a year of statements fits easily

// The message a file holds, from its root namespace: "pain.002.001.03", "camt.053.001.02",
// "camt.054.001.02", or another ISO 20022 message ("pain.001.001.03", ...).
struct BankFile {
  std::string path;
  std::string format;
  std::string sha256;  // of the bytes as read
  std::variant<StatusReport, BankMessage> content;
};

// Reads, checks and parses `path` against the schemas in `schema_dir`. Refuses (kBadInput) any
// file that is not well-formed, declares a DOCTYPE, is not one of the three messages, or does not
// validate; the message says what to do.
Result<BankFile, Error> ReadBankFile(const std::string& path, const std::string& schema_dir);
// The same for bytes already read (an upload, a fuzzer's input); `path` names them in messages.
Result<BankFile, Error> ReadBankBytes(const std::string& path, const std::string& bytes,
                                      const std::string& schema_dir);

// Checks any ISO 20022 file against its official schema (e.g. a pain.001 before it goes to the
// bank): the same safe parsing; returns the format, or an error naming file and line. A pain.001
// is also checked for what the schema cannot see: NbOfTxs and CtrlSum of the group header and of
// each payment group against the transactions, and every IBAN's check digits.
Result<std::string, Error> ValidateIsoFile(const std::string& path, const std::string& schema_dir);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_BANK_BANK_XML_H_
