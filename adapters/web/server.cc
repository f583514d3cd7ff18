#include "adapters/web/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

namespace ontzorg {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// The request as the application sees it: header names in lower case, the body moved out.
HttpRequest ToHttpRequest(http::request<http::string_body>& req, const std::string& remote) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  request.body = std::move(req.body());
  request.remote = remote;
  return request;
}

// "2026-12-15T09:00:00.123Z": now, UTC, to the millisecond.
std::string NowUtc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", text, static_cast<int>(ms));
  return out;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Called on a slow pool's thread before its work: the thread yields the cores to the I/O threads
// (nice 10 above the process's), since password hashing is meant to be slow and a page or /healthz
// is not. On Linux a thread's nice value is its own (setpriority on its thread id). Once per
// thread.
void YieldToIoThreads() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  const auto self = static_cast<id_t>(gettid());
  setpriority(PRIO_PROCESS, self, std::min(19, getpriority(PRIO_PROCESS, self) + 10));
}

// The pool for slow handlers (ServerHooks::slow) and how many requests wait for it.
struct SlowPool {
  explicit SlowPool(int threads) : pool(static_cast<size_t>(std::max(1, threads))) {}
  asio::thread_pool pool;
  std::atomic<int> queued{0};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, ssl::context& tls, const ServerHooks& hooks,
             const WebConfig& config, SlowPool& slow)
      : stream_(std::move(socket), tls), hooks_(hooks), config_(config), slow_(slow) {
    beast::error_code ec;
    const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
  }

  void Start() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
    stream_.async_handshake(
        ssl::stream_base::server,
        beast::bind_front_handler(&Connection::OnHandshake, shared_from_this()));
  }

 private:
  void OnHandshake(beast::error_code ec) {
    if (ec) return;  // a client that does not speak TLS (or gives up): nothing to log per try
    ReadHeader();
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // The route's own limit is set once the header is read; until then the largest one.
    parser_->body_limit(
        static_cast<std::uint64_t>(std::max(config_.max_body_bytes, config_.max_upload_bytes)));
    beast::get_lowest_layer(stream_).expires_after(
        std::chrono::seconds(config_.request_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Connection::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::ssl::error::stream_truncated) {
      return Close();
    }
    if (ec == http::error::body_limit) return Fail(413, "body too large");
    if (ec) return Fail(ec == http::error::header_limit ? 431 : 400, ec.message());
    const auto& req = parser_->get();
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    const int64_t limit = hooks_.body_limit
                              ? hooks_.body_limit(std::string(req.method_string()), path)
                              : config_.max_body_bytes;
    if (parser_->content_length() &&
        *parser_->content_length() > static_cast<std::uint64_t>(limit)) {
      // Read (and drop) a body up to 1 MiB too large before answering, so the client gets the
      // 413 instead of a reset connection; anything larger is cut off at once.
      const std::uint64_t length = *parser_->content_length();
      if (length > static_cast<std::uint64_t>(limit) + std::uint64_t{1024} * 1024) {
        return Fail(413, "body larger than " + std::to_string(limit) + " bytes");
      }
      parser_->body_limit(length);
      return http::async_read(stream_, buffer_, *parser_,
                              [self = shared_from_this(), limit](beast::error_code, std::size_t) {
                                self->Fail(413,
                                           "body larger than " + std::to_string(limit) + " bytes");
                              });
    }
    parser_->body_limit(static_cast<std::uint64_t>(limit));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return Fail(413, "body too large");
    if (ec) return Fail(400, ec.message());
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request = ToHttpRequest(parser_->get(), remote_);
    const bool keep_alive = parser_->get().keep_alive();
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (hooks_.slow && hooks_.slow(request.method, path)) {
      if (slow_.queued.fetch_add(1) >= hooks_.max_slow_queued) {
        slow_.queued.fetch_sub(1);
        HttpResponse busy{503,
                          "text/plain; charset=utf-8",
                          {{"Retry-After", "5"}},
                          "Te druk, probeer het zo opnieuw / busy, try again shortly\n"};
        return Send(Logged(request, std::move(busy), started), keep_alive);
      }
      // The handler runs on the slow pool; its answer is sent from the connection's strand.
      return asio::post(slow_.pool, [self = shared_from_this(), request = std::move(request),
                                     keep_alive, started]() mutable {
        YieldToIoThreads();
        HttpResponse response = self->Logged(request, self->Handle(request), started);
        self->slow_.queued.fetch_sub(1);
        asio::post(self->stream_.get_executor(),
                   [self, keep_alive, response = std::move(response)]() mutable {
                     self->Send(std::move(response), keep_alive);
                   });
      });
    }
    Send(Logged(request, Handle(request), started), keep_alive);
  }

  HttpResponse Handle(const HttpRequest& request) {
    try {
      return hooks_.handle(request);
    } catch (const std::exception& e) {
      if (hooks_.log) {
        hooks_.log("{\"at\":\"" + NowUtc() +
                   "\",\"level\":\"error\",\"event\":\"handler_exception\",\"what\":" +
                   JsonString(e.what()) + "}");
      }
      return HttpResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
    }
  }

  // The request's log line (its time includes any wait on the slow pool); returns `response`.
  HttpResponse Logged(const HttpRequest& request, HttpResponse response,
                      std::chrono::steady_clock::time_point started) {
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (hooks_.observed) hooks_.observed(response, ms / 1000.0);
    if (hooks_.log) {
      // One JSON line per request for the journal: time, level, who (user and role, empty
      // before login), the route's pattern (no client number), status and duration.
      const char* level = response.status >= 500   ? "error"
                          : response.status >= 400 ? "warning"
                                                   : "info";
      hooks_.log("{\"at\":\"" + NowUtc() + "\",\"level\":\"" + level +
                 "\",\"event\":\"request\",\"method\":" + JsonString(request.method) +
                 ",\"route\":" + JsonString(response.log_route) + ",\"user\":" +
                 JsonString(response.log_user) + ",\"role\":" + JsonString(response.log_role) +
                 ",\"status\":" + std::to_string(response.status) + ",\"ms\":" +
                 std::to_string(static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000.0) +
                 ",\"remote\":" + JsonString(remote_) + "}");
    }
    return response;
  }

  void Send(HttpResponse r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->result(static_cast<http::status>(r.status));
    res->version(11);
    res->set(http::field::server, "ontzorg");
    res->set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res->insert(name, value);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(
        std::chrono::seconds(config_.request_timeout_seconds));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (!res->keep_alive()) return self->Close();
                        self->ReadHeader();
                      });
  }

  void Fail(int status, const std::string& why) {
    if (hooks_.log) {
      hooks_.log("{\"at\":\"" + NowUtc() +
                 "\",\"level\":\"warning\",\"event\":\"bad_request\",\"status\":" +
                 std::to_string(status) + ",\"reason\":" + JsonString(why) +
                 ",\"remote\":" + JsonString(remote_) + "}");
    }
    HttpResponse r{status, "text/plain; charset=utf-8", {}, ""};
    r.body = status == 413 ? "Verzoek te groot / request too large\n"
                           : "Ongeldig verzoek / bad request\n";
    Send(std::move(r), false);
  }

  void Close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const ServerHooks& hooks_;
  const WebConfig& config_;
  SlowPool& slow_;
  std::string remote_;
};

}  // namespace

