// The versioned schema. Each migration is a list of statements, with backend-specific variants
// only where SQL differs (the append-only triggers). Applied in order by Store::Init.
#ifndef ONTZORG_ADAPTERS_STORAGE_SCHEMA_H_
#define ONTZORG_ADAPTERS_STORAGE_SCHEMA_H_

#include <string>
#include <vector>

namespace ontzorg {

struct Migration {
  int version;
  std::string description;
  std::vector<std::string> common;
  std::vector<std::string> sqlite_only;
  std::vector<std::string> postgresql_only;
};

const std::vector<Migration>& Migrations();

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_SCHEMA_H_
