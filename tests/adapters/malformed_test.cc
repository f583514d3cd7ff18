// The malformed-input corpus (fixtures/malformed/): every way data enters, broken on purpose.
// - csv/:  import folders with one broken file (or a good clients.csv beside it), through
//          `ontzorg import` on a store holding the demo municipality;
// - toml/: configurations with one defect, through `ontzorg run`;
// - xml/:  bank files (pain.002, camt.053 and worse), through `ontzorg import-bank`;
// - http/: form posts and JSON calls to the web app, as the user the case names (first line:
//          "<user> <method> <path> <content-type> <word the answer must contain>", then the body;
//          CSRFTOKEN becomes the session's token).
// Each must be refused with a clear error that names the place (file and line, key or field)
// and the reason, and the store must be byte-identical afterwards. Every message goes to
// build/test-artifacts/malformed-report.txt for review.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "adapters/storage/store.h"
#include "adapters/system/password.h"
#include "adapters/web/web_app.h"
#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

namespace fs = std::filesystem;
using testing_support::Outcome;
using testing_support::ReadFile;
using testing_support::RunBinary;
using testing_support::SharedDir;
using testing_support::SourceDir;
using testing_support::TempDir;
using testing_support::WriteFile;

std::vector<fs::path> Cases(const std::string& channel) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(SourceDir() + "/fixtures/malformed/" + channel)) {
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class MalformedTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    report_ =
        new std::ofstream(std::string(ONTZORG_BINARY_DIR) + "/test-artifacts/malformed-report.txt");
    WriteFile(*dir_ / "ontzorg.toml", testing_support::ConfigText(Store()));
    for (const std::vector<std::string>& step : std::vector<std::vector<std::string>>{
             {"anna", "init"},
             {"anna", "import", SourceDir() + "/fixtures/demo"},
             {"admin", "user", "add", "--name", "admin", "--role", "admin"},
             {"admin", "user", "add", "--name", "anna", "--role", "finance"},
             {"admin", "user", "add", "--name", "bram", "--role", "finance"},
             {"admin", "user", "add", "--name", "carla", "--role", "coach"},
             {"anna", "run", "--month", "2027-01", "--run-date", "2026-12-14", "--out",
              *dir_ / "out"}}) {
      const Outcome o = Ontzorg(step.front(), {step.begin() + 1, step.end()});
      ASSERT_EQ(o.code, 0) << step[1] << ": " << o.out;
    }
    auto store = Store::Open(Store());
    ASSERT_TRUE(store);
    for (const char* name : {"admin", "anna", "carla"}) {
      ASSERT_TRUE(
          (*store)->SetPasswordHash({name, HashPassword(std::string("malformed-") + name).value()},
                                    {name, "2026-12-14T09:00:00"}));  // each their own
      testing_support::WritePasswordFile(*dir_ / ("pw-" + std::string(name)),
                                         std::string("malformed-") + name);
    }
    ASSERT_TRUE((*store)->AssignCaseload({{ClientId{"C000001"}, "carla"}},
                                         {"admin", "2026-12-14T09:00:00"}));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete dir_;
  }
  static std::string Store() { return *dir_ / "s.db"; }
  // The store as it is on disk: the database file and its write-ahead log.
  static std::string StoreBytes() {
    std::string bytes = ReadFile(Store());
    if (fs::exists(Store() + "-wal")) bytes += ReadFile(Store() + "-wal");
    return bytes;
  }
  static Outcome Ontzorg(const std::string& user, std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", *dir_ / "ontzorg.toml", "--user", user});
    if (const std::string pw = *dir_ / ("pw-" + user); fs::exists(pw)) {
      args.insert(args.begin(), {"--password-file", pw});
    }
    return RunBinary(args, *dir_ / "output.txt");
  }
  static void Report(const std::string& channel, const fs::path& c, int code,
                     const std::string& message) {
    *report_ << channel << " " << c.filename().string() << " -> " << code << "\n";
    std::istringstream lines(message);
    for (std::string line; std::getline(lines, line);) *report_ << "    " << line << "\n";
  }

  static TempDir* dir_;
  static std::ofstream* report_;
};
TempDir* MalformedTest::dir_ = nullptr;
std::ofstream* MalformedTest::report_ = nullptr;

TEST_F(MalformedTest, CorpusHasAtLeast150Inputs) {
  const size_t total =
      Cases("csv").size() + Cases("toml").size() + Cases("xml").size() + Cases("http").size();
  EXPECT_GE(total, 150u);
  for (const char* channel : {"csv", "toml", "xml", "http"})
    EXPECT_GE(Cases(channel).size(), 25u) << channel;
}

TEST_F(MalformedTest, BrokenImportFilesAreRefusedWithFileLineAndReason) {
  for (const fs::path& c : Cases("csv")) {
    SCOPED_TRACE(c.filename().string());
    const std::string before = StoreBytes();
    const Outcome o = Ontzorg("anna", {"import", c.string()});
    Report("csv", c, o.code, o.out);
    EXPECT_EQ(o.code, 3) << o.out;
    EXPECT_NE(o.out.find("import refused, nothing was changed"), std::string::npos) << o.out;
    // Names the file (and line, where there is one), then says what is wrong.
    EXPECT_TRUE(
        std::regex_search(o.out, std::regex("[a-z_]+\\.csv(:[0-9]+)?(: [a-z_]+)?: [^\\n]{12,}")))
        << o.out;
    EXPECT_TRUE(StoreBytes() == before) << "the store changed";
  }
}

