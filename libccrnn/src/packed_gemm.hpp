#pragma once
// Internal: a single-threaded float GEMM with operand packing and an AVX-512 register-blocked kernel.
// Only compiled in when the library is built with AVX-512 (see matmul.cpp for the dispatch).
#include <cstddef>

namespace ccrnn::detail {

/// A strided view of a matrix operand: element (i, j) lives at data[i * row_stride + j * col_stride].
/// A column-major matrix has row_stride 1; its transpose is the same memory with the strides swapped.
struct StridedOperand {
  const float* data;
  std::ptrdiff_t row_stride;
  std::ptrdiff_t col_stride;
  const float& operator()(std::ptrdiff_t i, std::ptrdiff_t j) const { return data[i * row_stride + j * col_stride]; }
};

/// C (m x n, column-major with leading dimension ldc) = A B, or += A B when accumulate is true.
/// A is m x k, B is k x n; each must have a unit row or column stride.
void packed_gemm(std::ptrdiff_t m, std::ptrdiff_t n, std::ptrdiff_t k, StridedOperand a, StridedOperand b, float* c,
                 std::ptrdiff_t ldc, bool accumulate);

}  // namespace ccrnn::detail
