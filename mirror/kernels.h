// The inner loops of bufconf mirror (internal): 2-D copies of items between two strided planes,
// specialised by item size (memcpy of a constant size compiles to moves), reversed lines, a
// broadcast fill, long runs with non-temporal stores, and cache-blocked tiles for transposes
// (in-register transposes of 1-, 2-, 4- and 8-byte items with SSE2, or AVX2 when the processor
// has it, where the source is contiguous along one axis and the destination along the other;
// with AVX2, tiles go through L1 buffers and may be written with non-temporal stores).
//
// A plane is `a.n` lines of `b.n` items: item (i, j) goes from s + i*a.s + j*b.s to
// d + i*a.d + j*b.d. Callers guarantee that every such address is inside the memory of the
// views (offsets were overflow-checked when the plan was made) and that writes do not overlap
// reads or each other. Kernels that store non-temporally fence (sfence) before they return.
#ifndef BUFCONF_MIRROR_KERNELS_H_
#define BUFCONF_MIRROR_KERNELS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bufconf::mirror {

// One dimension of a copy: extent, destination stride, source stride (bytes).
struct Dim {
  ptrdiff_t n;
  ptrdiff_t d;
  ptrdiff_t s;
};

// Copies the plane (a, b) of items of `k` bytes. Dimensions are passed by value: stores through
// char* cannot change them, so loops keep them in registers.
using PlaneFn = void (*)(char* d, const char* s, Dim a, Dim b, ptrdiff_t k);

// ---- plain planes ----

template <int K>
void PlaneK(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  for (ptrdiff_t i = 0; i < a.n; ++i) {
    char* dd = d + i * a.d;
    const char* ss = s + i * a.s;
    if (b.d == K) {
      for (ptrdiff_t j = 0; j < b.n; ++j) std::memcpy(dd + j * K, ss + j * b.s, K);
    } else if (b.s == K) {
      for (ptrdiff_t j = 0; j < b.n; ++j) std::memcpy(dd + j * b.d, ss + j * K, K);
    } else {
      for (ptrdiff_t j = 0; j < b.n; ++j) std::memcpy(dd + j * b.d, ss + j * b.s, K);
    }
  }
}

// Any item size (large items: one memcpy per item, e.g. a contiguous run per line).
inline void PlaneAny(char* d, const char* s, Dim a, Dim b, ptrdiff_t k) {
  const size_t size = static_cast<size_t>(k);
  for (ptrdiff_t i = 0; i < a.n; ++i) {
    char* dd = d + i * a.d;
    const char* ss = s + i * a.s;
    for (ptrdiff_t j = 0; j < b.n; ++j) std::memcpy(dd + j * b.d, ss + j * b.s, size);
  }
}

// One byte broadcast along b into a contiguous destination line.
inline void PlaneFill1(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  for (ptrdiff_t i = 0; i < a.n; ++i) {
    std::memset(d + i * a.d, static_cast<unsigned char>(s[i * a.s]), static_cast<size_t>(b.n));
  }
}

// ---- reversed lines: b.d == K, b.s == -K (K = 1, 2, 4): eight bytes at a time ----

template <int K>
inline uint64_t ReverseItems(uint64_t w) {
  if constexpr (K == 1) {
    return __builtin_bswap64(w);
  } else if constexpr (K == 2) {
    w = __builtin_bswap64(w);
    constexpr uint64_t kLow = 0x00ff00ff00ff00ffull;
    return ((w >> 8) & kLow) | ((w & kLow) << 8);
  } else {
    static_assert(K == 4, "items of 1, 2 or 4 bytes");
    return (w >> 32) | (w << 32);
  }
}

template <int K>
void PlaneReverse(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  constexpr ptrdiff_t kPer = 8 / K;  // items per word
  for (ptrdiff_t r = 0; r < a.n; ++r) {
    char* dd = d + r * a.d;
    const char* ss = s + r * a.s;  // item j is at ss - j*K
    const ptrdiff_t n = b.n;
    ptrdiff_t j = 0;
    for (; j + 2 * kPer <= n; j += 2 * kPer) {
      uint64_t w0, w1;
      std::memcpy(&w0, ss - (j + kPer - 1) * K, 8);
      std::memcpy(&w1, ss - (j + 2 * kPer - 1) * K, 8);
      w0 = ReverseItems<K>(w0);
      w1 = ReverseItems<K>(w1);
      std::memcpy(dd + j * K, &w0, 8);
      std::memcpy(dd + (j + kPer) * K, &w1, 8);
    }
    for (; j < n; ++j) std::memcpy(dd + j * K, ss - j * K, K);
  }
}

