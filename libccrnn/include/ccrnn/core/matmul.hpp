#pragma once
// One entry point for the library's large matrix products, so that the cerebellum's products (90% of a
// ccRNN's arithmetic at T=1) can run on a register-blocked AVX-512 kernel when the library was built
// for a CPU that has it (float only; about 25% faster than Eigen 3.4's float GEMM on this project's
// shapes). Double precision, small products and builds without AVX-512 use Eigen. Every path is
// single-threaded with a fixed summation order, so results never depend on the thread count.
#include <ccrnn/core/types.hpp>

namespace ccrnn {

enum class Op { none, transpose };
enum class Update { assign, add };

/// c = op_a(a) * op_b(b) (Update::assign) or c += op_a(a) * op_b(b) (Update::add).
/// c must not overlap a or b. Throws std::invalid_argument on mismatched shapes.
template <class S>
void matmul(const ConstBlockRef<S>& a, Op op_a, const ConstBlockRef<S>& b, Op op_b, BlockRef<S> c, Update update);

/// True when float products of sufficient size use the packed AVX-512 kernel (a build-time property).
bool packed_float_kernel_available();

/// "packed AVX-512" or "Eigen": which implementation this build's float products use. Result files
/// record it, because float runs of the two round differently in the last bits.
const char* float_products_description();

}  // namespace ccrnn
