#pragma once
// Result<T>: a value or an Error, the return type of every fallible core function.
//
//   Result<Uri> r = parse_uri("sips:alice@example.com");
//   if (!r) return Unexpected(r.error());   // or: log(r.error().message())
//   use(*r);
//
// A small stand-in for C++23 std::expected (GCC 12 has it only under -std=c++23).

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/error.hpp"

namespace sotto {

template <class E = Error>
struct Unexpected {
  E error;
  explicit Unexpected(E e) : error(std::move(e)) {}
};
Unexpected(Error) -> Unexpected<Error>;

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  template <class U = T, std::enable_if_t<std::is_constructible_v<T, U&&>, int> = 0>
  Result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}  // NOLINT(google-explicit-constructor)
  template <class G>
  Result(Unexpected<G> u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& { assert(!has_value()); return std::get<1>(v_); }
  E&& error() && { assert(!has_value()); return std::get<1>(std::move(v_)); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> v_;
};

// Result<void>: success or an Error.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  using value_type = void;
  using error_type = E;
  Result() = default;
  template <class G>
  Result(Unexpected<G> u) : e_(std::move(u.error)), ok_(false) {}  // NOLINT
  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const { assert(ok_); }
  const E& error() const& { assert(!ok_); return e_; }

 private:
  E e_{};
  bool ok_ = true;
};

using Status = Result<void>;

inline Unexpected<Error> fail(Errc code, std::string context) {
  return Unexpected<Error>(Error{code, std::move(context)});
}

}  // namespace sotto
