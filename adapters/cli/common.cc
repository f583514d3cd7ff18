#include "adapters/cli/common.h"

#include <filesystem>

#include "adapters/import/importer.h"
#include "adapters/system/files.h"

namespace ontzorg {

int Report(const Error& e) {
  std::cerr << "ontzorg: " << e.message << "\n";
  return ExitCodeFor(e.code);
}

std::string DefaultConfigPath(const char* argv0) {
  if (std::filesystem::exists("config/ontzorg.toml")) return "config/ontzorg.toml";
  std::error_code ec;
  const auto exe = std::filesystem::canonical("/proc/self/exe", ec);
  const auto beside = exe.parent_path().parent_path() / "config" / "ontzorg.toml";
  if (!ec && std::filesystem::exists(beside)) return beside.string();
  (void)argv0;
  return "config/ontzorg.toml";
}


Result<Config, Error> LoadWithOverrides(const Globals& g) {
  auto config = LoadConfig(g.config_path);
  if (!config) return config;
  Config c = std::move(config).value();
  if (!g.store_url.empty()) c.store_url = g.store_url;
  return c;
}

Result<Opened, Error> OpenStore(const Globals& g) {
  auto config = LoadWithOverrides(g);
  if (!config) return Unexpected(config.error());
  auto store = Store::Open(config->store_url);
  if (!store) return Unexpected(store.error());
  return Opened{std::move(config).value(), std::move(store).value()};
}

Result<ImportBatch, Error> RecordRow(
    const Globals& g, const std::string& file, const std::string& what,
    const std::vector<std::pair<std::string, std::string>>& columns) {
  std::string header, row;
  for (const auto& [name, value] : columns) {
    header += (header.empty() ? "" : ",") + name;
    std::string quoted = "\"";
    for (char ch : value) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    row += (row.empty() ? "" : ",") + quoted + "\"";
  }
  const auto as_options = [&](const Error& e) {
    std::string message = e.message;
    if (message.rfind("import refused", 0) == 0) message.replace(0, 14, what + " refused");
    for (const auto& [name, value] : columns) {
      std::string option = name == "client_id" ? "client" : name == "bill_id" ? "bill" : name;
      for (char& ch : option) ch = ch == '_' ? '-' : ch;
      const std::string from = file + ":2: column " + name + ":";
      for (size_t at = message.find(from); at != std::string::npos; at = message.find(from)) {
        message.replace(at, from.size(), "--" + option + ":");
      }
    }
    return Error{e.code, message};
  };
  auto opened = OpenStore(g);
  if (!opened) return Unexpected(opened.error());
  auto parsed = ParseImportFiles({{file, header + "\n" + row + "\n"}},
                                 &opened->config.competences);
  if (!parsed) return Unexpected(as_options(parsed.error()));
  auto existing = opened->store->LoadExisting(parsed->batch);
  if (!existing) return Unexpected(existing.error());
  auto checked = CheckImport(*parsed, *existing);
  if (!checked) return Unexpected(as_options(checked.error()));
  ImportBatch batch = checked->added;
  batch.recorded_by = g.user;
  batch.recorded_at = NowIsoSeconds();
  if (auto s = opened->store->Insert(batch); !s) return Unexpected(s.error());
  return batch;
}

}  // namespace ontzorg
