// The `ontzorg` binary as a finance employee uses it: exit codes, messages, nothing changed by bad
// input, and the crash test: a run killed with SIGKILL at random moments and run again never pays
// a bill twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using testing_support::ReadFile;
using testing_support::SharedDir;
using testing_support::SourceDir;
using testing_support::TempDir;
using testing_support::WriteFile;

struct Outcome {
  int code = -1;
  std::string out;
};

// Starts the binary with `args`, stdout and stderr into `output_file`, without a shell.
pid_t Spawn(const std::vector<std::string>& args, const std::string& output_file) {
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::fopen(output_file.c_str(), "w");
    dup2(fileno(f), STDOUT_FILENO);
    dup2(fileno(f), STDERR_FILENO);
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
Outcome RunBinary(const std::vector<std::string>& args, const std::string& output_file) {
  const pid_t pid = Spawn(args, output_file);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status), ReadFile(output_file)};
}

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    // A config like the shipped one, pointing at a store and the schemas of this test.
    std::string config = ReadFile(SourceDir() + "/config/ontzorg.toml");
    config = std::regex_replace(config, std::regex("url = \"[^\"]*\""), "url = \"" + dir_ / "s.db" + "\"");
    config = std::regex_replace(config, std::regex("schema_dir = \"[^\"]*\""),
                                "schema_dir = \"" + SharedDir() + "/iso20022\"");
    config = std::regex_replace(config, std::regex("dir = \"texts\""),
                                "dir = \"" + SourceDir() + "/config/texts\"");
    config = std::regex_replace(config, std::regex("model = \"competences.toml\""),
                                "model = \"" + SourceDir() + "/config/competences.toml\"");
    WriteFile(dir_ / "ontzorg.toml", config);
  }
  Outcome Ontzorg(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", dir_ / "ontzorg.toml"});
    return RunBinary(args, dir_ / "output.txt");
  }
  void InitAndImport(const std::string& fixture) {
    ASSERT_EQ(Ontzorg({"init"}).code, 0);
    const Outcome imported = Ontzorg({"import", fixture});
    ASSERT_EQ(imported.code, 0) << imported.out;
  }
  std::string StoreBytes() { return ReadFile(dir_ / "s.db"); }
  TempDir dir_;
};

std::vector<std::vector<std::string>> Vectors(const std::string& name) {
  std::ifstream in(SharedDir() + "/vectors/" + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) fields.emplace_back();
      else fields.back() += c;
    }
    rows.push_back(fields);
  }
  return rows;
}

TEST_F(CliTest, CheckAgreesWithEverySharedVector) {
  int rows = 0;
  for (const auto& row : Vectors("iban.csv")) {
    const Outcome o = Ontzorg({"check", "iban", row[0]});
    EXPECT_EQ(o.code, row[1] == "1" ? 0 : 1) << row[0] << ": " << o.out;
    ++rows;
  }
  for (const auto& row : Vectors("bsn.csv")) {
    const Outcome o = Ontzorg({"check", "bsn", row[0]});
    EXPECT_EQ(o.code, row[1] == "1" ? 0 : 1) << row[0] << ": " << o.out;
    ++rows;
  }
  EXPECT_GT(rows, 230);
}

TEST_F(CliTest, CheckExplainsWhatIsWrong) {
  Outcome o = Ontzorg({"check", "iban", "NL91ABNA041716430"});
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.out, "invalid: an NL IBAN has 18 characters, this one has 17\n");
  o = Ontzorg({"check", "reference", "5000 0567 8901 2345"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out, "valid: 5000056789012345 (betalingskenmerk)\n");
  EXPECT_EQ(Ontzorg({"check", "reference", "RF712348232"}).code, 1);
  EXPECT_EQ(Ontzorg({"check", "bic", "BNGHNL2G"}).code, 0);
  EXPECT_EQ(Ontzorg({"check", "colour", "red"}).code, 2);
  EXPECT_EQ(Ontzorg({"check", "--help"}).code, 0);
}

TEST_F(CliTest, MissingStoreIsReportedAndNotCreated) {
  const Outcome o = Ontzorg({"run", "--month", "2027-01", "--run-date", "2026-12-14"});
  EXPECT_EQ(o.code, 5);
  EXPECT_NE(o.out.find("does not exist: create it with `ontzorg init` first"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "s.db"));
}

