#pragma once
// Task losses of one truncation window and the papers' reported training error.
#include <ccrnn/train/batch.hpp>

namespace ccrnn {

/// How a cross-entropy is computed (train/cross_entropy.hpp): the double-precision loop or the vectorised
/// path in the working precision. The same definitions; they round differently.
enum class CrossEntropyPath { double_loop, vectorised };

/// Loss of the window [t0, t1): the mean over its supervised steps (and the batch; for MSE also the output
/// dimensions, as torch's mse_loss) — 0 when the window has no supervised step. Writes the gradient
/// w.r.t. outputs into output_grads for the window's columns (zero at unsupervised steps).
template <class S>
double window_loss(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch, Index t0, Index t1,
                   BlockRef<S> output_grads, CrossEntropyPath path = CrossEntropyPath::double_loop);

/// Training error as the papers plot it. MSE: sum over supervised steps of the batch-mean squared
/// Euclidean error, divided by L. Cross-entropy: mean over supervised (step, sample) pairs of the NLL.
template <class S>
double training_error(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch,
                      CrossEntropyPath path = CrossEntropyPath::double_loop);

/// Number of supervised steps in [t0, t1).
inline Index supervised_steps(const std::vector<unsigned char>& supervised, Index t0, Index t1) {
  Index n = 0;
  for (Index t = t0; t < t1; ++t) n += supervised[static_cast<size_t>(t)] ? 1 : 0;
  return n;
}

}  // namespace ccrnn
