#pragma once
// Optimizers and global-norm clipping over ranges of a flat parameter buffer, with PyTorch's update
// formulas (torch.optim.Adam, RMSprop, SGD with momentum; clip_grad_norm_).
#include <ccrnn/core/types.hpp>

#include <span>
#include <string>

namespace ccrnn {

enum class OptimizerKind { adam, rmsprop, sgd };
OptimizerKind parse_optimizer_kind(const std::string& name);
std::string to_string(OptimizerKind kind);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::adam;
  double lr = 1e-3;
  double beta1 = 0.9;   // Adam
  double beta2 = 0.98;  // Adam (the reference's value; PyTorch's default is 0.999)
  double eps = 1e-9;    // Adam and RMSprop
  double momentum = 0.9;  // RMSprop and SGD
  double alpha = 0.99;    // RMSprop smoothing constant
};

/// The configuration of a parameter group with its own learning rate (a PyTorch parameter group): base
/// with lr replaced when group_lr > 0; group_lr 0 means the group keeps base.lr.
inline OptimizerConfig group_optimizer_config(OptimizerConfig base, double group_lr) {
  if (group_lr > 0) base.lr = group_lr;
  return base;
}

template <class S>
class Optimizer {
 public:
  Optimizer(const OptimizerConfig& config, Index size);
  /// One update of values[r] for every range r from grads[r]; state of other elements is untouched.
  void step(Vector<S>& values, const Vector<S>& grads, std::span<const Range> ranges);
  const OptimizerConfig& config() const { return config_; }
  long steps() const { return steps_; }
  /// The state a checkpoint keeps (Adam: m and v; RMSprop: square average and momentum buffer; SGD: the
  /// momentum buffer and an unused zero vector) and the step count, and back (sizes must match).
  const Vector<S>& first_moments() const { return first_; }
  const Vector<S>& second_moments() const { return second_; }
  void restore(const Vector<S>& first, const Vector<S>& second, long steps);

 private:
  OptimizerConfig config_;
  Vector<S> first_, second_;  // Adam: m, v; RMSprop: square average, momentum buffer; SGD: momentum buffer
  long steps_ = 0;
};

/// Euclidean norm of grads over the ranges (accumulated in double, in a fixed order).
template <class S>
double global_norm(const Vector<S>& grads, std::span<const Range> ranges);

/// torch.nn.utils.clip_grad_norm_: if the global norm exceeds max_norm, scales grads[ranges] by
/// max_norm / (norm + 1e-6). Returns the norm before clipping.
template <class S>
double clip_global_norm(Vector<S>& grads, std::span<const Range> ranges, double max_norm);

extern template class Optimizer<float>;
extern template class Optimizer<double>;
extern template double global_norm(const Vector<float>&, std::span<const Range>);
extern template double global_norm(const Vector<double>&, std::span<const Range>);
extern template double clip_global_norm(Vector<float>&, std::span<const Range>, double);
extern template double clip_global_norm(Vector<double>&, std::span<const Range>, double);

}  // namespace ccrnn
