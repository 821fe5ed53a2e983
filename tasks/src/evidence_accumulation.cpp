#include <ccrnn/tasks/evidence_accumulation.hpp>

#include <stdexcept>

namespace ccrnn::tasks {

EvidenceAccumulation::EvidenceAccumulation(const EvidenceAccumulationConfig& config) : config_(config) {
  if (config.length < 2) throw std::invalid_argument("evidence accumulation: the trial needs at least 2 steps");
  if (config.channels < 2) throw std::invalid_argument("evidence accumulation: at least 2 channels");
  if (!(config.density >= 0 && config.density <= 1)) throw std::invalid_argument("evidence accumulation: density must be in [0, 1]");
  if (config.delay < 0 || config.delay >= config.length)
    throw std::invalid_argument("evidence accumulation: the delay must leave at least one step with puffs");
  if (config.noise < 0) throw std::invalid_argument("evidence accumulation: noise must be >= 0");
}

int EvidenceAccumulation::label(const Eigen::MatrixXd& puffs) {
  const Eigen::VectorXd counts = puffs.rowwise().sum();
  Index most = 0;
  const double max = counts.maxCoeff(&most);
  if ((counts.array() == max).count() > 1) return 0;  // a tie
  return static_cast<int>(most) + 1;
}

std::vector<Eigen::MatrixXd> EvidenceAccumulation::draw_puffs(Rng& rng, Index n) const {
  std::vector<Eigen::MatrixXd> trials(static_cast<std::size_t>(n), Eigen::MatrixXd::Zero(config_.channels, config_.length));
  for (auto& puffs : trials)
    for (Index t = 0; t < config_.length - config_.delay; ++t) {
      const Index channel = rng.uniform_int(0, config_.channels - 1);
      if (rng.uniform() < config_.density) puffs(channel, t) = 1.0;
    }
  return trials;
}

template <class S>
Batch<S> EvidenceAccumulation::make_batch(const std::vector<Eigen::MatrixXd>& puffs, Rng* noise_rng) const {
  const Index b = static_cast<Index>(puffs.size()), length = config_.length, channels = config_.channels;
  Batch<S> batch;
  batch.size = b;
  batch.length = length;
  batch.inputs.resize(channels, b * length);
  batch.labels.assign(static_cast<std::size_t>(b * length), -1);
  for (Index j = 0; j < b; ++j) {
    const Eigen::MatrixXd& trial = puffs[static_cast<std::size_t>(j)];
    if (trial.rows() != channels || trial.cols() != length)
      throw std::invalid_argument("evidence accumulation: puffs must be channels x L");
    for (Index t = 0; t < length; ++t) batch.inputs.col(t * b + j) = trial.col(t).cast<S>();
    batch.labels[static_cast<std::size_t>((length - 1) * b + j)] = label(trial);
  }
  if (config_.noise > 0 && noise_rng != nullptr)
    for (Index c = 0; c < b * length; ++c)
      for (Index i = 0; i < channels; ++i) batch.inputs(i, c) += static_cast<S>(noise_rng->normal() * config_.noise);
  batch.supervised.assign(static_cast<std::size_t>(length), 0);
  batch.supervised.back() = 1;
  return batch;
}

Batch<float> EvidenceAccumulation::draw(Rng& rng, Index n) const { return make_batch<float>(draw_puffs(rng, n), &rng); }

template Batch<float> EvidenceAccumulation::make_batch(const std::vector<Eigen::MatrixXd>&, Rng*) const;
template Batch<double> EvidenceAccumulation::make_batch(const std::vector<Eigen::MatrixXd>&, Rng*) const;

}  // namespace ccrnn::tasks
