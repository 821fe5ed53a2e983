// Dispatch of ccrnn::matmul: float products large enough to amortise the packing go to the packed AVX-512
// kernel when the library was compiled with AVX-512; everything else is Eigen's product.
#include <ccrnn/core/matmul.hpp>

#include "packed_gemm.hpp"

#include <Eigen/Core>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace ccrnn {

namespace {

// The packed kernel pays for copying both operands and works on 32 x 12 tiles: below about 32^3
// multiply-adds, or with very few rows, columns or inner indices (the readout's 2 outputs, the 2-D
// inputs of line drawing), Eigen's product is faster.
bool worth_packing(Index m, Index n, Index k) {
  const double macs = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  return m >= 16 && n >= 8 && k >= 16 && macs >= 32768.0;
}

template <class S, class A, class B>
void eigen_product(const A& a, const B& b, BlockRef<S>& c, Update update) {
  if (update == Update::assign) c.noalias() = a * b;
  else c.noalias() += a * b;
}

template <class S>
void eigen_matmul(const ConstBlockRef<S>& a, Op op_a, const ConstBlockRef<S>& b, Op op_b, BlockRef<S>& c,
                  Update update) {
  if (op_a == Op::none && op_b == Op::none) eigen_product<S>(a, b, c, update);
  else if (op_a == Op::none) eigen_product<S>(a, b.transpose(), c, update);
  else if (op_b == Op::none) eigen_product<S>(a.transpose(), b, c, update);
  else eigen_product<S>(a.transpose(), b.transpose(), c, update);
}

#ifdef __AVX512F__
detail::StridedOperand strided(const ConstBlockRef<float>& m, Op op) {
  return op == Op::none ? detail::StridedOperand{m.data(), 1, m.outerStride()}
                        : detail::StridedOperand{m.data(), m.outerStride(), 1};
}
#endif

}  // namespace

bool packed_float_kernel_available() {
#ifdef __AVX512F__
  return true;
#else
  return false;
#endif
}

const char* float_products_description() { return packed_float_kernel_available() ? "packed AVX-512" : "Eigen"; }

template <class S>
void matmul(const ConstBlockRef<S>& a, Op op_a, const ConstBlockRef<S>& b, Op op_b, BlockRef<S> c, Update update) {
  const Index m = op_a == Op::none ? a.rows() : a.cols(), k = op_a == Op::none ? a.cols() : a.rows();
  const Index k_b = op_b == Op::none ? b.rows() : b.cols(), n = op_b == Op::none ? b.cols() : b.rows();
  if (k != k_b || c.rows() != m || c.cols() != n)
    throw std::invalid_argument("matmul: shapes do not match: (" + std::to_string(m) + " x " + std::to_string(k) +
                                ") times (" + std::to_string(k_b) + " x " + std::to_string(n) + ") into (" +
                                std::to_string(c.rows()) + " x " + std::to_string(c.cols()) + ")");
#ifdef __AVX512F__
  if constexpr (std::is_same_v<S, float>) {
    if (worth_packing(m, n, k)) {
      detail::packed_gemm(m, n, k, strided(a, op_a), strided(b, op_b), c.data(), c.outerStride(),
                          update == Update::add);
      return;
    }
  }
#endif
  eigen_matmul<S>(a, op_a, b, op_b, c, update);
}

template void matmul<float>(const ConstBlockRef<float>&, Op, const ConstBlockRef<float>&, Op, BlockRef<float>, Update);
template void matmul<double>(const ConstBlockRef<double>&, Op, const ConstBlockRef<double>&, Op, BlockRef<double>,
                             Update);

}  // namespace ccrnn
