// A float GEMM in the classic packed form: for each block of KC inner indices, B's block is copied into
// panels of NR columns and A's into panels of MR rows, each laid out in the order the kernel reads them;
// the kernel then keeps an MR x NR tile of C in 24 AVX-512 registers (2 x 12) while it streams one A panel
// and one B panel. Eigen 3.4's kernel keeps 48 x 4 (12 registers), which leaves this core's two FMA pipes
// waiting on loads. The summation order is fixed by (KC, MR, NR) alone: deterministic.
#ifdef __AVX512F__
#include "packed_gemm.hpp"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <memory>
#include <new>
#include <utility>

namespace ccrnn::detail {

namespace {

constexpr std::ptrdiff_t kMR = 32;   // rows of a C tile: two 16-float registers
constexpr std::ptrdiff_t kNR = 12;   // columns of a C tile
constexpr std::ptrdiff_t kKC = 256;  // inner indices per packed block (an A panel is 32 KB)
constexpr std::ptrdiff_t kMC = 192;  // rows of A packed at once
constexpr std::ptrdiff_t kBSlack = 16 - kNR;  // pack_b writes whole registers past a panel's end

/// A thread's packing buffer, 64-byte aligned for the kernel's aligned loads, grown on demand.
class PackBuffer {
 public:
  float* get(std::size_t floats) {
    if (floats > capacity_) {
      storage_.reset(static_cast<float*>(::operator new[](floats * sizeof(float), std::align_val_t{64})));
      capacity_ = floats;
    }
    return storage_.get();
  }

