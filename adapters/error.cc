#include "adapters/error.h"

namespace ontzorg {

int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadInput: return 3;
    case ErrorCode::kBadConfig: return 4;
    case ErrorCode::kNoStore: return 5;
    case ErrorCode::kStorage: return 6;
    case ErrorCode::kIo: return 7;
    case ErrorCode::kInvalidOutput: return 8;
    case ErrorCode::kRefused: return 9;
    case ErrorCode::kConflict: return 10;
  }
  return 1;
}

}  // namespace ontzorg
