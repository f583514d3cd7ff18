// Result<T, E>: the value of an operation that can be refused, without exceptions.
//
// The member names follow std::expected (C++23), so this header can become an alias for it once
// the project moves past g++ 12. E is, by convention, an `enum class` whose enumerators each carry
// a comment saying what was refused and why.
#ifndef ONTZORG_ENGINE_RESULT_H_
#define ONTZORG_ENGINE_RESULT_H_

#include <utility>
#include <variant>

#include "engine/invariant.h"

namespace ontzorg {

// Wraps an error value so that Result<T, E> can be built from it unambiguously.
template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  const E& error() const { return error_; }

 private:
  E error_;
};

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}   // NOLINT: implicit
  Result(Unexpected<E> e) : state_(std::in_place_index<1>, e.error()) {}  // NOLINT: implicit

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // Precondition: has_value(). Reading the value of an error is a programming error.
  const T& value() const& {
    OZ_INVARIANT(has_value(), "Result::value() called on an error");
    return std::get<0>(state_);
  }
  T&& value() && {
    OZ_INVARIANT(has_value(), "Result::value() called on an error");
    return std::get<0>(std::move(state_));
  }
  // Precondition: !has_value().
  const E& error() const {
    OZ_INVARIANT(!has_value(), "Result::error() called on a value");
    return std::get<1>(state_);
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> state_;
};

// A Result that carries no value on success.
template <typename E>
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Unexpected<E> e) : error_(e.error()), ok_(false) {}  // NOLINT: implicit
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const {
    OZ_INVARIANT(!ok_, "Status::error() called on success");
    return error_;
  }

 private:
  E error_{};
  bool ok_ = true;
};

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_RESULT_H_
