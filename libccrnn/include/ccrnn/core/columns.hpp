#pragma once
// Column-wise element access for hot loops. Eigen does not vectorise unary functions (tanh, logistic) on
// sub-blocks of blocks with a runtime outer stride, but each column of such a block is contiguous: a
// Map over one column segment is vectorised with full packets.
#include <ccrnn/core/types.hpp>

namespace ccrnn {

template <class S> using ColumnArray = Eigen::Map<Eigen::Array<S, Eigen::Dynamic, 1>>;
template <class S> using ConstColumnArray = Eigen::Map<const Eigen::Array<S, Eigen::Dynamic, 1>>;

/// Rows [row, row + count) of column j of m, as a contiguous array.
template <class Derived>
auto column_segment(Eigen::DenseBase<Derived>& m, Index j, Index row, Index count) {
  using S = typename Derived::Scalar;
  return ColumnArray<S>(&m.derived().coeffRef(row, j), count);
}
template <class Derived>
auto column_segment(const Eigen::DenseBase<Derived>& m, Index j, Index row, Index count) {
  using S = typename Derived::Scalar;
  return ConstColumnArray<S>(&m.derived().coeff(row, j), count);
}

}  // namespace ccrnn
