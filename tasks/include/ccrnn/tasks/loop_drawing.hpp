#pragma once
// Line drawing in the loop paper's form (Pemberton, Chadderton & Costa 2024, Fig. 2; FORWARD_MODEL.md
// section 5): 6 conditions, condition 0 stays at the origin and condition k = 1..5 draws a straight line to
// (sin 72(k-1) deg, cos 72(k-1) deg) over L steps with the slow-fast-slow profile
// p_t = e (1 - cos(pi t / (L-1))) / 2. The cue is a 10-bit pattern per condition (the reference's, fixed),
// given at t = 0 with zeros after; every input entry of every step gets N(0, noise^2) noise.
// With arcs (the second task of task switching, spec section 5) condition k draws a semicircle to the same
// endpoint e instead: radius 1/2, constant angular speed theta = pi t / (L-1), bulging to the right of the
// direction of travel: p_t = (e (1 - cos theta) + sin theta (e_y, -e_x)) / 2.
// With digits = N (the loop paper's digit drawing, Fig. 4; task "loopdigits") there are N conditions and
// condition d draws digit d: the loop reference's template (loop_digit_template), resampled to L steps per
// segment as its fit_points (resample_per_segment); the cues are the first N of the same cue numbers.
#include <ccrnn/core/random.hpp>
#include <ccrnn/train/batch.hpp>

#include <Eigen/Core>
#include <vector>

namespace ccrnn::tasks {

struct LoopDrawingConfig {
  Index length = 20;    // L
  double noise = 0.1;   // std of the Gaussian noise on every input entry
  bool arcs = false;    // semicircles instead of straight lines (the switching task's second task)
  int digits = 0;       // 0: the 6 lines (or arcs); N in 2..10: digits 0..N-1 instead
};

class LoopDrawing {
 public:
  static constexpr int lines = 6;            // conditions of line drawing
  static constexpr int max_conditions = 10;  // digit drawing: at most the ten digits
  static constexpr Index cue_bits = 10;

  explicit LoopDrawing(const LoopDrawingConfig& config);
  const LoopDrawingConfig& config() const { return config_; }

  /// 6 (lines, arcs) or the number of digits.
  int conditions() const { return static_cast<int>(targets_.size()); }
  /// The cue of a condition 0..9 (10 bits): the reference's numbers 833, 990, 789, 235, 945, 965, 890, 317,
  /// 421, 1010 (numpy RandomState(123).choice(1024, N, replace=False) gives the first N of them) in binary,
  /// most significant bit first.
  static Eigen::VectorXd cue(int condition);
  /// Target trajectory (2 x L) of a condition 0..conditions()-1.
  const Eigen::MatrixXd& target(int condition) const;
  /// n conditions drawn uniformly from 0..conditions()-1.
  std::vector<int> random_conditions(Rng& rng, Index n) const;

  /// A batch (every step supervised); noise from noise_rng (null: noise-free).
  template <class S>
  Batch<S> make_batch(const std::vector<int>& conditions, Rng* noise_rng) const;

 private:
  LoopDrawingConfig config_;
  std::vector<Eigen::MatrixXd> targets_;
};

extern template Batch<float> LoopDrawing::make_batch(const std::vector<int>&, Rng*) const;
extern template Batch<double> LoopDrawing::make_batch(const std::vector<int>&, Rng*) const;

}  // namespace ccrnn::tasks
