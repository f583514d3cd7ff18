// The coach and finance web app: routes, accounts and sessions, roles, CSRF, login throttling,
// and the pages and JSON API over the same data and actions (server-rendered HTML, usable without
// JavaScript; Dutch with an English switch). Transport-free: Handle() takes an HttpRequest, so
// the tests drive it through the real HTTPS server and the unit tests without one.
//
// Roles: coach (only their own caseload), finance (batches; every ledger read-only), admin
// (accounts and caseloads), auditor (reads everything, changes nothing). Every route names the
// roles it admits; the dispatcher refuses the others before any handler runs, and every route
// with a {client} refuses a coach unless the client is in their current caseload.
#ifndef ONTZORG_ADAPTERS_WEB_WEB_APP_H_
#define ONTZORG_ADAPTERS_WEB_WEB_APP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/config/config.h"
#include "adapters/web/http.h"

namespace ontzorg {

// A route as the tests see it: method, path pattern ("{client}", "{batch}", ...), the roles it
// admits, whether it is part of the JSON API.
struct RouteInfo {
  std::string method, pattern;
  std::vector<std::string> roles;  // empty: anyone, also without logging in (login, assets)
  bool api = false;
};

class WebApp {
 public:
  // `clock` returns seconds since the epoch (the tests move it to expire sessions); `log` gets
  // one JSON line per event (never a BSN, IBAN, password or token).
  WebApp(Config config, std::function<int64_t()> clock,
         std::function<void(const std::string&)> log);
  ~WebApp();
  HttpResponse Handle(const HttpRequest& request);
  // The body limit for a request to `path` (uploads get more).
  int64_t BodyLimit(const std::string& method, const std::string& path) const;
  // Whether the request hashes a password (a login, a password set or changed): the server runs
  // those on a pool of their own, never on its I/O threads.
  static bool HashesPassword(const std::string& method, const std::string& path);
  const std::vector<RouteInfo>& Routes() const;
  // A request the server answered (its route pattern from the response, status, seconds), for
  // /metrics.
  void Observe(const HttpResponse& response, double seconds);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_WEB_WEB_APP_H_
