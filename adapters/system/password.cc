#include "adapters/system/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace ontzorg {
namespace {

constexpr int kLogN = 15;
constexpr int kR = 8;
constexpr int kP = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr uint64_t kMaxMem = 64ull * 1024 * 1024;

std::string Hex(const unsigned char* data, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

bool Unhex(const std::string& hex, std::vector<unsigned char>* out) {
  if (hex.size() % 2 != 0) return false;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return true;
}

bool Scrypt(const std::string& password, const std::vector<unsigned char>& salt, int log_n, int r,
            int p, std::vector<unsigned char>* out) {
  out->assign(kHashBytes, 0);
  return EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(),
                        uint64_t{1} << log_n, static_cast<uint64_t>(r), static_cast<uint64_t>(p),
                        kMaxMem, out->data(), out->size()) == 1;
}

}  // namespace

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    throw std::runtime_error("OpenSSL's random generator failed");
  }
  return Hex(buf.data(), buf.size());
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string, Error> HashPassword(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    return Fail(ErrorCode::kBadInput, "the password is too short: use at least " +
                                          std::to_string(kMinPasswordLength) + " characters");
  }
  std::vector<unsigned char> salt(kSaltBytes), hash;
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1 ||
      !Scrypt(password, salt, kLogN, kR, kP, &hash)) {
    return Fail(ErrorCode::kStorage, "OpenSSL could not hash the password");
  }
  return "scrypt$" + std::to_string(kLogN) + "$" + std::to_string(kR) + "$" + std::to_string(kP) +
         "$" + Hex(salt.data(), salt.size()) + "$" + Hex(hash.data(), hash.size());
}

bool VerifyPassword(const std::string& password, const std::string& stored) {
  // scrypt$logN$r$p$salt$hash
  std::vector<std::string> parts;
  size_t from = 0;
  for (size_t at = stored.find('$');; at = stored.find('$', from)) {
    parts.push_back(stored.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) break;
    from = at + 1;
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  int log_n = 0, r = 0, p = 0;
  try {
    log_n = std::stoi(parts[1]);
    r = std::stoi(parts[2]);
    p = std::stoi(parts[3]);
  } catch (const std::exception&) {
    return false;
  }
  if (log_n < 10 || log_n > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  std::vector<unsigned char> salt, expected, actual;
  if (!Unhex(parts[4], &salt) || !Unhex(parts[5], &expected) || expected.size() != kHashBytes) {
    return false;
  }
  if (!Scrypt(password, salt, log_n, r, p, &actual)) return false;
  return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

}  // namespace ontzorg