// ---- tiles: a is the source's fast axis, b the destination's (a transpose) ----

// Items per tile side: about 2-4 KiB of each side per tile (fits L1 with room to spare).
template <int K>
constexpr ptrdiff_t TileSide() {
  return K <= 2 ? 64 : K <= 4 ? 32 : K <= 8 ? 32 : 16;
}

template <int K>
void TileK(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  constexpr ptrdiff_t kB = TileSide<K>();
  for (ptrdiff_t i0 = 0; i0 < a.n; i0 += kB) {
    const ptrdiff_t i1 = std::min(i0 + kB, a.n);
    for (ptrdiff_t j0 = 0; j0 < b.n; j0 += kB) {
      const ptrdiff_t j1 = std::min(j0 + kB, b.n);
      for (ptrdiff_t i = i0; i < i1; ++i) {
        char* dd = d + i * a.d;
        const char* ss = s + i * a.s;
        for (ptrdiff_t j = j0; j < j1; ++j) std::memcpy(dd + j * b.d, ss + j * b.s, K);
      }
    }
  }
}

inline void TileAny(char* d, const char* s, Dim a, Dim b, ptrdiff_t k) {
  constexpr ptrdiff_t kB = 16;
  const size_t size = static_cast<size_t>(k);
  for (ptrdiff_t i0 = 0; i0 < a.n; i0 += kB) {
    const ptrdiff_t i1 = std::min(i0 + kB, a.n);
    for (ptrdiff_t j0 = 0; j0 < b.n; j0 += kB) {
      const ptrdiff_t j1 = std::min(j0 + kB, b.n);
      for (ptrdiff_t i = i0; i < i1; ++i) {
        for (ptrdiff_t j = j0; j < j1; ++j) {
          std::memcpy(d + i * a.d + j * b.d, s + i * a.s + j * b.s, size);
        }
      }
    }
  }
}

// ---- SIMD transposes: source contiguous along a (a.s == K), destination along b (b.d == K) ----
//
// An MI x MJ microkernel MICRO(q, da, p, sb) reads MJ source rows of MI items (row r at
// p + r*sb) and writes them transposed as MI destination rows of MJ items (row r at q + r*da),
// all in registers (moves and shuffles only: bit-exact for any item). Tiles of BI x BJ items;
// ragged edges item by item.

// Items (i, j) for i in [i0, i1), j in [j0, j1), one by one.
template <int K>
inline void EdgeCopy(char* d, const char* s, ptrdiff_t da, ptrdiff_t sb, ptrdiff_t i0, ptrdiff_t i1,
                     ptrdiff_t j0, ptrdiff_t j1) {
  for (ptrdiff_t i = i0; i < i1; ++i) {
    for (ptrdiff_t j = j0; j < j1; ++j) std::memcpy(d + i * da + j * K, s + i * K + j * sb, K);
  }
}

// How many items of a line to copy one by one so that the rest starts `align`-aligned (0 when
// rows are not all equally aligned or items do not divide the misalignment).
template <int K>
inline ptrdiff_t Skip(const char* p, ptrdiff_t row_pitch, ptrdiff_t n, ptrdiff_t align) {
  const ptrdiff_t mis = static_cast<ptrdiff_t>(reinterpret_cast<uintptr_t>(p) % align);
  if (mis == 0 || row_pitch % align != 0 || mis % K != 0) return 0;
  return std::min<ptrdiff_t>((align - mis) / K, n);
}

