// Overflow-checked arithmetic for the reference model.
//
// Every size, offset and extent in the oracle is a Py_ssize_t-sized quantity: a non-negative value
// that must fit in int64_t. These helpers either return the exact result or throw
// bufconf::Overflow naming what overflowed; they never wrap.
#ifndef BUFCONF_REFERENCE_CHECKED_H_
#define BUFCONF_REFERENCE_CHECKED_H_

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace bufconf {

// The largest size the buffer protocol can describe (PY_SSIZE_T_MAX on LP64).
inline constexpr uint64_t kMaxSize = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

class Overflow : public std::runtime_error {
 public:
  explicit Overflow(const std::string& what)
      : std::runtime_error(what + " exceeds PY_SSIZE_T_MAX") {}
};

// a + b, both sizes.
inline uint64_t AddSize(uint64_t a, uint64_t b, const char* what) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r) || r > kMaxSize) throw Overflow(what);
  return r;
}

// a * b, both sizes.
inline uint64_t MulSize(uint64_t a, uint64_t b, const char* what) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r) || r > kMaxSize) throw Overflow(what);
  return r;
}

// The smallest multiple of `alignment` (>= 1) that is >= n.
inline uint64_t RoundUp(uint64_t n, uint64_t alignment, const char* what) {
  if (alignment <= 1) return n;
  uint64_t rem = n % alignment;
  return rem == 0 ? n : AddSize(n, alignment - rem, what);
}

inline uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// lcm(a, b) for alignments (>= 1).
inline uint64_t Lcm(uint64_t a, uint64_t b, const char* what) {
  return MulSize(a / Gcd(a, b), b, what);
}

}  // namespace bufconf

#endif  // BUFCONF_REFERENCE_CHECKED_H_
