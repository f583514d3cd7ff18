#include "adapters/web/web_app.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>

#include "adapters/app/municipalities.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "adapters/system/password.h"
#include "adapters/system/totp.h"
#include "adapters/web/handlers.h"
#include "adapters/web/metrics.h"
#include "adapters/web/web_internal.h"

namespace ontzorg {

using web::Ctx;
using web::IsoAt;
using web::json;
using web::Outcome;
using web::PageContext;
using web::SessionView;

namespace {

constexpr const char* kSessionCookie = "__Host-ontzorg";
constexpr const char* kLoginCookie = "__Host-ontzorg-login";
// Verified when the user does not exist, so a wrong name costs as long as a wrong password.
constexpr const char* kDummyHash =
    "scrypt$15$8$1$00000000000000000000000000000000$"
    "0000000000000000000000000000000000000000000000000000000000000000";

// What a login sends. The API may send the second factor's code and, for a password an admin
// set, the new one.
struct Credentials {
  std::string user, password, code, new_password;
};

// A pool of store connections: a SOCI session serves one thread at a time.
class StorePool {
 public:
  explicit StorePool(std::string url) : url_(std::move(url)) {}
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->Put(std::move(store_));
    }
    Store& operator*() const { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };
  Result<Lease, Error> Get() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    auto opened = Store::Open(url_);
    if (!opened) return Unexpected(opened.error());
    return Lease(this, std::move(opened).value());
  }

 private:
  void Put(std::unique_ptr<Store> s) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(s));
  }
  std::string url_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> free_;
};

using Handler = std::function<Outcome(Ctx&)>;
using View = std::function<std::string(const PageContext&, const json&)>;
using SheetView = std::function<web::Sheet(const PageContext&, const json&)>;

struct Route {
  RouteInfo info;
  Handler handle;
  View view;        // HTML GET routes
  SheetView sheet;  // list pages: the same data as a CSV download (?format=csv)
  std::vector<std::string> segments;
};

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// The pages and API reads that show many clients' data at once (a list, a batch, a file): the
// access log records them under client "*".
bool ListsClients(const std::string& pattern) {
  static const std::set<std::string> kLists = {
      "/clients", "/batches/{batch}", "/batches/{batch}/files/{file}",
      "/signals", "/reconciliation",  "/access"};
  return kLists.count(pattern.rfind("/api/v1", 0) == 0 ? pattern.substr(7) : pattern) > 0;
}

// Whether a path's segments fit a route's pattern ({name} takes one segment), with the
// parameters it names (when `params` is given).
bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
             std::map<std::string, std::string>* params) {
  if (pattern.size() != segments.size()) return false;
  if (params) params->clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (params) (*params)[p.substr(1, p.size() - 2)] = segments[i];
    } else if (p != segments[i]) {
      return false;
    }
  }
  return true;
}