// The loops of a blocked transpose (a macro: its body must be compiled for the target of the
// function it is expanded in, so that the microkernel inlines). Tiles are BI items along a (the
// source's fast axis) by BJ along b (the destination's); the outer loop takes strips of BJ source
// lines and walks each strip along a, so that every source line of a strip is read from start to
// end (a stream the prefetchers follow) while the destination is written BJ items at a time per
// line. The grid is shifted so that stores (and loads) are ALIGN-aligned when all lines are.
#define BUFCONF_MIRROR_TILE_LOOPS(K, MI, MJ, BI, BJ, ALIGN, MICRO)   \
  const ptrdiff_t sb = b.s, da = a.d;                                \
  const ptrdiff_t skip_j = Skip<K>(d, da, b.n, ALIGN);               \
  const ptrdiff_t skip_i = Skip<K>(s, sb, a.n, ALIGN);               \
  EdgeCopy<K>(d, s, da, sb, 0, a.n, 0, skip_j);                      \
  EdgeCopy<K>(d, s, da, sb, 0, skip_i, skip_j, b.n);                 \
  for (ptrdiff_t j0 = skip_j; j0 < b.n; j0 += (BJ)) {                \
    const ptrdiff_t j1 = std::min<ptrdiff_t>(j0 + (BJ), b.n);        \
    const ptrdiff_t jm = j0 + (j1 - j0) / (MJ) * (MJ);               \
    for (ptrdiff_t i0 = skip_i; i0 < a.n; i0 += (BI)) {              \
      const ptrdiff_t i1 = std::min<ptrdiff_t>(i0 + (BI), a.n);      \
      const ptrdiff_t im = i0 + (i1 - i0) / (MI) * (MI);             \
      for (ptrdiff_t i = i0; i < im; i += (MI)) {                    \
        for (ptrdiff_t j = j0; j < jm; j += (MJ)) {                  \
          MICRO(d + i * da + j * (K), da, s + j * sb + i * (K), sb); \
        }                                                            \
      }                                                              \
      EdgeCopy<K>(d, s, da, sb, im, i1, j0, jm);                     \
      EdgeCopy<K>(d, s, da, sb, i0, i1, jm, j1);                     \
    }                                                                \
  }

#if defined(__SSE2__)

inline __m128i Load16(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline void Store16(char* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
inline __m128i Load8(const char* p) { return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)); }
inline void Store8(char* p, __m128i v) { _mm_storel_epi64(reinterpret_cast<__m128i*>(p), v); }

// 8x8 bytes.
inline void Micro1x8(char* q, ptrdiff_t da, const char* p, ptrdiff_t sb) {
  const __m128i a0 = _mm_unpacklo_epi8(Load8(p), Load8(p + sb));
  const __m128i a1 = _mm_unpacklo_epi8(Load8(p + 2 * sb), Load8(p + 3 * sb));
  const __m128i a2 = _mm_unpacklo_epi8(Load8(p + 4 * sb), Load8(p + 5 * sb));
  const __m128i a3 = _mm_unpacklo_epi8(Load8(p + 6 * sb), Load8(p + 7 * sb));
  const __m128i b0 = _mm_unpacklo_epi16(a0, a1), b1 = _mm_unpackhi_epi16(a0, a1);
  const __m128i b2 = _mm_unpacklo_epi16(a2, a3), b3 = _mm_unpackhi_epi16(a2, a3);
  const __m128i c0 = _mm_unpacklo_epi32(b0, b2), c1 = _mm_unpackhi_epi32(b0, b2);
  const __m128i c2 = _mm_unpacklo_epi32(b1, b3), c3 = _mm_unpackhi_epi32(b1, b3);
  Store8(q, c0);
  Store8(q + da, _mm_srli_si128(c0, 8));
  Store8(q + 2 * da, c1);
  Store8(q + 3 * da, _mm_srli_si128(c1, 8));
  Store8(q + 4 * da, c2);
  Store8(q + 5 * da, _mm_srli_si128(c2, 8));
  Store8(q + 6 * da, c3);
  Store8(q + 7 * da, _mm_srli_si128(c3, 8));
}

