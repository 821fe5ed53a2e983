#include <ccrnn/tasks/evaluation.hpp>

#include <algorithm>
#include <cmath>

namespace ccrnn::tasks {

ClassScore class_score(const Eigen::VectorXd& logits, int label) {
  const double top = logits.maxCoeff();
  const double log_sum = top + std::log((logits.array() - top).exp().sum());
  Index argmax = 0;
  logits.maxCoeff(&argmax);
  return {log_sum - logits(label), argmax == label, std::exp(top - log_sum)};
}

double supervised_squared_error(const Matrix<float>& outputs, const Batch<float>& batch) {
  const bool all = batch.mask.empty() && std::all_of(batch.supervised.begin(), batch.supervised.end(),
                                                      [](unsigned char s) { return s != 0; });
  if (all) return (outputs.cast<double>() - batch.targets.cast<double>()).squaredNorm();
  Eigen::MatrixXd residual = outputs.cast<double>() - batch.targets.cast<double>();
  const Index b = batch.size;
  for (Index c = 0; c < residual.cols(); ++c) {
    const bool supervised = batch.mask.empty() ? batch.supervised[static_cast<std::size_t>(c / b)] != 0
                                               : batch.mask[static_cast<std::size_t>(c)] != 0;
    if (!supervised) residual.col(c).setZero();
  }
  return residual.squaredNorm();
}

}  // namespace ccrnn::tasks