struct HttpsServer::Impl {
  WebConfig config;
  ServerHooks hooks;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_server};
  std::optional<tcp::acceptor> acceptor;
  int port = 0;
  // Declared after ioc: destroyed (stopped and joined) first, while the connections its
  // pending handlers hold can still reach their io_context.
  std::unique_ptr<SlowPool> slow;

  void Accept() {
    acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (!ec) {
        std::make_shared<Connection>(std::move(s), tls, hooks, config, *slow)->Start();
      }
      if (acceptor->is_open()) Accept();
    });
  }
};

HttpsServer::HttpsServer(const WebConfig& config, ServerHooks hooks)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  impl_->hooks = std::move(hooks);
}

HttpsServer::~HttpsServer() { Stop(); }

Status<Error> HttpsServer::Start() {
  Impl& i = *impl_;
  beast::error_code ec;
  // TLS 1.2 and 1.3 only; OpenSSL's default cipher list; no compression, no renegotiation.
  i.tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(i.tls.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_options(i.tls.native_handle(), SSL_OP_NO_RENEGOTIATION);
  i.tls.use_certificate_chain_file(i.config.certificate, ec);
  if (ec) {
    return Fail(ErrorCode::kBadConfig, "web.certificate '" + i.config.certificate +
                                           "': cannot be used (" + ec.message() +
                                           "); the demo makes one with ./ops/web");
  }
  i.tls.use_private_key_file(i.config.private_key, ssl::context::pem, ec);
  if (ec) {
    return Fail(ErrorCode::kBadConfig, "web.private_key '" + i.config.private_key +
                                           "': cannot be used (" + ec.message() + ")");
  }
  const auto address = asio::ip::make_address(i.config.address, ec);
  if (ec)
    return Fail(ErrorCode::kBadConfig, "web.address '" + i.config.address + "': " + ec.message());
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(i.config.port));
  i.acceptor.emplace(i.ioc);
  i.acceptor->open(endpoint.protocol(), ec);
  if (!ec) i.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) i.acceptor->bind(endpoint, ec);
  if (!ec) i.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "cannot listen on " + i.config.address + ":" +
                                    std::to_string(i.config.port) + ": " + ec.message());
  }
  i.port = i.acceptor->local_endpoint().port();
  i.slow = std::make_unique<SlowPool>(i.config.threads / 2);
  i.Accept();
  return {};
}

int HttpsServer::port() const { return impl_->port; }

void HttpsServer::Run() {
  std::vector<std::thread> threads;
  for (int t = 1; t < impl_->config.threads; ++t)
    threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void HttpsServer::Stop() {
  if (!impl_) return;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    if (impl_->acceptor) impl_->acceptor->close(ec);
  });
  impl_->ioc.stop();
}

std::optional<HttpRequest> ParseRawRequest(std::string_view bytes, int64_t body_limit,
                                           const std::string& remote) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(static_cast<std::uint64_t>(body_limit));
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  while (used < bytes.size() && !parser.is_done()) {
    const size_t n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return std::nullopt;
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  return ToHttpRequest(parser.get(), remote);
}

}  // namespace ontzorg
