#include <ccrnn/tasks/line_drawing.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

LineDrawing::LineDrawing(const LineDrawingConfig& config) : config_(config) {
  if (config.length < 2) throw std::invalid_argument("line drawing: sequence length must be >= 2");
  if (config.noise < 0) throw std::invalid_argument("line drawing: noise must be >= 0");
  if (config.feedback_interval < 1) throw std::invalid_argument("line drawing: feedback interval must be >= 1");
  const Index length = config.length;
  for (int cue : cues()) {
    double end_x = 0.0, end_y = 0.0;
    if (cue != 0) {
      // Reference order: the circle's points at 0, 60, ..., 300 degrees, reversed, assigned to -3..-1, 1..3.
      const int k = cue > 0 ? 3 - cue : -cue + 2;  // cue 3 -> 0 deg, ..., cue -3 -> 300 deg
      const double angle = 2.0 * M_PI * k / 6.0;
      end_x = config.radius * std::sin(angle);
      end_y = config.radius * std::cos(angle);
    }
    Eigen::MatrixXd line(2, length);
    for (Index t = 0; t < length; ++t) {
      const double fraction = static_cast<double>(t) / static_cast<double>(length - 1);
      line(0, t) = end_x * fraction;
      line(1, t) = end_y * fraction;
    }
    targets_.push_back(line);
  }
}

std::vector<int> LineDrawing::cues() { return {-3, -2, -1, 0, 1, 2, 3}; }

std::vector<int> LineDrawing::random_cues(Rng& rng, Index n) {
  std::vector<int> out(static_cast<size_t>(n));
  for (auto& c : out) c = static_cast<int>(rng.uniform_int(-3, 3));
  return out;
}

const Eigen::MatrixXd& LineDrawing::target(int cue) const {
  if (cue < -3 || cue > 3) throw std::out_of_range("line drawing: cue must be in -3..3, got " + std::to_string(cue));
  return targets_[static_cast<size_t>(cue + 3)];
}

template <class S>
Batch<S> LineDrawing::make_batch(const std::vector<int>& cue_values, Rng* noise_rng, bool dense_feedback) const {
  const Index b = static_cast<Index>(cue_values.size()), length = config_.length;
  Batch<S> batch;
  batch.size = b;
  batch.length = length;
  batch.inputs.setZero(1, b * length);
  batch.targets.resize(2, b * length);
  for (Index j = 0; j < b; ++j) {
    const int cue = cue_values[static_cast<size_t>(j)];
    batch.inputs(0, j) = static_cast<S>(cue * config_.cue_scale);
    const Eigen::MatrixXd& line = target(cue);
    for (Index t = 0; t < length; ++t) batch.targets.col(t * b + j) = line.col(t).cast<S>();
  }
  if (config_.noise > 0 && noise_rng != nullptr)
    for (Index c = b; c < b * length; ++c) batch.inputs(0, c) = static_cast<S>(noise_rng->normal() * config_.noise);
  batch.supervised = sparse_feedback(length, dense_feedback ? 1 : config_.feedback_interval);
  if (config_.cue_context) {
    batch.context.setZero(cue_count, b);
    for (Index j = 0; j < b; ++j) batch.context(cue_values[static_cast<size_t>(j)] + 3, j) = S(1);
  }
  return batch;
}

template <class S>
Batch<S> LineDrawing::sample_batch(Rng& rng, Index size) const {
  return make_batch<S>(random_cues(rng, size), &rng, false);
}

template Batch<float> LineDrawing::make_batch(const std::vector<int>&, Rng*, bool) const;
template Batch<double> LineDrawing::make_batch(const std::vector<int>&, Rng*, bool) const;
template Batch<float> LineDrawing::sample_batch(Rng&, Index) const;
template Batch<double> LineDrawing::sample_batch(Rng&, Index) const;

}  // namespace ccrnn::tasks