 private:
  struct AlignedDelete {
    void operator()(float* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  std::unique_ptr<float[], AlignedDelete> storage_;
  std::size_t capacity_ = 0;
};

/// Lanes [0, count) of a 16-lane mask.
inline __mmask16 first_lanes(std::ptrdiff_t count) {
  return count >= 16 ? __mmask16(0xFFFF) : count <= 0 ? __mmask16(0) : __mmask16((1u << count) - 1u);
}

/// Transposes a 16 x 16 block held as 16 row registers, in place: afterwards r[j] holds column j.
/// Pairs are interleaved within 128-bit lanes, then groups of four, then the lanes themselves are moved.
inline void transpose16(__m512 r[16]) {
  __m512 pairs[16], quads[16];
  for (int i = 0; i < 16; i += 2) {
    pairs[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    pairs[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    quads[i] = _mm512_shuffle_ps(pairs[i], pairs[i + 2], 0x44);
    quads[i + 1] = _mm512_shuffle_ps(pairs[i], pairs[i + 2], 0xEE);
    quads[i + 2] = _mm512_shuffle_ps(pairs[i + 1], pairs[i + 3], 0x44);
    quads[i + 3] = _mm512_shuffle_ps(pairs[i + 1], pairs[i + 3], 0xEE);
  }
  // quads[4g + c], 128-bit lane l: rows 4g..4g+3 of column 4l + c.
  for (int c = 0; c < 4; ++c) {
    const __m512 even_low = _mm512_shuffle_f32x4(quads[c], quads[4 + c], 0x88);
    const __m512 odd_low = _mm512_shuffle_f32x4(quads[c], quads[4 + c], 0xDD);
    const __m512 even_high = _mm512_shuffle_f32x4(quads[8 + c], quads[12 + c], 0x88);
    const __m512 odd_high = _mm512_shuffle_f32x4(quads[8 + c], quads[12 + c], 0xDD);
    r[c] = _mm512_shuffle_f32x4(even_low, even_high, 0x88);
    r[8 + c] = _mm512_shuffle_f32x4(even_low, even_high, 0xDD);
    r[4 + c] = _mm512_shuffle_f32x4(odd_low, odd_high, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(odd_low, odd_high, 0xDD);
  }
}

/// Loads up to 16 vectors that run along the inner index (vector v starts at first + v * stride), each
/// cut to `length` elements; vectors past `count` are zero. Transposed, they give one register per inner
/// index: the way a packed panel is laid out.
inline void load_inner_runs(const float* first, std::ptrdiff_t stride, std::ptrdiff_t count, std::ptrdiff_t length,
                            __m512 r[16]) {
  const __mmask16 mask = first_lanes(length);
  for (std::ptrdiff_t v = 0; v < 16; ++v) r[v] = _mm512_setzero_ps();
  for (std::ptrdiff_t v = 0; v < std::min<std::ptrdiff_t>(count, 16); ++v)
    r[v] = _mm512_maskz_loadu_ps(mask, first + v * stride);
  transpose16(r);
}

/// Packs rows [0, mc) x inner [0, kc) of `a` into panels of kMR rows; for each inner index a panel holds
/// kMR consecutive floats (rows past mc are zero). Column-major A: masked vector copies; transposed A
/// (inner index contiguous): 16 x 16 register transposes, several times faster than element copies.
void pack_a(StridedOperand a, std::ptrdiff_t mc, std::ptrdiff_t kc, float* out) {
  for (std::ptrdiff_t i0 = 0; i0 < mc; i0 += kMR, out += kMR * kc) {
    const std::ptrdiff_t rows = std::min(kMR, mc - i0);
    if (a.row_stride == 1) {
      const __mmask16 low = first_lanes(rows), high = first_lanes(rows - 16);
      for (std::ptrdiff_t p = 0; p < kc; ++p) {
        const float* src = &a(i0, p);
        _mm512_store_ps(out + p * kMR, _mm512_maskz_loadu_ps(low, src));
        _mm512_store_ps(out + p * kMR + 16, _mm512_maskz_loadu_ps(high, src + 16));
      }
      continue;
    }
    __m512 r[16];
    for (std::ptrdiff_t p = 0; p < kc; p += 16) {
      const std::ptrdiff_t steps = std::min<std::ptrdiff_t>(16, kc - p);
      for (std::ptrdiff_t half = 0; half < 2; ++half) {
        const std::ptrdiff_t present = rows - 16 * half;  // rows of this half that exist (may be none)
        load_inner_runs(present > 0 ? &a(i0 + 16 * half, p) : nullptr, a.row_stride, present, steps, r);
        for (std::ptrdiff_t q = 0; q < steps; ++q) _mm512_store_ps(out + (p + q) * kMR + 16 * half, r[q]);
      }
    }
  }
}

/// Packs inner [0, kc) x columns [0, nc) of `b` into panels of kNR columns; for each inner index a panel
/// holds kNR consecutive floats (columns past nc are zero). Each step stores a whole 16-float register,
/// spilling 4 floats that the next step overwrites (plain stores: masked stores are slow on AMD cores);
/// `out` needs kBSlack floats of room past the last panel.
void pack_b(StridedOperand b, std::ptrdiff_t kc, std::ptrdiff_t nc, float* out) {
  for (std::ptrdiff_t j0 = 0; j0 < nc; j0 += kNR, out += kNR * kc) {
    const std::ptrdiff_t cols = std::min(kNR, nc - j0);
    if (b.col_stride == 1) {
      const __mmask16 present = first_lanes(cols);
      for (std::ptrdiff_t p = 0; p < kc; ++p) _mm512_storeu_ps(out + p * kNR, _mm512_maskz_loadu_ps(present, &b(p, j0)));
      continue;
    }
    __m512 r[16];
    for (std::ptrdiff_t p = 0; p < kc; p += 16) {
      const std::ptrdiff_t steps = std::min<std::ptrdiff_t>(16, kc - p);
      load_inner_runs(&b(p, j0), b.col_stride, cols, steps, r);
      for (std::ptrdiff_t q = 0; q < steps; ++q) _mm512_storeu_ps(out + (p + q) * kNR, r[q]);
    }
  }
}

/// Writes (or adds) one register of a C column; `mask` selects the rows that exist.
inline void store_rows(float* c, __m512 value, __mmask16 mask, bool accumulate) {
  if (mask == 0xFFFF) {  // the common case without masks (masked stores are slow on AMD cores)
    if (accumulate) value = _mm512_add_ps(value, _mm512_loadu_ps(c));
    _mm512_storeu_ps(c, value);
    return;
  }
  if (accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(mask, c));
  _mm512_mask_storeu_ps(c, mask, value);
}

/// C tile (rows x cols, at most kMR x kNR) op= packed A panel x packed B panel over kc inner indices.
/// Registers is 2 for a full-height tile and 1 when the tile has at most 16 rows (half the work); Cols is
/// the number of columns that exist, so that an edge tile (B = 50 is four tiles of 12 and one of 2) does
/// only its own columns' work. Each column's accumulator sees the same products in the same order
/// whatever Cols is, so the results do not depend on it.
template <int Registers, int Cols>
void kernel(std::ptrdiff_t kc, const float* __restrict pa, const float* __restrict pb, float* c, std::ptrdiff_t ldc,
            std::ptrdiff_t rows, bool accumulate) {
  // Every loop over the tile is unrolled, the zeroing and the stores too: with either left as a loop, GCC
  // kept acc in memory (a memset of 1.5 KB and a spill of all 24 registers per call, a tenth of the
  // kernel's time when k is 30, as in the cortex's per-step products).
  __m512 acc[Registers][Cols];
#pragma GCC unroll 12
  for (int j = 0; j < Cols; ++j)
#pragma GCC unroll 2
    for (int r = 0; r < Registers; ++r) acc[r][j] = _mm512_setzero_ps();
  for (std::ptrdiff_t p = 0; p < kc; ++p, pa += kMR, pb += kNR) {
    __m512 a[Registers];
    for (int r = 0; r < Registers; ++r) a[r] = _mm512_load_ps(pa + 16 * r);
#pragma GCC unroll 12
    for (int j = 0; j < Cols; ++j) {
      const __m512 bj = _mm512_set1_ps(pb[j]);
      for (int r = 0; r < Registers; ++r) acc[r][j] = _mm512_fmadd_ps(a[r], bj, acc[r][j]);
    }
  }
#pragma GCC unroll 12
  for (int j = 0; j < Cols; ++j)
#pragma GCC unroll 2
    for (int r = 0; r < Registers; ++r)
      store_rows(c + j * ldc + 16 * r, acc[r][j], first_lanes(rows - 16 * r), accumulate);
}

using Kernel = void (*)(std::ptrdiff_t, const float*, const float*, float*, std::ptrdiff_t, std::ptrdiff_t, bool);

/// kernel<Registers, Cols> for Cols = 1 .. kNR, indexed by Cols - 1.
template <int Registers, int... Cols>
constexpr std::array<Kernel, sizeof...(Cols)> kernels_by_cols(std::integer_sequence<int, Cols...>) {
  return {&kernel<Registers, Cols + 1>...};
}
constexpr auto kFullHeightKernels = kernels_by_cols<2>(std::make_integer_sequence<int, static_cast<int>(kNR)>{});
constexpr auto kHalfHeightKernels = kernels_by_cols<1>(std::make_integer_sequence<int, static_cast<int>(kNR)>{});

}  // namespace

void packed_gemm(std::ptrdiff_t m, std::ptrdiff_t n, std::ptrdiff_t k, StridedOperand a, StridedOperand b, float* c,
                 std::ptrdiff_t ldc, bool accumulate) {
  thread_local PackBuffer a_buffer, b_buffer;
  const std::ptrdiff_t n_padded = (n + kNR - 1) / kNR * kNR;
  float* packed_b = b_buffer.get(static_cast<std::size_t>(kKC * n_padded + kBSlack));
  float* packed_a = a_buffer.get(static_cast<std::size_t>(kKC * kMC));
  if (k == 0 && !accumulate) {  // an empty inner dimension: the product is zero
    for (std::ptrdiff_t j = 0; j < n; ++j) std::fill(c + j * ldc, c + j * ldc + m, 0.0f);
    return;
  }
  for (std::ptrdiff_t p0 = 0; p0 < k; p0 += kKC) {
    const std::ptrdiff_t kc = std::min(kKC, k - p0);
    const bool add = accumulate || p0 > 0;
    pack_b(StridedOperand{&b(p0, 0), b.row_stride, b.col_stride}, kc, n, packed_b);
    for (std::ptrdiff_t i0 = 0; i0 < m; i0 += kMC) {
      const std::ptrdiff_t mc = std::min(kMC, m - i0);
      pack_a(StridedOperand{&a(i0, p0), a.row_stride, a.col_stride}, mc, kc, packed_a);
      for (std::ptrdiff_t j0 = 0; j0 < n; j0 += kNR) {
        const float* b_panel = packed_b + j0 * kc;
        const std::ptrdiff_t cols = std::min(kNR, n - j0);
        for (std::ptrdiff_t i = 0; i < mc; i += kMR) {
          const std::ptrdiff_t rows = std::min(kMR, mc - i);
          float* tile = c + (i0 + i) + j0 * ldc;
          const auto& kernels = rows > 16 ? kFullHeightKernels : kHalfHeightKernels;
          kernels[static_cast<std::size_t>(cols - 1)](kc, packed_a + i * kc, b_panel, tile, ldc, rows, add);
        }
      }
    }
  }
}

}  // namespace ccrnn::detail
#endif  // __AVX512F__
