// ontzorg-race: the concurrency harness (run by ops/race; a short form by ./ops/test).
//
// Several people at work on one store of two municipalities (a kredietbank's: the generated one,
// GM9999, and fixtures/demo-2, GM9998) at the same moment, as processes: two finance users on
// the command line (anna, who prepared, and bram), a third finance user (cees) through the web
// app's API, a fourth (tess) who works for GM9998 only, an admin and a coach. Each round starts
// from a store in which both municipalities' January batches were exported and their February
// batches prepared (or, in half the rounds, also approved), with the bank's
// pain.002 (one payment rejected, one returned) and camt.053 for January waiting. Then, in
// several bursts per round, a random handful of commands starts at once, each after a random
// delay of 0-40 ms: approve, export and cancel of February's batch (from the command line and
// the API), the bank's files read twice at once, re-issues of the rejected payment, release of
// held bills, the next month's run, receipts, a coach (carla) changing a rent from February, and
// an admin resetting bram's password; tess approves, exports and releases for GM9998 meanwhile,
// and tries GM9999's batch and bank file. After every burst it checks:
//   - every command ended with done (0), refused (9) or already done / clashing (10), or the API
//     with 2xx/4xx: never a crash, a raw database error (6) or a 5xx;
//   - no left-over part files; every payment file on disk is recorded in the store with its
//     hash, and every recorded file of an exported batch is on disk with that hash;
//   - no EndToEndId in two payment files, and no payment obligation (client, purpose, bill,
//     month) paid in two sent files unless the bank rejected or returned all but one;
//   - every batch in at most one final state, exported only after an approval by someone other
//     than the preparer, and no approval by bram recorded after the admin reset his password;
//   - a change for February never recorded after February's batch was exported, and February
//     never approved after such a change without the approver acknowledging it;
//   - no payment of an exported batch also cancelled, and no bank state on a payment of a batch
//     that was never exported; every bank line booked once (no dedup key twice);
//   - every ledger entry balanced, the store's ledger check, and the audit chain;
//   - per municipality: its ledger check balanced on its own, every payment of its batches one
//     of its own clients', every file's MsgId starting with its code and debiting its own
//     managed account, and tess never acting on a batch of GM9999 (her commands on it end
//     with "no such batch" or refused, never done).
// Any failure is a finding: printed with seed, round and burst, and exit 1.
#include <signal.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

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
using ontzorg::harness::Generate;
using ontzorg::harness::ReadFile;
using ontzorg::harness::Run;
using ontzorg::harness::Spawn;
using ontzorg::harness::ToolPaths;
using ontzorg::harness::Wait;

struct Options {
  int rounds = 1000;
  int bursts = 2;
  int clients = 30;
  uint32_t seed = 1;
  std::string work = "var/race";
  ToolPaths tools;
  std::string pg;  // a libpq connection string: run on PostgreSQL (else SQLite)
  bool verbose = false;
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "ontzorg-race: " << what << "\n";
  std::exit(2);
}

// "dbname=x" in a libpq string replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db) {
  static const std::regex kName("dbname=[^ ]*");
  if (!std::regex_search(url, kName)) return url + " dbname=" + db;
  return std::regex_replace(url, kName, "dbname=" + db);
}

// The shipped configuration with every relative path made absolute (they are relative to the
// config file) and the store, web certificate and web output folder replaced.
std::string WorldConfig(const fs::path& shipped, const std::string& store, const fs::path& dir) {
  const fs::path base = fs::absolute(shipped).parent_path();
  std::string text = ReadFile(shipped);
  static const std::regex kPath(
      R"re(^(url|schema_dir|model|dir|certificate|private_key|out_dir) = "([^"]*)")re",
      std::regex::multiline);
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), kPath), end; it != end; ++it) {
    const std::smatch& m = *it;
    out.append(last, m[0].first);
    const std::string key = m[1];
    std::string value = m[2];
    if (key == "url") value = store;
    if (key == "certificate") value = (dir.parent_path() / "cert.pem").string();
    if (key == "private_key") value = (dir.parent_path() / "key.pem").string();
    if (key == "out_dir") value = (dir / "web-out").string();
    if (!value.empty() && value[0] != '/' && key != "url") {
      value = fs::weakly_canonical(base / value).string();
    }
    out += key + " = \"" + value + "\"";
    last = m[0].second;
  }
  out.append(last, text.cend());
  // cees (finance) logs in through the API with his password only: the races are about batches,
  // not about the second factor (web_test proves that).
  static const std::regex kSecondFactor("^second_factor_roles = .*$", std::regex::multiline);
  return std::regex_replace(out, kSecondFactor, "second_factor_roles = []");
}

// One store with its folders: the template states and the round's working copy.
struct World {
  std::string name;
  fs::path dir;
  std::string store;  // SQLite file or libpq string
  const Options* o = nullptr;