// 8x8 2-byte items.
inline void Micro2x8(char* q, ptrdiff_t da, const char* p, ptrdiff_t sb) {
  const __m128i r0 = Load16(p), r1 = Load16(p + sb), r2 = Load16(p + 2 * sb),
                r3 = Load16(p + 3 * sb), r4 = Load16(p + 4 * sb), r5 = Load16(p + 5 * sb),
                r6 = Load16(p + 6 * sb), r7 = Load16(p + 7 * sb);
  const __m128i t0 = _mm_unpacklo_epi16(r0, r1), t1 = _mm_unpackhi_epi16(r0, r1);
  const __m128i t2 = _mm_unpacklo_epi16(r2, r3), t3 = _mm_unpackhi_epi16(r2, r3);
  const __m128i t4 = _mm_unpacklo_epi16(r4, r5), t5 = _mm_unpackhi_epi16(r4, r5);
  const __m128i t6 = _mm_unpacklo_epi16(r6, r7), t7 = _mm_unpackhi_epi16(r6, r7);
  const __m128i b0 = _mm_unpacklo_epi32(t0, t2), b1 = _mm_unpackhi_epi32(t0, t2);
  const __m128i b2 = _mm_unpacklo_epi32(t1, t3), b3 = _mm_unpackhi_epi32(t1, t3);
  const __m128i b4 = _mm_unpacklo_epi32(t4, t6), b5 = _mm_unpackhi_epi32(t4, t6);
  const __m128i b6 = _mm_unpacklo_epi32(t5, t7), b7 = _mm_unpackhi_epi32(t5, t7);
  Store16(q, _mm_unpacklo_epi64(b0, b4));
  Store16(q + da, _mm_unpackhi_epi64(b0, b4));
  Store16(q + 2 * da, _mm_unpacklo_epi64(b1, b5));
  Store16(q + 3 * da, _mm_unpackhi_epi64(b1, b5));
  Store16(q + 4 * da, _mm_unpacklo_epi64(b2, b6));
  Store16(q + 5 * da, _mm_unpackhi_epi64(b2, b6));
  Store16(q + 6 * da, _mm_unpacklo_epi64(b3, b7));
  Store16(q + 7 * da, _mm_unpackhi_epi64(b3, b7));
}

// 4x4 4-byte items.
inline void Micro4x4(char* q, ptrdiff_t da, const char* p, ptrdiff_t sb) {
  const __m128i r0 = Load16(p), r1 = Load16(p + sb), r2 = Load16(p + 2 * sb),
                r3 = Load16(p + 3 * sb);
  const __m128i t0 = _mm_unpacklo_epi32(r0, r1), t1 = _mm_unpacklo_epi32(r2, r3);
  const __m128i t2 = _mm_unpackhi_epi32(r0, r1), t3 = _mm_unpackhi_epi32(r2, r3);
  Store16(q, _mm_unpacklo_epi64(t0, t1));
  Store16(q + da, _mm_unpackhi_epi64(t0, t1));
  Store16(q + 2 * da, _mm_unpacklo_epi64(t2, t3));
  Store16(q + 3 * da, _mm_unpackhi_epi64(t2, t3));
}

// 2x2 8-byte items.
inline void Micro8x2(char* q, ptrdiff_t da, const char* p, ptrdiff_t sb) {
  const __m128i r0 = Load16(p), r1 = Load16(p + sb);
  Store16(q, _mm_unpacklo_epi64(r0, r1));
  Store16(q + da, _mm_unpackhi_epi64(r0, r1));
}

inline void Tile1Sse2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(1, 8, 8, 128, 128, 8, Micro1x8)
}
inline void Tile2Sse2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(2, 8, 8, 64, 64, 16, Micro2x8)
}
inline void Tile4Sse2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(4, 4, 4, 64, 64, 16, Micro4x4)
}
inline void Tile8Sse2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(8, 2, 2, 32, 32, 16, Micro8x2)
}

// Gathers into a contiguous destination line (b.d == K, any source stride b.s): four items a
// step, assembled in registers and stored 16 bytes at a time (half the stores of PlaneK).
inline void PlaneGather8(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  for (ptrdiff_t i = 0; i < a.n; ++i) {
    char* dd = d + i * a.d;
    const char* ss = s + i * a.s;
    ptrdiff_t j = 0;
    for (; j + 4 <= b.n; j += 4) {
      const char* p = ss + j * b.s;
      const __m128i v = _mm_unpacklo_epi64(Load8(p), Load8(p + b.s));
      const __m128i w = _mm_unpacklo_epi64(Load8(p + 2 * b.s), Load8(p + 3 * b.s));
      Store16(dd + j * 8, v);
      Store16(dd + j * 8 + 16, w);
    }
    for (; j < b.n; ++j) std::memcpy(dd + j * 8, ss + j * b.s, 8);
  }
}

inline __m128i Load4(const char* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm_cvtsi32_si128(v);
}

inline void PlaneGather4(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  for (ptrdiff_t i = 0; i < a.n; ++i) {
    char* dd = d + i * a.d;
    const char* ss = s + i * a.s;
    ptrdiff_t j = 0;
    for (; j + 4 <= b.n; j += 4) {
      const char* p = ss + j * b.s;
      const __m128i lo = _mm_unpacklo_epi32(Load4(p), Load4(p + b.s));
      const __m128i hi = _mm_unpacklo_epi32(Load4(p + 2 * b.s), Load4(p + 3 * b.s));
      Store16(dd + j * 4, _mm_unpacklo_epi64(lo, hi));
    }
    for (; j < b.n; ++j) std::memcpy(dd + j * 4, ss + j * b.s, 4);
  }
}

