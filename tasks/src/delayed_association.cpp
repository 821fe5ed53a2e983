#include <ccrnn/tasks/delayed_association.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

DelayedAssociation::DelayedAssociation(const DelayedAssociationConfig& config) : config_(config) {
  if (config.length < 2) throw std::invalid_argument("delayed association: the trial needs at least 2 steps");
  if (config.window < 1 || config.window >= config.length)
    throw std::invalid_argument("delayed association: the window must be 1..L-1 steps");
  if (config.noise < 0) throw std::invalid_argument("delayed association: noise must be >= 0");
}

std::vector<int> DelayedAssociation::random_cues(Rng& rng, Index n) {
  std::vector<int> out(static_cast<std::size_t>(n));
  for (auto& c : out) c = static_cast<int>(rng.uniform_int(0, cues - 1));
  return out;
}

template <class S>
Batch<S> DelayedAssociation::make_batch(const std::vector<int>& cue_values, Rng* noise_rng) const {
  const Index b = static_cast<Index>(cue_values.size()), length = config_.length, bits = LoopDrawing::cue_bits;
  Batch<S> batch;
  batch.size = b;
  batch.length = length;
  batch.inputs.setZero(bits, b * length);
  batch.labels.assign(static_cast<std::size_t>(b * length), -1);
  batch.supervised.assign(static_cast<std::size_t>(length), 0);
  for (Index j = 0; j < b; ++j) {
    const int cue = cue_values[static_cast<std::size_t>(j)];
    if (cue < 0 || cue >= cues) throw std::out_of_range("delayed association: cue must be 0 or 1, got " + std::to_string(cue));
    batch.inputs.col(j) = LoopDrawing::cue(cue).cast<S>();
    for (Index t = length - config_.window; t < length; ++t) batch.labels[static_cast<std::size_t>(t * b + j)] = cue;
  }
  for (Index t = length - config_.window; t < length; ++t) batch.supervised[static_cast<std::size_t>(t)] = 1;
  if (config_.noise > 0 && noise_rng != nullptr)
    for (Index c = 0; c < b * length; ++c)
      for (Index i = 0; i < bits; ++i) batch.inputs(i, c) += static_cast<S>(noise_rng->normal() * config_.noise);
  return batch;
}

Batch<float> DelayedAssociation::draw(Rng& rng, Index n) const { return make_batch<float>(random_cues(rng, n), &rng); }

template Batch<float> DelayedAssociation::make_batch(const std::vector<int>&, Rng*) const;
template Batch<double> DelayedAssociation::make_batch(const std::vector<int>&, Rng*) const;

}  // namespace ccrnn::tasks
