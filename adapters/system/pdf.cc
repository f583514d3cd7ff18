#include "adapters/system/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

extern char** environ;

namespace ontzorg {
namespace fs = std::filesystem;

std::string ChromiumPath() {
  const char* path = std::getenv("ONTZORG_CHROMIUM");
  return path != nullptr && *path != '\0' ? path : "/usr/bin/chromium";
}

namespace {

// A folder of its own for one rendering (the HTML and the browser's profile), removed after.
struct WorkDir {
  fs::path path;
  WorkDir() {
    std::string name = (fs::temp_directory_path() / "ontzorg-pdf-XXXXXX").string();
    if (mkdtemp(name.data()) != nullptr) path = name;
  }
  ~WorkDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
};

// Runs `args` (no shell), its output to `log`; the exit status, or -1 when it did not finish in
// `limit` (it is killed).
int Run(const std::vector<std::string>& args, const std::string& log, std::chrono::seconds limit) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its helpers die with it
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) return -2;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 400 ? text.substr(text.size() - 400) : text;
}

}  // namespace

Status<Error> HtmlToPdf(const std::string& html, const std::string& pdf_path) {
  const std::string browser = ChromiumPath();
  if (access(browser.c_str(), X_OK) != 0) {
    return Fail(ErrorCode::kIo, browser +
                                    ": no headless Chromium to print the PDF with; install it "
                                    "(apt-get install chromium) or set ONTZORG_CHROMIUM");
  }
  WorkDir work;
  if (work.path.empty()) return Fail(ErrorCode::kIo, "cannot make a temporary folder for the PDF");
  const fs::path page = work.path / "statement.html";
  {
    std::ofstream out(page, std::ios::binary);
    out << html;
    if (!out) return Fail(ErrorCode::kIo, page.string() + ": cannot write");
  }
  const std::string part = pdf_path + ".part";
  const std::string log = (work.path / "chromium.log").string();
  const int code =
      Run({browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-extensions", "--disable-background-networking", "--disable-sync",
           "--no-pdf-header-footer", "--user-data-dir=" + (work.path / "profile").string(),
           "--print-to-pdf=" + part, "file://" + page.string()},
          log, std::chrono::seconds(60));
  std::error_code ec;
  if (code != 0 || !fs::exists(part, ec) || fs::file_size(part, ec) == 0) {
    fs::remove(part, ec);
    return Fail(ErrorCode::kIo, browser + " could not print the PDF (" +
                                    (code == -1 ? std::string("no answer in 60 s")
                                                : "exit " + std::to_string(code)) +
                                    "): " + Tail(log));
  }
  fs::rename(part, pdf_path, ec);
  if (ec) return Fail(ErrorCode::kIo, pdf_path + ": " + ec.message());
  return {};
}

}  // namespace ontzorg