bool Has(const std::vector<std::string>& roles, const std::string& role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace

// --- The application -----------------------------------------------------------------------------

struct WebApp::Impl {
  Config config;
  std::function<int64_t()> clock;
  std::function<void(const std::string&)> log;
  StorePool pool;
  web::ClientCache client_cache{1024};  // client pages by client, day and language
  web::Metrics metrics;
  // The store's gauges for /metrics, kept until the store's generation moves (a scrape every 15
  // seconds does not walk every signal each time).
  std::mutex gauges_mu;
  std::optional<std::pair<int64_t, web::StoreGauges>> gauges;
  std::vector<Route> routes;
  std::vector<RouteInfo> infos;

  Impl(Config c, std::function<int64_t()> clk, std::function<void(const std::string&)> lg)
      : config(std::move(c)), clock(std::move(clk)), log(std::move(lg)), pool(config.store_url) {}

  void Add(const std::string& method, const std::string& html, const std::string& api,
           const std::vector<std::string>& roles, const Handler& handler,
           const View& view = nullptr) {
    if (!html.empty()) {
      routes.push_back({{method, html, roles, false}, handler, view, nullptr, Split(html)});
    }
    if (!api.empty()) {
      routes.push_back({{method, api, roles, true}, handler, nullptr, nullptr, Split(api)});
    }
  }

  // The HTML GET route `html` also answers ?format=csv with `sheet`.
  // The routes of batches, the bank, signals, users and the audit log, and the CSV downloads.
  void AddMoneyAndAdminRoutes(const std::vector<std::string>& readers,
                              const std::vector<std::string>& money);

  void AddSheet(const std::string& html, const SheetView& sheet) {
    for (Route& r : routes) {
      if (!r.info.api && r.info.method == "GET" && r.info.pattern == html) r.sheet = sheet;
    }
  }

  void Log(const std::string& event, const json& fields) {
    static const std::map<std::string, std::string> kLoginResults = {
        {"login", "ok"},
        {"login_failed", "wrong_password"},
        {"second_factor_failed", "wrong_code"},
        {"login_throttled", "throttled"},
        {"login_refused_inactive", "deactivated"}};
    if (const auto it = kLoginResults.find(event); it != kLoginResults.end()) {
      metrics.Login(it->second);
    }
    if (!log) return;
    json line = fields;
    line["event"] = event;
    line["at"] = IsoAt(clock());
    if (!line.contains("level")) line["level"] = "info";
    // What a request carried (a path, a name) need not be UTF-8: replaced, never thrown (found by
    // fuzz_http: an exception here turned a refused request into a 500 without a log line).
    log(line.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  // --- Sessions: in the store (issue 19), so a restart keeps them and several server processes
  // behind one store share them. The cookie carries a random 256-bit token; the store keeps its
  // SHA-256. A session ends after `session_idle_minutes` without a request, `session_max_hours`
  // after login, at logout, or when its user is deactivated (the store's lookup joins the user).
  // Its last use is written at most once a minute, not on every request.
  static constexpr int64_t kTouchSeconds = 60;

  // The session whose token has the SHA-256 `key`, if it is live.
  Result<std::optional<SessionView>, Error> FindSession(Store& store, const std::string& key,
                                                        int64_t now) {
    auto found = store.FindSession(key);
    if (!found) return Unexpected(found.error());
    if (!*found) return std::optional<SessionView>();
    const Store::SessionRecord& s = **found;
    if (now - s.last_seen > int64_t{config.web.session_idle_minutes} * 60 ||
        now - s.created > int64_t{config.web.session_max_hours} * 3600 ||
        (!s.stage.empty() && now - s.created > kStageSeconds)) {
      if (auto ended = store.EndSession(key); !ended) return Unexpected(ended.error());
      return std::optional<SessionView>();
    }
    if (now - s.last_seen >= kTouchSeconds) {
      if (auto touched = store.TouchSession(key, now); !touched) {
        return Unexpected(touched.error());
      }
    }
    return std::optional<SessionView>(
        SessionView{s.user, s.role, s.full_name, s.csrf, s.stage, s.pending, s.own_role, {}});
  }

  struct NewToken {
    std::string token, csrf;
  };
  Result<NewToken, Error> NewSession(Store& store, const User& user, int64_t now,
                                     const std::string& stage = "") {
    NewToken t{RandomHex(32), RandomHex(32)};  // 256 bits each
    // Expired sessions go as new ones come, so the table stays as small as the day's users.
    if (auto swept = store.EndExpiredSessions({now - int64_t{config.web.session_idle_minutes} * 60,
                                               now - int64_t{config.web.session_max_hours} * 3600});
        !swept) {
      return Unexpected(swept.error());
    }
    const std::string pending = stage == "enrol" ? NewTotpSecret() : "";
    // The role the session starts in: the user's own, or their one role when their
    // municipalities give them another (issue 20).
    auto scope = ScopeOfRole(store, user, "");
    if (!scope) return Unexpected(scope.error());
    const std::string acting = scope->role == user.role ? "" : scope->role;
    if (auto made = store.CreateSession(
            {Sha256Hex(t.token), user.name, t.csrf, now, stage, pending, acting});
        !made) {
      return Unexpected(made.error());
    }
    return t;
  }

  // --- The second factor and the password an admin set (issue 19). After the password a login
  // may have steps, each a session stage of its own that can do nothing but that step (and stop):
  // "code" (TOTP or a recovery code, when the user has a second factor), "password" (a password an
  // admin set is replaced by the user's own), "enrol" (the role needs a second factor and the user
  // has none: set it up, see the recovery codes once). Every step starts a new session with a new
  // token, so a token from before a step is worth nothing after it; a stage lasts 10 minutes.
  static constexpr int64_t kStageSeconds = 600;
  static constexpr int kRecoveryCodes = 10;
  // Whether any role the user has needs a second factor: their own, or one they have in some
  // municipality (a coach who is finance elsewhere needs it as finance does, issue 20).
  Result<bool, Error> SecondFactorRequired(Store& store, const User& u) const {
    auto grants = store.UserMunicipalities(u.name);
    if (!grants) return Unexpected(grants.error());
    std::vector<std::string> roles = RolesOf(u, *grants);
    roles.push_back(u.role);
    return std::any_of(roles.begin(), roles.end(), [&](const std::string& role) {
      return Has(config.web.second_factor_roles, role);
    });
  }
  // The step after those done (`code_done`: the second factor's code was given).
  Result<std::string, Error> NextStage(Store& store, const User& u, bool has_factor,
                                       bool code_done) const {
    if (has_factor && !code_done) return std::string("code");
    if (u.password_set_by != u.name) return std::string("password");
    if (has_factor) return std::string();
    auto required = SecondFactorRequired(store, u);
    if (!required) return Unexpected(required.error());
    return std::string(*required ? "enrol" : "");
  }
  static std::string StagePath(const std::string& stage) {
    return stage == "code"       ? "/login/code"
           : stage == "password" ? "/login/password"
           : stage == "enrol"    ? "/login/second-factor"
                                 : "/";
  }
  // Whether `typed` is the user's current TOTP code (each time step counts once) or one of their
  // unused recovery codes (used up by this).
  Result<bool, Error> CheckCode(Store& store, const std::string& user,
                                const Store::SecondFactor& factor, const std::string& typed,
                                int64_t now) {
    std::string code;
    for (const char c : typed) {
      if (!std::isspace(static_cast<unsigned char>(c))) code += c;
    }
    if (code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      const auto step = VerifyTotp(factor.secret, code, now);
      if (!step) return false;
      return store.UseTotpStep(user, *step);
    }
    if (code.empty() || code.size() > 16) return false;
    return store.UseRecoveryCode({user, Sha256Hex(NormalizeRecoveryCode(code))},
                                 {user, IsoAt(now)});
  }
  // A failed code or login: counted for the throttle (older failures forgotten first).
  Status<Error> CountFailure(Store& store, const Store::LoginKey& key, int64_t now) {
    auto recorded = store.ForgetLoginFailures(now - Window());
    if (recorded) recorded = store.RecordLoginFailure(key, now);
    return recorded;
  }

  // --- Throttling (issue 19): failed logins are counted per user and address in the store. After
  // `login_attempts` failures in `login_window_minutes`, the next try from that address for that
  // user waits a minute, then two, four, ... up to the window: an attacker is slowed, the real
  // user logs in from their own address as ever. Many failures from one address across users
  // (20x, a guessing run against a whole office) or for one user across addresses (10x, a
  // distributed attack) slow that address or user the same way. An admin's unlock forgets a
  // user's failures.
  int64_t Window() const { return int64_t{config.web.login_window_minutes} * 60; }
  int64_t Backoff(const Store::FailureCount& f, int64_t limit, int64_t now) const {
    if (f.count < limit) return 0;
    const int64_t doublings = std::min<int64_t>(f.count - limit, 10);
    const int64_t delay = std::min(Window(), int64_t{60} << doublings);
    return std::max<int64_t>(0, f.last + delay - now);
  }
  // Seconds until `user` may try again from `addr` (0: now).
  Result<int64_t, Error> Throttled(Store& store, const std::string& user, const std::string& addr,
                                   int64_t now) {
    const int64_t limit = config.web.login_attempts, since = now - Window();
    int64_t wait = 0;
    const std::pair<Store::LoginKey, int64_t> keys[] = {
        {{user, addr}, limit}, {{"", addr}, limit * 20}, {{user, ""}, limit * 10}};
    for (const auto& [key, key_limit] : keys) {
      auto failures = store.LoginFailures(key, since);
      if (!failures) return Unexpected(failures.error());
      wait = std::max(wait, Backoff(*failures, key_limit, now));
    }
    return wait;
  }

  // A request goes through named steps, each of which may answer it: Begin (language), the
  // public routes, the guards RequireLogin and RequireCsrf, the session's own routes, then
  // Dispatch (the route, the guards role and caseload, the handler, Respond).
  struct Exchange;
  HttpResponse Handle(const HttpRequest& req);
  Exchange Begin(const HttpRequest& req);
  std::optional<HttpResponse> PublicRoute(Exchange& x);
  HttpResponse MetricsRoute(Exchange& x);
  Result<web::StoreGauges, Error> ReadGauges(Store& store);
  std::optional<HttpResponse> RequireLogin(Exchange& x);
  std::optional<HttpResponse> RequireCsrf(Exchange& x);
  std::optional<HttpResponse> ReadJsonBody(Exchange& x);
  std::optional<HttpResponse> SessionRoute(Exchange& x);
  HttpResponse StageRoute(Exchange& x);
  HttpResponse CodeStep(Exchange& x);
  HttpResponse PasswordStep(Exchange& x);
  HttpResponse EnrolStep(Exchange& x);
  // Ends the stage's session and starts the next stage's (a new token): its page, or `shown`.
  HttpResponse Advance(Exchange& x, const User& user, const std::string& next,
                       const std::string& shown = "");
  HttpResponse StagePage(Exchange& x, int status, const std::string& error);
  const Route* Match(const Exchange& x, std::map<std::string, std::string>* params,
                     bool* path_known) const;
  HttpResponse Dispatch(Exchange& x);
  HttpResponse Respond(Exchange& x, const Route& route, Outcome o);
  HttpResponse Login(const HttpRequest& req, PageContext& page, bool api, int64_t now);
  // The answer to a login of `user` from `remote` while that pair, address or user is throttled
  // (429 with Retry-After, through `refuse`), 503 when the store does not answer, or nothing.
  std::optional<HttpResponse> LoginThrottle(
      Store& store, const std::string& user, const std::string& remote, int64_t now,
      const PageContext& page, const std::function<HttpResponse(int, const std::string&)>& refuse);
  // The API's login in one request: the second factor's code in "code", a password an admin set
  // replaced by "new_password"; a role that needs a second factor must have set it up in the web
  // app. An answer when refused.
  std::optional<HttpResponse> ApiSteps(Store& store, const User& user,
                                       const std::optional<Store::SecondFactor>& factor,
                                       const Credentials& c, const std::string& remote,
                                       int64_t now);
  HttpResponse Finish(HttpResponse r, const std::string& csp = "");
  // The route a request not dispatched (public, refused before, unknown) is logged under: its
  // pattern, never the path itself (it may hold a client's number).
  std::string RouteForLog(const Exchange& x) const;
};

namespace {

HttpResponse Json(int status, const json& data) {
  return HttpResponse{status,
                      "application/json",
                      {},
                      data.dump(2, ' ', false, json::error_handler_t::replace) + "\n"};
}
HttpResponse Redirect(const std::string& to) {
  HttpResponse r{303, "text/plain; charset=utf-8", {{"Location", to}}, ""};
  return r;
}
std::string Cookie(const std::string& name, const std::string& value, int64_t max_age) {
  return name + "=" + value +
         "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
}

}  // namespace

HttpResponse WebApp::Impl::Finish(HttpResponse r, const std::string& csp) {
  r.headers.push_back({"Strict-Transport-Security", "max-age=31536000"});
  r.headers.push_back({"Content-Security-Policy",
                       csp.empty() ? "default-src 'none'; style-src 'self'; img-src 'self'; "
                                     "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
                                   : csp});
  r.headers.push_back({"X-Frame-Options", "DENY"});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.headers.push_back({"Referrer-Policy", "no-referrer"});
  r.headers.push_back({"Cache-Control", "no-store"});
  return r;
}
namespace {

// The user name and password of a login: a JSON body for the API, the form for people (whose
// login token must match the cookie set with the form: login CSRF). An answer when refused.
std::optional<HttpResponse> ReadCredentials(const HttpRequest& req, const PageContext& page,
                                            bool api, Credentials* c) {
  std::string* user = &c->user;
  std::string* password = &c->password;
  if (api) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("user") || !body.contains("password") ||
        !body["user"].is_string() || !body["password"].is_string() ||
        (body.contains("code") && !body["code"].is_string()) ||
        (body.contains("new_password") && !body["new_password"].is_string())) {
      return Json(400, {{"error",
                         "send {\"user\": ..., \"password\": ...} as JSON (with \"code\": the "
                         "second factor's code, when you have one)"}});
    }
    *user = body["user"];
    *password = body["password"];
    c->code = body.value("code", "");
    c->new_password = body.value("new_password", "");
  } else {
    const auto form = ParseForm(req.body);
    const auto get = [&](const char* k) {
      const auto it = form.find(k);
      return it == form.end() ? std::string() : it->second;
    };
    *user = get("user");
    *password = get("password");
    const std::string token = get("login_token");
    const auto cookies = ParseCookies(req.Header("cookie"));
    const auto cookie = cookies.find(kLoginCookie);
    if (cookie == cookies.end() || token.size() != 64 ||
        !ConstantTimeEquals(cookie->second, token)) {
      HttpResponse r{403, "text/html; charset=utf-8", {}, ""};
      r.body = web::ErrorPage(page, 403,
                              T(page, "Het inlogformulier is verlopen. Laad de pagina opnieuw.",
                                "The login form has expired. Reload the page."));
      return r;
    }
  }
  if (user->size() > 64) *user = user->substr(0, 64);
  return std::nullopt;
}

}  // namespace

// Throttle, verify, start the session.
std::optional<HttpResponse> WebApp::Impl::LoginThrottle(
    Store& store, const std::string& user, const std::string& remote, int64_t now,
    const PageContext& page, const std::function<HttpResponse(int, const std::string&)>& refuse) {
  const auto wait = Throttled(store, user, remote, now);
  if (!wait) return refuse(503, wait.error().message);
  if (*wait == 0) return std::nullopt;
  Log("login_throttled", {{"user", user}, {"remote", remote}});
  const std::string minutes = std::to_string((*wait + 59) / 60);
  HttpResponse r =
      refuse(429, page.en ? "Too many failed attempts. Try again in " + minutes + " minute(s)."
                          : "Te veel mislukte pogingen. Probeer het over " + minutes +
                                " minuut/minuten opnieuw.");
  r.headers.push_back({"Retry-After", std::to_string(*wait)});
  return r;
}

HttpResponse WebApp::Impl::Login(const HttpRequest& req, PageContext& page, bool api, int64_t now) {
  Credentials credentials;
  if (auto refused = ReadCredentials(req, page, api, &credentials)) return *refused;
  const std::string &user = credentials.user, &password = credentials.password;
  const auto refuse = [&](int status, const std::string& message) {
    if (api) return Json(status, {{"error", message}});
    const std::string login_token = RandomHex(32);
    HttpResponse r{
        status, "text/html; charset=utf-8", {}, web::LoginPage(page, login_token, message, user)};
    r.headers.push_back({"Set-Cookie", Cookie(kLoginCookie, login_token, 3600)});
    return r;
  };
  auto lease = pool.Get();
  if (!lease) return refuse(503, lease.error().message);
  Store& store = **lease;
  if (auto throttled = LoginThrottle(store, user, req.remote, now, page, refuse)) {
    return *throttled;
  }
  auto found = store.FindUser(user);
  auto hash = store.PasswordHash(user);
  const bool exists = found && *found && hash && !hash->empty();
  const bool ok = VerifyPassword(password, exists ? *hash : std::string(kDummyHash)) && exists;
  if (!ok) {
    // Failures older than the window count for nothing: forgotten as new ones come, so the
    // table stays as small as the attempts of the last window.
    if (auto recorded = CountFailure(store, {user, req.remote}, now); !recorded) {
      return refuse(503, recorded.error().message);
    }
    Log("login_failed", {{"user", user}, {"remote", req.remote}});
    return refuse(401, T(page, "Gebruikersnaam of wachtwoord klopt niet.",
                         "User name or password is wrong."));
  }
  if (!(*found)->active) {  // told only to whoever knows the password
    Log("login_refused_inactive", {{"user", user}, {"remote", req.remote}});
    return refuse(403,
                  T(page, "Dit account is gedeactiveerd. Vraag de beheerder het weer te activeren.",
                    "This account is deactivated. Ask the administrator to reactivate it."));
  }
  auto factor = store.FindSecondFactor(user);
  if (!factor) return refuse(503, factor.error().message);
  if (api) {
    if (auto refused = ApiSteps(store, **found, *factor, credentials, req.remote, now)) {
      return *refused;
    }
  }
  auto next = api ? Result<std::string, Error>(std::string())
                  : NextStage(store, **found, factor->has_value(), false);
  if (!next) return refuse(503, next.error().message);
  const std::string& stage = *next;
  // The failures of this user and address are forgotten when the login is complete: not after the
  // password when a code is still asked, or a password alone would reset the count of wrong codes.
  if (stage != "code") {
    if (auto cleared = store.ClearLoginFailures({user, req.remote}); !cleared) {
      return refuse(503, cleared.error().message);
    }
  }
  auto session = NewSession(store, **found, now, stage);
  if (!session) return refuse(503, session.error().message);
  Log(stage.empty() ? "login" : "login_step",
      {{"user", user}, {"role", (*found)->role}, {"remote", req.remote}, {"step", stage}});
  const int64_t max_age = int64_t{config.web.session_max_hours} * 3600;
  HttpResponse r =
      api ? Json(200, {{"user", user}, {"role", (*found)->role}, {"csrf_token", session->csrf}})
          : Redirect(StagePath(stage));
  r.headers.push_back({"Set-Cookie", Cookie(kSessionCookie, session->token, max_age)});
  r.headers.push_back({"Set-Cookie", Cookie(kLoginCookie, "", 0)});
  return r;
}
namespace {

HttpResponse Html(int status, std::string body) {
  return HttpResponse{status, "text/html; charset=utf-8", {}, std::move(body)};
}

}  // namespace

// One request on its way through the steps: what Begin read, and what the guards established.
struct WebApp::Impl::Exchange {
  const HttpRequest& req;
  int64_t now = 0;
  std::string path;
  bool api = false;
  PageContext page;
  std::map<std::string, std::string> cookies;
  std::multimap<std::string, std::string> query;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // the language cookie
  std::string csp;    // a route's own Content-Security-Policy (the statement preview)
  std::string route;  // the matched route's pattern, for the log line
  // Established by the guards:
  std::optional<StorePool::Lease> store;  // the request's store connection, from RequireLogin
  std::optional<SessionView> session;
  std::string token_hash;                        // the SHA-256 of the session cookie's token
  bool changes = false;                          // not GET or HEAD
  std::multimap<std::string, std::string> form;  // the query, or the form's fields
  json body = json::object();                    // the API's JSON body

  // An error in the form the client asked for: JSON for the API, a page for people.
  HttpResponse Error(int status, const std::string& message) const {
    return api ? Json(status, {{"error", message}})
               : Html(status, web::ErrorPage(page, status, message));
  }
};

HttpResponse WebApp::Impl::Handle(const HttpRequest& req) {
  Exchange x = Begin(req);
  std::optional<HttpResponse> done = PublicRoute(x);
  if (!done) done = RequireLogin(x);
  if (!done) done = RequireCsrf(x);
  if (!done && !x.session->stage.empty()) done = StageRoute(x);  // never reaches Dispatch
  if (!done) done = SessionRoute(x);
  HttpResponse r = done ? std::move(*done) : Dispatch(x);
  for (auto& h : x.extra_headers) r.headers.push_back(h);
  if (x.session) {
    r.log_user = x.session->user;
    r.log_role = x.session->role;
  }
  r.log_route = x.route.empty() ? RouteForLog(x) : x.route;
  return Finish(std::move(r), x.csp);
}

std::string WebApp::Impl::RouteForLog(const Exchange& x) const {
  static const std::set<std::string> kPublic = {"/",
                                                "/login",
                                                "/logout",
                                                "/healthz",
                                                "/metrics",
                                                "/login/code",
                                                "/login/password",
                                                "/login/second-factor",
                                                "/favicon.ico",
                                                "/static/app.css",
                                                "/api/v1/session"};
  if (kPublic.count(x.path)) return x.path;
  const std::vector<std::string> segments = Split(x.path);
  for (const Route& route : routes) {
    if (Matches(route.segments, segments, nullptr)) return route.info.pattern;
  }
  return "(unknown)";
}

// The path, the query, and the language: ?lang=en or ?lang=nl switches and is remembered in a
// cookie; the API speaks English unless asked.
WebApp::Impl::Exchange WebApp::Impl::Begin(const HttpRequest& req) {
  Exchange x{req};
  x.now = clock();
  x.path = req.Path();
  x.api = x.path.rfind("/api/", 0) == 0;
  x.page.config = &config;
  x.page.path = x.path;
  x.cookies = ParseCookies(req.Header("cookie"));
  x.query = ParseForm(req.Query());
  x.form = x.query;
  if (const auto tab = x.query.find("tab"); tab != x.query.end()) {
    x.page.keep = "tab=" + UrlEncode(tab->second);
  }
  if (const auto lang = x.query.find("lang");
      lang != x.query.end() && (lang->second == "en" || lang->second == "nl")) {
    x.page.en = lang->second == "en";
    x.extra_headers.push_back(
        {"Set-Cookie",
         "lang=" + lang->second + "; Path=/; Secure; SameSite=Strict; Max-Age=31536000"});
  } else if (const auto c = x.cookies.find("lang"); c != x.cookies.end()) {
    x.page.en = c->second == "en";
  } else if (x.api) {
    x.page.en = true;
  }
  return x;
}

// What needs no session: the stylesheet, the health check and the login.
std::optional<HttpResponse> WebApp::Impl::PublicRoute(Exchange& x) {
  const std::string& method = x.req.method;
  if (x.path == "/static/app.css" && method == "GET") {
    return HttpResponse{200, "text/css; charset=utf-8", {}, web::StyleSheet()};
  }
  if (x.path == "/healthz" && (method == "GET" || method == "HEAD")) {
    // Up means the store answers too: a load balancer takes a process without its store out.
    auto lease = pool.Get();
    std::string down = lease ? "" : lease.error().message;
    if (lease) {
      if (auto generation = (**lease).Generation(); !generation) down = generation.error().message;
    }
    if (!down.empty()) {
      Log("healthz_failed", {{"level", "error"}, {"error", down}});
      return HttpResponse{503, "text/plain; charset=utf-8", {}, "store unavailable\n"};
    }
    return HttpResponse{200, "text/plain; charset=utf-8", {}, method == "HEAD" ? "" : "ok\n"};
  }
  if ((x.path == "/login" || x.path == "/api/v1/session") && method == "POST") {
    return Login(x.req, x.page, x.api, x.now);
  }
  if (x.path == "/metrics" && method == "GET") return MetricsRoute(x);
  if (x.path == "/favicon.ico") return HttpResponse{404, "text/plain; charset=utf-8", {}, ""};
  if (x.path == "/login" && method == "GET") {
    // One login token per browser while it lasts: a second tab (or a redirected favicon request)
    // must not invalidate the form in the first.
    const auto existing = x.cookies.find(kLoginCookie);
    const bool reuse = existing != x.cookies.end() && existing->second.size() == 64 &&
                       std::all_of(existing->second.begin(), existing->second.end(), [](char c) {
                         return std::isxdigit(static_cast<unsigned char>(c));
                       });
    const std::string login_token = reuse ? existing->second : RandomHex(32);
    HttpResponse r = Html(200, web::LoginPage(x.page, login_token, "", ""));
    r.headers.push_back({"Set-Cookie", Cookie(kLoginCookie, login_token, 3600)});
    return r;
  }
  return std::nullopt;
}

// Prometheus metrics for a scraper with the bearer token whose SHA-256 is [web]
// metrics_token_sha256 (off when that is empty). No client's data: counts only.
HttpResponse WebApp::Impl::MetricsRoute(Exchange& x) {
  const std::string& expected = config.web.metrics_token_sha256;
  if (expected.empty()) return HttpResponse{404, "text/plain; charset=utf-8", {}, ""};
  const std::string auth = x.req.Header("authorization");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0 ||
      !ConstantTimeEquals(Sha256Hex(auth.substr(prefix.size())), expected)) {
    Log("metrics_refused", {{"level", "warning"}, {"remote", x.req.remote}});
    HttpResponse r{401, "text/plain; charset=utf-8", {}, "a bearer token is needed\n"};
    r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"ontzorg metrics\""});
    return r;
  }
  std::optional<web::StoreGauges> read;
  if (auto lease = pool.Get()) {
    if (auto gauges_read = ReadGauges(**lease)) {
      read = std::move(gauges_read).value();
    } else {
      Log("metrics_store_failed", {{"level", "error"}, {"error", gauges_read.error().message}});
    }
  }
  return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", {}, metrics.Render(read)};
}

