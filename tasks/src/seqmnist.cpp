#include <ccrnn/tasks/seqmnist.hpp>
#include <ccrnn/core/enum_names.hpp>

#include <cmath>
#include <stdexcept>

namespace ccrnn::tasks {

namespace {
constexpr EnumName<SeqMnistTarget> seqmnist_target_names[] = {
    {SeqMnistTarget::line, "line"}, {SeqMnistTarget::digit, "digit"}, {SeqMnistTarget::classify, "class"}};
}  // namespace

SeqMnistTarget parse_seqmnist_target(const std::string& name) { return parse_enum(seqmnist_target_names, name, "target"); }

const char* to_string(SeqMnistTarget target) { return enum_name(seqmnist_target_names, target); }

SeqMnist::SeqMnist(const SeqMnistConfig& config) : config_(config) {
  if (config.feedback_interval < 1) throw std::invalid_argument("seqMNIST: feedback interval must be >= 1");
  for (int d = 0; d < 10; ++d) {
    if (config.target == SeqMnistTarget::line) {
      const double angle = 2.0 * M_PI * d / 10.0;  // 36 degrees per digit
      Eigen::MatrixXd line(2, rows);
      for (Index t = 0; t < rows; ++t) {
        const double fraction = static_cast<double>(t) / static_cast<double>(rows - 1);
        line(0, t) = config.radius * std::sin(angle) * fraction;
        line(1, t) = config.radius * std::cos(angle) * fraction;
      }
      targets_.push_back(line);
    } else if (config.target == SeqMnistTarget::digit) {
      targets_.push_back(digit_target(config.digit_templates, d, rows));
    }
  }
}

Index SeqMnist::output_size() const { return drawing() ? 2 : 10; }

LossKind SeqMnist::loss() const { return drawing() ? LossKind::mse : LossKind::cross_entropy; }

const Eigen::MatrixXd& SeqMnist::target(int digit) const {
  if (!drawing()) throw std::logic_error("seqMNIST: the class target has no trajectory");
  return targets_.at(static_cast<std::size_t>(digit));
}

template <class S>
Batch<S> SeqMnist::make_batch(const DigitImages& images, const std::vector<Index>& indices, bool dense_feedback) const {
  if (images.rows != rows || images.cols != cols)
    throw std::invalid_argument("seqMNIST: images must be 28x28, got " + std::to_string(images.rows) + "x" +
                                std::to_string(images.cols));
  Batch<S> batch;
  const Index B = static_cast<Index>(indices.size());
  batch.size = B;
  batch.length = rows;
  batch.inputs.resize(cols, B * rows);
  for (Index j = 0; j < B; ++j) {
    const Index i = indices[static_cast<std::size_t>(j)];
    if (i < 0 || i >= images.count()) throw std::out_of_range("seqMNIST: image index out of range");
    const float* image = images.image(i);
    for (Index t = 0; t < rows; ++t)
      for (Index c = 0; c < cols; ++c) batch.inputs(c, t * B + j) = static_cast<S>(image[t * cols + c]);
  }
  if (drawing()) {
    batch.targets.resize(2, B * rows);
    for (Index j = 0; j < B; ++j) {
      const Eigen::MatrixXd& target = targets_[images.labels[static_cast<std::size_t>(indices[static_cast<std::size_t>(j)])]];
      for (Index t = 0; t < rows; ++t) batch.targets.col(t * B + j) = target.col(t).cast<S>();
    }
    batch.supervised = sparse_feedback(rows, dense_feedback ? 1 : config_.feedback_interval);
  } else {
    batch.labels.assign(static_cast<std::size_t>(B * rows), -1);
    for (Index j = 0; j < B; ++j)
      batch.labels[static_cast<std::size_t>((rows - 1) * B + j)] =
          images.labels[static_cast<std::size_t>(indices[static_cast<std::size_t>(j)])];
    batch.supervised.assign(static_cast<std::size_t>(rows), 0);
    batch.supervised.back() = 1;
  }
  return batch;
}

template Batch<float> SeqMnist::make_batch(const DigitImages&, const std::vector<Index>&, bool) const;
template Batch<double> SeqMnist::make_batch(const DigitImages&, const std::vector<Index>&, bool) const;

}  // namespace ccrnn::tasks
