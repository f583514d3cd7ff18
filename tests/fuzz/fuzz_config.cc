// libFuzzer target: the TOML configuration (adapters/config). The input is written as
// ontzorg.toml into a folder that holds the real competences.toml and texts, then read by
// LoadConfig as `ontzorg` reads it. Properties: no crash; a refusal names the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "adapters/config/config.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

std::string* config_path = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "ontzorg-fuzz-config-XXXXXX").string();
  const fs::path dir = mkdtemp(tmpl.data());
  const fs::path source = fs::path(ONTZORG_SOURCE_DIR) / "config";
  fs::copy(source / "competences.toml", dir / "competences.toml");
  fs::copy(source / "texts", dir / "texts", fs::copy_options::recursive);
  config_path = new std::string((dir / "ontzorg.toml").string());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(*config_path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto config = ontzorg::LoadConfig(*config_path);
  if (!config && std::getenv("ONTZORG_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
  }
  if (!config) Require(config.error().message.find("ontzorg.toml") != std::string::npos);
  return 0;
}