  fs::path Config() const { return dir / "ontzorg.toml"; }
  fs::path Out(const std::string& who) const { return dir / ("out-" + who); }
  fs::path Log(const std::string& what) const { return dir / ("log-" + what); }
  std::vector<std::string> Args(const std::string& user, std::vector<std::string> rest) const {
    std::vector<std::string> a = {"--config", Config().string(), "--store", store, "--user", user};
    if (const fs::path pw = dir.parent_path() / ("pw-" + user); fs::exists(pw)) {
      a.insert(a.end(), {"--password-file", pw.string()});
    }
    a.insert(a.end(), rest.begin(), rest.end());
    return a;
  }
  void WriteConfig() const {
    fs::create_directories(dir);
    std::ofstream(Config()) << WorldConfig(o->tools.config, store, dir);
  }
  void Must(const std::string& user, const std::vector<std::string>& rest, const std::string& now,
            const std::string& input = "/dev/null") const {
    const std::string log = Log("setup").string();
    const int code = Run(o->tools.binary, Args(user, rest), now, log, input);
    if (code != 0) {
      Die(name + ": setup step '" + rest.front() + "' failed (exit " + std::to_string(code) +
          "):\n" + ReadFile(log));
    }
  }
};

// The PostgreSQL database of a world: named for this process, so two harnesses on one server
// (ctest and ops/race) never share one.
std::string DatabaseOf(const World& w) {
  return "ontzorg_race_" + std::to_string(getpid()) + "_" + w.name;
}

// The SQLite store file and its side files, or a PostgreSQL database made from a template.
void CopyStore(const Options& o, const World& from, World* to) {
  if (o.pg.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const fs::path src = from.store + suffix, dst = to->store + suffix;
      fs::remove(dst);
      if (fs::exists(src)) fs::copy_file(src, dst);
    }
    return;
  }
  soci::session sql(soci::postgresql, o.pg);
  sql << "SET client_min_messages = warning";
  const std::string db = DatabaseOf(*to), tmpl = DatabaseOf(from);
  sql << "DROP DATABASE IF EXISTS " + db;
  sql << "CREATE DATABASE " + db + " TEMPLATE " + tmpl;
}

std::string StoreOf(const Options& o, const World& w) {
  if (o.pg.empty()) return (w.dir / "store.db").string();
  return WithDatabase(o.pg, DatabaseOf(w));
}

void CreateEmptyStore(const Options& o, const World& w) {
  if (!o.pg.empty()) {
    soci::session sql(soci::postgresql, o.pg);
    sql << "SET client_min_messages = warning";
    sql << "DROP DATABASE IF EXISTS " + DatabaseOf(w);
    sql << "CREATE DATABASE " + DatabaseOf(w);
  }
}

void DropStore(const Options& o, const World& w) {
  if (o.pg.empty()) return;
  soci::session sql(soci::postgresql, o.pg);
  sql << "SET client_min_messages = warning";
  sql << "DROP DATABASE IF EXISTS " + DatabaseOf(w);
}

// A command of a burst: who, what, and the exit codes (or HTTP statuses) that are answers.
struct Command {
  std::string name;
  bool web = false;
  std::string user;
  std::vector<std::string> args;  // CLI: after the globals; web: method-less API path
  std::string input = "/dev/null";
  bool refusable = false;  // refusing the input (exit 3) is an answer: the month is paid already
  // Another municipality's batch or bank file: "no such batch" (3), refused (9) or already done
  // by someone else (10) are the answers; done (0) is a finding.
  bool foreign = false;
};

// The web app of a round: started on the round's store, cees logged in through the API.
struct WebSession {
  pid_t server = -1;
  std::string url, cookie, csrf;

