// Validates XML files against an official ISO 20022 schema with libxml2, streaming (the file is
// not loaded whole). The schema folder is configured; a missing schema is an error, never skipped.
#ifndef ONTZORG_ADAPTERS_SEPA_XSD_VALIDATOR_H_
#define ONTZORG_ADAPTERS_SEPA_XSD_VALIDATOR_H_

#include <memory>
#include <string>

#include "adapters/error.h"

namespace ontzorg {

class XsdValidator {
 public:
  ~XsdValidator();
  // Loads `<schema_dir>/<message>.xsd`, e.g. message "pain.001.001.09".
  static Result<std::unique_ptr<XsdValidator>, Error> Load(const std::string& schema_dir,
                                                           const std::string& message);
  // Validates the file; on failure the message lists the first errors with their lines.
  Status<Error> ValidateFile(const std::string& path) const;
  const std::string& schema_path() const { return schema_path_; }

 private:
  XsdValidator() = default;
  std::string schema_path_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_SEPA_XSD_VALIDATOR_H_
