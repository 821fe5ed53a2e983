#pragma once
// The small loop models and random batches of the loop's exact checks (test_loop_gradients.cpp,
// test_eprop.cpp): a leaky tanh cortex (alpha 0.3), a forward cerebellum, 2-sample batches of 6 steps.
#include <ccrnn/core/random.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/batch.hpp>

#include <string>

#include "support/random_matrices.hpp"

namespace ccrnn::testing::small_loops {

inline constexpr Index kInputs = 2, kHidden = 3, kOutputs = 2, kClasses = 3, kBatch = 2, kLength = 6, kGranules = 5;

struct Variant {
  LossKind loss = LossKind::mse;
  bool biases = false;
  bool temporal_basis = false;
  bool all_origins = false;  // readout (projected), input and target too, not just the cortex
  std::string name() const {
    return std::string(loss == LossKind::mse ? "mse" : "cross-entropy") + (biases ? ", biases" : "") +
           (temporal_basis ? ", temporal basis" : "") + (all_origins ? ", all pons origins" : "");
  }
};

inline ModelConfig loop_config(const Variant& v, Index tau = 2) {
  ModelConfig c;
  c.cell = CellType::leaky_tanh;
  c.leak = 0.3;
  c.input_size = kInputs;
  c.hidden_size = kHidden;
  c.output_size = v.loss == LossKind::mse ? kOutputs : kClasses;
  c.forward.enabled = true;
  c.forward.hidden_size = kGranules;
  c.forward.biases = v.biases;
  c.forward.tau = tau;
  c.forward.temporal_basis = v.temporal_basis;
  if (v.all_origins) {
    c.forward.pons[PonsOrigin::readout] = 2;
    c.forward.pons[PonsOrigin::input] = PonsConfig::copy;
    c.forward.pons[PonsOrigin::target] = 3;
  }
  return c;
}

inline Batch<double> loop_batch(const ModelConfig& c, LossKind loss, std::uint64_t seed) {
  Rng rng(seed, Stream::data);
  Batch<double> b;
  b.size = kBatch;
  b.length = kLength;
  b.inputs = normal_matrix(rng, c.input_size, kBatch * kLength);
  b.supervised.assign(kLength, 1);
  if (loss == LossKind::mse) {
    b.targets = normal_matrix(rng, c.output_size, kBatch * kLength);
  } else {
    b.labels.assign(kBatch * kLength, -1);
    for (Index j = 0; j < kBatch * kLength; ++j) b.labels[j] = static_cast<int>(rng.uniform_int(0, c.output_size - 1));
  }
  return b;
}

/// A model with weights large enough to exercise every term (cortex U(-1, 1), cerebellum doubled).
inline Model<double> loop_model(const ModelConfig& c, std::uint64_t seed) {
  Model<double> m(c);
  m.initialise(seed);
  m.params.values() *= 2.0;
  return m;
}

}  // namespace ccrnn::testing::small_loops
