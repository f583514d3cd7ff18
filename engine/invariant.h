// Always-on invariant checks. A broken invariant (a ledger entry whose debits differ from its
// credits, an overdrawn balance) means the program is wrong, so it stops at once instead of paying
// money on a corrupt state. User input must never reach an invariant: it gets a Result error.
#ifndef ONTZORG_ENGINE_INVARIANT_H_
#define ONTZORG_ENGINE_INVARIANT_H_

namespace ontzorg {

// Prints "invariant broken: <what> at <file>:<line>" to stderr and aborts. Never returns.
[[noreturn]] void InvariantFailed(const char* what, const char* file, int line);

}  // namespace ontzorg

#define OZ_INVARIANT(cond, what)                                         \
  do {                                                                   \
    if (!(cond)) ::ontzorg::InvariantFailed((what), __FILE__, __LINE__); \
  } while (false)

#endif  // ONTZORG_ENGINE_INVARIANT_H_
