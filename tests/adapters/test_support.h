// Shared helpers for adapter tests: temp folders, the demo config pointed at a store, the paths
// of the source tree and of ../shared.
#ifndef ONTZORG_TESTS_ADAPTERS_TEST_SUPPORT_H_
#define ONTZORG_TESTS_ADAPTERS_TEST_SUPPORT_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/config/config.h"

namespace ontzorg::testing_support {

inline std::string SourceDir() { return ONTZORG_SOURCE_DIR; }
inline std::string SharedDir() { return ONTZORG_SHARED_DIR; }

// A fresh folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ontzorg-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The default configuration with the store and schema folder replaced.
inline Config DemoConfig(const std::string& store_url) {
  Config c = LoadConfig(SourceDir() + "/config/ontzorg.toml").value();
  c.store_url = store_url;
  c.sepa.schema_dir = SharedDir() + "/iso20022";
  return c;
}

}  // namespace ontzorg::testing_support

#endif  // ONTZORG_TESTS_ADAPTERS_TEST_SUPPORT_H_
