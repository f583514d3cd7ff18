#include "engine/invariant.h"

#include <cstdio>
#include <cstdlib>

namespace ontzorg {

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): called only by the OZ_INVARIANT macro
void InvariantFailed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "invariant broken: %s at %s:%d\n", what, file, line);
  std::abort();
}

}  // namespace ontzorg
