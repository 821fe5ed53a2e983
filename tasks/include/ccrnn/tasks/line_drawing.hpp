#pragma once
// The papers' simple sensorimotor task (ALGORITHM.md section 7): a cue c in {-3..3}, given as c*0.1 at
// t = 0 (zeros after, optionally with Gaussian noise), asks for a straight line from the origin to one of
// six points on a circle of radius 10 (60 degrees apart), sampled at L evenly spaced points; c = 0 asks
// the network to stay at the origin.
#include <ccrnn/core/random.hpp>
#include <ccrnn/train/batch.hpp>

#include <Eigen/Core>
#include <vector>

namespace ccrnn::tasks {

struct LineDrawingConfig {
  Index length = 10;             // L
  double radius = 10.0;          // distance of the six endpoints from the origin
  double cue_scale = 0.1;        // input at t = 0 is c * cue_scale
  double noise = 0.0;            // std of Gaussian input noise on steps t >= 1
  Index feedback_interval = 2;   // training feedback at steps t with t % interval == 0
  bool cue_context = false;      // give the cerebellum the cue as a one-hot context (7 x B), "cDNI"
};

class LineDrawing {
 public:
  static constexpr int cue_count = 7;
  /// Width of the cerebellar context this task provides (0 unless cue_context).
  Index context_size() const { return config_.cue_context ? cue_count : 0; }

  explicit LineDrawing(const LineDrawingConfig& config);
  const LineDrawingConfig& config() const { return config_; }

  /// The cue values -3..3, in the order used by targets() and trajectories.
  static std::vector<int> cues();
  /// n cue values drawn uniformly from -3..3.
  static std::vector<int> random_cues(Rng& rng, Index n);
  /// Target trajectory (2 x L) for a cue value in -3..3. Endpoints follow the reference code: cues
  /// 3, 2, 1, -1, -2, -3 go to angles 0, 60, 120, 180, 240, 300 degrees, at (r sin a, r cos a).
  const Eigen::MatrixXd& target(int cue) const;

  /// A batch for the given cue values. Noise (if configured) comes from noise_rng (may be null for a
  /// noise-free batch). Training batches use sparse feedback; dense_feedback marks every step.
  template <class S>
  Batch<S> make_batch(const std::vector<int>& cue_values, Rng* noise_rng, bool dense_feedback) const;

  /// A training batch: cues uniform in {-3..3} from rng, noise from rng, sparse feedback.
  template <class S>
  Batch<S> sample_batch(Rng& rng, Index size) const;

 private:
  LineDrawingConfig config_;
  std::vector<Eigen::MatrixXd> targets_;  // index cue + 3
};

extern template Batch<float> LineDrawing::make_batch(const std::vector<int>&, Rng*, bool) const;
extern template Batch<double> LineDrawing::make_batch(const std::vector<int>&, Rng*, bool) const;
extern template Batch<float> LineDrawing::sample_batch(Rng&, Index) const;
extern template Batch<double> LineDrawing::sample_batch(Rng&, Index) const;

}  // namespace ccrnn::tasks