Result<web::StoreGauges, Error> WebApp::Impl::ReadGauges(Store& store) {
  auto generation = store.Generation();
  if (!generation) return Unexpected(generation.error());
  auto sessions = store.CountSessions();
  if (!sessions) return Unexpected(sessions.error());
  {
    std::lock_guard lock(gauges_mu);
    if (gauges && gauges->first == *generation) {
      web::StoreGauges g = gauges->second;
      g.sessions = *sessions;
      return g;
    }
  }
  web::StoreGauges g;
  g.schema_version = store.SchemaVersion();
  auto batches = store.Batches();
  if (!batches) return Unexpected(batches.error());
  g.runs = static_cast<int64_t>(batches->size());
  for (const BatchRecord& b : *batches) ++g.batches[b.State()];
  auto signals = store.WorkSignals(std::nullopt);
  if (!signals) return Unexpected(signals.error());
  for (const WorkSignal& w : *signals) {
    if (w.state != "done") ++g.open_signals[w.code];
  }
  g.sessions = *sessions;
  std::lock_guard lock(gauges_mu);
  gauges.emplace(*generation, g);
  return g;
}

// Guard: login. Everything else needs a live session.
std::optional<HttpResponse> WebApp::Impl::RequireLogin(Exchange& x) {
  if (const auto c = x.cookies.find(kSessionCookie);
      c != x.cookies.end() && c->second.size() == 64) {
    x.token_hash = Sha256Hex(c->second);
    auto lease = pool.Get();
    if (!lease) return x.Error(503, lease.error().message);
    x.store.emplace(std::move(lease).value());
    auto found = FindSession(**x.store, x.token_hash, x.now);
    if (!found) return x.Error(503, found.error().message);
    x.session = std::move(found).value();
  }
  if (!x.session) {
    if (x.api) return Json(401, {{"error", "log in first: POST /api/v1/session"}});
    return Redirect("/login");
  }
  x.page.session = *x.session;
  if (const auto saved = x.query.find("saved"); saved != x.query.end()) {
    x.page.notice = saved->second;
  }
  return std::nullopt;
}

