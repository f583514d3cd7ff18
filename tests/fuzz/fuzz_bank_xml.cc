// libFuzzer target: the bank's XML (adapters/bank): pain.002 status reports and camt.053/.054
// statements, through the same safe parse, official-schema validation and reading as
// `ontzorg feedback`. Properties: no crash, no leak; a refusal names the file; what is read is
// the same when read twice.
#include <libxml/parser.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/bank/bank_xml.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  xmlInitParser();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string schemas = std::string(ONTZORG_SHARED_DIR) + "/iso20022";
  auto file = ontzorg::ReadBankBytes("upload.xml", bytes, schemas);
  if (!file) {
    Require(file.error().message.find("upload.xml") != std::string::npos);
    return 0;
  }
  auto again = ontzorg::ReadBankBytes("upload.xml", bytes, schemas);
  Require(again && again->sha256 == file->sha256 && again->format == file->format &&
          again->content.index() == file->content.index());
  return 0;
}