// Writes n bytes (a multiple of 16) from the 16-byte-aligned p to q: non-temporal stores when
// STREAM and q is 16-byte aligned, else memcpy.
template <bool STREAM>
inline void PutLine(char* q, const char* p, ptrdiff_t n) {
  if (STREAM && reinterpret_cast<uintptr_t>(q) % 16 == 0) {
    for (ptrdiff_t x = 0; x < n; x += 16) {
      _mm_stream_si128(reinterpret_cast<__m128i*>(q + x),
                       _mm_load_si128(reinterpret_cast<const __m128i*>(p + x)));
    }
    return;
  }
  std::memcpy(q, p, static_cast<size_t>(n));
}

// memcpy of n bytes with non-temporal stores (the caller fences): the head up to a 16-byte
// boundary of q and the tail by memcpy, 64 bytes a step between.
inline void CopyStream(char* q, const char* p, ptrdiff_t n) {
  const ptrdiff_t head = std::min<ptrdiff_t>(n, (16 - reinterpret_cast<uintptr_t>(q) % 16) % 16);
  std::memcpy(q, p, static_cast<size_t>(head));
  ptrdiff_t x = head;
  for (; x + 64 <= n; x += 64) {
    const __m128i v0 = Load16(p + x), v1 = Load16(p + x + 16), v2 = Load16(p + x + 32),
                  v3 = Load16(p + x + 48);
    _mm_stream_si128(reinterpret_cast<__m128i*>(q + x), v0);
    _mm_stream_si128(reinterpret_cast<__m128i*>(q + x + 16), v1);
    _mm_stream_si128(reinterpret_cast<__m128i*>(q + x + 32), v2);
    _mm_stream_si128(reinterpret_cast<__m128i*>(q + x + 48), v3);
  }
  std::memcpy(q + x, p + x, static_cast<size_t>(n - x));
}

// PlaneAny for long runs (items of k >= kStreamRun bytes: contiguous runs), streaming.
constexpr ptrdiff_t kStreamRun = 512;
inline void PlaneRunStream(char* d, const char* s, Dim a, Dim b, ptrdiff_t k) {
  for (ptrdiff_t i = 0; i < a.n; ++i) {
    for (ptrdiff_t j = 0; j < b.n; ++j) CopyStream(d + i * a.d + j * b.d, s + i * a.s + j * b.s, k);
  }
  _mm_sfence();
}

inline void StoreFence() { _mm_sfence(); }

#else  // no SSE2: no non-temporal stores

constexpr ptrdiff_t kStreamRun = 512;
inline void CopyStream(char* q, const char* p, ptrdiff_t n) {
  std::memcpy(q, p, static_cast<size_t>(n));
}
inline void PlaneRunStream(char* d, const char* s, Dim a, Dim b, ptrdiff_t k) {
  PlaneAny(d, s, a, b, k);
}
inline void StoreFence() {}

#endif  // __SSE2__

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BUFCONF_MIRROR_AVX2 1
#include <immintrin.h>

// AVX2 (chosen at run time, when the processor has it): 8x8 4-byte and 4x4 8-byte items.
__attribute__((target("avx2"), always_inline)) inline void Micro4x8Avx2(char* q, ptrdiff_t da,
                                                                        const char* p,
                                                                        ptrdiff_t sb) {
#define BUFCONF_MIRROR_LOAD(k) _mm256_loadu_ps(reinterpret_cast<const float*>(p + (k)*sb))
  const __m256 r0 = BUFCONF_MIRROR_LOAD(0), r1 = BUFCONF_MIRROR_LOAD(1),
               r2 = BUFCONF_MIRROR_LOAD(2), r3 = BUFCONF_MIRROR_LOAD(3),
               r4 = BUFCONF_MIRROR_LOAD(4), r5 = BUFCONF_MIRROR_LOAD(5),
               r6 = BUFCONF_MIRROR_LOAD(6), r7 = BUFCONF_MIRROR_LOAD(7);
#undef BUFCONF_MIRROR_LOAD
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
#define BUFCONF_MIRROR_STORE(k, v) _mm256_storeu_ps(reinterpret_cast<float*>(q + (k)*da), v)
  BUFCONF_MIRROR_STORE(0, _mm256_permute2f128_ps(u0, u4, 0x20));
  BUFCONF_MIRROR_STORE(1, _mm256_permute2f128_ps(u1, u5, 0x20));
  BUFCONF_MIRROR_STORE(2, _mm256_permute2f128_ps(u2, u6, 0x20));
  BUFCONF_MIRROR_STORE(3, _mm256_permute2f128_ps(u3, u7, 0x20));
  BUFCONF_MIRROR_STORE(4, _mm256_permute2f128_ps(u0, u4, 0x31));
  BUFCONF_MIRROR_STORE(5, _mm256_permute2f128_ps(u1, u5, 0x31));
  BUFCONF_MIRROR_STORE(6, _mm256_permute2f128_ps(u2, u6, 0x31));
  BUFCONF_MIRROR_STORE(7, _mm256_permute2f128_ps(u3, u7, 0x31));
#undef BUFCONF_MIRROR_STORE
}