// Guard: CSRF. Every request that changes something carries the session's token (a form field,
// or the X-CSRF-Token header for the API), and SameSite=Strict keeps the cookie off other sites'
// requests. Reads the form or the JSON body on the way.
std::optional<HttpResponse> WebApp::Impl::RequireCsrf(Exchange& x) {
  x.changes = x.req.method != "GET" && x.req.method != "HEAD";
  if (!x.changes) return std::nullopt;
  std::string sent;
  if (x.api) {
    sent = x.req.Header("x-csrf-token");
    if (auto refused = ReadJsonBody(x)) return refused;
  } else if (x.req.Header("content-type").rfind("multipart/form-data", 0) == 0) {
    std::vector<FormPart> parts;
    if (ParseMultipart(x.req.Header("content-type"), x.req.body, &parts)) {
      for (const FormPart& p : parts) {
        if (p.name == "csrf") sent = p.content;
      }
    }
  } else {
    x.form = ParseForm(x.req.body);
    if (const auto it = x.form.find("csrf"); it != x.form.end()) sent = it->second;
  }
  if (ConstantTimeEquals(sent, x.session->csrf)) return std::nullopt;
  Log("csrf_refused", {{"user", x.session->user}, {"path", x.path}});
  return x.Error(403, T(x.page,
                        "Formulier verlopen of niet van deze site (CSRF). Laad de pagina "
                        "opnieuw.",
                        "Form expired or not from this site (CSRF). Reload the page."));
}

