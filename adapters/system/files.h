// File-system helpers: hashing a file (OpenSSL), making a written file durable, reading the clock.
#ifndef ONTZORG_ADAPTERS_SYSTEM_FILES_H_
#define ONTZORG_ADAPTERS_SYSTEM_FILES_H_

#include <string>

#include "adapters/error.h"
#include "engine/date.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, used by Sha256Stream

namespace ontzorg {

struct FileHashes {
  std::string sha256;  // lower-case hex
  std::string sha1;    // lower-case hex: BNG's hash total over the imported file
};
Result<FileHashes, Error> HashFile(const std::string& path);
// SHA-256 of `data` as lower-case hex.
std::string Sha256Hex(const std::string& data);

// SHA-256 over data given in pieces (a batch's payments, read one at a time, issue 18): the same
// digest as Sha256Hex over the pieces joined.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(const std::string& data);
  std::string HexDigest();  // lower-case hex; call once, after the last Update

 private:
  ::evp_md_ctx_st* ctx_;
};

// fsyncs `from`, renames it to `to` and fsyncs the folder, so the file survives a crash whole.
Status<Error> CommitFile(const std::string& from, const std::string& to);

// An exclusive lock on a folder (flock on `<dir>/.ontzorg.lock`, made if missing), held until
// destroyed or the process ends: one export or re-write writes into a folder at a time, so two
// never write the same file's temporary copy at once. Waits while another process holds it.
class FolderLock {
 public:
  static Result<FolderLock, Error> Acquire(const std::string& dir);
  FolderLock(FolderLock&& other) noexcept;
  FolderLock& operator=(FolderLock&&) = delete;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock();

 private:
  explicit FolderLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The wall clock, read only here: local date and "YYYY-MM-DDThh:mm:ss". The environment variable
// ONTZORG_NOW="YYYY-MM-DDThh:mm:ss" fixes it (reproducible runs: the crash harness, replays).
Date Today();
std::string NowIsoSeconds();

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_SYSTEM_FILES_H_
