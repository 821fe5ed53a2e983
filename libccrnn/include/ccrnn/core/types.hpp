#pragma once
// Eigen aliases used throughout ccrnn. Convention: one column per sample; a sequence of L steps of a
// batch of B samples is stored time-major as B*L columns, step t occupying columns [t*B, (t+1)*B).
#include <Eigen/Core>
#include <cstdint>

namespace ccrnn {

using Index = Eigen::Index;

template <class S> using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S> using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <class S> using MatrixMap = Eigen::Map<Matrix<S>>;
template <class S> using ConstMatrixMap = Eigen::Map<const Matrix<S>>;
template <class S> using VectorMap = Eigen::Map<Vector<S>>;

/// A read-only view of any column-major block (contiguous or with an outer stride).
template <class S> using ConstBlockRef = Eigen::Ref<const Matrix<S>, 0, Eigen::OuterStride<>>;
/// A writable view of any column-major block.
template <class S> using BlockRef = Eigen::Ref<Matrix<S>, 0, Eigen::OuterStride<>>;

/// Columns of step t in a time-major sequence matrix with batch size B.
template <class Derived>
auto step_columns(Eigen::MatrixBase<Derived>& m, Index t, Index batch) {
  return m.middleCols(t * batch, batch);
}
template <class Derived>
auto step_columns(const Eigen::MatrixBase<Derived>& m, Index t, Index batch) {
  return m.middleCols(t * batch, batch);
}

/// Half-open index range [begin, end) into a flat parameter buffer.
struct Range {
  Index begin = 0;
  Index end = 0;
  Index size() const { return end - begin; }
  bool empty() const { return end <= begin; }
};

}  // namespace ccrnn
