#pragma once
// Small models and random batches for the exact checks of the training algorithm (test_tbptt.cpp,
// test_true_gradient.cpp, test_recording.cpp), and the matrix comparisons they use.
#include <ccrnn/core/random.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/batch.hpp>

#include "support/random_matrices.hpp"

namespace ccrnn::testing {

inline constexpr CellType kCells[] = {CellType::lstm, CellType::tanh, CellType::gru};

inline const char* loss_name(LossKind kind) {
  return kind == LossKind::mse ? "mse" : kind == LossKind::cross_entropy ? "cross-entropy" : "binary cross-entropy";
}

/// A model small enough for finite differences: 2 inputs, N=3, cerebellum 2 x 5; 2 outputs for MSE,
/// 3 classes for cross-entropy.
inline ModelConfig small_config(CellType cell, bool cerebellum, LossKind kind, Index layers = 1) {
  ModelConfig c;
  c.cell = cell;
  c.input_size = 2;
  c.hidden_size = 3;
  c.layers = layers;
  c.output_size = kind == LossKind::mse ? 2 : 3;
  c.cerebellum = cerebellum;
  c.cerebellar.hidden_size = 5;
  c.cerebellar.layers = 2;
  return c;
}

/// Random inputs; MSE: random targets, feedback every `interval`-th step; cross-entropy: a label at the
/// last step only.
template <class S = double>
Batch<S> random_batch(const ModelConfig& config, LossKind kind, Index batch_size, Index length, std::uint64_t seed,
                      Index interval = 2) {
  Rng rng(seed, Stream::data);
  Batch<S> b;
  b.size = batch_size;
  b.length = length;
  b.inputs = normal_matrix(rng, config.input_size, batch_size * length).template cast<S>();
  if (kind == LossKind::mse) {
    b.targets = normal_matrix(rng, config.output_size, batch_size * length).template cast<S>();
    b.supervised = sparse_feedback(length, interval);
  } else {
    b.labels.assign(static_cast<size_t>(batch_size * length), -1);
    for (Index j = (length - 1) * batch_size; j < length * batch_size; ++j)
      b.labels[static_cast<size_t>(j)] = static_cast<int>(rng.uniform_int(0, config.output_size - 1));
    b.supervised.assign(static_cast<size_t>(length), 0);
    b.supervised.back() = 1;
  }
  return b;
}

inline double max_abs(const Matrix<double>& m) { return m.size() ? m.cwiseAbs().maxCoeff() : 0.0; }

/// max |a - b| / max |b|: a norm-wise relative difference.
inline double relative_difference(const Matrix<double>& a, const Matrix<double>& b) {
  const double scale = max_abs(b);
  return max_abs(a - b) / (scale > 0 ? scale : 1.0);
}

}  // namespace ccrnn::testing
