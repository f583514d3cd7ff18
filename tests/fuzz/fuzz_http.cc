// libFuzzer target: HTTP request handling, from raw bytes to the application's answer. The bytes
// are read by Boost.Beast's parser with the server's limits (ParseRawRequest) and handed to the
// web app on a real SQLite store with the demo municipality, its month run and its users. The
// first byte picks who sends it: nobody, a coach, finance, an admin or an auditor (their session
// cookie is added; the literal CSRFTOKEN in the request becomes their real CSRF token, so the
// fuzzer reaches the handlers behind the CSRF check). Properties: no crash, no exception out of
// the handler, every answer a known status with the security headers; a request without a
// session never gets 200 except on the login page and the assets.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/app/run_month.h"
#include "adapters/config/config.h"
#include "adapters/import/importer.h"
#include "adapters/storage/store.h"
#include "adapters/system/password.h"
#include "adapters/web/server.h"
#include "adapters/web/web_app.h"

namespace {

using namespace ontzorg;

void Require(bool ok) {
  if (!ok) std::abort();
}

struct Session {
  std::string cookie, csrf;
};

WebApp* app = nullptr;
std::map<int, Session>* sessions = nullptr;

const std::vector<std::pair<std::string, std::string>> kUsers = {
    {"carla", "coach"}, {"anna", "finance"}, {"admin", "admin"}, {"ingrid", "auditor"}};

// Logs user `who` (1-4) in through the API from another address than the fuzzer's; false when
// the app refuses (the fuzzer may have changed the password or run into the throttle).
bool LogIn(int who) {
  const std::string& name = kUsers[static_cast<size_t>(who - 1)].first;
  HttpRequest login;
  login.method = "POST";
  login.target = "/api/v1/session";
  login.headers["content-type"] = "application/json";
  login.body = nlohmann::json{{"user", name}, {"password", "fuzz-password-" + name}}.dump();
  login.remote = "127.0.0.1";
  HttpResponse r = app->Handle(login);
  sessions->erase(who);
  if (r.status != 200) return false;
  Session s;
  s.csrf = nlohmann::json::parse(r.body)["csrf_token"];
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie" && v.rfind("__Host-ontzorg=", 0) == 0)
      s.cookie = v.substr(0, v.find(';'));
  }
  if (s.cookie.empty()) return false;
  (*sessions)[who] = s;
  return true;
}

void Fatal(const std::string& what) {
  std::fprintf(stderr, "fuzz_http setup: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "ontzorg-fuzz-http-XXXXXX").string();
  const std::string dir = mkdtemp(tmpl.data());
  auto loaded = LoadConfig(std::string(ONTZORG_SOURCE_DIR) + "/config/ontzorg.toml");
  if (!loaded) Fatal(loaded.error().message);
  Config cfg = *loaded;
  Config* config = &cfg;
  config->store_url = dir + "/store.db";
  config->sepa.schema_dir = std::string(ONTZORG_SHARED_DIR) + "/iso20022";
  config->web.out_dir = dir + "/out";
  config->web.second_factor_roles.clear();  // the seeds log in in one step
  auto opened = Store::Init(config->store_url);
  if (!opened) Fatal(opened.error().message);
  std::unique_ptr<Store> owned = std::move(opened).value();
  std::unique_ptr<Store>* store = &owned;
  if (auto r = ImportDirectory(std::string(ONTZORG_SOURCE_DIR) + "/fixtures/demo", **store); !r) {
    Fatal(r.error().message);
  }
  const auto& users = kUsers;
  const std::string at = "2026-12-14T09:00:00";
  for (const auto& [name, role] : users) {
    if (!(*store)->AddUser({name, role, name}, {"setup", at})) Fatal("add user " + name);
    if (!(*store)->SetPasswordHash({name, HashPassword("fuzz-password-" + name).value()},
                                   {name, at})) {  // each their own
      Fatal("password of " + name);
    }
  }
  std::vector<std::pair<ClientId, std::string>> caseload;
  for (const char* id : {"C000001", "C000002", "C000003"})
    caseload.push_back({ClientId{id}, "carla"});
  if (!(*store)->AssignCaseload(caseload, {"admin", at})) Fatal("caseload");
  RunOptions o{YearMonth::Parse("2027-01").value(),
               Date::Parse("2026-12-14").value(),
               config->web.out_dir,
               "anna",
               "2026-12-14T10:00:00",
               2000,
               {}};
  if (auto run = RunMonth(*config, **store, o); !run) Fatal(run.error().message);
  store->reset();

  app = new WebApp(
      *config, [] { return int64_t{1797238800}; }, [](const std::string&) {});
  sessions = new std::map<int, Session>();
  for (int i = 1; i <= 4; ++i) {
    if (!LogIn(i)) Fatal("cannot log in as " + kUsers[static_cast<size_t>(i - 1)].first);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int who = data[0] % 5;  // 0: nobody
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (who != 0 && sessions->count(who) == 0) return 0;  // that user can no longer log in
  const Session* session = who == 0 ? nullptr : &sessions->at(who);
  auto request = ParseRawRequest(bytes, 64 * 1024, "192.0.2.1");
  if (!request) return 0;
  if (session != nullptr) {
    // After parsing, so that Content-Length stays as the fuzzer wrote it.
    auto fill = [&](std::string& text) {
      for (size_t at = text.find("CSRFTOKEN"); at != std::string::npos;
           at = text.find("CSRFTOKEN")) {
        text.replace(at, 9, session->csrf);
      }
    };
    fill(request->body);
    for (auto& [name, value] : request->headers) fill(value);
    std::string& cookie = request->headers["cookie"];
    cookie = session->cookie + (cookie.empty() ? "" : "; " + cookie);
  }
  const HttpResponse response = app->Handle(*request);  // an exception here is a finding
  Require(response.status >= 200 && response.status < 600);
  if (std::getenv("ONTZORG_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr, "%d %s %s -> %d\n", who, request->method.c_str(), request->target.c_str(),
                 response.status);
  }
  bool frame_denied = false, to_login = false;
  for (const auto& [k, v] : response.headers) {
    if (k == "X-Frame-Options" && v == "DENY") frame_denied = true;
    if (k == "Location" && v == "/login") to_login = true;
  }
  Require(frame_denied);
  const std::string path = request->Path();
  if (session == nullptr && response.status == 200) {
    Require(path == "/login" || path == "/api/v1/session" || path == "/static/app.css" ||
            path == "/healthz");
  }
  // The request ended the session (logout, a password change): log in again for the next one.
  if (session != nullptr && (response.status == 401 || to_login)) {
    (void)LogIn(who);
  }
  return 0;
}
