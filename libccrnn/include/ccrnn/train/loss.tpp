#pragma once
#include <ccrnn/train/loss.hpp>

#include <cmath>
#include <stdexcept>

namespace ccrnn {

namespace detail {
/// log-sum-exp of a column, for a stable softmax.
template <class Col>
double log_sum_exp(const Col& logits) {
  const double top = static_cast<double>(logits.maxCoeff());
  double sum = 0;
  for (Index i = 0; i < logits.size(); ++i) sum += std::exp(static_cast<double>(logits(i)) - top);
  return top + std::log(sum);
}
}  // namespace detail

template <class S>
double window_loss(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch, Index t0, Index t1,
                   BlockRef<S> output_grads) {
  const Index b = batch.size, d = outputs.rows();
  output_grads.middleCols(t0 * b, (t1 - t0) * b).setZero();
  const Index steps = supervised_steps(batch.supervised, t0, t1);
  if (steps == 0) return 0.0;
  double loss = 0.0;
  if (kind == LossKind::mse) {
    const double norm = 1.0 / static_cast<double>(steps * b * d);
    for (Index t = t0; t < t1; ++t) {
      if (!batch.supervised[static_cast<size_t>(t)]) continue;
      auto grad = output_grads.middleCols(t * b, b);  // the residual first, then scaled in place
      grad = outputs.middleCols(t * b, b) - batch.targets.middleCols(t * b, b);
      loss += static_cast<double>(grad.squaredNorm()) * norm;
      grad *= static_cast<S>(2.0 * norm);
    }
  } else {
    const double norm = 1.0 / static_cast<double>(steps * b);
    for (Index t = t0; t < t1; ++t) {
      if (!batch.supervised[static_cast<size_t>(t)]) continue;
      for (Index j = t * b; j < (t + 1) * b; ++j) {
        const int label = batch.labels[static_cast<size_t>(j)];
        if (label < 0 || label >= d) throw std::invalid_argument("cross-entropy: label out of range at a supervised step");
        const auto logits = outputs.col(j);
        const double lse = detail::log_sum_exp(logits);
        loss += (lse - static_cast<double>(logits(label))) * norm;
        for (Index k = 0; k < d; ++k)
          output_grads(k, j) = static_cast<S>((std::exp(static_cast<double>(logits(k)) - lse) - (k == label)) * norm);
      }
    }
  }
  return loss;
}

template <class S>
double training_error(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch) {
  const Index b = batch.size, length = batch.length;
  double total = 0.0;
  Index pairs = 0;
  for (Index t = 0; t < length; ++t) {
    if (!batch.supervised[static_cast<size_t>(t)]) continue;
    if (kind == LossKind::mse) {
      total += static_cast<double>((outputs.middleCols(t * b, b) - batch.targets.middleCols(t * b, b)).squaredNorm()) /
               static_cast<double>(b);
    } else {
      for (Index j = t * b; j < (t + 1) * b; ++j, ++pairs) {
        const auto logits = outputs.col(j);
        total += detail::log_sum_exp(logits) - static_cast<double>(logits(batch.labels[static_cast<size_t>(j)]));
      }
    }
  }
  if (kind == LossKind::mse) return total / static_cast<double>(length);
  return pairs > 0 ? total / static_cast<double>(pairs) : 0.0;
}

}  // namespace ccrnn
