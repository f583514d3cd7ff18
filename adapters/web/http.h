// The web app's view of HTTP: a request and a response as plain values, so the application
// (web_app.h) is tested without sockets and served by the HTTPS server (server.h).
#ifndef ONTZORG_ADAPTERS_WEB_HTTP_H_
#define ONTZORG_ADAPTERS_WEB_HTTP_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ontzorg {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query as sent
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote;  // the peer's address, for throttling and logs

  std::string Header(const std::string& lower_name) const;
  std::string Path() const;   // target without the query, percent-decoded
  std::string Query() const;  // after '?', raw
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, ...)
  std::string body;
  // For the request's log line, never sent: who asked (empty: nobody logged in), their role, and
  // the route's pattern ("/clients/{client}": no client number in the log).
  std::string log_user, log_role, log_route;
};

// "a%20b+c" -> "a b c" (plus as space: form encoding). Invalid escapes are kept as written.
std::string UrlDecode(const std::string& text);
std::string UrlEncode(const std::string& text);
// application/x-www-form-urlencoded or a query string; a repeated name keeps every value.
std::multimap<std::string, std::string> ParseForm(const std::string& text);
// The Cookie header's pairs.
std::map<std::string, std::string> ParseCookies(const std::string& header);
// Escapes & < > " for HTML text and double-quoted attribute values (every attribute here is
// double-quoted); the statement's HtmlEscape.
std::string Html(const std::string& text);

// One part of a multipart/form-data body.
struct FormPart {
  std::string name, filename, content;
};
// Parses a multipart/form-data body given its Content-Type header; false if malformed.
bool ParseMultipart(const std::string& content_type, const std::string& body,
                    std::vector<FormPart>* parts);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_WEB_HTTP_H_
