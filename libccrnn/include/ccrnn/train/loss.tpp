#pragma once
#include <ccrnn/core/columns.hpp>
#include <ccrnn/train/cross_entropy.hpp>
#include <ccrnn/train/loss.hpp>

#include <algorithm>
#include <cmath>

namespace ccrnn {

namespace detail {
/// softplus(y) - target * y, the binary cross-entropy of logit y, without overflow for large |y|.
inline double binary_cross_entropy(double y, double target) {
  return std::max(y, 0.0) - y * target + std::log1p(std::exp(-std::abs(y)));
}
inline double sigmoid(double y) {
  return y >= 0 ? 1.0 / (1.0 + std::exp(-y)) : std::exp(y) / (1.0 + std::exp(y));
}
}  // namespace detail

template <class S>
double window_loss(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch, Index t0, Index t1,
                   BlockRef<S> output_grads, CrossEntropyPath path) {
  const Index b = batch.size, d = outputs.rows();
  output_grads.middleCols(t0 * b, (t1 - t0) * b).setZero();
  const Index pairs = supervised_pairs(batch, t0, t1);
  if (pairs == 0) return 0.0;
  double loss = 0.0;
  if (kind == LossKind::mse) {
    const double norm = 1.0 / static_cast<double>(pairs * d);
    for (Index t = t0; t < t1; ++t) {
      if (!batch.supervised[static_cast<size_t>(t)]) continue;
      auto grad = output_grads.middleCols(t * b, b);  // the residual first, then scaled in place
      grad = outputs.middleCols(t * b, b) - batch.targets.middleCols(t * b, b);
      if (!batch.mask.empty())
        for (Index j = 0; j < b; ++j)
          if (!batch.mask[static_cast<size_t>(t * b + j)]) grad.col(j).setZero();  // an unsupervised sample
      loss += static_cast<double>(grad.squaredNorm()) * norm;
      grad *= static_cast<S>(2.0 * norm);
    }
  } else if (kind == LossKind::binary_cross_entropy) {
    const double norm = 1.0 / static_cast<double>(pairs * d);
    for (Index t = t0; t < t1; ++t) {
      if (!batch.supervised[static_cast<size_t>(t)]) continue;
      for (Index j = t * b; j < (t + 1) * b; ++j) {
        if (!column_supervised(batch, j)) continue;  // its gradient stays zero
        for (Index i = 0; i < d; ++i) {
          const double y = outputs(i, j), target = batch.targets(i, j);
          loss += detail::binary_cross_entropy(y, target) * norm;
          output_grads(i, j) = static_cast<S>((detail::sigmoid(y) - target) * norm);
        }
      }
    }
  } else {
    // One loop per path: the compiler's choice of fused multiply-adds for the loss depends on the loop's
    // shape, and each path keeps the rounding it has always had. A mask's unsupervised samples are
    // skipped run by run (SupervisedRuns), so the loop around the update keeps that shape with a mask too.
    const double norm = 1.0 / static_cast<double>(pairs);
    if (path == CrossEntropyPath::vectorised) {
      for (Index t = t0; t < t1; ++t) {
        if (!batch.supervised[static_cast<size_t>(t)]) continue;
        for (const auto [begin, end] : SupervisedRuns<S>(batch, t)) {
          for (Index j = begin; j < end; ++j) {
            auto column = column_segment(output_grads, j, 0, d);  // the logits, then their gradient, in place
            column = column_segment(outputs, j, 0, d);
            const int label = batch.labels[static_cast<size_t>(j)];
            double sum = 0.0;
            loss += exp_shifted_nll<S>(column, label, sum) * norm;
            softmax_gradient_in_place<S>(column, label, sum, norm);
          }
        }
      }
    } else {
      for (Index t = t0; t < t1; ++t) {
        if (!batch.supervised[static_cast<size_t>(t)]) continue;
        for (const auto [begin, end] : SupervisedRuns<S>(batch, t)) {
          for (Index j = begin; j < end; ++j) {
            const int label = batch.labels[static_cast<size_t>(j)];
            loss += nll_with_gradient(outputs.col(j), label, norm, output_grads.col(j)) * norm;
          }
        }
      }
    }
  }
  return loss;
}

template <class S>
double training_error(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch, CrossEntropyPath path) {
  const Index b = batch.size, length = batch.length;
  double total = 0.0;
  Index pairs = 0;
  Vector<S> scratch;  // the vectorised path's column
  for (Index t = 0; t < length; ++t) {
    if (!batch.supervised[static_cast<size_t>(t)]) continue;
    if (kind == LossKind::mse) {
      const auto residual = outputs.middleCols(t * b, b) - batch.targets.middleCols(t * b, b);
      if (supervised_pairs(batch, t, t + 1) == b) {
        total += static_cast<double>(residual.squaredNorm()) / static_cast<double>(b);
      } else {  // a masked step: its supervised samples only
        double step = 0.0;
        for (Index j = 0; j < b; ++j)
          if (column_supervised(batch, t * b + j)) step += static_cast<double>(residual.col(j).squaredNorm());
        total += step / static_cast<double>(b);
      }
    } else if (kind == LossKind::binary_cross_entropy) {
      for (Index j = t * b; j < (t + 1) * b; ++j) {
        if (!column_supervised(batch, j)) continue;
        for (Index i = 0; i < outputs.rows(); ++i)
          total += detail::binary_cross_entropy(outputs(i, j), batch.targets(i, j));
        pairs += outputs.rows();
      }
    } else {
      for (Index j = t * b; j < (t + 1) * b; ++j) {
        if (!column_supervised(batch, j)) continue;
        const int label = batch.labels[static_cast<size_t>(j)];
        total += path == CrossEntropyPath::vectorised ? vectorised_nll<S>(outputs, j, label, scratch)
                                                      : nll(outputs.col(j), label);
        ++pairs;
      }
    }
  }
  if (kind == LossKind::mse) return total / static_cast<double>(length);
  return pairs > 0 ? total / static_cast<double>(pairs) : 0.0;
}

}  // namespace ccrnn