// The API's body: a JSON object whose fields are text, except the checkpoint's levels (an
// object), the payments to re-issue (a list of texts) and the approver's acknowledgement (true, as
// openapi.yaml says; the text "true" too). A number where text belongs is refused,
// not turned into its digits (found by the malformed-input corpus).
std::optional<HttpResponse> WebApp::Impl::ReadJsonBody(Exchange& x) {
  if (x.req.body.empty()) return std::nullopt;
  x.body = json::parse(x.req.body, nullptr, false);
  if (x.body.is_discarded() || !x.body.is_object()) {
    return Json(400, {{"error", "the body is not a JSON object"}});
  }
  const auto texts = [](const json& v) {
    return v.is_array() &&
           std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
  };
  for (const auto& [key, value] : x.body.items()) {
    const bool ok = key == "levels"        ? value.is_object()
                    : key == "payments"    ? texts(value)
                    : key == "acknowledge" ? value.is_boolean() || value.is_string()
                                           : value.is_string();
    if (!ok) {
      return Json(422, {{"error", key + ": give " +
                                      (key == "levels"     ? "an object of skill: level"
                                       : key == "payments" ? "a list of EndToEndIds in quotes"
                                                           : "a text in double quotes")}});
    }
  }
  return std::nullopt;
}

// With a session and no route of an area: logging out, and the start page of each role.
std::optional<HttpResponse> WebApp::Impl::SessionRoute(Exchange& x) {
  const std::string& method = x.req.method;
  if ((x.path == "/logout" || x.path == "/api/v1/session") &&
      (method == "POST" || method == "DELETE")) {
    if (auto ended = (**x.store).EndSession(x.token_hash); !ended) {
      return x.Error(503, ended.error().message);
    }
    Log("logout", {{"user", x.session->user}});
    HttpResponse r = x.api ? Json(200, {{"logged_out", true}}) : Redirect("/login");
    r.headers.push_back({"Set-Cookie", Cookie(kSessionCookie, "", 0)});
    return r;
  }
  if (x.path == "/" && method == "GET") {
    const std::string& role = x.session->role;
    return Redirect(role == "finance"   ? "/batches"
                    : role == "admin"   ? "/admin/users"
                    : role == "auditor" ? "/audit"
                                        : "/clients");
  }
  return std::nullopt;
}

// A login half done: its step's page and form, logging out, and nothing else.
HttpResponse WebApp::Impl::StageRoute(Exchange& x) {
  const std::string& stage = x.session->stage;
  if (x.path == "/logout" || x.path == "/api/v1/session") {
    if (auto out = SessionRoute(x)) return std::move(*out);
  }
  if (x.api) {
    return Json(401, {{"error", "finish logging in first (" + StagePath(stage) + ")"}});
  }
  if (x.path != StagePath(stage)) return Redirect(StagePath(stage));
  if (x.req.method == "GET") return StagePage(x, 200, "");
  if (x.req.method != "POST")
    return x.Error(405, T(x.page, "Deze methode kan hier niet.", "Method not allowed here."));
  if (stage == "code") return CodeStep(x);
  if (stage == "password") return PasswordStep(x);
  return EnrolStep(x);
}

HttpResponse WebApp::Impl::StagePage(Exchange& x, int status, const std::string& error) {
  const std::string& stage = x.session->stage;
  if (stage == "code") return Html(status, web::SecondFactorPage(x.page, error));
  if (stage == "password") return Html(status, web::NewPasswordPage(x.page, error));
  const std::string& secret = x.session->pending;
  const std::string issuer = "ontzorg " + config.municipality_code;
  const std::string uri = OtpauthUri(issuer, x.session->user, secret);
  return Html(status, web::EnrolPage(x.page, {secret, uri, QrSvg(uri)}, error));
}

HttpResponse WebApp::Impl::Advance(Exchange& x, const User& user, const std::string& next,
                                   const std::string& shown) {
  Store& store = **x.store;
  if (auto ended = store.EndSession(x.token_hash); !ended) {
    return x.Error(503, ended.error().message);
  }
  auto session = NewSession(store, user, x.now, next);
  if (!session) return x.Error(503, session.error().message);
  Log(next.empty() ? "login" : "login_step",
      {{"user", user.name}, {"role", user.role}, {"remote", x.req.remote}, {"step", next}});
  HttpResponse r = shown.empty() ? Redirect(StagePath(next)) : Html(200, shown);
  r.headers.push_back({"Set-Cookie", Cookie(kSessionCookie, session->token,
                                            int64_t{config.web.session_max_hours} * 3600)});
  return r;
}

// The second factor's code (or a recovery code), throttled like the password.
HttpResponse WebApp::Impl::CodeStep(Exchange& x) {
  Store& store = **x.store;
  const std::string& name = x.session->user;
  const auto wait = Throttled(store, name, x.req.remote, x.now);
  if (!wait) return x.Error(503, wait.error().message);
  if (*wait > 0) {
    Log("login_throttled", {{"user", name}, {"remote", x.req.remote}});
    HttpResponse r =
        StagePage(x, 429,
                  T(x.page, "Te veel mislukte pogingen. Probeer het over enkele minuten opnieuw.",
                    "Too many failed attempts. Try again in a few minutes."));
    r.headers.push_back({"Retry-After", std::to_string(*wait)});
    return r;
  }
  auto user = store.FindUser(name);
  auto factor = store.FindSecondFactor(name);
  if (!user || !factor) return x.Error(503, (!user ? user.error() : factor.error()).message);
  if (!*user || !*factor) {  // reset by an admin meanwhile: start again
    (void)store.EndSession(x.token_hash);
    return Redirect("/login");
  }
  const auto it = x.form.find("code");
  auto ok = CheckCode(store, name, **factor, it == x.form.end() ? "" : it->second, x.now);
  if (!ok) return x.Error(503, ok.error().message);
  if (!*ok) {
    if (auto counted = CountFailure(store, {name, x.req.remote}, x.now); !counted) {
      return x.Error(503, counted.error().message);
    }
    Log("second_factor_failed", {{"user", name}, {"remote", x.req.remote}});
    return StagePage(x, 401,
                     T(x.page,
                       "Deze code klopt niet (of is al gebruikt). Wacht op de volgende code van "
                       "de app.",
                       "This code is wrong (or was used already). Wait for the app's next code."));
  }
  if (auto cleared = store.ClearLoginFailures({name, x.req.remote}); !cleared) {
    return x.Error(503, cleared.error().message);
  }
  auto next = NextStage(store, **user, true, true);
  if (!next) return x.Error(503, next.error().message);
  return Advance(x, **user, *next);
}

// A password an admin set, replaced by the user's own.
HttpResponse WebApp::Impl::PasswordStep(Exchange& x) {
  Store& store = **x.store;
  const std::string& name = x.session->user;
  const auto field = [&](const char* key) {
    const auto it = x.form.find(key);
    return it == x.form.end() ? std::string() : it->second;
  };
  const std::string password = field("password");
  if (password != field("repeat")) {
    return StagePage(x, 422,
                     T(x.page, "De twee wachtwoorden verschillen. Er is niets veranderd.",
                       "The two passwords differ. Nothing was changed."));
  }
  auto stored = store.PasswordHash(name);
  if (!stored) return x.Error(503, stored.error().message);
  if (VerifyPassword(password, *stored)) {
    return StagePage(x, 422,
                     T(x.page, "Kies een ander wachtwoord dan het ingestelde.",
                       "Choose a password other than the one that was set."));
  }
  auto hash = HashPassword(password);
  if (!hash) return StagePage(x, 422, hash.error().message);
  if (auto set = store.SetPasswordHash(
          {.user = name, .scrypt_hash = *hash, .keep_session = x.token_hash}, {name, IsoAt(x.now)});
      !set) {
    return x.Error(503, set.error().message);
  }
  auto user = store.FindUser(name);
  auto factor = store.FindSecondFactor(name);
  if (!user || !factor) return x.Error(503, (!user ? user.error() : factor.error()).message);
  if (!*user) return Redirect("/login");
  auto next = NextStage(store, **user, factor->has_value(), true);
  if (!next) return x.Error(503, next.error().message);
  return Advance(x, **user, *next);
}

