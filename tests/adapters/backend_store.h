// The store a test on one backend starts from (ctest passes --store=sqlite or --store=<libpq>):
// a new SQLite file in `dir` per call, or the PostgreSQL test database emptied.
#ifndef ONTZORG_TESTS_ADAPTERS_BACKEND_STORE_H_
#define ONTZORG_TESTS_ADAPTERS_BACKEND_STORE_H_

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <filesystem>
#include <string>

namespace ontzorg::testing_support {

// `*stores` counts the SQLite files made so far (a SetUp() run again gets a new one).
inline std::string FreshStoreUrl(const std::string& backend, const std::filesystem::path& dir,
                                 int* stores) {
  if (backend == "sqlite") return dir / ("store" + std::to_string(++*stores) + ".db");
  soci::session sql(soci::postgresql, backend);
  sql << "DROP SCHEMA public CASCADE";
  sql << "CREATE SCHEMA public";
  return backend;
}

}  // namespace ontzorg::testing_support

#endif  // ONTZORG_TESTS_ADAPTERS_BACKEND_STORE_H_