__attribute__((target("avx2"), always_inline)) inline void Micro8x4Avx2(char* q, ptrdiff_t da,
                                                                        const char* p,
                                                                        ptrdiff_t sb) {
  const __m256d r0 = _mm256_loadu_pd(reinterpret_cast<const double*>(p));
  const __m256d r1 = _mm256_loadu_pd(reinterpret_cast<const double*>(p + sb));
  const __m256d r2 = _mm256_loadu_pd(reinterpret_cast<const double*>(p + 2 * sb));
  const __m256d r3 = _mm256_loadu_pd(reinterpret_cast<const double*>(p + 3 * sb));
  const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
  const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
  _mm256_storeu_pd(reinterpret_cast<double*>(q), _mm256_permute2f128_pd(t0, t2, 0x20));
  _mm256_storeu_pd(reinterpret_cast<double*>(q + da), _mm256_permute2f128_pd(t1, t3, 0x20));
  _mm256_storeu_pd(reinterpret_cast<double*>(q + 2 * da), _mm256_permute2f128_pd(t0, t2, 0x31));
  _mm256_storeu_pd(reinterpret_cast<double*>(q + 3 * da), _mm256_permute2f128_pd(t1, t3, 0x31));
}

// 16 source rows of 32 bytes -> 32 destination rows of 16 bytes. Four rounds of byte, word,
// dword and qword interleaves within each 128-bit lane leave, in register k, column k of the
// 16 rows in the low lane and column 16 + k in the high lane.
__attribute__((target("avx2"), always_inline)) inline void Micro1x16Avx2(char* q, ptrdiff_t da,
                                                                         const char* p,
                                                                         ptrdiff_t sb) {
  __m256i r[16], t[16];
  _Pragma("GCC unroll 16") for (int k = 0; k < 16; ++k) {
    r[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k * sb));
  }
  _Pragma("GCC unroll 16") for (int k = 0; k < 8; ++k) {
    t[k] = _mm256_unpacklo_epi8(r[2 * k], r[2 * k + 1]);
    t[k + 8] = _mm256_unpackhi_epi8(r[2 * k], r[2 * k + 1]);
  }
  _Pragma("GCC unroll 16") for (int k = 0; k < 4; ++k) {
    r[k] = _mm256_unpacklo_epi16(t[2 * k], t[2 * k + 1]);
    r[k + 4] = _mm256_unpackhi_epi16(t[2 * k], t[2 * k + 1]);
    r[k + 8] = _mm256_unpacklo_epi16(t[2 * k + 8], t[2 * k + 9]);
    r[k + 12] = _mm256_unpackhi_epi16(t[2 * k + 8], t[2 * k + 9]);
  }
  _Pragma("GCC unroll 16") for (int h = 0; h < 16; h += 4) {
    t[h] = _mm256_unpacklo_epi32(r[h], r[h + 1]);
    t[h + 1] = _mm256_unpackhi_epi32(r[h], r[h + 1]);
    t[h + 2] = _mm256_unpacklo_epi32(r[h + 2], r[h + 3]);
    t[h + 3] = _mm256_unpackhi_epi32(r[h + 2], r[h + 3]);
  }
  _Pragma("GCC unroll 16") for (int h = 0; h < 16; h += 4) {
    r[h] = _mm256_unpacklo_epi64(t[h], t[h + 2]);
    r[h + 1] = _mm256_unpackhi_epi64(t[h], t[h + 2]);
    r[h + 2] = _mm256_unpacklo_epi64(t[h + 1], t[h + 3]);
    r[h + 3] = _mm256_unpackhi_epi64(t[h + 1], t[h + 3]);
  }
  // r[k] holds column k of the 16 rows in its low lane, column 16 + k in its high lane.
  _Pragma("GCC unroll 16") for (int k = 0; k < 16; ++k) {
    const __m256i v = r[k];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + k * da), _mm256_castsi256_si128(v));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + (k + 16) * da), _mm256_extracti128_si256(v, 1));
  }
}

