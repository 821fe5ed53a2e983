#pragma once
// Evidence accumulation (Deverett et al. 2019, Nat Commun 10:2976), in the loop paper's form (Pemberton,
// Chadderton & Costa 2024, Fig. 5; FORWARD_MODEL.md section 5): over L steps, at each step one of two
// channels (the two cheeks) is chosen at random and receives a puff (1) with probability `density`; the last
// `delay` steps are silent. The label, asked for at the last step only, is 1 + the channel with more puffs,
// or 0 when both had as many. Every input entry of every step gets N(0, noise^2) noise.
#include <ccrnn/core/random.hpp>
#include <ccrnn/train/batch.hpp>

#include <Eigen/Core>

namespace ccrnn::tasks {

struct EvidenceAccumulationConfig {
  Index length = 50;      // L
  Index channels = 2;     // cheeks
  double density = 0.3;   // probability of a puff at a step
  Index delay = 5;        // silent steps at the end of the trial
  double noise = 0.1;     // std of the Gaussian noise on every input entry
};

class EvidenceAccumulation {
 public:
  explicit EvidenceAccumulation(const EvidenceAccumulationConfig& config);
  const EvidenceAccumulationConfig& config() const { return config_; }
  /// Classes: 0 = tie, k = channel k - 1 had the most puffs.
  Index classes() const { return config_.channels + 1; }

  /// The label of puffs (channels x L, 0/1).
  static int label(const Eigen::MatrixXd& puffs);
  /// n trials of puffs (channels x L each), drawn step by step: the channel, then whether it puffs.
  std::vector<Eigen::MatrixXd> draw_puffs(Rng& rng, Index n) const;
  /// A batch of those trials: the label at the last step only; noise from noise_rng (null: noise-free).
  template <class S>
  Batch<S> make_batch(const std::vector<Eigen::MatrixXd>& puffs, Rng* noise_rng) const;
  /// n random trials: their puffs, then their noise, from rng.
  Batch<float> draw(Rng& rng, Index n) const;

 private:
  EvidenceAccumulationConfig config_;
};

extern template Batch<float> EvidenceAccumulation::make_batch(const std::vector<Eigen::MatrixXd>&, Rng*) const;
extern template Batch<double> EvidenceAccumulation::make_batch(const std::vector<Eigen::MatrixXd>&, Rng*) const;

}  // namespace ccrnn::tasks