// Setting up the second factor: the code from the app proves it has the secret; the recovery
// codes are made, kept as SHA-256 and shown once.
HttpResponse WebApp::Impl::EnrolStep(Exchange& x) {
  Store& store = **x.store;
  const std::string& name = x.session->user;
  const auto it = x.form.find("code");
  const auto step = VerifyTotp(x.session->pending, it == x.form.end() ? "" : it->second, x.now);
  if (!step) {
    return StagePage(x, 422,
                     T(x.page,
                       "Deze code klopt niet. Controleer of de klok van uw telefoon goed staat "
                       "en vul de code in die de app nu toont.",
                       "This code is wrong. Check that your phone's clock is right and enter the "
                       "code the app shows now."));
  }
  const std::vector<std::string> codes = NewRecoveryCodes(kRecoveryCodes);
  std::vector<std::string> hashes;
  hashes.reserve(codes.size());
  for (const std::string& c : codes) hashes.push_back(Sha256Hex(NormalizeRecoveryCode(c)));
  if (auto set =
          store.EnableSecondFactor({name, x.session->pending, hashes, *step}, {name, IsoAt(x.now)});
      !set) {
    if (set.error().code != ErrorCode::kConflict) return x.Error(503, set.error().message);
    // Set up meanwhile in another window: this half of a login is over; the next asks its code.
    (void)store.EndSession(x.token_hash);
    HttpResponse r = Html(409, web::ErrorPage(x.page, 409,
                                              T(x.page,
                                                "Uw tweede factor is intussen al ingesteld (in "
                                                "een ander venster). Log opnieuw in met die code.",
                                                "Your second factor was set up meanwhile (in "
                                                "another window). Log in again with its code.")));
    r.headers.push_back({"Set-Cookie", Cookie(kSessionCookie, "", 0)});
    return r;
  }
  auto user = store.FindUser(name);
  if (!user) return x.Error(503, user.error().message);
  if (!*user) return Redirect("/login");
  web::PageContext shown = x.page;
  shown.session = {};
  return Advance(x, **user, "", web::RecoveryCodesPage(shown, codes));
}

std::optional<HttpResponse> WebApp::Impl::ApiSteps(Store& store, const User& user,
                                                   const std::optional<Store::SecondFactor>& factor,
                                                   const Credentials& c, const std::string& remote,
                                                   int64_t now) {
  if (factor) {
    if (c.code.empty()) {
      return Json(401, {{"error",
                         "second factor: send \"code\", the six digits of your "
                         "authenticator app (or a recovery code)"},
                        {"second_factor", "required"}});
    }
    auto ok = CheckCode(store, user.name, *factor, c.code, now);
    if (!ok) return Json(503, {{"error", ok.error().message}});
    if (!*ok) {
      if (auto counted = CountFailure(store, {user.name, remote}, now); !counted) {
        return Json(503, {{"error", counted.error().message}});
      }
      Log("second_factor_failed", {{"user", user.name}, {"remote", remote}});
      return Json(401, {{"error", "code: wrong, or used already; wait for the next one"},
                        {"second_factor", "required"}});
    }
  }
  auto required = SecondFactorRequired(store, user);
  if (!required) return Json(503, {{"error", required.error().message}});
  if (!factor && *required) {
    return Json(403, {{"error",
                       "your role needs a second factor: log in to the web app once to "
                       "set it up, then send its code here as \"code\""},
                      {"second_factor", "set up in the web app"}});
  }
  if (user.password_set_by != user.name) {
    if (c.new_password.empty()) {
      return Json(403, {{"error",
                         "an administrator set this password: send your own as "
                         "\"new_password\" with this login (at least 12 characters)"},
                        {"password_change", "required"}});
    }
    if (c.new_password == c.password) {
      return Json(422,
                  {{"error", "new_password: choose one other than the password that was set"}});
    }
    auto hash = HashPassword(c.new_password);
    if (!hash) return Json(422, {{"error", "new_password: " + hash.error().message}});
    if (auto set = store.SetPasswordHash({.user = user.name, .scrypt_hash = *hash},
                                         {user.name, IsoAt(now)});
        !set) {
      return Json(503, {{"error", set.error().message}});
    }
  }
  return std::nullopt;
}

// The route of an area whose pattern matches the path ({name} takes one segment), its
// parameters; `path_known` tells a wrong method (405) from an unknown path (404).
const Route* WebApp::Impl::Match(const Exchange& x, std::map<std::string, std::string>* params,
                                 bool* path_known) const {
  const std::vector<std::string> segments = Split(x.path);
  for (const Route& route : routes) {
    if (!Matches(route.segments, segments, params)) continue;
    *path_known = true;
    if (route.info.method == x.req.method) return &route;
  }
  return nullptr;
}

namespace {

// Whether every client, batch, payment and bank line a route's parameters name belongs to one of
// `allowed` (issue 20). The store is scoped to them already.
Result<bool, Error> WithinMunicipalities(Store& store,
                                         const std::map<std::string, std::string>& params,
                                         const std::vector<int64_t>& allowed) {
  const auto in = [&](int64_t id) {
    return std::find(allowed.begin(), allowed.end(), id) != allowed.end();
  };
  if (const auto c = params.find("client"); c != params.end()) {
    auto m = store.MunicipalityOfClient(ClientId{c->second});
    if (!m) return Unexpected(m.error());
    if (!in(*m)) return false;
  }
  if (const auto b = params.find("batch"); b != params.end()) {
    int64_t run = 0;
    const auto [end, ec] =
        std::from_chars(b->second.data(), b->second.data() + b->second.size(), run);
    if (ec != std::errc() || end != b->second.data() + b->second.size()) return false;
    auto m = store.MunicipalityOfRun(run);
    if (!m) return Unexpected(m.error());
    if (!in(*m)) return false;
  }
  if (const auto p = params.find("payment"); p != params.end()) {
    auto sent = store.PaymentsByEndToEndId({p->second});
    if (!sent) return Unexpected(sent.error());
    for (const Store::SentRecord& s : *sent) {
      auto m = store.MunicipalityOfClient(s.payment.client);
      if (!m) return Unexpected(m.error());
      if (!in(*m)) return false;
    }
  }
  if (const auto l = params.find("line"); l != params.end()) {
    auto line = store.BankLine(l->second);  // scoped: another municipality's is not found
    if (!line) return Unexpected(line.error());
    if (!*line) return false;
  }
  return true;
}

// A refusal of a guard: its status and message.
struct Refusal {
  int status = 0;
  std::string message;
};

// What the municipality guard works with besides the store: the page it scopes, the kept names
// of the municipalities, the installation's configuration, the request's time.
struct Scoped {
  PageContext& page;
  web::ClientCache& cache;
  const Config& installation;
  int64_t now = 0;
};

// What the page header names (issue 20): with several municipalities in the store, the one the
// user acts for, or their names, or "all municipalities"; "" with one (the installation's name
// stands). The names as they hold in the month, kept per store generation.
Result<std::string, Error> HeaderMunicipality(Store& store, const Scoped& at,
                                              const std::vector<int64_t>& scope) {
  auto generation = store.Generation();
  if (!generation) return Unexpected(generation.error());
  const YearMonth month = YearMonth::Of(web::DayAt(at.now));
  const std::string key = "municipality-names:" + month.ToString();
  auto names = at.cache.Find(key, *generation);
  if (!names) {
    auto all = store.Municipalities();
    if (!all) return Unexpected(all.error());
    json kept = json::object();
    for (const MunicipalityRecord& m : *all) {
      auto config = ConfigNowOf(at.installation, m, month);
      kept[std::to_string(m.id)] = config ? config->municipality_name : m.code;
    }
    at.cache.Keep(key, *generation, kept);
    names = std::make_shared<const json>(std::move(kept));
  }
  if (names->size() <= 1) return std::string();
  if (scope.empty()) return T(at.page, "Alle gemeenten", "All municipalities");
  std::string shown;
  for (const int64_t id : scope) {
    const auto it = names->find(std::to_string(id));
    if (it != names->end()) shown += (shown.empty() ? "" : ", ") + it->get<std::string>();
  }
  return shown;
}

// A user acts in one role at a time (the session's), for the municipalities where they have it
// (issue 20): the store's queries are scoped to those for the request (lists, searches, batches,
// bank lines), the use cases check that role, and an id of another municipality's client, batch,
// payment or bank line is not found (404), by page or API alike. 403 when the user no longer has
// the session's role anywhere. Sets the roles the page offers to switch between.
std::optional<Refusal> ScopeToUser(Store& store, const Scoped& at,
                                   const std::map<std::string, std::string>& params) {
  PageContext& page = at.page;
  SessionView& me = page.session;
  auto scope = ScopeOfRole(store, User{.name = me.user, .role = me.own_role}, me.role);
  if (!scope) {
    return Refusal{scope.error().code == ErrorCode::kRefused ? 403 : 503, scope.error().message};
  }
  ActIn(store, *scope);
  if (scope->roles.size() > 1) me.roles = scope->roles;
  auto header = HeaderMunicipality(store, at, scope->municipalities);
  if (!header) return Refusal{503, header.error().message};
  page.municipality = std::move(header).value();
  if (scope->municipalities.empty()) return std::nullopt;
  auto inside = WithinMunicipalities(store, params, scope->municipalities);
  if (!inside) return Refusal{503, inside.error().message};
  if (!*inside) {
    return Refusal{404, T(page, "Niet gevonden bij uw gemeente(n).",
                          "Not found in your municipality or municipalities.")};
  }
  return std::nullopt;
}

// How the access log names a view: the path, the search (its first 64 characters), CSV.
std::string ViewText(const std::string& path,
                     const std::multimap<std::string, std::string>& query) {
  std::string view = path;
  if (const auto q = query.find("q"); q != query.end()) view += " q=" + q->second.substr(0, 64);
  if (const auto f = query.find("format"); f != query.end() && f->second == "csv") {
    view += " (csv)";
  }
  return view;
}

// The page of a refused form (the client page, the municipalities page) with the refusal at its
// field and what was typed put back; nullopt for the other forms (an error page says why).
std::optional<std::string> RefusedFormPage(web::Ctx& x, const std::string& pattern,
                                           const std::string& message) {
  if (x.params.count("client")) return web::RefusedClientForm(x, message);
  if (pattern.rfind("/admin/municipalities", 0) == 0) {
    return web::RefusedMunicipalityForm(x, message);
  }
  return std::nullopt;
}

// Unscopes the thread's store when a request is done (the next may be another user's).
struct ScopeReset {
  Store& store;
  ~ScopeReset() { ActIn(store, {}); }
};

}  // namespace

