// Password hashing and random tokens (OpenSSL). Passwords are hashed with scrypt (N = 2^15,
// r = 8, p = 1: about 32 MiB and some 50-100 ms per hash on this machine), a random 16-byte salt
// per hash, and stored as "scrypt$15$8$1$<salt hex>$<hash hex>", so the cost can be raised later
// without invalidating stored hashes.
#ifndef ONTZORG_ADAPTERS_SYSTEM_PASSWORD_H_
#define ONTZORG_ADAPTERS_SYSTEM_PASSWORD_H_

#include <string>

#include "adapters/error.h"

namespace ontzorg {

// Passwords shorter than this are refused when set.
constexpr size_t kMinPasswordLength = 12;

// The stored form of `password`; kBadInput when it is too short.
Result<std::string, Error> HashPassword(const std::string& password);
// Whether `password` matches `stored` (constant-time comparison). False for a malformed or empty
// stored hash.
bool VerifyPassword(const std::string& password, const std::string& stored);

// `bytes` random bytes from OpenSSL's CSPRNG, as lowercase hex (32 bytes: a 256-bit token).
std::string RandomHex(size_t bytes);
// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_SYSTEM_PASSWORD_H_
