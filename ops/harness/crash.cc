// ontzorg-crash: the crash-consistency harness (run by ops/crash; a short form by ./ops/test).
//
// Generates a municipality, runs the work of two months as finance does it, uninterrupted, to
// get the reference: run January, approve, export, read the bank's pain.002 and camt.053, run
// February, approve, export. Then, round after round on a fresh store, it does the same steps
// but kills each step's process with SIGKILL at random moments (0-3 times per step, at a moment
// drawn uniformly from 0 to 1.2 x the step's reference duration) before letting it finish. Only
// kills that land while the process is still running are counted. After each round it checks:
//   - no EndToEndId twice across every version of every file ever seen in the output folder
//     (scanned after every attempt, killed or not), and no file name written twice with
//     different bytes;
//   - every ledger entry is a balanced transaction (amount > 0, debit and credit accounts
//     differ), and the store's ledger check (bank = clients, bridging = loans, ...) holds;
//   - no money missing or extra: every account's balance equals the reference's;
//   - the final files are byte-identical to the reference's, and so is every table of the store
//     (the audit chain included; the chain also verifies);
// Any difference is a finding; the harness prints it with the seed and round and exits 1.
#include <signal.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "ops/harness/process.h"

namespace fs = std::filesystem;

namespace {

using ontzorg::harness::AddRunOptions;
using ontzorg::harness::AddToolOptions;
using ontzorg::harness::Cents;
using ontzorg::harness::Generate;
using ontzorg::harness::ReadFile;
using ontzorg::harness::Run;
using ontzorg::harness::Spawn;
using ontzorg::harness::ToolPaths;
using ontzorg::harness::Wait;

struct Step {
  std::string name;
  std::string user;
  std::vector<std::string> args;
  std::string now;           // ONTZORG_NOW for the step
  std::set<int> done_codes;  // exit codes that mean "done" when the step is repeated
};

struct Options {
  int kills = 200;
  int clients = 200;
  uint32_t seed = 1;
  std::string work = "var/crash";
  ToolPaths tools;
  bool verbose = false;
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "ontzorg-crash: " << what << "\n";
  std::exit(2);
}

// One municipality's store and output folder.
struct World {
  fs::path dir, store, out, config, log;
  const Options* o = nullptr;

