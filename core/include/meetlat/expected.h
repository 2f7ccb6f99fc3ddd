// Expected<T>: a value or an error message that the caller must inspect.
// Used for every operation whose failure is caused by input (files, submissions, packs, scripts),
// so failures travel as values instead of exceptions (house style, point 5 and 6).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace meetlat {

/// An error travelling as a value: a human-readable message (Dutch for users, English for
/// engine internals) and, where known, where it happened.
struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : data_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Expected(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(data_);
  }

 private:
  std::variant<T, Error> data_;
};

}  // namespace meetlat
