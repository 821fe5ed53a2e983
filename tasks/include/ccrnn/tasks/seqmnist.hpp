#pragma once
// The three sequential-MNIST tasks (ALGORITHM.md section 7). A 28x28 digit image is read one row per
// step (28 steps x 28 inputs, pixels in [0,1]); while reading it the network
//  - line:  draws a straight line from the origin to 10*(sin 36d, cos 36d) for digit d, over the 28 steps;
//  - digit: draws the digit's template (digit_templates.hpp: the reference's by default, or ccrnn's own),
//           resampled to 28 points on the unit square;
//  - class: names the digit at the last step (10-way cross-entropy).
// Drawing targets get feedback at steps t with t % feedback_interval == 0; classification at the last step.
#include <ccrnn/tasks/digit_images.hpp>
#include <ccrnn/tasks/digit_templates.hpp>
#include <ccrnn/train/batch.hpp>

#include <Eigen/Core>
#include <string>
#include <vector>

namespace ccrnn::tasks {

enum class SeqMnistTarget { line, digit, classify };

/// "line", "digit" or "class"; throws std::invalid_argument otherwise.
SeqMnistTarget parse_seqmnist_target(const std::string& name);
const char* to_string(SeqMnistTarget target);

struct SeqMnistConfig {
  SeqMnistTarget target = SeqMnistTarget::line;
  Index feedback_interval = 4;  // drawing targets only
  double radius = 10.0;         // line endpoints' distance from the origin
  DigitTemplates digit_templates = DigitTemplates::reference;  // digit target only
};

class SeqMnist {
 public:
  static constexpr Index rows = 28;  // steps L
  static constexpr Index cols = 28;  // inputs per step

  explicit SeqMnist(const SeqMnistConfig& config);
  const SeqMnistConfig& config() const { return config_; }
  Index length() const { return rows; }
  Index input_size() const { return cols; }
  /// 2 for the drawing targets, 10 for classification.
  Index output_size() const;
  LossKind loss() const;
  bool drawing() const { return config_.target != SeqMnistTarget::classify; }

  /// Drawing target of a digit: 2 x 28 (column t = the point at step t). Throws for classification.
  const Eigen::MatrixXd& target(int digit) const;

  /// A batch of images[indices[j]]. Training batches use the task's feedback; dense_feedback marks every
  /// step of a drawing target (evaluation). Classification always supervises the last step only.
  template <class S>
  Batch<S> make_batch(const DigitImages& images, const std::vector<Index>& indices, bool dense_feedback) const;

 private:
  SeqMnistConfig config_;
  std::vector<Eigen::MatrixXd> targets_;  // by digit, drawing targets only
};

extern template Batch<float> SeqMnist::make_batch(const DigitImages&, const std::vector<Index>&, bool) const;
extern template Batch<double> SeqMnist::make_batch(const DigitImages&, const std::vector<Index>&, bool) const;

}  // namespace ccrnn::tasks