TEST_F(CliTest, BadInputChangesNothing) {
  InitAndImport(SourceDir() + "/fixtures/demo");
  const std::string before = StoreBytes();
  // Every broken fixture is refused with file, line and column, and the store stays byte-identical.
  for (const auto& entry : std::filesystem::directory_iterator(SourceDir() + "/fixtures/bad")) {
    if (!entry.is_directory()) continue;
    const Outcome o = Ontzorg({"import", entry.path().string()});
    EXPECT_EQ(o.code, 3) << entry.path() << ": " << o.out;
    EXPECT_NE(o.out.find("import refused, nothing was changed"), std::string::npos) << o.out;
    EXPECT_TRUE(std::regex_search(o.out, std::regex("[a-z]+\\.csv:[0-9]+")))
        << "names file and line: " << o.out;
    EXPECT_EQ(StoreBytes(), before) << entry.path();
  }
  // A month nobody is in relief in (nothing booked), a month that cannot be run on that date, a
  // bad month.
  Outcome o = Ontzorg({"run", "--month", "2026-01", "--run-date", "2025-12-15", "--out", dir_ / "out"});
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("no client is in relief in this month"), std::string::npos) << o.out;
  EXPECT_EQ(Ontzorg({"run", "--month", "2027-13"}).code, 3);
  o = Ontzorg({"run", "--month", "2028-06", "--run-date", "2027-01-04"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("at most 364 days ahead"), std::string::npos) << o.out;
  EXPECT_EQ(StoreBytes(), before);
  // A bad configuration.
  WriteFile(dir_ / "ontzorg.toml",
            std::regex_replace(ReadFile(dir_ / "ontzorg.toml"), std::regex("allowance_day = 1"),
                               "allowance_day = 40"));
  o = Ontzorg({"run", "--month", "2027-01", "--run-date", "2026-12-14", "--out", dir_ / "out"});
  EXPECT_EQ(o.code, 4);
  EXPECT_NE(o.out.find("ontzorg.toml:30: month.allowance_day: must be a whole number from 1 to 31"),
            std::string::npos) << o.out;
  EXPECT_EQ(StoreBytes(), before);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

TEST_F(CliTest, RunningTwiceSaysSoAndPaysNothingTwice) {
  InitAndImport(SourceDir() + "/fixtures/demo");
  const std::vector<std::string> run = {"run", "--month", "2027-01", "--run-date", "2026-12-14",
                                        "--out", dir_ / "out"};
  const Outcome first = Ontzorg(run);
  ASSERT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("SHA-1"), std::string::npos);
  const Outcome second = Ontzorg(run);
  EXPECT_EQ(second.code, 0);
  EXPECT_NE(second.out.find("nothing was paid twice"), std::string::npos) << second.out;
  int xml_files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir_ / "out")) {
    xml_files += f.path().extension() == ".xml";
  }
  EXPECT_EQ(xml_files, 1) << "one SEPA file, written once";
  const Outcome report = Ontzorg({"report", "--month", "2027-01"});
  EXPECT_EQ(report.code, 0);
  EXPECT_NE(report.out.find("(balanced)"), std::string::npos) << report.out;
}

// EndToEndId -> amount over every XML file in `dir`; a duplicate fails the test.
std::map<std::string, std::string> Transactions(const std::string& dir) {
  std::map<std::string, std::string> out;
  const std::regex tx("<EndToEndId>([^<]+)</EndToEndId>[\\s\\S]*?<InstdAmt Ccy=\"EUR\">([^<]+)<");
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".xml") continue;
    const std::string xml = ReadFile(f.path().string());
    for (std::sregex_iterator it(xml.begin(), xml.end(), tx), end; it != end; ++it) {
      EXPECT_TRUE(out.emplace((*it)[1], (*it)[2]).second) << "paid twice: " << (*it)[1];
    }
  }
  return out;
}

