// TrialSet::make_batch: a batch in ccrnn's time-major layout from a selection of trials.
#include <ccrnn/tasks/trials/trial_set.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

namespace {

/// Columns t*B + j of a rows x B*L batch matrix from columns t*n + trials[j] of the set's array
/// (an (L, n, rows) row-major array is a column-major rows x n*L matrix).
template <class S>
Matrix<S> gather_steps(const TrialArray<float>& a, const std::vector<Index>& trials, Index length, Index n) {
  const Index rows = a.dims[2], b = static_cast<Index>(trials.size());
  const ConstMatrixMap<float> all(a.values.data(), rows, n * length);
  Matrix<S> out(rows, b * length);
  for (Index t = 0; t < length; ++t)
    for (Index j = 0; j < b; ++j) out.col(t * b + j) = all.col(t * n + trials[static_cast<size_t>(j)]).template cast<S>();
  return out;
}

}  // namespace

template <class S>
Batch<S> TrialSet::make_batch(const std::vector<Index>& trials) const {
  if (trials.empty()) throw std::invalid_argument("TrialSet::make_batch: no trials");
  const Index n = size(), length = this->length(), b = static_cast<Index>(trials.size());
  for (const Index i : trials)
    if (i < 0 || i >= n)
      throw std::out_of_range("TrialSet::make_batch: trial " + std::to_string(i) + " is outside [0, " + std::to_string(n) + ")");
  Batch<S> batch;
  batch.size = b;
  batch.length = length;
  batch.inputs = gather_steps<S>(arrays_.inputs, trials, length, n);
  if (arrays_.targets) batch.targets = gather_steps<S>(*arrays_.targets, trials, length, n);
  if (arrays_.labels) {
    batch.labels.resize(static_cast<size_t>(b * length));
    for (Index t = 0; t < length; ++t)
      for (Index j = 0; j < b; ++j) {
        const Index i = trials[static_cast<size_t>(j)];
        // Validation bounds supervised labels to [0, classes); any other entry is never read: -1.
        batch.labels[static_cast<size_t>(t * b + j)] =
            supervised(t, i) ? static_cast<int>(arrays_.labels->values[static_cast<size_t>(t * n + i)]) : -1;
      }
  }
  // supervised[t] = any trial at t; the per-trial mask only when the trials' rows differ, so that
  // batches of identically masked trials take the unmasked code path.
  batch.supervised.assign(static_cast<size_t>(length), 0);
  bool shared = true;
  for (Index t = 0; t < length; ++t)
    for (Index j = 0; j < b; ++j) {
      const bool on = supervised(t, trials[static_cast<size_t>(j)]);
      batch.supervised[static_cast<size_t>(t)] |= static_cast<unsigned char>(on);
      shared = shared && on == supervised(t, trials[0]);
    }
  if (!shared) {
    batch.mask.resize(static_cast<size_t>(b * length));
    for (Index t = 0; t < length; ++t)
      for (Index j = 0; j < b; ++j) batch.mask[static_cast<size_t>(t * b + j)] = supervised(t, trials[static_cast<size_t>(j)]);
  }
  if (arrays_.context) {
    // (n, C) row-major = C x n column-major: column i is trial i's context.
    const ConstMatrixMap<float> context(arrays_.context->values.data(), context_size(), n);
    batch.context.resize(context_size(), b);
    for (Index j = 0; j < b; ++j) batch.context.col(j) = context.col(trials[static_cast<size_t>(j)]).template cast<S>();
  }
  return batch;
}

template Batch<float> TrialSet::make_batch<float>(const std::vector<Index>&) const;
template Batch<double> TrialSet::make_batch<double>(const std::vector<Index>&) const;

}  // namespace ccrnn::tasks
