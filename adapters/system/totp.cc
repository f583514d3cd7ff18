#include "adapters/system/totp.h"

#include <liboath/oath.h>
#include <openssl/rand.h>
#include <qrencode.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace ontzorg {
namespace {

constexpr unsigned kDigits = 6;
constexpr size_t kWindow = 1;  // steps either side of now

// liboath's global state (it only sets up its crypto backend; safe to call more than once).
void InitOath() {
  static const int kInit = oath_init();
  (void)kInit;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return out;
}

std::string Base32(const std::string& bytes) {
  char* out = nullptr;
  size_t len = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &len) != OATH_OK) {
    throw std::runtime_error("cannot encode in base32");
  }
  std::string s(out, len);
  std::free(out);  // NOLINT(cppcoreguidelines-no-malloc): liboath allocates with malloc
  return s;
}

// The secret's bytes; nullopt when it is not base32.
std::optional<std::string> Decode(const std::string& secret) {
  char* out = nullptr;
  size_t len = 0;
  if (secret.empty() || oath_base32_decode(secret.data(), secret.size(), &out, &len) != OATH_OK) {
    return std::nullopt;
  }
  std::string bytes(out, len);
  std::free(out);  // NOLINT(cppcoreguidelines-no-malloc)
  return bytes;
}

std::string UriEncode(const std::string& s) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string NewTotpSecret() {
  InitOath();
  return Base32(RandomBytes(20));
}

std::optional<int64_t> VerifyTotp(const std::string& secret, const std::string& code, int64_t now) {
  InitOath();
  if (code.size() != kDigits) return std::nullopt;
  for (const char c : code) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  const auto key = Decode(secret);
  if (!key) return std::nullopt;
  int position = 0;
  uint64_t counter = 0;
  const int r =
      oath_totp_validate3(key->data(), key->size(), static_cast<time_t>(now), kTotpStepSeconds,
                          OATH_TOTP_DEFAULT_START_TIME, kWindow, &position, &counter, code.c_str());
  if (r < 0) return std::nullopt;
  return static_cast<int64_t>(counter);
}

std::string TotpCode(const std::string& secret, int64_t now) {
  InitOath();
  const auto key = Decode(secret);
  if (!key) return "";
  char code[kDigits + 1] = {};
  if (oath_totp_generate(key->data(), key->size(), static_cast<time_t>(now), kTotpStepSeconds,
                         OATH_TOTP_DEFAULT_START_TIME, kDigits, code) != OATH_OK) {
    return "";
  }
  return code;
}

std::string OtpauthUri(const std::string& issuer, const std::string& user,
                       const std::string& secret) {
  return "otpauth://totp/" + UriEncode(issuer) + ":" + UriEncode(user) + "?secret=" + secret +
         "&issuer=" + UriEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

std::vector<std::string> NewRecoveryCodes(int n) {
  InitOath();
  std::vector<std::string> codes;
  for (int i = 0; i < n; ++i) {
    std::string s = Base32(RandomBytes(10)).substr(0, 10);  // 50 bits
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    codes.push_back(s.substr(0, 5) + "-" + s.substr(5));
  }
  return codes;
}

std::string NormalizeRecoveryCode(const std::string& typed) {
  std::string out;
  for (const unsigned char c : typed) {
    if (c == '-' || std::isspace(c)) continue;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

std::string QrSvg(const std::string& text) {
  const std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!qr) return "";
  const int quiet = 4, size = qr->width + 2 * quiet;
  std::string path;
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if ((qr->data[y * qr->width + x] & 1) != 0) {
        path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
      }
    }
  }
  const std::string n = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n +
         "\" width=\"200\" height=\"200\" shape-rendering=\"crispEdges\" role=\"img\">"
         "<rect width=\"" +
         n + "\" height=\"" + n + "\" fill=\"#fff\"/><path d=\"" + path +
         "\" fill=\"#000\"/></svg>";
}

}  // namespace ontzorg
