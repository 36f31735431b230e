// Helpers shared by the app layer's tests (never linked into the product).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "core/error.h"

namespace tend {

// The message of an error with each field error after it ("...; lines[2].quantity: ...").
inline std::string describe(const Error& e) {
  std::string out = e.message;
  for (const auto& f : e.fields) out += "; " + f.field + ": " + f.message;
  return out;
}

// The value of a result that must have succeeded; throws (failing the
// test with the error's description) otherwise.
template <class T>
T ok(Result<T> result) {
  if (!result) throw std::runtime_error(describe(result.error()));
  return std::move(*result);
}

inline void ok(Status status) {
  if (!status) throw std::runtime_error(describe(status.error()));
}

}  // namespace tend
