// Reading a TOML file (toml++) with the house's error: "file:line:column: not valid TOML: why".
#ifndef ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_
#define ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_

#include <string>

#include <toml++/toml.h>

#include "adapters/error.h"

namespace ontzorg {

inline Result<toml::table, Error> ParseTomlFile(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kBadConfig, path + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) +
                                           ": not valid TOML: " + std::string(e.description()));
  }
}

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CONFIG_TOML_FILE_H_
