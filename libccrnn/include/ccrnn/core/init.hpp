#pragma once
// Parameter initialisation helpers shared by every module.
#include <ccrnn/core/random.hpp>
#include <ccrnn/core/types.hpp>

namespace ccrnn {

/// Fills m with i.i.d. U(-bound, bound) draws, visiting elements in row-major order (the order in which
/// a PyTorch tensor of the same shape lists them), so a stream maps to the same matrix in both layouts.
template <class Derived>
void fill_uniform(Eigen::MatrixBase<Derived>&& m, Rng& rng, double bound) {
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c) m(r, c) = static_cast<typename Derived::Scalar>(rng.uniform(-bound, bound));
}

}  // namespace ccrnn
