#include "adapters/web/http.h"

#include "adapters/statement/statement.h"

namespace ontzorg {

std::string HttpRequest::Header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::Path() const {
  const size_t q = target.find('?');
  std::string path = target.substr(0, q);
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {  // percent-decoding only; '+' stays in a path
    if (path[i] == '%' && i + 2 < path.size() &&
        std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      out += static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string HttpRequest::Query() const {
  const size_t q = target.find('?');
  return q == std::string::npos ? std::string() : target.substr(q + 1);
}

std::string UrlDecode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() &&
               std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string UrlEncode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::multimap<std::string, std::string> ParseForm(const std::string& text) {
  std::multimap<std::string, std::string> out;
  size_t from = 0;
  while (from <= text.size()) {
    size_t amp = text.find('&', from);
    if (amp == std::string::npos) amp = text.size();
    const std::string pair = text.substr(from, amp - from);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      out.emplace(UrlDecode(pair.substr(0, eq)),
                  eq == std::string::npos ? std::string() : UrlDecode(pair.substr(eq + 1)));
    }
    from = amp + 1;
  }
  return out;
}

std::map<std::string, std::string> ParseCookies(const std::string& header) {
  std::map<std::string, std::string> out;
  size_t from = 0;
  while (from < header.size()) {
    size_t semi = header.find(';', from);
    if (semi == std::string::npos) semi = header.size();
    std::string pair = header.substr(from, semi - from);
    const size_t start = pair.find_first_not_of(' ');
    if (start != std::string::npos) pair = pair.substr(start);
    const size_t eq = pair.find('=');
    if (eq != std::string::npos) out.emplace(pair.substr(0, eq), pair.substr(eq + 1));
    from = semi + 1;
  }
  return out;
}

std::string Html(const std::string& text) { return HtmlEscape(text); }

namespace {
std::string HeaderParam(const std::string& header, const std::string& name) {
  const std::string key = name + "=";
  size_t at = header.find(key);
  while (at != std::string::npos && at > 0 && header[at - 1] != ' ' && header[at - 1] != ';') {
    at = header.find(key, at + 1);
  }
  if (at == std::string::npos) return "";
  std::string value = header.substr(at + key.size());
  if (!value.empty() && value[0] == '"') {
    const size_t end = value.find('"', 1);
    return end == std::string::npos ? "" : value.substr(1, end - 1);
  }
  return value.substr(0, value.find(';'));
}
}  // namespace

bool ParseMultipart(const std::string& content_type, const std::string& body,
                    std::vector<FormPart>* parts) {
  if (content_type.rfind("multipart/form-data", 0) != 0) return false;
  const std::string boundary = HeaderParam(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) return false;
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  if (at == std::string::npos) return false;
  while (true) {
    at += delimiter.size();
    if (body.compare(at, 2, "--") == 0) return true;  // the closing delimiter
    if (body.compare(at, 2, "\r\n") != 0) return false;
    at += 2;
    const size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string::npos) return false;
    const std::string head = body.substr(at, head_end - at);
    const size_t next = body.find("\r\n" + delimiter, head_end + 4);
    if (next == std::string::npos) return false;
    FormPart part;
    size_t line_start = 0;
    while (line_start < head.size()) {
      size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string::npos) line_end = head.size();
      const std::string line = head.substr(line_start, line_end - line_start);
      std::string lower;
      for (char c : line) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("content-disposition:", 0) == 0) {
        part.name = HeaderParam(line, "name");
        part.filename = HeaderParam(line, "filename");
      }
      line_start = line_end + 2;
    }
    part.content = body.substr(head_end + 4, next - head_end - 4);
    parts->push_back(std::move(part));
    at = next + 2;
  }
}

}  // namespace ontzorg
