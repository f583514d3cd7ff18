#include "adapters/cli/common.h"

#include <CLI/CLI.hpp>
#include <filesystem>

#include "adapters/app/records.h"
#include "adapters/system/files.h"

namespace ontzorg {

void CommandTable::Add(const CLI::App* subcommand, std::function<int()> command) {
  commands_.emplace_back(subcommand, std::move(command));
}

int CommandTable::Run() const {
  for (const auto& [subcommand, command] : commands_) {
    if (subcommand->parsed()) return command();
  }
  return kExitUsage;
}

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
  auto opened = OpenStore(g);
  if (!opened) return Unexpected(opened.error());
  return ontzorg::RecordRow(
      opened->config, *opened->store,
      {.file = file, .what = what, .columns = columns, .names = FieldNames::kOption},
      {g.user, NowIsoSeconds()});
}

}  // namespace ontzorg
