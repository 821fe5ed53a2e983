#pragma once
// The LSTM's per-column elementwise equations (one sample's N units at a time; the gates of a column are
// contiguous, its state is not, so the cell works column by column). The generic versions are Eigen
// expressions over the column segments. With N = 30, Eigen leaves a scalar head (up to the next 64-byte
// boundary) and tail around at most one 16-float vector per column, a large part of seqMNIST's LSTM
// time; the float AVX-512 versions do a column as one full and one masked vector. Both evaluate the same
// expression tree per element, with the fused multiply-adds the compiler forms from the generic
// expressions written out, so they give the same numbers bit for bit (tests/cortex/test_lstm_columns.cpp;
// results files, docs/benchmarks.md).
// Included only by lstm_layer.tpp.
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/types.hpp>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace ccrnn::detail {

/// c_new = f c + i g, written to both c_new and c_copy (tanh's input and the next state).
template <class S>
void lstm_cell_state(const S* i, const S* f, const S* g, const S* c, S* c_new, S* c_copy, Index n) {
  using Column = Eigen::Map<Eigen::Array<S, Eigen::Dynamic, 1>>;
  using ConstColumn = Eigen::Map<const Eigen::Array<S, Eigen::Dynamic, 1>>;
  Column out(c_new, n);
  out = ConstColumn(f, n) * ConstColumn(c, n) + ConstColumn(i, n) * ConstColumn(g, n);
  Column(c_copy, n) = out;
}

/// h = o tanh(c').
template <class S>
void lstm_hidden(const S* o, const S* tanh_c, S* h, Index n) {
  using ConstColumn = Eigen::Map<const Eigen::Array<S, Eigen::Dynamic, 1>>;
  Eigen::Map<Eigen::Array<S, Eigen::Dynamic, 1>>(h, n) = ConstColumn(o, n) * ConstColumn(tanh_c, n);
}

/// One column's gate gradients: act = [i; f; g; o] (4n), dz = their pre-activation gradients (4n);
/// dh is the gradient w.r.t. h; dc on entry w.r.t. c', on exit w.r.t. the previous cell state c_prev.
template <class S>
void lstm_gate_grads(const S* act, const S* tanh_cs, const S* c_prevs, const S* dhs, S* dcs, S* dzs, Index n) {
  using ConstColumn = Eigen::Map<const Eigen::Array<S, Eigen::Dynamic, 1>>;
  using Column = Eigen::Map<Eigen::Array<S, Eigen::Dynamic, 1>>;
  const ConstColumn i(act, n), f(act + n, n), g(act + 2 * n, n), o(act + 3 * n, n), tanh_c(tanh_cs, n),
      c_prev(c_prevs, n), dh(dhs, n);
  Column dc(dcs, n);
  Column(dzs + 3 * n, n) = dh * tanh_c * o * (1 - o);
  dc += dh * o * (1 - tanh_c.square());
  Column(dzs, n) = dc * g * i * (1 - i);
  Column(dzs + n, n) = dc * c_prev * f * (1 - f);
  Column(dzs + 2 * n, n) = dc * i * (1 - g.square());
  dc *= f;
}

#ifdef __AVX512F__
namespace lstm_simd {
/// Lanes [0, count) of a 16-lane mask (count may exceed 16).
inline __mmask16 lanes(Index count) { return count >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << count) - 1u); }
inline __m512 load(const float* p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
inline void store(float* p, __m512 v, __mmask16 m) {
  if (m == 0xFFFF) _mm512_storeu_ps(p, v);
  else _mm512_mask_storeu_ps(p, m, v);
}
}  // namespace lstm_simd

inline void lstm_cell_state(const float* i, const float* f, const float* g, const float* c, float* c_new,
                            float* c_copy, Index n) {
  using namespace lstm_simd;
  for (Index k = 0; k < n; k += 16) {
    const __mmask16 m = lanes(n - k);
    // f c + i g as the compiler contracts the generic expression: f c rounded, then fused into (f c) + i g.
    const __m512 out = _mm512_fmadd_ps(load(i + k, m), load(g + k, m), _mm512_mul_ps(load(f + k, m), load(c + k, m)));
    store(c_new + k, out, m);
    store(c_copy + k, out, m);
  }
}

inline void lstm_hidden(const float* o, const float* tanh_c, float* h, Index n) {
  using namespace lstm_simd;
  for (Index k = 0; k < n; k += 16) {
    const __mmask16 m = lanes(n - k);
    store(h + k, _mm512_mul_ps(load(o + k, m), load(tanh_c + k, m)), m);
  }
}

inline void lstm_gate_grads(const float* act, const float* tanh_cs, const float* c_prevs, const float* dhs, float* dcs,
                            float* dzs, Index n) {
  using namespace lstm_simd;
  const __m512 one = _mm512_set1_ps(1.0f);
  for (Index k = 0; k < n; k += 16) {
    const __mmask16 m = lanes(n - k);
    const __m512 i = load(act + k, m), f = load(act + n + k, m), g = load(act + 2 * n + k, m),
                 o = load(act + 3 * n + k, m), tanh_c = load(tanh_cs + k, m), c_prev = load(c_prevs + k, m),
                 dh = load(dhs + k, m);
    // The compiler contracts the generic expressions' 1 - x^2 and dc + (...) into fused multiply-adds; the
    // same contractions are spelled out here, since left to itself it fuses these intrinsics differently.
    store(dzs + 3 * n + k, _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(dh, tanh_c), o), _mm512_sub_ps(one, o)), m);
    const __m512 dc =
        _mm512_fmadd_ps(_mm512_mul_ps(dh, o), _mm512_fnmadd_ps(tanh_c, tanh_c, one), load(dcs + k, m));
    store(dzs + k, _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(dc, g), i), _mm512_sub_ps(one, i)), m);
    store(dzs + n + k, _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(dc, c_prev), f), _mm512_sub_ps(one, f)), m);
    store(dzs + 2 * n + k, _mm512_mul_ps(_mm512_mul_ps(dc, i), _mm512_fnmadd_ps(g, g, one)), m);
    store(dcs + k, _mm512_mul_ps(dc, f), m);
  }
}
#endif

}  // namespace ccrnn::detail
