// Checks of a batch against the model that is to run it, and flags from a per-trial mask (train/batch.hpp).
#include <ccrnn/train/batch.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn {

namespace {
/// Whether the mask supervises some sample at step t.
bool mask_step(const std::vector<unsigned char>& mask, Index batch, Index t) {
  for (Index c = t * batch; c < (t + 1) * batch; ++c)
    if (mask[static_cast<size_t>(c)]) return true;
  return false;
}
}  // namespace

template <class S>
void set_supervised_from_mask(Batch<S>& batch) {
  if (static_cast<Index>(batch.mask.size()) != batch.size * batch.length)
    throw std::invalid_argument("batch: the mask must have one entry per column (B*L)");
  batch.supervised.assign(static_cast<size_t>(batch.length), 0);
  for (Index t = 0; t < batch.length; ++t)
    batch.supervised[static_cast<size_t>(t)] = mask_step(batch.mask, batch.size, t);
}

template <class S>
void validate_batch(const Batch<S>& batch, Index input_size, Index output_size, LossKind loss) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("batch: " + what); };
  if (batch.size < 1 || batch.length < 1) fail("empty batch");
  const Index cols = batch.size * batch.length;
  if (batch.inputs.rows() != input_size || batch.inputs.cols() != cols)
    fail("inputs must be " + std::to_string(input_size) + " x " + std::to_string(cols) + ", got " +
         std::to_string(batch.inputs.rows()) + " x " + std::to_string(batch.inputs.cols()));
  if (static_cast<Index>(batch.supervised.size()) != batch.length)
    fail("supervised flags must have one entry per step");
  if (loss != LossKind::cross_entropy && (batch.targets.rows() != output_size || batch.targets.cols() != cols))
    fail("regression or binary targets must be output_size x B*L");
  if (loss == LossKind::cross_entropy && static_cast<Index>(batch.labels.size()) != cols)
    fail("labels must have one entry per column (B*L)");
  if (batch.mask.empty()) return;
  if (static_cast<Index>(batch.mask.size()) != cols) fail("the mask must be empty or have one entry per column (B*L)");
  for (Index t = 0; t < batch.length; ++t)
    if ((batch.supervised[static_cast<size_t>(t)] != 0) != mask_step(batch.mask, batch.size, t))
      fail("supervised flags must be 1 exactly at the steps where the mask supervises some sample, step " +
           std::to_string(t) + " differs (see set_supervised_from_mask)");
}

template void set_supervised_from_mask(Batch<float>&);
template void set_supervised_from_mask(Batch<double>&);
template void validate_batch(const Batch<float>&, Index, Index, LossKind);
template void validate_batch(const Batch<double>&, Index, Index, LossKind);

}  // namespace ccrnn
