#pragma once
// Delayed association in the loop paper's form (Pemberton, Chadderton & Costa 2024, Fig. 6;
// FORWARD_MODEL.md section 5): one of two 10-bit cues (the loop line drawing's first two patterns, 833 and
// 990: the reference draws both sets with numpy RandomState(123)) at t = 0, zeros after; the cue's index is
// the label of the last `window` steps. Every input entry of every step gets N(0, noise^2) noise.
#include <ccrnn/core/random.hpp>
#include <ccrnn/tasks/loop_drawing.hpp>
#include <ccrnn/train/batch.hpp>

#include <vector>

namespace ccrnn::tasks {

struct DelayedAssociationConfig {
  Index length = 15;   // L
  Index window = 5;    // labelled steps at the end of the trial
  double noise = 0.1;  // std of the Gaussian noise on every input entry
};

class DelayedAssociation {
 public:
  static constexpr int cues = 2;
  static constexpr Index cue_bits = LoopDrawing::cue_bits;

  explicit DelayedAssociation(const DelayedAssociationConfig& config);
  const DelayedAssociationConfig& config() const { return config_; }

  /// n cues drawn uniformly from 0..1.
  static std::vector<int> random_cues(Rng& rng, Index n);
  /// A batch: cue at t = 0, its index as the label of the last `window` steps; noise from noise_rng (null:
  /// noise-free).
  template <class S>
  Batch<S> make_batch(const std::vector<int>& cue_values, Rng* noise_rng) const;
  /// n random trials: their cues, then their noise, from rng.
  Batch<float> draw(Rng& rng, Index n) const;

 private:
  DelayedAssociationConfig config_;
};

extern template Batch<float> DelayedAssociation::make_batch(const std::vector<int>&, Rng*) const;
extern template Batch<double> DelayedAssociation::make_batch(const std::vector<int>&, Rng*) const;

}  // namespace ccrnn::tasks