  bool Start(const Options& o, const World& w, const std::string& now) {
    const fs::path out = w.Log("serve-out"), err = w.Log("serve-err");
    const pid_t pid = fork();
    if (pid == 0) {
      FILE* so = std::fopen(out.c_str(), "w");
      FILE* se = std::fopen(err.c_str(), "w");
      if (so != nullptr) dup2(fileno(so), STDOUT_FILENO);
      if (se != nullptr) dup2(fileno(se), STDERR_FILENO);
      setenv("ONTZORG_NOW", now.c_str(), 1);
      std::vector<std::string> args = w.Args("", {"serve", "--port", "0"});
      args.erase(args.begin() + 4, args.begin() + 6);  // the server has no --user
      std::vector<char*> argv;
      std::string b = o.tools.binary;
      argv.push_back(b.data());
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(o.tools.binary.c_str(), argv.data());
      _exit(127);
    }
    server = pid;
    static const std::regex kUrl("https://[0-9.]+:[0-9]+");
    for (int i = 0; i < 800 && url.empty(); ++i) {  // up to 20 s (sanitizer builds)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      const std::string text = ReadFile(out);
      std::smatch m;
      if (std::regex_search(text, m, kUrl)) url = m[0];
    }
    if (url.empty()) return false;
    const fs::path headers = w.Log("login-headers"), body = w.Log("login-body");
    const std::string password = ReadFile(w.dir.parent_path() / "pw-cees");
    const std::string json =
        R"({"user":"cees","password":")" + password.substr(0, password.find('\n')) + R"("})";
    if (Run("curl",
            {"-sk", "--max-time", "60", "-D", headers.string(), "-o", body.string(), "-H",
             "Content-Type: application/json", "-d", json, url + "/api/v1/session"},
            "", w.Log("curl-login").string()) != 0) {
      return false;
    }
    std::smatch m;
    const std::string h = ReadFile(headers), b = ReadFile(body);
    static const std::regex kCookie("[Ss]et-[Cc]ookie: (__Host-ontzorg=[^;]+)");
    static const std::regex kCsrf(R"re("csrf_token":\s*"([^"]+)")re");
    if (std::regex_search(h, m, kCookie)) cookie = m[1];
    if (std::regex_search(b, m, kCsrf)) csrf = m[1];
    return !cookie.empty() && !csrf.empty();
  }
  std::vector<std::string> CurlArgs(const std::string& path, const fs::path& body) const {
    return {"-sk",
            "--max-time",
            "60",
            "-o",
            body.string(),
            "-w",
            "%{http_code}",
            "-X",
            "POST",
            "-H",
            "Cookie: " + cookie,
            "-H",
            "X-CSRF-Token: " + csrf,
            "-H",
            "Content-Type: application/json",
            "-d",
            "{}",
            url + path};
  }
  void Stop() {
    if (server > 0) {
      kill(server, SIGTERM);
      Wait(server);
      server = -1;
    }
  }
};

// Every version of every payment file seen on disk in a round: name -> contents.
using FileVersions = std::map<std::string, std::set<std::string>>;

void ScanFiles(const std::vector<fs::path>& dirs, FileVersions* seen,
               std::vector<std::string>* findings) {
  for (const fs::path& d : dirs) {
    if (!fs::exists(d)) continue;
    for (const auto& e : fs::recursive_directory_iterator(d)) {
      if (!e.is_regular_file()) continue;
      const std::string name = e.path().string();
      if (e.path().extension() == ".part" || name.find(".part") != std::string::npos) {
        findings->push_back("a part file was left behind: " + name);
      }
      if (e.path().extension() == ".xml") (*seen)[name].insert(ReadFile(e.path()));
    }
  }
}

template <typename T>
std::vector<T> Column(soci::session& sql, const std::string& query) {
  std::vector<T> out;
  soci::rowset<T> rs = (sql.prepare << query);
  for (const T& v : rs) out.push_back(v);
  return out;
}

// Rows as text: every column converted to text by the query itself.
std::vector<std::vector<std::string>> Rows(soci::session& sql, const std::string& query) {
  std::vector<std::vector<std::string>> out;
  soci::rowset<soci::row> rs = (sql.prepare << query);
  for (const soci::row& r : rs) {
    std::vector<std::string> row;
    for (size_t i = 0; i < r.size(); ++i) {
      row.push_back(r.get_indicator(i) == soci::i_null ? "" : r.get<std::string>(i));
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::unique_ptr<soci::session> Session(const Options& o, const World& w) {
  if (o.pg.empty()) {
    return std::make_unique<soci::session>(soci::sqlite3, "db=" + w.store);
  }
  return std::make_unique<soci::session>(soci::postgresql, w.store);
}

// The store's side of the invariants (see the top of this file).
// Over 70 lines (124): one query and its finding after another.
// NOLINTNEXTLINE(readability-function-size)
void CheckStore(const Options& o, const World& w, const FileVersions& files,
                std::vector<std::string>* findings) {
  auto sql = Session(o, w);
  auto& s = *sql;
  // Files: recorded ones of exported batches on disk with their hash; every file on disk
  // recorded with the hash it has.
  std::map<std::string, std::string> recorded;  // written_path -> sha256
  for (const auto& r :
       Rows(s,
            "SELECT f.written_path, f.sha256, CAST(f.run_id AS TEXT), COALESCE(o.state, '') "
            "FROM files f LEFT JOIN batch_outcomes o ON o.run_id = f.run_id WHERE "
            "COALESCE(f.written_path, '') <> ''")) {
    recorded[r[0]] = r[1];
    if (r[3] != "exported") {
      findings->push_back("file " + r[0] + " is recorded for batch " + r[2] +
                          ", which is not exported (" + (r[3].empty() ? "open" : r[3]) + ")");
      continue;
    }
    auto hash = ontzorg::HashFile(r[0]);
    if (r[0].find(w.dir.string()) == 0 && (!hash || hash->sha256 != r[1])) {
      findings->push_back("file " + r[0] + " of exported batch " + r[2] +
                          (hash ? " differs from its recorded hash" : " is not on disk"));
    }
  }
  for (const auto& [path, versions] : files) {
    const auto it = recorded.find(path);
    if (it == recorded.end()) {
      findings->push_back("file " + path + " is on disk but recorded nowhere");
      continue;
    }
    auto hash = ontzorg::HashFile(path);
    if (versions.size() > 1 || !hash || hash->sha256 != it->second) {
      findings->push_back("file " + path + " was written with other bytes than recorded");
    }
  }
  // One final state per batch; exported only after someone else approved it.
  for (const auto& r : Rows(s,
                            "SELECT CAST(run_id AS TEXT), COUNT(*) FROM batch_states WHERE state "
                            "IN ('exported', 'cancelled') GROUP BY run_id HAVING COUNT(*) > 1")) {
    findings->push_back("batch " + r[0] + " is both exported and cancelled");
  }
  for (const auto& r :
       Rows(s,
            "SELECT CAST(o.run_id AS TEXT), COALESCE(a.user_name, ''), r.user_name FROM "
            "batch_outcomes o JOIN runs r ON r.id = o.run_id LEFT JOIN batch_states a ON "
            "a.run_id = o.run_id AND a.state = 'approved' WHERE o.state = 'exported'")) {
    if (r[1].empty() || r[1] == r[2]) {
      findings->push_back("batch " + r[0] + " was exported without a second person's approval" +
                          (r[1].empty() ? "" : " (prepared and approved by " + r[1] + ")"));
    }
  }
  // An approval by bram after the admin reset bram's password.
  const auto reset = Rows(s,
                          "SELECT CAST(MIN(seq) AS TEXT) FROM audit_log WHERE action = "
                          "'user.password_set' AND subject = 'user:bram' AND user_name = 'admin'");
  if (!reset.empty() && !reset[0][0].empty()) {
    for (const auto& r :
         Rows(s,
              "SELECT subject FROM audit_log WHERE action = 'batch.approved' AND user_name = "
              "'bram' AND seq > " +
                  reset[0][0])) {
      findings->push_back(r[0] + " approved by bram after the admin had reset his password");
    }
  }
  // A change for February (the coach's rent) is never recorded after February was exported, and
  // February is never approved after it without the approver acknowledging it (the approval
  // detail names the later changes). In audit order: one write lock orders them.
  const auto seq_of = [&](const std::string& where) {
    const auto r =
        Rows(s, "SELECT CAST(COALESCE(MIN(seq), 0) AS TEXT) FROM audit_log WHERE " + where);
    return r.empty() || r[0][0].empty() ? int64_t{0} : std::stoll(r[0][0]);
  };
  const int64_t change =
      seq_of("action = 'client.recorded' AND user_name = 'carla' AND detail LIKE '%change%'");
  if (change > 0) {
    const int64_t exported = seq_of("action = 'batch.exported' AND subject = 'batch:3'");
    if (exported > 0 && change > exported) {
      findings->push_back("a change for February was recorded after February's batch was exported");
    }
    for (const auto& r : Rows(s,
                              "SELECT CAST(seq AS TEXT), detail FROM audit_log WHERE action = "
                              "'batch.approved' AND subject = 'batch:3'")) {
      if (std::stoll(r[0]) > change && r[1].find("acknowledged") == std::string::npos) {
        findings->push_back(
            "February's batch was approved after a change for February without "
            "the approver acknowledging it: " +
            r[1]);
      }
    }
  }
  // Payment states against their batch's fate.
  for (const auto& r :
       Rows(s,
            "SELECT p.end_to_end_id, ps.state, COALESCE(o.state, '') FROM payments p JOIN "
            "entries e ON e.key = p.key JOIN payment_states ps ON ps.end_to_end_id = "
            "p.end_to_end_id LEFT JOIN batch_outcomes o ON o.run_id = e.run_id")) {
    if (r[2] == "exported" && r[1] == "cancelled") {
      findings->push_back("payment " + r[0] + " of an exported batch was also cancelled");
    }
    if (r[2] != "exported" && r[1] != "cancelled") {
      findings->push_back("payment " + r[0] + " of a batch never exported has bank state " + r[1]);
    }
  }
  // Never paid twice: per obligation, at most one payment in a sent file that the bank did not
  // reject or return.
  std::map<std::string, std::string> e2e_file;
  static const std::regex kE2e("<EndToEndId>([^<]+)</EndToEndId>");
  for (const auto& [path, versions] : files) {
    for (const std::string& bytes : versions) {
      for (std::sregex_iterator it(bytes.begin(), bytes.end(), kE2e), end; it != end; ++it) {
        const std::string id = (*it)[1];
        const auto [at, fresh] = e2e_file.emplace(id, path);
        if (!fresh && at->second != path) {
          findings->push_back("EndToEndId " + id + " in " + at->second + " and in " + path);
        }
      }
    }
  }
  std::map<std::string, std::vector<std::string>> live;  // obligation -> EndToEndIds
  for (const auto& r :
       Rows(s,
            "SELECT p.end_to_end_id, p.client_id || '|' || p.purpose || '|' || "
            "COALESCE(p.bill_id, '') || '|' || p.month FROM payments p WHERE NOT EXISTS "
            "(SELECT 1 FROM payment_states ps WHERE ps.end_to_end_id = p.end_to_end_id AND "
            "ps.state IN ('rejected', 'returned'))")) {
    if (e2e_file.count(r[0]) > 0) live[r[1]].push_back(r[0]);
  }
  for (const auto& [obligation, ids] : live) {
    if (ids.size() > 1) {
      findings->push_back("obligation " + obligation + " paid " + std::to_string(ids.size()) +
                          " times: " + ids[0] + " and " + ids[1]);
    }
  }
  // Every entry balanced.
  for (const auto& r : Rows(s,
                            "SELECT key FROM entries WHERE amount_cents <= 0 OR debit_account = "
                            "credit_account")) {
    findings->push_back("entry " + r[0] + " is not a balanced transaction");
  }
  sql.reset();
  auto store = ontzorg::Store::Open(w.store);
  if (!store) {
    findings->push_back("the store does not open: " + store.error().message);
    return;
  }
  auto totals = (*store)->LedgerCheck();
  if (!totals || !totals->Balanced()) findings->push_back("the ledger check fails");
  if (auto chain = (*store)->VerifyAuditLog(); !chain) {
    findings->push_back("the audit chain does not verify: " + chain.error().message);
  }
}

// The municipalities' side (issue 20): `accounts` maps each code to its managed account.
void CheckMunicipalities(const Options& o, const World& w,
                         const std::map<std::string, std::string>& accounts,
                         const FileVersions& files, std::vector<std::string>* findings) {
  {
    auto sql = Session(o, w);
    auto& s = *sql;
    for (const auto& r : Rows(s,
                              "SELECT p.end_to_end_id, CAST(p.run_id AS TEXT) FROM payments p "
                              "JOIN runs r ON r.id = p.run_id JOIN clients c ON c.id = "
                              "p.client_id WHERE c.municipality_id <> r.municipality_id")) {
      findings->push_back("payment " + r[0] + " of batch " + r[1] +
                          " pays a client of another municipality");
    }
    std::map<std::string, std::string> code_of_file;  // file name -> its batch's code
    for (const auto& r : Rows(s,
                              "SELECT f.name, f.msg_id, m.code FROM files f JOIN runs r ON r.id "
                              "= f.run_id JOIN municipalities m ON m.id = r.municipality_id")) {
      code_of_file[r[0]] = r[2];
      if (r[1].rfind(r[2] + "-", 0) != 0) {
        findings->push_back("file " + r[0] + " has MsgId " + r[1] + ", not one of " + r[2]);
      }
    }
    static const std::regex kDebtor("<DbtrAcct>\\s*<Id>\\s*<IBAN>([A-Z0-9]+)</IBAN>");
    for (const auto& [path, versions] : files) {
      const auto code = code_of_file.find(fs::path(path).filename().string());
      if (code == code_of_file.end()) continue;  // unrecorded: CheckStore says so
      for (const std::string& bytes : versions) {
        std::smatch m;
        if (!std::regex_search(bytes, m, kDebtor) || m[1] != accounts.at(code->second)) {
          findings->push_back("file " + path + " of " + code->second +
                              " does not debit its managed account " + accounts.at(code->second));
        }
      }
    }
    for (const auto& r :
         Rows(s,
              "SELECT a.subject, a.action FROM audit_log a JOIN runs r ON a.subject = 'batch:' "
              "|| CAST(r.id AS TEXT) WHERE a.user_name = 'tess' AND r.municipality_id <> 2")) {
      findings->push_back("tess, who works for GM9998 only, did " + r[1] + " on " + r[0] +
                          " of another municipality");
    }
  }
  auto store = ontzorg::Store::Open(w.store);
  if (!store) return;  // CheckStore says so
  for (const int64_t id : {1, 2}) {
    (*store)->SetScope(id);
    auto totals = (*store)->LedgerCheck();
    if (!totals || !totals->Balanced()) {
      findings->push_back("the ledger check of municipality " + std::to_string(id) +
                          " alone fails");
    }
  }
}

// The managed account in a municipality's settings (TOML text).
std::string ManagedAccount(const std::string& settings) {
  static const std::regex kIban(R"re(\[managed_account\][^\[]*?iban = "([A-Z0-9]+)")re");
  std::smatch m;
  if (!std::regex_search(settings, m, kIban)) Die("no [managed_account] iban in the settings");
  return m[1];
}

struct Tally {
  std::map<std::string, std::map<std::string, int>> outcomes;  // command -> answer -> count
  int commands = 0;
};

}  // namespace

// Over 70 lines (281): a tool's main, its set-up and rounds in order.
// NOLINTNEXTLINE(readability-function-size,bugprone-exception-escape)
int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "ontzorg-race: several people and processes at once on one store; checks that nothing "
      "is paid twice, lost, or left in two states"};
  app.add_option("--rounds", o.rounds, "rounds, each from a fresh copy of the store")
      ->capture_default_str();
  app.add_option("--bursts", o.bursts, "bursts of simultaneous commands per round")
      ->capture_default_str();
  AddRunOptions(app, &o.clients, &o.seed, &o.work);
  AddToolOptions(app, &o.tools);
  app.add_option("--pg", o.pg,
                 "libpq connection string: run on PostgreSQL (databases "
                 "ontzorg_race_<pid>_* are created there, and dropped at the end)");
  app.add_flag("--verbose", o.verbose, "print every command and its answer");
  for (const char* name : {"--rounds", "--bursts"}) {  // ops/race gives defaults first
    app.get_option(name)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  CLI11_PARSE(app, argc, argv);
  o.tools.binary = fs::absolute(o.tools.binary).string();
  o.tools.generator = fs::absolute(o.tools.generator).string();
  o.tools.banksim = fs::absolute(o.tools.banksim).string();
  o.tools.config = fs::absolute(o.tools.config).string();

  const fs::path work = fs::absolute(o.work);
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path fixture = work / "municipality";
  if (!Generate(o.tools, o.clients, o.seed, fixture, work / "generate.log")) {
    Die("the generator failed: " + ReadFile(work / "generate.log"));
  }
  if (Run("openssl",
          {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
           "-keyout", (work / "key.pem").string(), "-out", (work / "cert.pem").string()},
          "", (work / "openssl.log").string()) != 0) {
    Die("openssl could not make a certificate: " + ReadFile(work / "openssl.log"));
  }
  for (const std::string user : {"bram", "cees", "tess"}) {
    const fs::path pw = work / ("pw-" + user);
    std::ofstream(pw) << "race-harness-" << user << "\n";
    fs::permissions(pw, fs::perms::owner_read | fs::perms::owner_write);
  }
  std::ofstream(work / "admin-reset") << "reset-by-admin\n";

  auto make_world = [&](const std::string& name) {
    World w;
    w.name = name;
    w.dir = work / name;
    w.o = &o;
    w.store = StoreOf(o, w);
    return w;
  };

  // --- The starting point: January exported, February prepared (and a copy approved). ---
  World base = make_world("prepared");
  CreateEmptyStore(o, base);
  base.WriteConfig();
  const std::string setup_now = "2026-12-01T09:00:00";
  base.Must("admin", {"init"}, setup_now);
  base.Must("admin", {"import", fixture.string()}, setup_now);
  base.Must("admin", {"user", "add", "--name", "admin", "--role", "admin"}, setup_now);
  for (const char* finance : {"anna", "bram", "cees", "tess"}) {
    base.Must("admin", {"user", "add", "--name", finance, "--role", "finance"}, setup_now);
  }
  base.Must("admin", {"user", "add", "--name", "carla", "--role", "coach"}, setup_now);
  // The second municipality: another bank and policy, its own clients (T000001-T000008).
  const fs::path second =
      fs::absolute(o.tools.config).parent_path().parent_path() / "fixtures" / "demo-2";
  const std::string second_settings = (second / "municipality.toml").string();
  base.Must("admin",
            {"municipality", "add", "GM9998", "--settings", second_settings, "--reason",
             "race: a second municipality"},
            setup_now);
  base.Must("admin", {"--municipality", "GM9998", "import", second.string()}, setup_now);
  const std::map<std::string, std::string> accounts = {
      {"GM9999", ManagedAccount(ReadFile(o.tools.config))},
      {"GM9998", ManagedAccount(ReadFile(second_settings))}};
  base.Must("admin",
            {"user", "municipalities", "--name", "tess", "GM9998", "--reason", "race: Tweestad"},
            setup_now);
  for (const std::string user : {"bram", "cees", "tess"}) {
    // Each sets their own password (proven by the file only they can read afterwards).
    const fs::path pw = work / ("pw-" + user);
    const fs::path hidden = work / ("pw-" + user + ".new");
    fs::rename(pw, hidden);
    base.Must(user, {"user", "password", "--name", user}, setup_now, hidden.string());
    fs::rename(hidden, pw);
  }
  // January: batch 1 GM9999's, batch 2 GM9998's; February: batch 3 and batch 4.
  base.Must("anna",
            {"--municipality", "all", "run", "--month", "2027-01", "--run-date", "2026-12-14",
             "--out", base.Out("setup").string()},
            "2026-12-14T10:00:00");
  for (const std::string batch : {"1", "2"}) {
    base.Must("bram", {"approve", "--batch", batch}, "2026-12-14T11:00:00");
    base.Must("bram", {"export", "--batch", batch, "--out", base.Out("setup").string()},
              "2026-12-14T12:00:00");
  }
  std::string pain001;  // GM9999's: the bank's answers below are to it
  FileVersions january;
  for (const auto& e : fs::directory_iterator(base.Out("setup"))) {
    if (e.path().extension() != ".xml") continue;
    january[e.path().string()].insert(ReadFile(e.path()));
    if (e.path().filename().string().rfind("GM9999-", 0) == 0) pain001 = e.path().string();
  }
  if (pain001.empty() || january.size() != 2) Die("January's exports wrote no two pain.001");
  // The bank rejects the file's first bill payment and returns its first leefgeld payment.
  std::string rejected, returned;
  {
    const std::string bytes = ReadFile(pain001);
    static const std::regex kE2e("<EndToEndId>(OZ-[BL]-[^<]+)</EndToEndId>");
    for (std::sregex_iterator it(bytes.begin(), bytes.end(), kE2e), end; it != end; ++it) {
      const std::string id = (*it)[1];
      if (rejected.empty() && id.rfind("OZ-B-", 0) == 0) rejected = id;
      if (returned.empty() && id.rfind("OZ-L-", 0) == 0) returned = id;
    }
  }
  if (rejected.empty() || returned.empty()) Die("January's file has no bill or leefgeld payment");
  const fs::path pain002 = work / "pain002.xml", camt053 = work / "camt053.xml";
  if (Run(o.tools.banksim,
          {"--pain001", pain001, "--date", "2026-12-16", "--pain002", pain002.string(), "--camt053",
           camt053.string(), "--reject", rejected + ":MS03", "--return", returned + ":MS03"},
          "", (work / "banksim.log").string()) != 0) {
    Die("ontzorg-banksim failed: " + ReadFile(work / "banksim.log"));
  }
  base.Must("anna",
            {"--municipality", "all", "run", "--month", "2027-02", "--run-date", "2027-01-14",
             "--out", base.Out("setup").string()},
            "2027-01-14T10:00:00");
  World approved = make_world("approved");
  CreateEmptyStore(o, approved);
  approved.WriteConfig();
  CopyStore(o, base, &approved);
  approved.Must("bram", {"approve", "--batch", "3"}, "2027-01-14T11:00:00");
  approved.Must("tess", {"approve", "--batch", "4"}, "2027-01-14T11:00:00");
  // The sent January files (`january`), seen in every round: their EndToEndIds count as sent.

  // The rent a coach changes during the bursts: the first bill of the generated municipality.
  std::string race_bill;
  {
    std::istringstream bills(ReadFile(fixture / "bills.csv"));
    std::string line;
    std::getline(bills, line);  // the header
    std::getline(bills, line);
    race_bill = line.substr(0, line.find(','));
    if (race_bill.empty()) Die("the generated municipality has no bill");
  }

  // --- The menu of commands a burst draws from. ---
  const std::string now = "2027-01-15T10:00:00";
  // One toeslag received by hand, recorded by `user`: two people recording it at once.
  const auto receipt_by = [](const std::string& user) {
    return Command{"receipt (" + user + ")",
                   false,
                   user,
                   {"receipt", "--id", "RACE-1", "--client", "C000004", "--kind", "rent_allowance",
                    "--received-on", "2027-01-12", "--amount", "310.00", "--covers-from", "2027-01",
                    "--covers-to", "2027-01", "--landed-on", "managed"}};
  };
  auto menu = [&](const World& w) {
    std::vector<Command> m = {
        {"approve (bram)", false, "bram", {"approve", "--batch", "3"}},
        {"export (bram)", false, "bram", {"export", "--batch", "3", "--out", w.Out("bram")}},
        {"export (anna)", false, "anna", {"export", "--batch", "3", "--out", w.Out("anna")}},
        {"cancel (anna)", false, "anna", {"cancel", "--batch", "3", "--reason", "race"}},
        {"cancel (bram)", false, "bram", {"cancel", "--batch", "3", "--reason", "race"}},
        {"approve (web)", true, "cees", {"/api/v1/batches/3/approve"}},
        {"export (web)", true, "cees", {"/api/v1/batches/3/export"}},
        // GM9998's February (batch 4), at the same moments, and tess trying GM9999's.
        {"approve GM9998 (tess)", false, "tess", {"approve", "--batch", "4"}},
        {"export GM9998 (tess)", false, "tess", {"export", "--batch", "4", "--out", w.Out("tess")}},
        {"export GM9998 (bram)", false, "bram", {"export", "--batch", "4", "--out", w.Out("bram")}},
        {"cancel GM9998 (anna)", false, "anna", {"cancel", "--batch", "4", "--reason", "race"}},
        {"approve GM9998 (web)", true, "cees", {"/api/v1/batches/4/approve"}},
        {"release-held GM9998 (tess)", false, "tess", {"release-held"}},
        {"approve GM9999 (tess)",
         false,
         "tess",
         {"approve", "--batch", "3"},
         "/dev/null",
         false,
         true},
        {"export GM9999 (tess)",
         false,
         "tess",
         {"export", "--batch", "3", "--out", w.Out("tess")},
         "/dev/null",
         false,
         true},
        {"cancel GM9999 (tess)",
         false,
         "tess",
         {"cancel", "--batch", "3", "--reason", "race"},
         "/dev/null",
         false,
         true},
        {"camt.053 GM9999 (tess)",
         false,
         "tess",
         {"import-bank", camt053.string()},
         "/dev/null",
         false,
         true},
        {"pain.002 (anna)", false, "anna", {"import-bank", pain002.string()}},
        {"pain.002 (bram)", false, "bram", {"import-bank", pain002.string()}},
        {"camt.053 (anna)", false, "anna", {"import-bank", camt053.string()}},
        {"camt.053 (bram)", false, "bram", {"import-bank", camt053.string()}},
        {"reissue (anna)", false, "anna", {"reissue", "--payment", rejected}},
        {"reissue (bram)", false, "bram", {"reissue", "--payment", rejected}},
        {"reissue returned (bram)", false, "bram", {"reissue", "--payment", returned}},
        {"release-held (anna)", false, "anna", {"--municipality", "GM9999", "release-held"}},
        {"run 2027-03 (anna)",
         false,
         "anna",
         {"--municipality", "all", "run", "--month", "2027-03", "--run-date", "2027-01-15", "--out",
          w.Out("anna")}},
        receipt_by("anna"),
        receipt_by("carla"),
        // A coach changes a rent from February, the month of the batch the others approve,
        // export and cancel: accepted while it is not exported (and then the approval must ask
        // for the acknowledgement), refused once it is.
        {"rent from February (carla)",
         false,
         "carla",
         {"change-bill", "--bill", race_bill, "--amount", "1234.56", "--valid-from", "2027-02",
          "--reason", "race: brief verhuurder"},
         "/dev/null",
         true},
        {"reset bram's password (admin)",
         false,
         "admin",
         {"user", "password", "--name", "bram"},
         (work / "admin-reset").string()},
    };
    return m;
  };

  std::mt19937 rng(o.seed);
  std::vector<std::string> findings;
  Tally tally;
  const auto started = std::chrono::steady_clock::now();
  int rounds = 0;
  for (; rounds < o.rounds && findings.empty(); ++rounds) {
    World w = make_world("round");
    fs::remove_all(w.dir);
    w.WriteConfig();
    const World& from = rng() % 2 == 0 ? base : approved;
    CopyStore(o, from, &w);
    WebSession web;
    const bool with_web = rng() % 2 == 0;
    if (with_web && !web.Start(o, w, now)) {
      web.Stop();
      Die("the web app did not start or log in: " + ReadFile(w.Log("serve-err")) +
          ReadFile(w.Log("login-body")));
    }
    FileVersions files = january;
    for (int burst = 0; burst < o.bursts && findings.empty(); ++burst) {
      std::vector<Command> all = menu(w);
      std::shuffle(all.begin(), all.end(), rng);
      const size_t n = 2 + rng() % 5;
      std::vector<Command> chosen;
      for (const Command& c : all) {
        if (chosen.size() == n) break;
        if (c.web && !with_web) continue;
        chosen.push_back(c);
      }
      std::vector<std::pair<pid_t, size_t>> running;
      std::vector<int64_t> delays;
      for (size_t i = 0; i < chosen.size(); ++i)
        delays.push_back(static_cast<int64_t>(rng() % 40000));
      // Start in order of delay, each at its moment from the burst's start.
      std::vector<size_t> order(chosen.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return delays[a] < delays[b]; });
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t i : order) {
        std::this_thread::sleep_until(t0 + std::chrono::microseconds(delays[i]));
        const Command& c = chosen[i];
        const std::string log = w.Log("cmd-" + std::to_string(i)).string();
        pid_t pid = -1;
        if (c.web) {
          pid = Spawn("curl", web.CurlArgs(c.args[0], w.Log("body-" + std::to_string(i))), "", log);
        } else {
          pid = Spawn(o.tools.binary, w.Args(c.user, c.args), now, log, c.input);
        }
        running.emplace_back(pid, i);
      }
      const std::string where = "seed " + std::to_string(o.seed) + ", round " +
                                std::to_string(rounds + 1) + ", burst " +
                                std::to_string(burst + 1) + ": ";
      std::string done;
      for (const auto& [pid, i] : running) {
        const int code = Wait(pid);
        const Command& c = chosen[i];
        const std::string log = ReadFile(w.Log("cmd-" + std::to_string(i)));
        std::string answer;
        bool fine = false;
        if (c.web) {
          answer = "HTTP " + log;
          fine = code == 0 && !log.empty() && (log[0] == '2' || log[0] == '4');
          if (!fine) answer += " " + ReadFile(w.Log("body-" + std::to_string(i)));
        } else {
          answer = "exit " + std::to_string(code);
          fine = c.foreign ? code == 3 || code == 9 || code == 10
                           : code == 0 || code == 9 || code == 10 || (c.refusable && code == 3);
        }
        ++tally.outcomes[c.name][c.web ? answer.substr(0, 8) : answer];
        ++tally.commands;
        done += " " + c.name + " -> " + answer;
        if (o.verbose && code != 0)
          done += " (" + log.substr(0, std::min<size_t>(log.size(), 160)) + ")";
        done += ";";
        if (!fine) findings.push_back(where + c.name + " ended with " + answer + ":\n" + log);
      }
      if (o.verbose) std::printf("%s%s\n", where.c_str(), done.c_str());
      std::vector<std::string> found;
      ScanFiles({w.Out("anna"), w.Out("bram"), w.Out("tess"), w.dir / "web-out"}, &files, &found);
      CheckStore(o, w, files, &found);
      CheckMunicipalities(o, w, accounts, files, &found);
      for (const std::string& f : found) findings.push_back(where + f + "\n  commands:" + done);
    }
    web.Stop();
    if ((rounds + 1) % 50 == 0 || o.verbose) {
      std::printf("round %d: %d commands so far; %s\n", rounds + 1, tally.commands,
                  findings.empty() ? "no findings" : "FINDINGS");
      std::fflush(stdout);
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (findings.empty()) {  // with findings, the stores stay for a look
    for (const World* kept : {&base, &approved}) DropStore(o, *kept);
    DropStore(o, make_world("round"));
  }
  std::printf("answers per command:\n");
  for (const auto& [name, answers] : tally.outcomes) {
    std::printf("  %-30s", name.c_str());
    for (const auto& [answer, count] : answers) std::printf(" %s: %d;", answer.c_str(), count);
    std::printf("\n");
  }
  if (!findings.empty()) {
    for (const std::string& f : findings) std::printf("FINDING: %s\n", f.c_str());
    std::printf("ontzorg-race: %zu findings on %s (seed %u; rerun with --seed %u)\n",
                findings.size(), o.pg.empty() ? "SQLite" : "PostgreSQL", o.seed, o.seed);
    return 1;
  }
  std::printf(
      "ontzorg-race: %d rounds of %d bursts on %s, %d commands at once in bursts of 2-6, "
      "%.0f s; zero findings: nothing paid twice, no file unrecorded, one final state per "
      "batch, no bank state on an unsent payment, ledger balanced, audit chain intact\n",
      rounds, o.bursts, o.pg.empty() ? "SQLite" : "PostgreSQL", tally.commands, secs);
  return 0;
}
