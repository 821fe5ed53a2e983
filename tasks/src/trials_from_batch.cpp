// trials_from_batch: the inverse of TrialSet::make_batch, for exporting a built-in task's data as trials.
#include <ccrnn/tasks/trials/trial_set.hpp>

namespace ccrnn::tasks {

namespace {

/// A rows x B*L batch matrix (column t*B + j) is, in memory, the row-major (L, B, rows) array of trials.
TrialArray<float> steps_array(const Matrix<float>& m, Index length, Index b) {
  return {std::vector<float>(m.data(), m.data() + m.size()), {length, b, m.rows()}};
}

}  // namespace

TrialSet trials_from_batch(const Batch<float>& batch, const TrialsNaming& naming) {
  const Index b = batch.size, length = batch.length;
  TrialArrays a;
  a.inputs = steps_array(batch.inputs, length, b);
  TrialArray<std::int64_t> mask{std::vector<std::int64_t>(static_cast<std::size_t>(b * length)), {length, b}};
  for (Index t = 0; t < length; ++t)
    for (Index j = 0; j < b; ++j) {
      const auto c = static_cast<std::size_t>(t * b + j);
      mask.values[c] = batch.mask.empty() ? batch.supervised[static_cast<std::size_t>(t)] : batch.mask[c];
    }
  if (!batch.labels.empty()) {
    TrialArray<std::int64_t> labels{std::vector<std::int64_t>(batch.labels.begin(), batch.labels.end()), {length, b}};
    a.labels = std::move(labels);
  } else {
    a.targets = steps_array(batch.targets, length, b);
  }
  a.mask = std::move(mask);
  // context is C x B column-major: the row-major (B, C) array.
  if (batch.context.size() > 0)
    a.context = TrialArray<float>{std::vector<float>(batch.context.data(), batch.context.data() + batch.context.size()),
                                  {b, batch.context.rows()}};
  return TrialSet(std::move(a), naming);
}

}  // namespace ccrnn::tasks