// 8 source rows of 16 two-byte items -> 16 destination rows of 8 items: the SSE2 8x8 rounds in
// both lanes (column k in the low lane, column 8 + k in the high lane).
__attribute__((target("avx2"), always_inline)) inline void Micro2x16Avx2(char* q, ptrdiff_t da,
                                                                         const char* p,
                                                                         ptrdiff_t sb) {
  __m256i r[8], t[8];
  _Pragma("GCC unroll 16") for (int k = 0; k < 8; ++k) {
    r[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k * sb));
  }
  _Pragma("GCC unroll 16") for (int k = 0; k < 4; ++k) {
    t[2 * k] = _mm256_unpacklo_epi16(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm256_unpackhi_epi16(r[2 * k], r[2 * k + 1]);
  }
  _Pragma("GCC unroll 16") for (int h = 0; h < 8; h += 4) {
    r[h] = _mm256_unpacklo_epi32(t[h], t[h + 2]);
    r[h + 1] = _mm256_unpackhi_epi32(t[h], t[h + 2]);
    r[h + 2] = _mm256_unpacklo_epi32(t[h + 1], t[h + 3]);
    r[h + 3] = _mm256_unpackhi_epi32(t[h + 1], t[h + 3]);
  }
  _Pragma("GCC unroll 16") for (int k = 0; k < 4; ++k) {
    t[2 * k] = _mm256_unpacklo_epi64(r[k], r[k + 4]);
    t[2 * k + 1] = _mm256_unpackhi_epi64(r[k], r[k + 4]);
  }
  _Pragma("GCC unroll 16") for (int k = 0; k < 8; ++k) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + k * da), _mm256_castsi256_si128(t[k]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + (k + 8) * da),
                     _mm256_extracti128_si256(t[k], 1));
  }
}

__attribute__((target("avx2"))) inline void Tile1Avx2(char* d, const char* s, Dim a, Dim b,
                                                      ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(1, 32, 16, 128, 128, 16, Micro1x16Avx2)
}
__attribute__((target("avx2"))) inline void Tile2Avx2(char* d, const char* s, Dim a, Dim b,
                                                      ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(2, 16, 8, 64, 64, 16, Micro2x16Avx2)
}
__attribute__((target("avx2"))) inline void Tile4Avx2(char* d, const char* s, Dim a, Dim b,
                                                      ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(4, 8, 8, 64, 64, 32, Micro4x8Avx2)
}
__attribute__((target("avx2"))) inline void Tile8Avx2(char* d, const char* s, Dim a, Dim b,
                                                      ptrdiff_t) {
  BUFCONF_MIRROR_TILE_LOOPS(8, 4, 4, 32, 32, 32, Micro8x4Avx2)
}