TEST_F(CliTest, KilledAtRandomMomentsAndRunAgainNeverPaysTwice) {
  const std::string fixture = dir_ / "municipality";
  std::filesystem::create_directories(fixture);
  ASSERT_EQ(std::system((std::string(ONTZORG_GENERATOR) + " --clients 3000 --seed 11 --month 2027-01 --out " +
                         fixture).c_str()), 0);
  // The reference: an uninterrupted run in its own store.
  InitAndImport(fixture);
  const std::vector<std::string> run = {"run", "--month", "2027-01", "--run-date", "2026-12-14",
                                        "--out", dir_ / "out"};
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(Ontzorg(run).code, 0);
  const auto full = std::chrono::steady_clock::now() - started;
  const auto expected = Transactions(dir_ / "out");
  ASSERT_GT(expected.size(), 10000u);
  std::filesystem::remove_all(dir_ / "out");
  std::filesystem::remove(dir_ / "s.db");
  InitAndImport(fixture);

  const uint32_t seed = 20261123;
  std::mt19937 rng(seed);
  const int64_t full_us = std::chrono::duration_cast<std::chrono::microseconds>(full).count();
  std::vector<std::string> args = {"--config", dir_ / "ontzorg.toml"};
  args.insert(args.end(), run.begin(), run.end());
  int kills = 0, killed_while_running = 0;
  for (int round = 0; round < 6; ++round) {
    std::filesystem::remove_all(dir_ / "out");
    std::filesystem::remove(dir_ / "s.db");
    InitAndImport(fixture);
    for (int k = 0; k < 2; ++k) {  // killed twice before it may finish
      const pid_t pid = Spawn(args, "/dev/null");
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % (full_us + 1)));
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      ++kills;
      killed_while_running += WIFSIGNALED(status) ? 1 : 0;
    }
    const Outcome final_run = Ontzorg(run);
    ASSERT_EQ(final_run.code, 0) << final_run.out;
    EXPECT_EQ(Transactions(dir_ / "out"), expected) << "seed " << seed << " round " << round;
    const Outcome report = Ontzorg({"report"});
    EXPECT_NE(report.out.find("(balanced)"), std::string::npos) << report.out;
    EXPECT_EQ(report.out.find("OVERDRAWN"), std::string::npos);
  }
  EXPECT_GE(killed_while_running, kills / 2) << "the kills must land inside runs to prove anything";
}

// The toeslagen gap as a finance employee and a coach meet it on the command line.
TEST_F(CliTest, BridgingCreditFromImportToTheClientsStatement) {
  InitAndImport(SourceDir() + "/fixtures/golden/bridging-no-mandate");
  const char* runs[][2] = {{"2027-01", "2026-12-22"}, {"2027-02", "2027-01-22"},
                           {"2027-03", "2027-02-22"}};
  for (const auto& r : runs) {
    const Outcome o = Ontzorg({"run", "--month", r[0], "--run-date", r[1], "--out", dir_ / "out"});
    ASSERT_EQ(o.code, 0) << o.out;
    EXPECT_NE(o.out.find("Overbruggingskrediet verstrekt / credit drawn:      EUR 50.00 (1 clients)"),
              std::string::npos) << o.out;
  }
  // The coach's view: the loan ledger and the statement lines, in plain words, as a loan.
  Outcome o = Ontzorg({"credit", "--client", "C"});
  ASSERT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("  2027-03     50.00       0.00       0.00        0.00         0.00  150.00"),
            std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Dit is een lening (voorschot), geen gift: u betaalt het later terug."),
            std::string::npos) << o.out;
  EXPECT_NE(o.out.find("U leent nu in totaal € 150,00. Wij betalen de lening terug met uw "
                       "toeslagen"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("This is a loan (an advance), not a gift"), std::string::npos) << o.out;
  // The finance export.
  o = Ontzorg({"report", "--credit-csv", "-"});
  ASSERT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("client_id,name,drawn,set_off,recovered,written_off,granted,"
                       "loan_outstanding,to_recover,outstanding\nC,Chiara Haile,150.00,0.00,0.00,"
                       "0.00,0.00,150.00,0.00,150.00\n"), std::string::npos) << o.out;
  o = Ontzorg({"report"});
  EXPECT_NE(o.out.find("lent out EUR 150.00, client loans EUR 150.00 (balanced)"),
            std::string::npos) << o.out;
  // The forecast: April recovers what went to the own account; as JSON for case systems.
  o = Ontzorg({"forecast", "--client", "C", "--json"});
  ASSERT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("\"month\": \"2027-04\""), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\"credit_recovered_cents\": 5000"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\"leefgeld_cents\": 28000"), std::string::npos) << o.out;

  // Bad input changes nothing and says which option is wrong.
  const std::string before = StoreBytes();
  o = Ontzorg({"write-off", "--client", "C", "--amount", "500.00", "--reason", "x"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("client C has 150.00 outstanding; nothing was recorded"),
            std::string::npos) << o.out;
  o = Ontzorg({"write-off", "--client", "C", "--amount", "10.00", "--reason", " "});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("--reason: a write-off needs the decision's reason"), std::string::npos);
  o = Ontzorg({"receipt", "--id", "X1", "--client", "C", "--kind", "rent_allowance",
               "--received-on", "2027-02-30", "--amount", "300,00", "--landed-on", "bank"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("--received-on: '2027-02-30'"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--amount: '300,00'"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--landed-on: 'bank' is not one of: managed, own"), std::string::npos);
  o = Ontzorg({"receipt", "--id", "C-1", "--client", "C", "--kind", "rent_allowance",
               "--received-on", "2027-03-02", "--amount", "1200.00", "--covers-from", "2027-01",
               "--covers-to", "2027-04", "--landed-on", "own"});
  EXPECT_EQ(o.code, 3) << "C-1 is already stored with other data";
  EXPECT_EQ(StoreBytes(), before);

  // A receipt by hand and a write-off decision: both booked by the next run.
  o = Ontzorg({"write-off", "--client", "C", "--amount", "20.00", "--reason",
               "verhuisd naar het buitenland", "--decided-on", "2027-03-10"});
  ASSERT_EQ(o.code, 0) << o.out;
  o = Ontzorg({"run", "--month", "2027-04", "--run-date", "2027-03-22", "--out", dir_ / "out"});
  ASSERT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("Kwijtgescholden / written off:                      EUR 20.00"),
            std::string::npos) << o.out;
  EXPECT_NE(o.out.find("received_on_own_account"), std::string::npos) << o.out;
  o = Ontzorg({"credit", "--client", "C", "--language", "en"});
  EXPECT_NE(o.out.find("W1 20.00 decided 2027-03-10"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("booked in 2027-04"), std::string::npos) << o.out;
}

