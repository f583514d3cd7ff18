// Child processes for the harnesses (ontzorg-crash, ontzorg-race): start one with ONTZORG_NOW
// set and its output into a log file, wait for it, read what it wrote.
#ifndef ONTZORG_OPS_HARNESS_PROCESS_H_
#define ONTZORG_OPS_HARNESS_PROCESS_H_

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ontzorg::harness {

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts `binary args...` with ONTZORG_NOW set (unless empty), stdout and stderr into `log`,
// stdin from `input`; no shell.
inline pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
                   const std::string& now, const std::string& log,
                   const std::string& input = "/dev/null") {
  const pid_t pid = fork();
  if (pid == 0) {
    if (FILE* in = std::fopen(input.c_str(), "r"); in != nullptr) dup2(fileno(in), STDIN_FILENO);
    FILE* f = std::fopen(log.c_str(), "w");
    if (f != nullptr) {
      dup2(fileno(f), STDOUT_FILENO);
      dup2(fileno(f), STDERR_FILENO);
    }
    if (!now.empty()) setenv("ONTZORG_NOW", now.c_str(), 1);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    std::string b = binary;
    argv.push_back(b.data());
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// The exit code, or minus the signal that ended it.
inline int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

inline int Run(const std::string& binary, const std::vector<std::string>& args,
               const std::string& now, const std::string& log,
               const std::string& input = "/dev/null") {
  return Wait(Spawn(binary, args, now, log, input));
}

// The programs a harness drives, and the configuration it copies: the same options in each.
struct ToolPaths {
  std::string binary, generator, banksim, config;
};
inline void AddToolOptions(CLI::App& app, ToolPaths* t) {
  app.add_option("--binary", t->binary, "the ontzorg binary")->required();
  app.add_option("--generator", t->generator, "the ontzorg-generate binary")->required();
  app.add_option("--banksim", t->banksim, "the ontzorg-banksim binary")->required();
  app.add_option("--config", t->config, "configuration file to copy (store and out are replaced)")
      ->required();
}

// The options every harness run has: the municipality's size, the seed (of the municipality and
// of what the harness draws) and the working folder. The script gives defaults first; what the
// user adds after them wins.
inline void AddRunOptions(CLI::App& app, int* clients, uint32_t* seed, std::string* work) {
  app.add_option("--clients", *clients, "clients in the generated municipality")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--seed", *seed, "seed for the municipality and what the harness draws")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--work", *work, "working folder (emptied)")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// Generates the municipality of `clients` clients for January 2027 into `out` (ontzorg-generate);
// false with the generator's words in `log` when it fails.
inline bool Generate(const ToolPaths& t, int clients, uint32_t seed,
                     const std::filesystem::path& out, const std::filesystem::path& log) {
  std::filesystem::create_directories(out);
  return Run(t.generator,
             {"--clients", std::to_string(clients), "--seed", std::to_string(seed), "--month",
              "2027-01", "--out", out.string()},
             "", log.string()) == 0;
}

// Cents as euros with a sign, for findings.
inline std::string Cents(long long c) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", c < 0 ? "-" : "", std::llabs(c) / 100,
                std::llabs(c) % 100);
  return buf;
}

}  // namespace ontzorg::harness

#endif  // ONTZORG_OPS_HARNESS_PROCESS_H_
