#pragma once
// Random test matrices from ccrnn's own seeded streams (reproducible on every platform).
#include <ccrnn/core/random.hpp>
#include <ccrnn/core/types.hpp>

namespace ccrnn::testing {

/// rows x cols matrix of i.i.d. N(0, scale^2) draws, filled column by column.
inline Matrix<double> normal_matrix(Rng& rng, Index rows, Index cols, double scale = 1.0) {
  Matrix<double> m(rows, cols);
  for (Index c = 0; c < cols; ++c)
    for (Index r = 0; r < rows; ++r) m(r, c) = scale * rng.normal();
  return m;
}

}  // namespace ccrnn::testing
