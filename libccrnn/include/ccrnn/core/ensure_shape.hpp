#pragma once
// Work buffers that are reused from batch to batch.
#include <ccrnn/core/types.hpp>

namespace ccrnn {

/// Makes m rows x cols: zero-filled when its shape changes, untouched otherwise, so repeated batches of
/// one shape never allocate (callers overwrite what they read).
template <class S>
void ensure_shape(Matrix<S>& m, Index rows, Index cols) {
  if (m.rows() != rows || m.cols() != cols) m.setZero(rows, cols);
}

}  // namespace ccrnn
