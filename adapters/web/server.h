// The HTTPS server: Boost.Beast on Asio with OpenSSL. TLS 1.2 or newer only, OpenSSL's default
// ciphers; every request is read with a size limit (the upload route gets its own) and a timeout;
// keep-alive connections; a fixed pool of threads. Each request is handed to the application as
// an HttpRequest and its HttpResponse is written back with the security headers the application
// set.
#ifndef ONTZORG_ADAPTERS_WEB_SERVER_H_
#define ONTZORG_ADAPTERS_WEB_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/web/http.h"

namespace ontzorg {

struct ServerHooks {
  std::function<HttpResponse(const HttpRequest&)> handle;
  // The body limit for a request with this method and path (the header is read first).
  std::function<int64_t(const std::string& method, const std::string& path)> body_limit;
  // One structured log line (JSON), without request bodies.
  std::function<void(const std::string& line)> log;
  // A request whose handler is slow by design (a login hashes a password with scrypt, about
  // 0.1 s of one core): it runs on a small pool of its own (half the I/O threads, at least one),
  // never on the I/O threads, so a burst of logins queues there while every other request is
  // served (issue 18). At most `max_slow_queued` wait; more are answered 503 with Retry-After.
  std::function<bool(const std::string& method, const std::string& path)> slow;
  int max_slow_queued = 256;
  // Every answered request with its duration in seconds (for /metrics); may be empty.
  std::function<void(const HttpResponse& response, double seconds)> observed;
};

class HttpsServer {
 public:
  HttpsServer(const WebConfig& config, ServerHooks hooks);
  ~HttpsServer();
  // Loads the certificate and key and binds the address (port 0: any free port). Errors name
  // the file or the address.
  Status<Error> Start();
  int port() const;
  // Serves on `threads` threads until Stop(); returns when they end.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads one request from raw bytes with the server's header limit and `body_limit` (the fuzzer
// feeds it what a client could send); nullopt when the bytes are not one complete request.
std::optional<HttpRequest> ParseRawRequest(std::string_view bytes, int64_t body_limit,
                                           const std::string& remote);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_WEB_SERVER_H_