// ---- packed tiles (AVX2): transposes through two buffers in L1 ----
//
// Per full tile of TI x TJ items: the tile's TJ source lines (TI items each) are copied into
// `in`, whole cache lines at once, while the next tile's source lines are prefetched (the
// source's long axis); `in` is transposed in registers into `out`; `out`'s TI lines (TJ items
// each) are written to the destination as runs of whole cache lines, non-temporally when STREAM
// (no read for ownership, no cache pollution: for outputs larger than the last-level cache).
// Every line of either side is thus touched once, whatever the strides do to the cache sets.
// The destination is written in bands of kBandLines lines (each band: every strip of TJ source
// lines, tile by tile), so that the pages one strip writes stay few.
// Used where destination lines are all 64-byte aligned alike (a.d % 64 == 0: the power-of-two
// pitches whose lines collide in the cache sets); other pitches go to EDGE whole.
// Tiles are 8-16 KiB a buffer (32 KiB of stack at most), within the 32 KiB L1d every x86-64
// processor with AVX2 has. Items outside full tiles go to the direct kernel EDGE.
#define BUFCONF_MIRROR_PACKED_TILES(K, TI, TJ, MI, MJ, MICRO, EDGE, STREAM)                  \
  if (a.d % 64 != 0) { /* destination lines not equally aligned: no whole-line runs */       \
    EDGE(d, s, a, b, K);                                                                     \
    return;                                                                                  \
  }                                                                                          \
  const ptrdiff_t sb = b.s, da = a.d;                                                        \
  const ptrdiff_t skip_j = Skip<K>(d, da, b.n, 64);                                          \
  const ptrdiff_t nj = skip_j + (b.n - skip_j) / (TJ) * (TJ);                                \
  const ptrdiff_t ni = a.n / (TI) * (TI);                                                    \
  alignas(64) char in[(TI) * (TJ) * (K)];                                                    \
  alignas(64) char out[(TI) * (TJ) * (K)];                                                   \
  for (ptrdiff_t band = 0; band < ni; band += kBandLines) {                                  \
    const ptrdiff_t band_end = std::min(ni, band + kBandLines);                              \
    for (ptrdiff_t j0 = skip_j; j0 < nj; j0 += (TJ)) {                                       \
      for (ptrdiff_t i0 = band; i0 < band_end; i0 += (TI)) {                                 \
        const char* src = s + j0 * sb + i0 * (K);                                            \
        const bool next = i0 + (TI) < band_end;                                              \
        for (ptrdiff_t j = 0; j < (TJ); ++j) {                                               \
          std::memcpy(in + j * (TI) * (K), src + j * sb, (TI) * (K));                        \
          if (next) {                                                                        \
            for (ptrdiff_t o = 0; o < (TI) * (K); o += 64) {                                 \
              _mm_prefetch(src + j * sb + (TI) * (K) + o, _MM_HINT_T0);                      \
            }                                                                                \
          }                                                                                  \
        }                                                                                    \
        for (ptrdiff_t i = 0; i < (TI); i += (MI)) {                                         \
          for (ptrdiff_t j = 0; j < (TJ); j += (MJ)) {                                       \
            MICRO(out + i * (TJ) * (K) + j * (K), (TJ) * (K), in + j * (TI) * (K) + i * (K), \
                  (TI) * (K));                                                               \
          }                                                                                  \
        }                                                                                    \
        for (ptrdiff_t i = 0; i < (TI); ++i) {                                               \
          PutLine<STREAM>(d + (i0 + i) * da + j0 * (K), out + i * (TJ) * (K), (TJ) * (K));   \
        }                                                                                    \
      }                                                                                      \
    }                                                                                        \
  }                                                                                          \
  if (skip_j > 0) EDGE(d, s, a, Dim{skip_j, b.d, b.s}, K);                                   \
  if (nj < b.n) EDGE(d + nj * (K), s + nj * sb, a, Dim{b.n - nj, b.d, b.s}, K);              \
  if (ni < a.n && nj > skip_j) {                                                             \
    EDGE(d + ni * da + skip_j * (K), s + skip_j * sb + ni * (K), Dim{a.n - ni, a.d, a.s},    \
         Dim{nj - skip_j, b.d, b.s}, K);                                                     \
  }                                                                                          \
  if (STREAM) _mm_sfence();

constexpr ptrdiff_t kBandLines = 512;

template <bool STREAM>
__attribute__((target("avx2"))) void Packed1Avx2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_PACKED_TILES(1, 128, 128, 32, 16, Micro1x16Avx2, Tile1Avx2, STREAM)
}
template <bool STREAM>
__attribute__((target("avx2"))) void Packed2Avx2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_PACKED_TILES(2, 64, 64, 16, 8, Micro2x16Avx2, Tile2Avx2, STREAM)
}
template <bool STREAM>
__attribute__((target("avx2"))) void Packed4Avx2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_PACKED_TILES(4, 64, 64, 8, 8, Micro4x8Avx2, Tile4Avx2, STREAM)
}
template <bool STREAM>
__attribute__((target("avx2"))) void Packed8Avx2(char* d, const char* s, Dim a, Dim b, ptrdiff_t) {
  BUFCONF_MIRROR_PACKED_TILES(8, 32, 32, 4, 4, Micro8x4Avx2, Tile8Avx2, STREAM)
}

inline bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

#endif  // AVX2

}  // namespace bufconf::mirror

#endif  // BUFCONF_MIRROR_KERNELS_H_
