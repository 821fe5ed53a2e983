#pragma once
// What the tasks' evaluations share: scores of a classification output and the masked squared error of a
// regression output, forward only (no truncation), accumulated in double.
#include <ccrnn/train/batch.hpp>

#include <Eigen/Core>

namespace ccrnn::tasks {

/// Softmax scores of one output column: the NLL of the label, whether the argmax is the label, and the
/// largest softmax probability (1 - mean confidence is the "uncertainty" of docs/metrics.md).
struct ClassScore {
  double nll = 0.0;
  bool correct = false;
  double confidence = 0.0;
};
ClassScore class_score(const Eigen::VectorXd& logits, int label);

/// Sum over the supervised (step, sample) pairs of a batch (batch.mask, else batch.supervised) of the
/// squared Euclidean error between outputs (O x B*L) and batch.targets. With every pair supervised it is
/// the squared norm of the whole difference, summed in exactly the order the drawing tasks always used.
double supervised_squared_error(const Matrix<float>& outputs, const Batch<float>& batch);

}  // namespace ccrnn::tasks
