// ontzorg-bench-pain001: our pain.001 writer alone, as ops/bench/sepa times sepa.js (build the
// document and write it; no store, no schema check). For each file of an exported batch it reads
// the payments from the store (not timed), writes the file with WritePain001 (timed) and checks
// that the bytes are the ones exported (SHA-256): a faster writer that wrote other bytes would
// not count. One file's payments are held at a time, as `ontzorg export` holds them.
//   ontzorg-bench-pain001 --store URL --batch N --out DIR [--config FILE] [--rounds R]
// Prints one line: payments <n> files <f> seconds <s> (the best of R rounds).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "adapters/app/municipalities.h"
#include "adapters/sepa/pain001_writer.h"
#include "adapters/system/files.h"

namespace {

using ontzorg::FileRecord;

int Fail(const std::string& what) {
  std::cerr << "ontzorg-bench-pain001: " << what << "\n";
  return 1;
}

// One round: every file written once; the seconds spent writing.
std::optional<double> Round(const ontzorg::Config& config, ontzorg::Store& store,
                            const std::vector<FileRecord>& files, const std::string& out,
                            int64_t* payments) {
  double seconds = 0;
  *payments = 0;
  for (const FileRecord& file : files) {
    auto loaded = store.FilePayments(file.id);
    if (!loaded) return std::nullopt;
    const ontzorg::Pain001Header header{file.msg_id,   file.created_at,
                                        file.format,   config.municipality_name,
                                        config.debtor, config.sepa.batch_booking};
    const std::string path = (std::filesystem::path(out) / file.name).string();
    const auto started = std::chrono::steady_clock::now();
    if (!ontzorg::WritePain001(header, *loaded, path)) return std::nullopt;
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    *payments += static_cast<int64_t>(loaded->size());
    auto hashes = ontzorg::HashFile(path);
    if (!hashes || hashes->sha256 != file.sha256) {
      std::cerr << path << ": not the bytes exported\n";
      return std::nullopt;
    }
  }
  return seconds;
}

int Main(int argc, char** argv) {
  CLI::App app{"Times the pain.001 writer alone on an exported batch's payments"};
  std::string url, out, config_path = "config/ontzorg.toml";
  int64_t batch = 0;
  int rounds = 3;
  app.add_option("--store", url, "the store")->required();
  app.add_option("--batch", batch, "an exported batch")->required();
  app.add_option("--out", out, "folder for the files written")->required();
  app.add_option("--config", config_path, "the installation's configuration");
  app.add_option("--rounds", rounds, "rounds; the best is printed");
  CLI11_PARSE(app, argc, argv);
  auto installation = ontzorg::LoadConfig(config_path);
  if (!installation) return Fail(installation.error().message);
  auto store = ontzorg::Store::Open(url);
  if (!store) return Fail(store.error().message);
  auto runs = (*store)->Runs(std::nullopt);
  if (!runs) return Fail(runs.error().message);
  const auto run = std::find_if(runs->begin(), runs->end(),
                                [&](const ontzorg::RunRecord& r) { return r.id == batch; });
  if (run == runs->end()) return Fail("no batch " + std::to_string(batch));
  auto config = ontzorg::ConfigOfRun(*installation, **store, *run);
  if (!config) return Fail(config.error().message);
  auto files = (*store)->Files(batch, "");
  if (!files || files->empty()) return Fail("batch " + std::to_string(batch) + " has no files");
  std::filesystem::create_directories(out);
  double best = 0;
  int64_t payments = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto seconds = Round(*config, **store, *files, out, &payments);
    if (!seconds) return Fail("writing failed");
    best = r == 0 ? *seconds : std::min(best, *seconds);
  }
  std::cout << "payments " << payments << " files " << files->size() << " seconds " << best << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
}
