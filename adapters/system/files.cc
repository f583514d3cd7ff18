#include "adapters/system/files.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>

#include "engine/invariant.h"

namespace ontzorg {
namespace {

std::string Hex(const unsigned char* data, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xF];
  }
  return out;
}

Status<Error> Fsync(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return Fail(ErrorCode::kIo, path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Fail(ErrorCode::kIo, path + ": fsync failed: " + std::strerror(errno));
  return {};
}

std::tm LocalNow() {
  std::tm tm{};
  // ONTZORG_NOW fixes the clock ("YYYY-MM-DDThh:mm:ss"), like SOURCE_DATE_EPOCH for builds: the
  // crash harness compares the files of interrupted runs with an uninterrupted one byte for byte.
  if (const char* fixed = std::getenv("ONTZORG_NOW"); fixed != nullptr && *fixed != '\0') {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    char end = 0;
    if (std::sscanf(fixed, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &end) != 6 ||
        !Date::FromYmd(y, mo, d) || h > 23 || mi > 59 || se > 59 || h < 0 || mi < 0 || se < 0) {
      std::fprintf(stderr, "ONTZORG_NOW='%s' is not YYYY-MM-DDThh:mm:ss; unset it or fix it\n",
                   fixed);
      std::exit(4);
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    return tm;
  }
  const std::time_t now = std::time(nullptr);
  localtime_r(&now, &tm);
  return tm;
}

}  // namespace

Result<FileHashes, Error> HashFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Fail(ErrorCode::kIo, path + ": cannot be read: " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> c256(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> c1(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!c256 || !c1 || EVP_DigestInit_ex(c256.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestInit_ex(c1.get(), EVP_sha1(), nullptr) != 1) {
    return Fail(ErrorCode::kIo, "OpenSSL digest initialisation failed");
  }
  unsigned char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    EVP_DigestUpdate(c256.get(), buf, n);
    EVP_DigestUpdate(c1.get(), buf, n);
  }
  if (std::ferror(f.get())) return Fail(ErrorCode::kIo, path + ": read error");
  unsigned char d256[EVP_MAX_MD_SIZE], d1[EVP_MAX_MD_SIZE];
  unsigned int l256 = 0, l1 = 0;
  EVP_DigestFinal_ex(c256.get(), d256, &l256);
  EVP_DigestFinal_ex(c1.get(), d1, &l1);
  return FileHashes{Hex(d256, l256), Hex(d1, l1)};
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  OZ_INVARIANT(ctx_ != nullptr && EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) == 1,
               "OpenSSL starts a SHA-256 digest");
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(ctx_); }

void Sha256Stream::Update(const std::string& data) {
  EVP_DigestUpdate(ctx_, data.data(), data.size());
}

std::string Sha256Stream::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx_, digest, &size);
  return Hex(digest, size);
}

Status<Error> CommitFile(const std::string& from, const std::string& to) {
  if (auto s = Fsync(from, O_RDONLY); !s) return s;
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return Fail(ErrorCode::kIo,
                "cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  }
  std::string dir = std::filesystem::path(to).parent_path().string();
  return Fsync(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY);
}

Result<FolderLock, Error> FolderLock::Acquire(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / ".ontzorg.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Fail(ErrorCode::kIo,
                "cannot open " + path + ": " + std::strerror(errno) + " (is the folder writable?)");
  }
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const std::string why = std::strerror(errno);
    ::close(fd);
    return Fail(ErrorCode::kIo, "cannot lock " + path + ": " + why);
  }
  return FolderLock(fd);
}

FolderLock::FolderLock(FolderLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

Date Today() {
  const std::tm tm = LocalNow();
  return Date::FromYmd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday).value();
}

std::string NowIsoSeconds() {
  const std::tm tm = LocalNow();
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace ontzorg
