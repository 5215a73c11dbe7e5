#include "reference/format/peak_alloc.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace bufconf::testing {
namespace {

std::atomic<size_t> live{0};
std::atomic<size_t> peak{0};
std::atomic<size_t> base{0};

void* Allocate(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  const size_t now = live.fetch_add(malloc_usable_size(p)) + malloc_usable_size(p);
  size_t seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
  return p;
}

void Release(void* p) {
  if (p == nullptr) return;
  live.fetch_sub(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

void ResetPeakAllocation() {
  base = live.load();
  peak = base.load();
}

size_t PeakAllocationSinceReset() { return peak.load() - base.load(); }

}  // namespace bufconf::testing

void* operator new(size_t size) { return bufconf::testing::Allocate(size); }
void* operator new[](size_t size) { return bufconf::testing::Allocate(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  try {
    return bufconf::testing::Allocate(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  try {
    return bufconf::testing::Allocate(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { bufconf::testing::Release(p); }
void operator delete[](void* p) noexcept { bufconf::testing::Release(p); }
void operator delete(void* p, size_t) noexcept { bufconf::testing::Release(p); }
void operator delete[](void* p, size_t) noexcept { bufconf::testing::Release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { bufconf::testing::Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { bufconf::testing::Release(p); }
