// TrialSet::make_batch: a batch in ccrnn's time-major layout from a selection of trials.
#include <ccrnn/tasks/trials/trial_set.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

namespace {

/// Columns t*B + j of a rows x B*L batch matrix from columns trials[j]*L + t of the set's array held
/// trial by trial (TrialSet::by_trial).
template <class S>
Matrix<S> gather_steps(const std::vector<float>& by_trial, Index rows, const std::vector<Index>& trials, Index length,
                       Index n) {
  const Index b = static_cast<Index>(trials.size());
  const ConstMatrixMap<float> all(by_trial.data(), rows, n * length);
  Matrix<S> out(rows, b * length);
  for (Index j = 0; j < b; ++j) {
    const Index first = trials[static_cast<size_t>(j)] * length;
    for (Index t = 0; t < length; ++t) out.col(t * b + j) = all.col(first + t).template cast<S>();
  }
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
  batch.inputs = gather_steps<S>(inputs_by_trial_, input_size(), trials, length, n);
  if (arrays_.targets) batch.targets = gather_steps<S>(targets_by_trial_, output_size(), trials, length, n);
  // Labels (-1 where a trial is not supervised; validation bounds the others to [0, classes)) and
  // supervision, read trial by trial: row i*L + t of labels_by_trial_ / supervised_by_trial_.
  const auto on = [&](Index j, Index t) {
    return supervised_by_trial_[static_cast<size_t>(trials[static_cast<size_t>(j)] * length + t)] != 0;
  };
  if (arrays_.labels) {
    batch.labels.resize(static_cast<size_t>(b * length));
    for (Index j = 0; j < b; ++j) {
      const Index first = trials[static_cast<size_t>(j)] * length;
      for (Index t = 0; t < length; ++t)
        batch.labels[static_cast<size_t>(t * b + j)] = labels_by_trial_[static_cast<size_t>(first + t)];
    }
  }
  // supervised[t] = any trial at t; the per-trial mask only when the trials' rows differ, so that
  // batches of identically masked trials take the unmasked code path.
  batch.supervised.assign(static_cast<size_t>(length), 0);
  bool shared = true;
  for (Index j = 0; j < b; ++j)
    for (Index t = 0; t < length; ++t) {
      batch.supervised[static_cast<size_t>(t)] |= static_cast<unsigned char>(on(j, t));
      shared = shared && on(j, t) == on(0, t);
    }
  if (!shared) {
    batch.mask.resize(static_cast<size_t>(b * length));
    for (Index t = 0; t < length; ++t)
      for (Index j = 0; j < b; ++j) batch.mask[static_cast<size_t>(t * b + j)] = on(j, t);
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
