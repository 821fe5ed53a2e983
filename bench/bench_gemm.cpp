// The float matrix products of the line-drawing ccRNN's cerebellum (2 x 400 granule units, a 100-unit
// cortical state, 501 boundary columns forward and 451 backward), timed on one thread with Eigen's product
// and with ccrnn::matmul, next to this core's fp32 FMA peak. Prints GFLOP/s; best of many repetitions,
// since the question is what each implementation can do, not what a noisy machine happens to give.
#include <ccrnn/core/matmul.hpp>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace ccrnn;

namespace {

template <class F>
double best_seconds(F&& run, int repetitions) {
  run();  // warm-up: packing buffers, caches
  double best = 1e30;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

/// fp32 FMA throughput of one core: 12 independent chains of 16-lane FMAs (enough to hide the latency).
double fma_peak_gflops() {
#ifdef __AVX512F__
  constexpr int kChains = 12;
  constexpr long kIterations = 50'000'000;
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(1.0f + 1e-7f * static_cast<float>(i));
  const __m512 scale = _mm512_set1_ps(0.9999999f), shift = _mm512_set1_ps(1e-7f);
  const auto start = std::chrono::steady_clock::now();
  for (long n = 0; n < kIterations; ++n)
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], scale, shift);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  float sink = 0.0f;
  for (int i = 0; i < kChains; ++i) sink += _mm512_reduce_add_ps(acc[i]);
  if (sink == 42.0f) std::printf(" ");  // keeps the loop observable
  return static_cast<double>(kIterations) * kChains * 32.0 / seconds / 1e9;
#else
  return 0.0;
#endif
}

struct Shape {
  const char* name;
  Index m, n, k;
  Op op_a, op_b;
};

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 100;
  if (repetitions < 1) {
    std::fprintf(stderr, "usage: ccrnn-bench-gemm [repetitions >= 1]\n");
    return 2;
  }
  const double peak = fma_peak_gflops();
  std::printf("# float products of the line-drawing cerebellum, 1 thread, best of %d; matmul uses: %s\n", repetitions,
              float_products_description());
  if (peak > 0) std::printf("# fp32 FMA peak of this core (AVX-512 FMA loop): %.1f GFLOP/s\n", peak);
  else std::printf("# fp32 FMA peak: not measured (built without AVX-512)\n");
  std::printf("%-34s %10s %10s %8s\n", "product (m x k times k x n)", "Eigen", "matmul", "ratio");
  const Shape shapes[] = {
      {"layer 1 forward   W1 S", 400, 501, 100, Op::none, Op::none},
      {"layer 2 forward   W2 H1", 400, 501, 400, Op::none, Op::none},
      {"output forward    W3 H2", 100, 501, 400, Op::none, Op::none},
      {"output weights    G H2^T", 100, 400, 451, Op::none, Op::transpose},
      {"back to layer 2   W3^T G", 400, 451, 100, Op::transpose, Op::none},
      {"layer 2 weights   g2 H1^T", 400, 400, 451, Op::none, Op::transpose},
      {"back to layer 1   W2^T g2", 400, 451, 400, Op::transpose, Op::none},
      {"layer 1 weights   g1 S^T", 400, 100, 451, Op::none, Op::transpose},
  };
  double eigen_total = 0, matmul_total = 0, flops_total = 0;
  for (const Shape& s : shapes) {
    const Matrix<float> a = s.op_a == Op::none ? Matrix<float>::Random(s.m, s.k) : Matrix<float>::Random(s.k, s.m);
    const Matrix<float> b = s.op_b == Op::none ? Matrix<float>::Random(s.k, s.n) : Matrix<float>::Random(s.n, s.k);
    Matrix<float> c(s.m, s.n);
    const auto eigen = [&] {
      if (s.op_a == Op::none && s.op_b == Op::none) c.noalias() = a * b;
      else if (s.op_a == Op::none) c.noalias() = a * b.transpose();
      else c.noalias() = a.transpose() * b;
    };
    const auto ours = [&] { matmul<float>(a, s.op_a, b, s.op_b, c, Update::assign); };
    const double flops = 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k);
    const double te = best_seconds(eigen, repetitions), tm = best_seconds(ours, repetitions);
    eigen_total += te;
    matmul_total += tm;
    flops_total += flops;
    std::printf("%-34s %10.1f %10.1f %7.2fx\n", (std::string(s.name) + " " + std::to_string(s.m) + "x" + std::to_string(s.k) +
                                                 "x" + std::to_string(s.n)).c_str(),
                flops / te / 1e9, flops / tm / 1e9, te / tm);
  }
  std::printf("%-34s %10.1f %10.1f %7.2fx\n", "all eight (one batch's products)", flops_total / eigen_total / 1e9,
              flops_total / matmul_total / 1e9, eigen_total / matmul_total);
  return 0;
}