  std::vector<std::string> Args(const std::string& user,
                                const std::vector<std::string>& rest) const {
    std::vector<std::string> a = {"--config",     config.string(), "--store",
                                  store.string(), "--user",        user};
    if (const fs::path pw = dir / ("pw-" + user); fs::exists(pw)) {
      a.insert(a.end(), {"--password-file", pw.string()});
    }
    a.insert(a.end(), rest.begin(), rest.end());
    return a;
  }
  void Setup(const fs::path& fixture) {
    fs::remove_all(dir);
    fs::create_directories(out);
    const std::string now = "2026-12-01T09:00:00";
    auto must = [&](const std::string& user, const std::vector<std::string>& rest) {
      if (Run(o->tools.binary, Args(user, rest), now, log.string()) != 0) {
        Die("setup step failed: " + rest.front() + "\n" + ReadFile(log));
      }
    };
    must("anna", {"init"});
    must("anna", {"import", fixture.string()});
    must("admin", {"user", "add", "--name", "admin", "--role", "admin"});
    must("admin", {"user", "add", "--name", "anna", "--role", "finance"});
    must("admin", {"user", "add", "--name", "bram", "--role", "finance"});
    // bram approves: with a password he set himself, proven by a file only he can read.
    const fs::path password = dir / "bram-password";
    std::ofstream(password) << "crash-harness-bram\n";
    if (Run(o->tools.binary, Args("bram", {"user", "password", "--name", "bram"}), now,
            log.string(), password.string()) != 0) {
      Die("setup step failed: bram's password\n" + ReadFile(log));
    }
    fs::copy_file(password, dir / "pw-bram");
    fs::permissions(dir / "pw-bram", fs::perms::owner_read | fs::perms::owner_write);
  }
};

// Every version of every file seen in the output folder: name -> set of contents.
struct FileHistory {
  std::map<std::string, std::set<std::string>> versions;
  void Scan(const fs::path& out) {
    for (const auto& e : fs::recursive_directory_iterator(out)) {
      if (!e.is_regular_file()) continue;
      const std::string name = fs::relative(e.path(), out).string();
      if (e.path().extension() != ".xml") continue;  // payment files; .part files are not sent
      versions[name].insert(ReadFile(e.path()));
    }
  }
};

// Every table of the SQLite store as sorted text rows; the world's own folder (in the paths of
// written files) is replaced by "<dir>".
std::map<std::string, std::vector<std::string>> DumpStore(const fs::path& store,
                                                          const fs::path& dir) {
  soci::session sql(soci::sqlite3, store.string());
  std::vector<std::string> tables;
  {
    soci::rowset<std::string> rs =
        (sql.prepare << "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    for (const std::string& t : rs) tables.push_back(t);
  }
  std::map<std::string, std::vector<std::string>> dump;
  for (const std::string& t : tables) {
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT * FROM " + t);
    std::vector<std::string>& rows = dump[t];
    for (const soci::row& r : rs) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) {
        if (i > 0) line += '|';
        if (r.get_indicator(i) == soci::i_null) {
          line += "NULL";
          continue;
        }
        switch (r.get_properties(i).get_data_type()) {
          case soci::dt_string: {
            // A password hash is salted at random: equal when both are hashes.
            const std::string text = r.get<std::string>(i);
            line += text.rfind("scrypt$", 0) == 0 ? "scrypt$<salted>" : text;
            break;
          }
          case soci::dt_double: line += std::to_string(r.get<double>(i)); break;
          case soci::dt_integer: line += std::to_string(r.get<int>(i)); break;
          case soci::dt_long_long: line += std::to_string(r.get<long long>(i)); break;
          case soci::dt_unsigned_long_long:
            line += std::to_string(r.get<unsigned long long>(i));
            break;
          default: line += "?"; break;
        }
      }
      for (size_t at = line.find(dir.string()); at != std::string::npos;
           at = line.find(dir.string())) {
        line.replace(at, dir.string().size(), "<dir>");
      }
      rows.push_back(line);
    }
    std::sort(rows.begin(), rows.end());
  }
  return dump;
}

// Balance per account (credits minus debits) and the ledger's own checks.
std::map<std::string, long long> Balances(const fs::path& store,
                                          std::vector<std::string>* findings) {
  soci::session sql(soci::sqlite3, store.string());
  std::map<std::string, long long> balances;
  soci::rowset<soci::row> rs =
      (sql.prepare << "SELECT key, debit_account, credit_account, amount_cents FROM entries");
  for (const soci::row& r : rs) {
    const auto key = r.get<std::string>(0), debit = r.get<std::string>(1),
               credit = r.get<std::string>(2);
    const long long amount = r.get<long long>(3);
    if (amount <= 0 || debit == credit) {
      findings->push_back("entry " + key + " is not a balanced transaction (" + debit + " -> " +
                          credit + ", " + std::to_string(amount) + " cents)");
    }
    balances[debit] -= amount;
    balances[credit] += amount;
  }
  return balances;
}

struct Reference {
  std::map<std::string, std::string> files;  // final name -> bytes
  std::map<std::string, std::vector<std::string>> tables;
  std::map<std::string, long long> balances;
  std::vector<double> seconds;  // per step
};

}  // namespace