TEST_F(MalformedTest, BrokenConfigurationsAreRefusedWithFileKeyAndReason) {
  for (const fs::path& c : Cases("toml")) {
    SCOPED_TRACE(c.filename().string());
    const std::string before = StoreBytes();
    const Outcome o = RunBinary({"--config", c.string(), "--store", Store(), "--user", "anna",
                                 "--password-file", *dir_ / "pw-anna", "run", "--month", "2027-02",
                                 "--run-date", "2027-01-14", "--out", *dir_ / "out-toml"},
                                *dir_ / "output.txt");
    Report("toml", c, o.code, o.out);
    EXPECT_EQ(o.code, 4) << o.out;
    // Names the file (line, column) and key, or - for a folder only found missing when used -
    // the [section] key to fix.
    EXPECT_TRUE(std::regex_search(o.out, std::regex(std::regex_replace(c.filename().string(),
                                                                       std::regex("\\."), "\\.") +
                                                    "(:[0-9]+){0,2}: [^\\n]{12,}")) ||
                std::regex_search(o.out, std::regex("\\[[a-z_]+\\] [a-z_]+")))
        << o.out;
    EXPECT_TRUE(StoreBytes() == before) << "the store changed";
    EXPECT_FALSE(fs::exists(*dir_ / "out-toml"));
  }
}

TEST_F(MalformedTest, BrokenBankFilesAreRefusedWithFileLineAndReason) {
  for (const fs::path& c : Cases("xml")) {
    SCOPED_TRACE(c.filename().string());
    const std::string before = StoreBytes();
    const Outcome o = Ontzorg("bram", {"import-bank", c.string()});
    Report("xml", c, o.code, o.out);
    EXPECT_EQ(o.code, 3) << o.out;
    EXPECT_TRUE(std::regex_search(
        o.out, std::regex(std::regex_replace(c.filename().string(), std::regex("\\."), "\\.") +
                          "(:[0-9]+){0,2}: [^\\n]{12,}")))
        << o.out;
    EXPECT_TRUE(StoreBytes() == before) << "the store changed";
  }
}

TEST_F(MalformedTest, BrokenFormsAndJsonAreRefusedWithFieldAndReason) {
  Config config = testing_support::DemoConfig(Store());
  config.web.out_dir = *dir_ / "out-web";
  config.web.second_factor_roles.clear();  // API logins in one step (web_test tests the factor)
  WebApp app(
      config, [] { return int64_t{1797238800}; }, [](const std::string&) {});
  std::map<std::string, std::pair<std::string, std::string>> sessions;  // user -> cookie, csrf
  auto login = [&](const std::string& user) {
    if (user == "-" || sessions.count(user)) return;
    HttpRequest r{"POST",
                  "/api/v1/session",
                  {{"content-type", "application/json"}},
                  nlohmann::json{{"user", user}, {"password", "malformed-" + user}}.dump(),
                  "127.0.0.1"};
    const HttpResponse res = app.Handle(r);
    ASSERT_EQ(res.status, 200) << user << ": " << res.body;
    std::string cookie;
    for (const auto& [k, v] : res.headers) {
      if (k == "Set-Cookie" && v.rfind("__Host-ontzorg=", 0) == 0)
        cookie = v.substr(0, v.find(';'));
    }
    sessions[user] = {cookie, nlohmann::json::parse(res.body)["csrf_token"]};
  };
  for (const fs::path& c : Cases("http")) {
    SCOPED_TRACE(c.filename().string());
    const std::string text = ReadFile(c.string());
    std::istringstream head(text.substr(0, text.find('\n')));
    std::string user, method, path, type, expect;
    head >> user >> method >> path >> type;
    std::getline(head >> std::ws, expect);
    if (type.rfind("multipart", 0) == 0 && expect.rfind("boundary=", 0) == 0) {
      // "multipart/form-data; boundary=XyZ file": the content type has a space in it.
      type += " " + expect.substr(0, expect.find(' '));
      expect = expect.substr(expect.find(' ') + 1);
    }
    std::string body = text.substr(text.find('\n') + 1);
    login(user);
    HttpRequest r{method, path, {{"content-type", type}}, body, "127.0.0.1"};
    if (user != "-") {
      const auto& [cookie, csrf] = sessions[user];
      r.headers["cookie"] = cookie;
      r.headers["x-csrf-token"] = csrf;
      for (size_t at = r.body.find("CSRFTOKEN"); at != std::string::npos;
           at = r.body.find("CSRFTOKEN")) {
        r.body.replace(at, 9, csrf);
      }
    }
    const std::string before = StoreBytes();
    const HttpResponse res = app.Handle(r);
    Report("http", c, res.status,
           res.body.size() > 600 ? res.body.substr(0, 600) + "..." : res.body);
    EXPECT_GE(res.status, 400) << res.body;
    EXPECT_LT(res.status, 500) << res.body;
    EXPECT_NE(res.status, 401) << "a login problem, not the input's";
    EXPECT_NE(res.status, 403) << "a permission problem, not the input's: " << res.body;
    EXPECT_NE(res.body.find(expect), std::string::npos)
        << "should name '" << expect << "': " << res.body;
    EXPECT_TRUE(StoreBytes() == before) << "the store changed";
  }
}

}  // namespace
}  // namespace ontzorg

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  std::filesystem::create_directories(std::string(ONTZORG_BINARY_DIR) + "/test-artifacts");
  return RUN_ALL_TESTS();
}