// Every run writes the checkpoints and a statement per client in the client's language; an
// Arabic statement renders right to left in headless Chromium (the screenshot is kept in
// build/test-artifacts/ for a person to look at).
TEST_F(CliTest, RunsWriteCheckpointsAndStatementsThatRenderRightToLeft) {
  InitAndImport(SourceDir() + "/fixtures/golden/learning-six-months");
  for (const auto& r : {std::pair<const char*, const char*>{"2027-03", "2027-02-20"},
                        {"2027-04", "2027-03-20"}}) {
    const Outcome o = Ontzorg({"run", "--month", r.first, "--run-date", r.second, "--out",
                               dir_ / "out"});
    ASSERT_EQ(o.code, 0) << o.out;
    EXPECT_NE(o.out.find("client statements (6, ar 2, en 2, nl 2)"), std::string::npos) << o.out;
  }
  const std::string jsonl = ReadFile(dir_ / "out/checkpoints-2027-04.jsonl");
  EXPECT_NE(jsonl.find("\"client\":\"FM\""), std::string::npos) << jsonl;
  EXPECT_NE(jsonl.find("\"next_step\":\"start_practising\",\"next_subject\":\"EFM\""),
            std::string::npos) << jsonl;
  const std::string csv = ReadFile(dir_ / "out/checkpoints-2027-04.csv");
  EXPECT_NE(csv.find("FM,2027-04,4,6,2027-03-05,100,handing_over,no,start_practising,EFM,3,1\n"),
            std::string::npos) << csv;
  // FM pays water under the safety net: the statement tells how, in Dutch.
  const std::string nl = ReadFile(dir_ / "out/statements/2027-04/nl.html");
  const std::string fm = nl.substr(nl.find("<article id=\"FM\">"));
  EXPECT_NE(fm.find("Dit betaalt u zelf"), std::string::npos) << fm;
  EXPECT_NE(fm.find("Waterbedrijf Voorbeeld"), std::string::npos);
  EXPECT_NE(ReadFile(dir_ / "out/statements/2027-04/index.csv").find("FM,nl,nl.html,#FM\n"),
            std::string::npos);
  // SM and SS read Arabic: right to left, amounts kept left to right.
  const std::string page = dir_ / "out/statements/2027-04/ar.html";
  const std::string ar = ReadFile(page);
  EXPECT_NE(ar.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(ar.find("<article id=\"SM\">"), std::string::npos);
  EXPECT_NE(ar.find("<article id=\"SS\">"), std::string::npos);
  EXPECT_NE(ar.find("<bdi dir=\"ltr\">€ 700,00</bdi>"), std::string::npos);
  const std::string artifacts = std::string(ONTZORG_BINARY_DIR) + "/test-artifacts";
  std::filesystem::create_directories(artifacts);
  const std::string png = artifacts + "/statement-ar.png";
  std::filesystem::remove(png);
  const pid_t pid = fork();
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    const std::string shot = "--screenshot=" + png, url = "file://" + page;
    execl("/usr/bin/chromium", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
          "--hide-scrollbars", shot.c_str(), "--window-size=794,1123", url.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "headless Chromium failed (ops/setup installs the chromium package)";
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u) << "an A4 page with text, not a blank one";

  // Lost after the booking (a crash, a deleted folder): running the month again writes the same
  // checkpoints and statements from the store, byte for byte, and pays nothing.
  const std::string jsonl_before = ReadFile(dir_ / "out/checkpoints-2027-04.jsonl");
  const std::string nl_before = ReadFile(dir_ / "out/statements/2027-04/nl.html");
  std::filesystem::remove(dir_ / "out/checkpoints-2027-04.jsonl");
  std::filesystem::remove_all(dir_ / "out/statements/2027-04");
  Outcome again = Ontzorg({"run", "--month", "2027-04", "--run-date", "2027-03-20", "--out",
                           dir_ / "out"});
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("nothing was paid twice"), std::string::npos) << again.out;
  EXPECT_EQ(ReadFile(dir_ / "out/checkpoints-2027-04.jsonl"), jsonl_before);
  EXPECT_EQ(ReadFile(dir_ / "out/statements/2027-04/nl.html"), nl_before);

  // Training groups and the municipality's learning report, from the same store.
  Outcome o = Ontzorg({"groups", "--area", "overview", "--month", "2027-04"});
  ASSERT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("3 zelfstandig / independently     2: FM FS"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("1 met hulp / with help            2: SM SS"), std::string::npos) << o.out;
  o = Ontzorg({"groups", "--area", "budgeting"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("--area 'budgeting' is not an area"), std::string::npos) << o.out;
  o = Ontzorg({"learning-report", "--month", "2027-06"});
  ASSERT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("  handing_over           1\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  month  6:     2 of 24 bills"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("progress stalled (2): SM SS"), std::string::npos) << o.out;
}

// A coach records by hand what the CSV files carry: the same checks, errors naming the option.
TEST_F(CliTest, ACoachRecordsAssessmentsHandOversAndConfirmationsByHand) {
  InitAndImport(SourceDir() + "/fixtures/golden/learning-six-months");
  const std::string before = StoreBytes();
  Outcome o = Ontzorg({"--user", "coach2", "handover", "--client", "FS", "--bill", "WFS",
                       "--state", "practising", "--from", "2027-03", "--reason", "klaar"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("hand-over refused, nothing was changed"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--from: a statutory plan pays every bill for the client until month six "
                       "has ended"), std::string::npos) << o.out;
  o = Ontzorg({"assess", "--client", "FM", "--levels", "overview=9"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("--levels: 'overview=9': levels go from 0 to 3"), std::string::npos)
      << o.out;
  o = Ontzorg({"confirm", "--client", "AM", "--bill", "WAM", "--period", "2027-05", "--paid",
               "maybe"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.out.find("--paid: 'maybe' must be yes"), std::string::npos) << o.out;
  EXPECT_EQ(StoreBytes(), before);

  o = Ontzorg({"--user", "coach2", "handover", "--client", "AM", "--bill", "WAM", "--state",
               "safety_net", "--from", "2027-06", "--reason", "checkpoint juni",
               "--decided-on", "2027-05-20"});
  ASSERT_EQ(o.code, 0) << o.out;
  o = Ontzorg({"--user", "coach2", "assess", "--client", "AM", "--on", "2027-05-21", "--levels",
               "overview=3;water.pays_on_time=3"});
  ASSERT_EQ(o.code, 0) << o.out;
  o = Ontzorg({"run", "--month", "2027-06", "--run-date", "2027-05-22", "--out", dir_ / "out"});
  ASSERT_EQ(o.code, 0) << o.out;
  const std::string csv = ReadFile(dir_ / "out/checkpoints-2027-06.csv");
  EXPECT_NE(csv.find("AM,2027-06,6,6,2027-05-21,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",handing_over,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace ontzorg