// Over 70 lines: a tool's main, its steps in order.
// NOLINTNEXTLINE(readability-function-size,bugprone-exception-escape)
int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "ontzorg-crash: SIGKILL the monthly batch and export at random moments, check "
      "that nothing is paid twice, lost or changed"};
  app.add_option("--kills", o.kills, "kills that land inside a running step")
      ->capture_default_str();
  app.get_option("--kills")->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  AddRunOptions(app, &o.clients, &o.seed, &o.work);
  AddToolOptions(app, &o.tools);
  app.add_flag("--verbose", o.verbose, "print every attempt");
  CLI11_PARSE(app, argc, argv);

  const fs::path work = fs::absolute(o.work);
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path fixture = work / "municipality";
  if (!Generate(o.tools, o.clients, o.seed, fixture, work / "generate.log")) {
    Die("the generator failed: " + ReadFile(work / "generate.log"));
  }

  auto make_world = [&](const std::string& name) {
    World w;
    w.dir = work / name;
    w.store = w.dir / "store.db";
    w.out = w.dir / "out";
    w.config = fs::absolute(o.tools.config);
    w.log = work / (name + ".log");
    w.o = &o;
    return w;
  };
  const fs::path bank = work / "bank";
  fs::create_directories(bank);

  // The steps, as finance does them. The bank's files are made once from the reference's
  // pain.001 (ontzorg-banksim) and read in every round.
  const std::vector<Step> steps = {
      {"run 2027-01",
       "anna",
       {"run", "--month", "2027-01", "--run-date", "2026-12-14", "--out", "OUT"},
       "2026-12-14T10:00:00",
       {0}},
      {"approve 1", "bram", {"approve", "--batch", "1"}, "2026-12-14T11:00:00", {0, 10}},
      {"export 1",
       "bram",
       {"export", "--batch", "1", "--out", "OUT"},
       "2026-12-14T12:00:00",
       {0, 10}},
      {"import pain.002",
       "bram",
       {"import-bank", (bank / "pain002.xml").string()},
       "2026-12-16T18:00:00",
       {0}},
      {"import camt.053",
       "bram",
       {"import-bank", (bank / "camt053.xml").string()},
       "2026-12-16T18:05:00",
       {0}},
      {"run 2027-02",
       "anna",
       {"run", "--month", "2027-02", "--run-date", "2027-01-14", "--out", "OUT"},
       "2027-01-14T10:00:00",
       {0}},
      {"approve 2", "bram", {"approve", "--batch", "2"}, "2027-01-14T11:00:00", {0, 10}},
      {"export 2",
       "bram",
       {"export", "--batch", "2", "--out", "OUT"},
       "2027-01-14T12:00:00",
       {0, 10}},
  };
  auto args_of = [](const World& w, const Step& s) {
    std::vector<std::string> rest = s.args;
    for (std::string& a : rest) {
      if (a == "OUT") a = w.out.string();
    }
    return w.Args(s.user, rest);
  };

  // --- The reference: uninterrupted. ---
  Reference ref;
  World r = make_world("reference");
  r.Setup(fixture);
  for (const Step& s : steps) {
    if (s.name == "import pain.002") {
      std::string pain001;
      for (const auto& e : fs::directory_iterator(r.out)) {
        if (e.path().extension() == ".xml") pain001 = e.path().string();
      }
      if (pain001.empty()) Die("the reference export wrote no pain.001");
      // Reject one payment and return another, so the feedback changes state.
      if (Run(o.tools.banksim,
              {"--pain001", pain001, "--date", "2026-12-16", "--pain002",
               (bank / "pain002.xml").string(), "--camt053", (bank / "camt053.xml").string(),
               "--reject", "OZ-B-202701-C000002-H:AC04", "--return", "OZ-L-202701-C000003:AC04"},
              "", (work / "banksim.log").string()) != 0) {
        Die("ontzorg-banksim failed: " + ReadFile(work / "banksim.log"));
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int code = Run(o.tools.binary, args_of(r, s), s.now, r.log.string());
    ref.seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (code != 0)
      Die("reference step '" + s.name + "' failed (" + std::to_string(code) + "):\n" +
          ReadFile(r.log));
  }
  for (const auto& e : fs::recursive_directory_iterator(r.out)) {
    if (e.is_regular_file()) ref.files[fs::relative(e.path(), r.out).string()] = ReadFile(e.path());
  }
  ref.tables = DumpStore(r.store, r.dir);
  std::vector<std::string> ref_findings;
  ref.balances = Balances(r.store, &ref_findings);
  if (!ref_findings.empty()) Die("the reference itself: " + ref_findings.front());
  size_t ref_payments = 0;
  {
    const std::regex e2e("<EndToEndId>([^<]+)</EndToEndId>");
    for (const auto& [name, bytes] : ref.files) {
      ref_payments += static_cast<size_t>(std::distance(
          std::sregex_iterator(bytes.begin(), bytes.end(), e2e), std::sregex_iterator()));
    }
  }
  std::printf(
      "ontzorg-crash: seed %u, %d clients; reference: %zu files, %zu payments, %zu ledger "
      "entries; step times (s):",
      o.seed, o.clients, ref.files.size(), ref_payments, ref.tables["entries"].size());
  for (size_t i = 0; i < steps.size(); ++i)
    std::printf(" %s %.2f;", steps[i].name.c_str(), ref.seconds[i]);
  std::printf("\n");
  std::fflush(stdout);

  // --- Rounds with kills. ---
  std::mt19937 rng(o.seed);
  int landed = 0, missed = 0, rounds = 0;
  std::vector<int> landed_per_step(steps.size(), 0);
  std::vector<std::string> findings;
  const std::regex e2e("<EndToEndId>([^<]+)</EndToEndId>");
  const auto started = std::chrono::steady_clock::now();
  while (landed < o.kills && findings.empty()) {
    ++rounds;
    World w = make_world("round");
    w.Setup(fixture);
    FileHistory history;
    for (size_t i = 0; i < steps.size() && findings.empty(); ++i) {
      const Step& s = steps[i];
      const int tries = static_cast<int>(rng() % 4);  // 0-3 kills before it may finish
      const auto window = static_cast<int64_t>(ref.seconds[i] * 1.2e6) + 1;
      for (int k = 0; k < tries; ++k) {
        const int64_t delay = static_cast<int64_t>(rng() % static_cast<uint32_t>(window));
        const pid_t pid = Spawn(o.tools.binary, args_of(w, s), s.now, w.log.string());
        std::this_thread::sleep_for(std::chrono::microseconds(delay));
        kill(pid, SIGKILL);
        const int code = Wait(pid);
        if (code == -SIGKILL) {
          ++landed;
          ++landed_per_step[i];
        } else {
          ++missed;
        }
        if (o.verbose) {
          std::printf("round %d %s: kill after %lld us: %s\n", rounds, s.name.c_str(),
                      static_cast<long long>(delay),
                      code == -SIGKILL ? "landed" : "missed (finished)");
        }
        history.Scan(w.out);
      }
      const int code = Run(o.tools.binary, args_of(w, s), s.now, w.log.string());
      history.Scan(w.out);
      if (s.done_codes.count(code) == 0) {
        findings.push_back("step '" + s.name + "' could not be completed after the kills (exit " +
                           std::to_string(code) + "): " + ReadFile(w.log));
      }
    }
    const std::string where =
        "seed " + std::to_string(o.seed) + ", round " + std::to_string(rounds) + ": ";
    // 1. No EndToEndId twice across every file version ever seen; no file rewritten differently.
    std::map<std::string, std::string> seen;  // EndToEndId -> file
    for (const auto& [name, contents] : history.versions) {
      if (contents.size() > 1) {
        findings.push_back(where + name + " was written " + std::to_string(contents.size()) +
                           " times with different bytes");
      }
      for (const std::string& bytes : contents) {
        for (std::sregex_iterator it(bytes.begin(), bytes.end(), e2e), end; it != end; ++it) {
          const std::string id = (*it)[1];
          if (!seen.emplace(id, name).second) {
            findings.push_back(where + "EndToEndId " + id + " in " + seen[id] + " and again in " +
                               name);
          }
        }
      }
    }
    // 2. Every transaction balanced; the ledger's own check; the audit chain.
    std::vector<std::string> ledger;
    const auto balances = Balances(w.store, &ledger);
    for (const std::string& f : ledger) findings.push_back(where + f);
    {
      auto store = ontzorg::Store::Open(w.store.string());
      if (!store) {
        findings.push_back(where + "the store does not open: " + store.error().message);
      } else {
        auto totals = (*store)->LedgerCheck();
        if (!totals || !totals->Balanced()) findings.push_back(where + "the ledger check fails");
        auto chain = (*store)->VerifyAuditLog();
        if (!chain)
          findings.push_back(where + "the audit chain does not verify: " + chain.error().message);
      }
    }
    // 3. No money missing or extra: every account as in the reference.
    for (const auto& [account, cents] : ref.balances) {
      const auto it = balances.find(account);
      const long long got = it == balances.end() ? 0 : it->second;
      if (got != cents) {
        findings.push_back(where + "account " + account + " holds " + Cents(got) +
                           ", the reference " + Cents(cents));
      }
    }
    for (const auto& [account, cents] : balances) {
      if (ref.balances.count(account) == 0 && cents != 0) {
        findings.push_back(where + "account " + account + " exists only here, holding " +
                           Cents(cents));
      }
    }
    // 4. The final files and every table as in the reference.
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(w.out)) {
      if (e.is_regular_file()) files[fs::relative(e.path(), w.out).string()] = ReadFile(e.path());
    }
    for (const auto& [name, bytes] : ref.files) {
      const auto it = files.find(name);
      if (it == files.end()) {
        findings.push_back(where + "missing file " + name);
      } else if (it->second != bytes) {
        findings.push_back(where + "file " + name + " differs from the uninterrupted run's");
      }
    }
    for (const auto& [name, bytes] : files) {
      if (ref.files.count(name) == 0)
        findings.push_back(where + "extra file " + name + " (left by a killed step)");
    }
    const auto tables = DumpStore(w.store, w.dir);
    for (const auto& [table, rows] : ref.tables) {
      const auto it = tables.find(table);
      if (it == tables.end() || it->second != rows) {
        const size_t got = it == tables.end() ? 0 : it->second.size();
        std::string diff;
        if (it != tables.end()) {
          std::vector<std::string> only_ref, only_here;
          std::set_difference(rows.begin(), rows.end(), it->second.begin(), it->second.end(),
                              std::back_inserter(only_ref));
          std::set_difference(it->second.begin(), it->second.end(), rows.begin(), rows.end(),
                              std::back_inserter(only_here));
          if (!only_ref.empty()) diff += "; only in the reference: " + only_ref.front();
          if (!only_here.empty()) diff += "; only here: " + only_here.front();
        }
        findings.push_back(where + "table " + table + " differs (" + std::to_string(got) +
                           " rows, the reference " + std::to_string(rows.size()) + ")" + diff);
      }
    }
    std::printf("round %d: %d kills landed so far (%d missed: the step had finished); %s\n", rounds,
                landed, missed, findings.empty() ? "no findings" : "FINDINGS");
    std::fflush(stdout);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("kills per step:");
  for (size_t i = 0; i < steps.size(); ++i)
    std::printf(" %s %d;", steps[i].name.c_str(), landed_per_step[i]);
  std::printf("\n");
  if (!findings.empty()) {
    for (const std::string& f : findings) std::printf("FINDING: %s\n", f.c_str());
    std::printf("ontzorg-crash: %zu findings (seed %u; rerun with --seed %u)\n", findings.size(),
                o.seed, o.seed);
    return 1;
  }
  std::printf(
      "ontzorg-crash: %d kills landed in %d rounds (%d more came after the step had "
      "finished), %.0f s; zero findings: no EndToEndId twice, every transaction balanced, "
      "no money missing, files and store identical to the uninterrupted run\n",
      landed, rounds, missed, secs);
  return 0;
}
