// The LSTM's per-column equations (lstm_columns.hpp): the float AVX-512 versions must give the numbers of
// the generic Eigen versions as GCC compiles them, bit for bit, for every column length and start alignment,
// since results files made with those generic versions must not move.
//
// The bits to match are spelled out below (reference_*): plain float arithmetic with the fused multiply-adds
// GCC forms when it contracts the generic expressions. Which product of `f*c + i*g` a compiler fuses is its
// own choice, not the language's: clang fuses none across Eigen's separate packet operations (and a
// different one with -ffp-contract=fast), so clang's generic float versions round differently. That does
// not move a result: with AVX-512 the library runs the hand-written versions, which the reference checks
// under every compiler; the generic versions are checked against it under GCC only, the compiler whose
// generic code made the results files (docs/fuzzing.md, the sanitizer stage's clang build).
#include <catch2/catch.hpp>
#include <ccrnn/cortex/lstm_columns.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "support/same_bits.hpp"

using namespace ccrnn;
using ccrnn::testing::same_bits;

namespace {

std::vector<float> random_values(std::size_t count, std::mt19937& gen, float low, float high) {
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> v(count);
  for (auto& x : v) x = dist(gen);
  return v;
}

// The generic versions' expressions, one element at a time, with GCC's contractions written as std::fma
// (nothing else here has a product feeding an addition, so no compiler can contract further).
void reference_cell_state(const float* i, const float* f, const float* g, const float* c, float* c_new,
                          float* c_copy, Index n) {
  for (Index k = 0; k < n; ++k) c_new[k] = c_copy[k] = std::fma(i[k], g[k], f[k] * c[k]);  // f c + i g
}

void reference_hidden(const float* o, const float* tanh_c, float* h, Index n) {
  for (Index k = 0; k < n; ++k) h[k] = o[k] * tanh_c[k];
}

void reference_gate_grads(const float* act, const float* tanh_c, const float* c_prev, const float* dh, float* dc,
                          float* dz, Index n) {
  const float *i = act, *f = act + n, *g = act + 2 * n, *o = act + 3 * n;
  for (Index k = 0; k < n; ++k) {
    dz[3 * n + k] = dh[k] * tanh_c[k] * o[k] * (1 - o[k]);
    // dc + dh o (1 - tanh_c^2), both contracted.
    const float d = std::fma(dh[k] * o[k], std::fma(-tanh_c[k], tanh_c[k], 1.0f), dc[k]);
    dz[k] = d * g[k] * i[k] * (1 - i[k]);
    dz[n + k] = d * c_prev[k] * f[k] * (1 - f[k]);
    dz[2 * n + k] = d * i[k] * std::fma(-g[k], g[k], 1.0f);  // 1 - g^2, contracted
    dc[k] = d * f[k];
  }
}

// The generic versions are held to the reference under GCC with FMA instructions only (see the top of this
// file; without FMA there is nothing to contract). The hand-written versions exist only with AVX-512, which
// implies FMA; without them the overloads below resolve to the generic versions.
#if defined(__GNUC__) && !defined(__clang__) && defined(__FMA__)
constexpr bool kGenericMatchesReference = true;
#else
constexpr bool kGenericMatchesReference = false;
#endif
#ifdef __AVX512F__
constexpr bool kFastMatchesReference = true;
#else
constexpr bool kFastMatchesReference = kGenericMatchesReference;
#endif

}  // namespace

TEST_CASE("the LSTM's column equations give the generic expressions' bits, as GCC contracts them, at every length and alignment",
          "[cortex][lstm]") {
  std::mt19937 gen(5);
  for (const Index n : {1, 7, 16, 17, 30, 33, 50})
    for (const Index offset : {0, 1, 5, 8, 13}) {  // start of each column within a 64-byte line
      INFO("n=" << n << " offset=" << offset);
      const std::size_t size = static_cast<std::size_t>(offset + 4 * n + 16);
      const std::vector<float> gates = random_values(size, gen, 0.0f, 1.0f), c = random_values(size, gen, -2.0f, 2.0f),
                               tanh_c = random_values(size, gen, -1.0f, 1.0f), dh = random_values(size, gen, -1.0f, 1.0f);
      const std::vector<float> dc0 = random_values(size, gen, -1.0f, 1.0f), poison(size, 1e30f);
      const float* act = gates.data() + offset;

      // Each version writes into its own copy; `expected` is the reference's, which the hand-written versions
      // must give under any compiler and the generic ones under GCC.
      struct Outputs {
        std::vector<float> c_new, c_copy, h, dc, dz;
      };
      const auto outputs = [&](auto cell_state, auto hidden, auto gate_grads) {
        Outputs out{poison, poison, poison, dc0, poison};
        cell_state(act, act + n, act + 2 * n, c.data() + offset, out.c_new.data() + offset, out.c_copy.data() + offset, n);
        hidden(act + 3 * n, tanh_c.data() + offset, out.h.data() + offset, n);
        gate_grads(act, tanh_c.data() + offset, c.data() + offset, dh.data() + offset, out.dc.data() + offset,
                   out.dz.data() + offset, n);
        return out;
      };
      const Outputs expected = outputs(reference_cell_state, reference_hidden, reference_gate_grads);
      const Outputs generic = outputs(detail::lstm_cell_state<float>, detail::lstm_hidden<float>,
                                      detail::lstm_gate_grads<float>);
      const Outputs fast = outputs([](auto... a) { detail::lstm_cell_state(a...); },
                                   [](auto... a) { detail::lstm_hidden(a...); },
                                   [](auto... a) { detail::lstm_gate_grads(a...); });
      const auto check_same = [](const Outputs& x, const Outputs& y) {
        CHECK(same_bits(x.c_new, y.c_new));
        CHECK(same_bits(x.c_copy, y.c_copy));
        CHECK(same_bits(x.h, y.h));
        CHECK(same_bits(x.dc, y.dc));
        CHECK(same_bits(x.dz, y.dz));
      };
      if (kFastMatchesReference) check_same(fast, expected);
      if (kGenericMatchesReference) check_same(generic, expected);
      if (!kFastMatchesReference) check_same(fast, generic);  // then the same functions: nothing to compare
      CHECK(fast.c_new[static_cast<std::size_t>(offset + n)] == 1e30f);  // nothing written past the column
      CHECK(fast.dz[static_cast<std::size_t>(offset + 4 * n)] == 1e30f);
    }
}
