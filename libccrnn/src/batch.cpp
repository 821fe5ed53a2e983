// Checks of a batch against the model that is to run it (train/batch.hpp).
#include <ccrnn/train/batch.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn {

template <class S>
void validate_batch(const Batch<S>& batch, Index input_size, Index output_size, LossKind loss) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("batch: " + what); };
  if (batch.size < 1 || batch.length < 1) fail("empty batch");
  const Index cols = batch.size * batch.length;
  if (batch.inputs.rows() != input_size || batch.inputs.cols() != cols)
    fail("inputs must be " + std::to_string(input_size) + " x " + std::to_string(cols) + ", got " +
         std::to_string(batch.inputs.rows()) + " x " + std::to_string(batch.inputs.cols()));
  if (static_cast<Index>(batch.supervised.size()) != batch.length) fail("supervised flags must have one entry per step");
  if (loss == LossKind::mse && (batch.targets.rows() != output_size || batch.targets.cols() != cols))
    fail("regression targets must be output_size x B*L");
  if (loss == LossKind::cross_entropy && static_cast<Index>(batch.labels.size()) != cols)
    fail("labels must have one entry per column (B*L)");
}

template void validate_batch(const Batch<float>&, Index, Index, LossKind);
template void validate_batch(const Batch<double>&, Index, Index, LossKind);

}  // namespace ccrnn
