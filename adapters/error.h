// The error every adapter returns at its edge: a code the command line maps to an exit code, and a
// message that names the place (file, line, field or key) and says what to do.
#ifndef ONTZORG_ADAPTERS_ERROR_H_
#define ONTZORG_ADAPTERS_ERROR_H_

#include <string>

#include "engine/result.h"

namespace ontzorg {

enum class ErrorCode {
  kBadInput,       // a file, value or option a person gave is wrong; nothing was changed
  kBadConfig,      // the configuration file is missing or wrong
  kNoStore,        // the store does not exist or has no schema: run `ontzorg init`
  kStorage,        // the database refused or failed
  kIo,             // a file could not be read or written
  kInvalidOutput,  // a file we wrote failed its own checks or the official schema: a bug
  kRefused,        // not allowed: this user, role or batch state (four eyes); nothing was changed
  kConflict,       // already done or clashing with what is stored; nothing was changed
};

struct Error {
  ErrorCode code = ErrorCode::kBadInput;
  std::string message;
};

inline Unexpected<Error> Fail(ErrorCode code, std::string message) {
  return Unexpected(Error{code, std::move(message)});
}

// Process exit code for an error (documented in the README).
int ExitCodeFor(ErrorCode code);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_ERROR_H_
