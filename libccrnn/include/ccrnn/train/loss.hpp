#pragma once
// Task losses of one truncation window and the papers' reported training error.
#include <ccrnn/train/batch.hpp>

namespace ccrnn {

/// How a cross-entropy is computed (train/cross_entropy.hpp): the double-precision loop or the vectorised
/// path in the working precision. The same definitions; they round differently.
enum class CrossEntropyPath { double_loop, vectorised };

// Definitions. A (step, sample) pair is supervised where Batch::mask says so or, without a mask, at the
// steps Batch::supervised flags, for every sample. For a window [t0, t1) of a batch of B samples and L
// steps with outputs y of d dimensions:
//   window MSE loss       = sum over the window's supervised pairs of ||y - target||^2
//                           / (number of supervised pairs in the window * d)   (torch's mse_loss)
//   window cross-entropy  = sum over the window's supervised pairs of -log softmax(y)_label
//                           / number of supervised pairs in the window
//   window binary cross-entropy = sum over the window's supervised pairs and the d outputs of
//                           softplus(y) - target * y, / (number of supervised pairs in the window * d)
//                           (torch's binary_cross_entropy_with_logits; gradient sigmoid(y) - target, scaled)
//   (0 for a window without supervised pairs; the gradient w.r.t. y accordingly, zero at unsupervised pairs)
//   training error, MSE   = sum over the batch's supervised pairs of ||y - target||^2 / (B * L)
//   training error, cross-entropy = mean over the batch's supervised pairs of -log softmax(y)_label.
//   training error, binary cross-entropy = mean over the batch's supervised pairs and outputs of
//                           softplus(y) - target * y (nats per bit).
// Without a mask, or with a mask whose rows are the same for all samples, these are the papers'
// definitions, bit for bit: the MSE norm is 1 / (supervised steps * B * d), the training error the sum over
// supervised steps of the batch-mean squared Euclidean error, / L. With a mask, unsupervised samples'
// residuals and gradients are zeroed at supervised steps.

/// The loss of the window [t0, t1) (see above); writes its gradient w.r.t. outputs into output_grads for
/// the window's columns.
template <class S>
double window_loss(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch, Index t0, Index t1,
                   BlockRef<S> output_grads, CrossEntropyPath path = CrossEntropyPath::double_loop);

/// The training error as the papers plot it (see above).
template <class S>
double training_error(LossKind kind, const ConstBlockRef<S>& outputs, const Batch<S>& batch,
                      CrossEntropyPath path = CrossEntropyPath::double_loop);

}  // namespace ccrnn