// The route, its guards (role, municipality, caseload), its handler, and the answer.
HttpResponse WebApp::Impl::Dispatch(Exchange& x) {
  std::map<std::string, std::string> params;
  bool path_known = false;
  const Route* route = Match(x, &params, &path_known);
  if (!route) {
    return path_known
               ? x.Error(405, T(x.page, "Deze methode kan hier niet.", "Method not allowed here."))
               : x.Error(404, T(x.page, "Deze pagina bestaat niet.", "This page does not exist."));
  }
  x.route = route->info.pattern;
  const SessionView& me = *x.session;
  const auto refuse = [&](int status, const std::string& message) {
    Log("refused",
        {{"user", me.user}, {"role", me.role}, {"path", route->info.pattern}, {"status", status}});
    return x.Error(status, message);
  };
  // Guard: role.
  if (!Has(route->info.roles, me.role)) {
    return refuse(403, T(x.page, "Uw rol (", "Your role (") + me.role +
                           T(x.page, ") mag dit niet.", ") may not do this."));
  }
  Store& store = **x.store;
  // Guard: municipality (issue 20), for this request only.
  const ScopeReset reset{store};
  if (auto refused = ScopeToUser(store, {x.page, client_cache, config, x.now}, params)) {
    return refuse(refused->status, refused->message);
  }
  // Guard: caseload. A coach sees and changes only the clients in their own caseload.
  if (params.count("client") && me.role == "coach") {
    auto coach = store.CoachOf(ClientId{params["client"]});
    if (!coach || !*coach || **coach != me.user) {
      return refuse(403, T(x.page, "Deze cliënt hoort niet bij uw caseload.",
                           "This client is not in your caseload."));
    }
  }
  // Guard: the access log (AVG, issue 19). Every read of clients' data is recorded before it is
  // shown: who, when, which client, which view. No record, no data.
  std::optional<std::string> client;
  if (!x.changes) {
    if (params.count("client")) client = params["client"];
    if (ListsClients(route->info.pattern)) client = "*";
  }
  if (client) {
    const std::string view = ViewText(x.path, x.query);
    if (auto recorded = store.RecordAccess({0, IsoAt(x.now), me.user, me.role, *client, view});
        !recorded) {
      return refuse(503, recorded.error().message);
    }
  }
  Ctx ctx{x.req, config, store, x.page, x.api, params, x.form, x.body, x.now, &client_cache};
  ctx.session_hash = x.token_hash;
  Outcome o = route->handle(ctx);
  if (x.changes && o.error.empty()) {
    Log("change", {{"user", me.user}, {"route", route->info.pattern}, {"status", o.status}});
  }
  // A refused form of a page that can show it again: its message at the field, the typing kept.
  if (!o.error.empty() && !x.api && x.changes && o.status == 422) {
    if (auto shown = RefusedFormPage(ctx, route->info.pattern, o.error)) {
      Log("refused", {{"user", me.user},
                      {"role", me.role},
                      {"path", route->info.pattern},
                      {"status", o.status}});
      return Html(422, std::move(*shown));
    }
  }
  if (!o.error.empty()) return refuse(o.status, o.error);
  return Respond(x, *route, std::move(o));
}

// A handler's outcome as the answer: a file, JSON for the API, a redirect after a form, or the
// route's page.
HttpResponse WebApp::Impl::Respond(Exchange& x, const Route& route, Outcome o) {
  if (!o.raw.empty() || !o.raw_type.empty()) {
    HttpResponse r{200, o.raw_type, {}, std::move(o.raw)};
    if (!o.raw_name.empty()) {
      r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + o.raw_name + "\""});
    }
    x.csp = o.csp;
    return r;
  }
  if (x.api) return Json(o.status, o.data);
  if (x.changes) return Redirect(o.redirect.empty() ? "/" : o.redirect);
  if (route.sheet) {
    const auto format = x.query.find("format");
    if (format != x.query.end() && format->second == "csv") {
      web::Sheet sheet = route.sheet(x.page, o.data);
      HttpResponse r{200, "text/csv; charset=utf-8", {}, std::move(sheet.csv)};
      r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + sheet.name + "\""});
      return r;
    }
    // The download link keeps the page's query (a search, a filter), not its language.
    std::string query;
    for (const auto& [k, v] : x.query) {
      if (k != "lang" && k != "format") query += UrlEncode(k) + "=" + UrlEncode(v) + "&";
    }
    x.page.sheet = x.path + "?" + query + "format=csv";
  }
  return Html(200, route.view ? route.view(x.page, o.data)
                              : o.data.dump(-1, ' ', false, json::error_handler_t::replace));
}

