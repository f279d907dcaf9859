// An optional value kept on the heap: one pointer in its owner while empty, for the fields of a
// state that most instances never set (an idle aggregate's state stays in memory, a million times
// over). It reads, assigns and compares like std::optional<T>.
#pragma once

#include <concepts>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace ordo::domain {

template <class T>
class boxed_optional {
 public:
  boxed_optional() = default;
  boxed_optional(std::nullopt_t) {}
  // From anything a T is made of ("text" for a string), as std::optional.
  template <class U = T>
  requires(std::constructible_from<T, U&&> &&
           !std::same_as<std::remove_cvref_t<U>, boxed_optional> &&
           !std::same_as<std::remove_cvref_t<U>, std::optional<T>> &&
           !std::same_as<std::remove_cvref_t<U>, std::nullopt_t>) boxed_optional(U&& value)
      : value_(std::make_unique<T>(std::forward<U>(value))) {}
  boxed_optional(const std::optional<T>& value) {
    if (value) value_ = std::make_unique<T>(*value);
  }
  boxed_optional(std::optional<T>&& value) {
    if (value) value_ = std::make_unique<T>(std::move(*value));
  }
  boxed_optional(const boxed_optional& other) {
    if (other) value_ = std::make_unique<T>(*other);
  }
  boxed_optional(boxed_optional&&) noexcept = default;
  boxed_optional& operator=(const boxed_optional& other) {
    if (this != &other) value_ = other ? std::make_unique<T>(*other) : nullptr;
    return *this;
  }
  boxed_optional& operator=(boxed_optional&&) noexcept = default;

  bool has_value() const noexcept { return value_ != nullptr; }
  explicit operator bool() const noexcept { return has_value(); }
  // REQUIRES: has_value().
  const T& operator*() const { return *value_; }
  T& operator*() { return *value_; }
  const T* operator->() const { return value_.get(); }
  T* operator->() { return value_.get(); }
  const T& value() const {
    if (!value_) throw std::bad_optional_access();
    return *value_;
  }
  template <class... Args>
  T& emplace(Args&&... args) {
    value_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *value_;
  }
  void reset() noexcept { value_.reset(); }
  std::optional<T> as_optional() const { return value_ ? std::optional<T>(*value_) : std::nullopt; }

  friend bool operator==(const boxed_optional& a, const boxed_optional& b) {
    return a.has_value() == b.has_value() && (!a || *a == *b);
  }
  friend bool operator==(const boxed_optional& a, std::nullopt_t) { return !a; }
  friend bool operator==(const boxed_optional& a, const std::optional<T>& b) {
    return a.has_value() == b.has_value() && (!a || *a == *b);
  }
  // Like std::optional: equal to a value only when set to an equal one.
  template <class U>
  requires(!std::same_as<U, boxed_optional> && !std::same_as<U, std::optional<T>> &&
           !std::same_as<U, std::nullopt_t> && std::equality_comparable_with<T, U>) friend bool
  operator==(const boxed_optional& a, const U& b) {
    return a && *a == b;
  }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace ordo::domain
