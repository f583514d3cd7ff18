// The second factor (issue 19): time-based one-time passwords (RFC 6238) through liboath, single-
// use recovery codes, and the QR code an authenticator app scans (libqrencode).
//
// Codes have 6 digits and 30-second steps with HMAC-SHA1: what every authenticator app reads
// from an otpauth:// URI. A code is accepted one step either side of now (a phone's clock a little
// off); the store accepts each step once. Secrets are 160 random bits (RFC 4226, section 4),
// written in base32. Recovery codes are 10 characters of base32 (50 bits), shown as xxxxx-xxxxx,
// kept as SHA-256 only.
#ifndef ONTZORG_ADAPTERS_SYSTEM_TOTP_H_
#define ONTZORG_ADAPTERS_SYSTEM_TOTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ontzorg {

constexpr int64_t kTotpStepSeconds = 30;

// A new random secret, base32 (32 characters).
std::string NewTotpSecret();
// The time step `code` belongs to when it is the secret's code within one step of `now` (seconds
// since the epoch); nullopt when it is not (or the secret or code is malformed).
std::optional<int64_t> VerifyTotp(const std::string& secret, const std::string& code, int64_t now);
// The code of the step `now` falls in ("" for a malformed secret): for tests.
std::string TotpCode(const std::string& secret, int64_t now);
// otpauth://totp/<issuer>:<user>?secret=...&issuer=... (Key Uri Format).
std::string OtpauthUri(const std::string& issuer, const std::string& user,
                       const std::string& secret);

// `n` new recovery codes, each "xxxxx-xxxxx".
std::vector<std::string> NewRecoveryCodes(int n);
// What was typed, as it is hashed: lowercase, without spaces and dashes.
std::string NormalizeRecoveryCode(const std::string& typed);

// `text` as a QR code (error correction M) in SVG: black modules on white, 4 modules of quiet
// zone, scaled by the browser. "" when it does not fit a QR code.
std::string QrSvg(const std::string& text);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_SYSTEM_TOTP_H_
