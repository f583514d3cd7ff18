// Shared helpers for adapter tests: temp folders, the demo config pointed at a store, the paths
// of the source tree and of ../shared.
#ifndef ONTZORG_TESTS_ADAPTERS_TEST_SUPPORT_H_
#define ONTZORG_TESTS_ADAPTERS_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

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

// A CSV file read as Dutch Excel reads one on a double click: the UTF-8 byte order mark must be
// there (without it accents break), ';' separates cells (a ',' file would open as one column),
// '"' quotes, CRLF or LF ends a row. `ok` is false, with `why`, when Excel would not open the file
// as columns. A cell is as Excel shows it before interpreting it.
struct DutchExcelSheet {
  bool ok = false;
  std::string why;
  std::vector<std::vector<std::string>> rows;  // the header first
};
inline DutchExcelSheet ReadAsDutchExcel(const std::string& file) {
  DutchExcelSheet sheet;
  if (file.rfind("\xEF\xBB\xBF", 0) != 0) {
    sheet.why = "no UTF-8 byte order mark";
    return sheet;
  }
  std::vector<std::string> row(1);
  bool quoted = false;
  for (size_t i = 3; i < file.size(); ++i) {
    const char c = file[i];
    if (quoted) {
      if (c == '"' && i + 1 < file.size() && file[i + 1] == '"') {
        row.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        row.back() += c;
      }
    } else if (c == '"' && row.back().empty()) {
      quoted = true;
    } else if (c == ';') {
      row.emplace_back();
    } else if (c == '\r' && i + 1 < file.size() && file[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      sheet.rows.push_back(row);
      row.assign(1, "");
    } else {
      row.back() += c;
    }
  }
  if (quoted) sheet.why = "a quote is never closed";
  if (row.size() > 1 || !row.back().empty()) sheet.rows.push_back(row);
  if (sheet.rows.empty() || sheet.rows.front().size() < 2) {
    sheet.why = "the header has fewer than two columns: Excel would show one column";
  }
  for (const auto& r : sheet.rows) {
    if (r.size() != sheet.rows.front().size() && sheet.why.empty()) {
      sheet.why = "a row has " + std::to_string(r.size()) + " cells, the header " +
                  std::to_string(sheet.rows.front().size());
    }
  }
  sheet.ok = sheet.why.empty();
  return sheet;
}
// Whether Excel would run the cell as a formula.
inline bool ExcelWouldRun(const std::string& cell) {
  return !cell.empty() && std::string("=+-@\t\r").find(cell.front()) != std::string::npos &&
         !std::regex_match(cell, std::regex("-?[0-9]+(,[0-9]+)?"));
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// main() of a test run once per store: ctest passes --store=sqlite or --store=<libpq string>
// (into `backend`); PostgreSQL is never skipped.
inline int RunOnBackend(int argc, char** argv, std::string* backend) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--store=", 0) == 0) *backend = arg.substr(8);
  }
  if (backend->empty()) {
    std::fprintf(stderr, "no PostgreSQL given: run ./ops/test, which starts one\n");
    return 1;
  }
  return RUN_ALL_TESTS();
}

// A password file as the command line wants it: one line, readable by its owner only.
inline void WritePasswordFile(const std::string& path, const std::string& password) {
  WriteFile(path, password + "\n");
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// The text of the shipped configuration pointed at `store_url`, the official schemas and the
// competence model and texts of the source tree (for tests that run the binary on a file).
inline std::string ConfigText(const std::string& store_url) {
  std::string config = ReadFile(SourceDir() + "/config/ontzorg.toml");
  config =
      std::regex_replace(config, std::regex("url = \"[^\"]*\""), "url = \"" + store_url + "\"");
  config = std::regex_replace(config, std::regex("schema_dir = \"[^\"]*\""),
                              "schema_dir = \"" + SharedDir() + "/iso20022\"");
  config = std::regex_replace(config, std::regex("dir = \"texts\""),
                              "dir = \"" + SourceDir() + "/config/texts\"");
  config = std::regex_replace(config, std::regex("model = \"competences.toml\""),
                              "model = \"" + SourceDir() + "/config/competences.toml\"");
  return config;
}

// The default configuration with the store and schema folder replaced.
inline Config DemoConfig(const std::string& store_url) {
  Config c = LoadConfig(SourceDir() + "/config/ontzorg.toml").value();
  c.store_url = store_url;
  c.sepa.schema_dir = SharedDir() + "/iso20022";
  return c;
}

#ifdef ONTZORG_BINARY
struct Outcome {
  int code = -1;
  std::string out;
};

// Starts the ontzorg binary with `args`, stdout and stderr into `output_file`, stdin from
// `input_file` (default /dev/null: never a terminal), without a shell.
inline pid_t Spawn(const std::vector<std::string>& args, const std::string& output_file,
                   const std::string& input_file = "/dev/null") {
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* in = std::fopen(input_file.c_str(), "r");
    if (in != nullptr) dup2(fileno(in), STDIN_FILENO);
    FILE* f = std::fopen(output_file.c_str(), "w");
    dup2(fileno(f), STDOUT_FILENO);
    dup2(fileno(f), STDERR_FILENO);
    // A test acts on the run date it names: that is "today" for the command (ONTZORG_NOW), so a
    // test of month 2027-06 runs the same on any day.
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--run-date" && std::getenv("ONTZORG_NOW") == nullptr) {
        setenv("ONTZORG_NOW", (args[i + 1] + "T09:00:00").c_str(), 1);
      }
    }
    std::vector<char*> argv;
    std::string binary = ONTZORG_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Runs the binary to its end.
inline Outcome RunBinary(const std::vector<std::string>& args, const std::string& output_file,
                         const std::string& input_file = "/dev/null") {
  const pid_t pid = Spawn(args, output_file, input_file);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status), ReadFile(output_file)};
}
#endif

}  // namespace ontzorg::testing_support

#endif  // ONTZORG_TESTS_ADAPTERS_TEST_SUPPORT_H_
