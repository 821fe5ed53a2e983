#include <ccrnn/tasks/digit_templates.hpp>
#include <ccrnn/tasks/loop_drawing.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

LoopDrawing::LoopDrawing(const LoopDrawingConfig& config) : config_(config) {
  if (config.length < 2) throw std::invalid_argument("loop line drawing: sequence length must be >= 2");
  if (config.noise < 0) throw std::invalid_argument("loop line drawing: noise must be >= 0");
  const Index length = config.length;
  if (config.digits != 0) {
    if (config.digits < 2 || config.digits > max_conditions)
      throw std::invalid_argument("loop digit drawing: the number of digits must be in 2..10, got " +
                                  std::to_string(config.digits));
    if (config.arcs) throw std::invalid_argument("loop digit drawing: arcs are line drawing's second task");
    for (int d = 0; d < config.digits; ++d) {
      const auto& vertices = loop_digit_template(d);
      if (length < static_cast<Index>(vertices.size()))
        throw std::invalid_argument("loop digit drawing: " + std::to_string(length) + " steps are too few for digit " +
                                    std::to_string(d) + " (" + std::to_string(vertices.size()) + " vertices)");
      targets_.push_back(resample_per_segment(vertices, length));
    }
    return;
  }
  for (int k = 0; k < lines; ++k) {
    const double angle = 2.0 * M_PI * (k - 1) / 5.0;
    const double end_x = k == 0 ? 0.0 : std::sin(angle), end_y = k == 0 ? 0.0 : std::cos(angle);
    Eigen::MatrixXd line(2, length);
    for (Index t = 0; t < length; ++t) {
      const double progress = 0.5 * (1.0 - std::cos(M_PI * static_cast<double>(t) / static_cast<double>(length - 1)));
      line(0, t) = end_x * progress;
      line(1, t) = end_y * progress;
      if (config.arcs) {  // progress = (1 - cos theta) / 2: add the bulge sin(theta) (e_y, -e_x) / 2
        const double bulge = 0.5 * std::sin(M_PI * static_cast<double>(t) / static_cast<double>(length - 1));
        line(0, t) += bulge * end_y;
        line(1, t) -= bulge * end_x;
      }
    }
    targets_.push_back(line);
  }
}

Eigen::VectorXd LoopDrawing::cue(int condition) {
  static constexpr int numbers[max_conditions] = {833, 990, 789, 235, 945, 965, 890, 317, 421, 1010};
  if (condition < 0 || condition >= max_conditions)
    throw std::out_of_range("loop drawing: a cue's condition must be in 0..9, got " + std::to_string(condition));
  Eigen::VectorXd bits(cue_bits);
  for (Index i = 0; i < cue_bits; ++i) bits(i) = (numbers[condition] >> (cue_bits - 1 - i)) & 1;
  return bits;
}

const Eigen::MatrixXd& LoopDrawing::target(int condition) const {
  if (condition < 0 || condition >= conditions())
    throw std::out_of_range("loop drawing: condition must be in 0.." + std::to_string(conditions() - 1) + ", got " +
                            std::to_string(condition));
  return targets_[static_cast<std::size_t>(condition)];
}

std::vector<int> LoopDrawing::random_conditions(Rng& rng, Index n) const {
  std::vector<int> out(static_cast<std::size_t>(n));
  for (auto& c : out) c = static_cast<int>(rng.uniform_int(0, conditions() - 1));
  return out;
}

template <class S>
Batch<S> LoopDrawing::make_batch(const std::vector<int>& condition_values, Rng* noise_rng) const {
  const Index b = static_cast<Index>(condition_values.size()), length = config_.length;
  Batch<S> batch;
  batch.size = b;
  batch.length = length;
  batch.inputs.setZero(cue_bits, b * length);
  batch.targets.resize(2, b * length);
  for (Index j = 0; j < b; ++j) {
    const int condition = condition_values[static_cast<std::size_t>(j)];
    batch.inputs.col(j) = cue(condition).cast<S>();
    const Eigen::MatrixXd& line = target(condition);
    for (Index t = 0; t < length; ++t) batch.targets.col(t * b + j) = line.col(t).cast<S>();
  }
  if (config_.noise > 0 && noise_rng != nullptr)
    for (Index c = 0; c < b * length; ++c)
      for (Index i = 0; i < cue_bits; ++i) batch.inputs(i, c) += static_cast<S>(noise_rng->normal() * config_.noise);
  batch.supervised.assign(static_cast<std::size_t>(length), 1);
  return batch;
}

template Batch<float> LoopDrawing::make_batch(const std::vector<int>&, Rng*) const;
template Batch<double> LoopDrawing::make_batch(const std::vector<int>&, Rng*) const;

}  // namespace ccrnn::tasks
