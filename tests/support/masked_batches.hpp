#pragma once
// Batches with a per-trial feedback mask, and the masked losses written straight from their definitions
// (train/loss.hpp), independently of the library's implementation, as the oracle of the mask tests.
#include <ccrnn/core/random.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/batch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "support/random_matrices.hpp"
#include "support/small_models.hpp"

namespace ccrnn::testing {

/// Random inputs and a random mask (each pair supervised with probability 0.6, so trials differ), the
/// supervised flags set from it. What the losses must never read is poisoned: MSE and binary targets
/// (random 0/1) are NaN and labels -1 at unsupervised pairs.
template <class S = double>
Batch<S> masked_batch(const ModelConfig& config, LossKind kind, Index batch_size, Index length, std::uint64_t seed) {
  Rng rng(seed, Stream::data);
  Batch<S> b;
  b.size = batch_size;
  b.length = length;
  const Index cols = batch_size * length;
  b.inputs = normal_matrix(rng, config.input_size, cols).template cast<S>();
  b.mask.resize(static_cast<size_t>(cols));
  for (auto& m : b.mask) m = rng.uniform() < 0.6;
  set_supervised_from_mask(b);
  if (kind != LossKind::cross_entropy) {
    b.targets = normal_matrix(rng, config.output_size, cols).template cast<S>();
    if (kind == LossKind::binary_cross_entropy) b.targets = (b.targets.array() > S(0)).template cast<S>();
    for (Index c = 0; c < cols; ++c)
      if (!b.mask[static_cast<size_t>(c)]) b.targets.col(c).setConstant(std::numeric_limits<S>::quiet_NaN());
  } else {
    for (Index c = 0; c < cols; ++c)
      b.labels.push_back(b.mask[static_cast<size_t>(c)] ? static_cast<int>(rng.uniform_int(0, config.output_size - 1))
                                                         : -1);
  }
  return b;
}

/// A batch given by supervised flags: MSE feedback every 3rd step, cross-entropy every 2nd step with a
/// label at every column.
template <class S = double>
Batch<S> flagged_batch(const ModelConfig& config, LossKind kind, Index batch_size, Index length, std::uint64_t seed) {
  Batch<S> b = random_batch<S>(config, kind, batch_size, length, seed, 3);
  if (kind == LossKind::cross_entropy) {
    b.supervised = sparse_feedback(length, 2);
    Rng rng(seed, Stream::validation);
    for (int& label : b.labels) label = static_cast<int>(rng.uniform_int(0, config.output_size - 1));
  }
  return b;
}

/// The same batch with a mask whose every row repeats the flags.
template <class S>
Batch<S> with_uniform_mask(const Batch<S>& flags) {
  Batch<S> masked = flags;
  for (Index t = 0; t < flags.length; ++t)
    for (Index j = 0; j < flags.size; ++j) masked.mask.push_back(flags.supervised[static_cast<size_t>(t)]);
  return masked;
}

/// Whether some supervised step of the batch has an unsupervised sample (the mask's rows really differ).
template <class S>
bool trials_differ(const Batch<S>& batch) {
  for (Index t = 0; t < batch.length; ++t)
    if (batch.supervised[static_cast<size_t>(t)] && supervised_pairs(batch, t, t + 1) < batch.size) return true;
  return false;
}

/// Squared error (MSE) or NLL (cross-entropy) of column c, in double.
template <class S>
double reference_pair_loss(LossKind kind, const Matrix<S>& outputs, const Batch<S>& batch, Index c) {
  const Eigen::VectorXd y = outputs.col(c).template cast<double>();
  if (kind == LossKind::mse) return (y - batch.targets.col(c).template cast<double>()).squaredNorm();
  if (kind == LossKind::binary_cross_entropy) {  // -z log sigmoid(y) - (1 - z) log(1 - sigmoid(y)), summed
    double sum = 0.0;
    for (Index k = 0; k < y.size(); ++k) {
      const double p = 1.0 / (1.0 + std::exp(-y(k))), z = static_cast<double>(batch.targets(k, c));
      sum -= z * std::log(p) + (1 - z) * std::log1p(-p);
    }
    return sum;
  }
  const int label = batch.labels[static_cast<size_t>(c)];
  double sum = 0.0;
  for (Index k = 0; k < y.size(); ++k) sum += std::exp(y(k) - y.maxCoeff());
  return y.maxCoeff() + std::log(sum) - y(label);
}

/// The window loss by its definition: the sum over the window's supervised pairs, divided by their number
/// (times the output dimensions for MSE and binary cross-entropy).
template <class S>
double reference_window_loss(LossKind kind, const Matrix<S>& outputs, const Batch<S>& batch, Index t0, Index t1) {
  double sum = 0.0;
  Index pairs = 0;
  for (Index c = t0 * batch.size; c < t1 * batch.size; ++c)
    if (batch.mask[static_cast<size_t>(c)]) {
      sum += reference_pair_loss(kind, outputs, batch, c);
      ++pairs;
    }
  if (pairs == 0) return 0.0;
  return sum / static_cast<double>(kind == LossKind::cross_entropy ? pairs : pairs * outputs.rows());
}

/// The training error by its definition: MSE the sum over supervised pairs / (B * L), cross-entropy the
/// mean over supervised pairs (binary cross-entropy: over supervised pairs and outputs).
template <class S>
double reference_training_error(LossKind kind, const Matrix<S>& outputs, const Batch<S>& batch) {
  double sum = 0.0;
  Index pairs = 0;
  for (Index c = 0; c < batch.size * batch.length; ++c)
    if (batch.mask[static_cast<size_t>(c)]) {
      sum += reference_pair_loss(kind, outputs, batch, c);
      ++pairs;
    }
  if (kind == LossKind::mse) return sum / static_cast<double>(batch.size * batch.length);
  if (kind == LossKind::binary_cross_entropy) pairs *= outputs.rows();
  return pairs > 0 ? sum / static_cast<double>(pairs) : 0.0;
}

}  // namespace ccrnn::testing