void WebApp::Impl::AddMoneyAndAdminRoutes(const std::vector<std::string>& readers,
                                          const std::vector<std::string>& money) {
  Impl& i = *this;
  i.Add("GET", "/batches", "/api/v1/batches", money, web::Batches, web::BatchesPage);
  i.Add("POST", "/batches", "/api/v1/batches", {"finance"}, web::Prepare);
  i.Add("GET", "/batches/{batch}", "/api/v1/batches/{batch}", money, web::BatchData,
        web::BatchPage);
  i.Add("POST", "/batches/{batch}/approve", "/api/v1/batches/{batch}/approve", {"finance"},
        web::Approve);
  i.Add("POST", "/batches/{batch}/cancel", "/api/v1/batches/{batch}/cancel", {"finance"},
        web::Cancel);
  i.Add("POST", "/batches/{batch}/export", "/api/v1/batches/{batch}/export", {"finance"},
        web::Export);
  i.Add("GET", "/batches/{batch}/files/{file}", "/api/v1/batches/{batch}/files/{file}", money,
        web::Download);
  i.Add("POST", "/bank-files", "/api/v1/bank-files", {"finance"}, web::UploadBankFile);
  i.Add("GET", "/signals", "/api/v1/signals", readers, web::Signals, web::SignalsPage);
  i.Add("POST", "/signals/state", "/api/v1/signals/state", {"coach", "finance"},
        web::SetSignalStateAction);
  i.Add("GET", "/reconciliation", "/api/v1/reconciliation", money, web::ReconciliationData,
        web::ReconciliationPage);
  i.Add("POST", "/payments/{payment}/account", "/api/v1/payments/{payment}/account", {"finance"},
        web::CorrectAccountAction);
  i.Add("POST", "/payments/reissue", "/api/v1/payments/reissue", {"finance"}, web::ReissueAction);
  i.Add("POST", "/held-bills/release", "/api/v1/held-bills/release", {"finance"},
        web::ReleaseHeldAction);
  i.Add("POST", "/bank-lines/{line}/assign", "/api/v1/bank-lines/{line}/assign", {"finance"},
        web::AssignLineAction);
  i.Add("GET", "/admin/users", "/api/v1/users", {"admin"}, web::UsersData, web::UsersPage);
  i.Add("POST", "/admin/users", "/api/v1/users", {"admin"}, web::AddUserAction);
  i.Add("POST", "/admin/users/{user}/password", "/api/v1/users/{user}/password", {"admin"},
        web::SetPasswordAction);
  i.Add("POST", "/admin/users/{user}/deactivate", "/api/v1/users/{user}/deactivate", {"admin"},
        web::DeactivateAction);
  i.Add("POST", "/admin/users/{user}/activate", "/api/v1/users/{user}/activate", {"admin"},
        web::ActivateAction);
  i.Add("POST", "/admin/users/{user}/unlock", "/api/v1/users/{user}/unlock", {"admin"},
        web::UnlockAction);
  i.Add("POST", "/admin/users/{user}/second-factor/reset",
        "/api/v1/users/{user}/second-factor/reset", {"admin"}, web::ResetSecondFactorAction);
  i.Add("POST", "/admin/caseload", "/api/v1/caseload", {"admin"}, web::AssignAction);
  i.Add("GET", "/admin/municipalities", "/api/v1/municipalities", {"admin", "auditor"},
        web::MunicipalitiesData, web::MunicipalitiesPage);
  i.Add("POST", "/admin/municipalities", "/api/v1/municipalities", {"admin"},
        web::AddMunicipalityAction);
  i.Add("POST", "/admin/municipalities/{municipality}/settings",
        "/api/v1/municipalities/{municipality}/settings", {"admin"}, web::ChangeMunicipalityAction);
  i.Add("POST", "/admin/municipalities/users", "/api/v1/municipalities/users", {"admin"},
        web::UserMunicipalitiesAction);
  i.Add("GET", "/account/password", "", {"coach", "finance", "admin", "auditor"}, web::AccountData,
        web::AccountPage);
  i.Add("POST", "/account/password", "/api/v1/account/password",
        {"coach", "finance", "admin", "auditor"}, web::OwnPasswordAction);
  i.Add("POST", "/account/role", "/api/v1/account/role", {"coach", "finance"},
        web::ActingRoleAction);
  i.Add("GET", "/audit", "/api/v1/audit", {"auditor", "admin"}, web::AuditData, web::AuditPage);
  i.Add("GET", "/access", "/api/v1/access", {"auditor", "admin"}, web::AccessData, web::AccessPage);
  // Every list page as a CSV download for Dutch Excel (issue 17).
  i.AddSheet("/clients", web::CaseloadSheet);
  i.AddSheet("/batches", web::BatchesSheet);
  i.AddSheet("/batches/{batch}", web::BatchSheet);
  i.AddSheet("/signals", web::SignalsSheet);
  i.AddSheet("/reconciliation", web::ReconciliationSheet);
  i.AddSheet("/admin/users", web::UsersSheet);
  i.AddSheet("/audit", web::AuditSheet);
  i.AddSheet("/access", web::AccessSheet);
}

WebApp::WebApp(Config config, std::function<int64_t()> clock,
               std::function<void(const std::string&)> log)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(clock), std::move(log))) {
  Impl& i = *impl_;
  const std::vector<std::string> readers = {"coach", "finance", "auditor"};
  const std::vector<std::string> money = {"finance", "auditor"};
  i.Add("GET", "/clients", "/api/v1/clients", readers, web::Caseload, web::CaseloadPage);
  i.Add("GET", "/clients/{client}", "/api/v1/clients/{client}", readers, web::ClientData,
        web::ClientPage);
  i.Add("GET", "/clients/{client}/statement", "", readers, web::StatementPreview);
  i.Add("GET", "/clients/{client}/statement.pdf", "", readers, web::StatementPdf);
  i.Add("POST", "/clients/{client}/checkpoints", "/api/v1/clients/{client}/checkpoints", {"coach"},
        web::RecordAssessment);
  i.Add("POST", "/clients/{client}/handovers", "/api/v1/clients/{client}/handovers", {"coach"},
        web::RecordHandOver);
  i.Add("POST", "/clients/{client}/bank-name", "/api/v1/clients/{client}/bank-name", {"finance"},
        web::CorrectBankNameAction);
  i.Add("POST", "/clients/{client}/bill-changes", "/api/v1/clients/{client}/bill-changes",
        {"coach", "finance"}, web::ChangeBillAction);
  i.Add("POST", "/clients/{client}/client-changes", "/api/v1/clients/{client}/client-changes",
        {"coach", "finance"}, web::ClientChangeAction);
  i.Add("POST", "/clients/{client}/creditor-changes", "/api/v1/clients/{client}/creditor-changes",
        {"finance"}, web::CreditorChangeAction);
  i.Add("POST", "/clients/{client}/plan-changes", "/api/v1/clients/{client}/plan-changes",
        {"coach", "finance"}, web::PlanChangeAction);
  i.Add("POST", "/clients/{client}/direct-debits", "/api/v1/clients/{client}/direct-debits",
        {"coach", "finance"}, web::DirectDebitAction);
  i.Add("POST", "/clients/{client}/receipts", "/api/v1/clients/{client}/receipts",
        {"coach", "finance"}, web::ReceiptAction);
  i.Add("POST", "/clients/{client}/toeslagen", "/api/v1/clients/{client}/toeslagen",
        {"coach", "finance"}, web::ToeslagAction);
  i.Add("POST", "/clients/{client}/benefits", "/api/v1/clients/{client}/benefits",
        {"coach", "finance"}, web::BenefitAction);
  i.Add("POST", "/clients/{client}/write-off-requests",
        "/api/v1/clients/{client}/write-off-requests", {"coach", "finance"},
        web::WriteOffRequestAction);
  i.Add("POST", "/clients/{client}/one-offs", "/api/v1/clients/{client}/one-offs", {"finance"},
        web::OneOffAction);
  i.Add("POST", "/clients/{client}/write-off-requests/{request}/decision",
        "/api/v1/clients/{client}/write-off-requests/{request}/decision", {"finance"},
        web::WriteOffDecisionAction);
  i.AddMoneyAndAdminRoutes(readers, money);
  for (const Route& r : i.routes) i.infos.push_back(r.info);
}

WebApp::~WebApp() = default;

HttpResponse WebApp::Handle(const HttpRequest& request) { return impl_->Handle(request); }

int64_t WebApp::BodyLimit(const std::string& method, const std::string& path) const {
  if (method == "POST" && (path == "/bank-files" || path == "/api/v1/bank-files")) {
    return impl_->config.web.max_upload_bytes;
  }
  return impl_->config.web.max_body_bytes;
}

bool WebApp::HashesPassword(const std::string& method, const std::string& path) {
  return method == "POST" &&
         (path == "/login" || path == "/api/v1/session" || path.ends_with("/password"));
}

void WebApp::Observe(const HttpResponse& response, double seconds) {
  impl_->metrics.Request(response.log_route, response.status, seconds);
}

const std::vector<RouteInfo>& WebApp::Routes() const { return impl_->infos; }

}  // namespace ontzorg
