#pragma once
// The TRUE (untruncated, full-BPTT) gradient of a batch's task loss with respect to the cortical state at
// every truncation boundary, and the TRUNCATED-BPTT gradient at every window start, by a separate pass
// that changes no parameter and no gradient buffer of the model (ALGORITHM.md section 8: recording and
// gradient alignment).
//
// Definitions. Batch of B sequences of length L, truncation T, W = ceil(L / T) windows; window w covers
// steps [wT, min((w+1)T, L)). Boundary j (j = 0..W) is the state s_j ENTERING step t_j = min(jT, L): the
// stacked cortical state (state_size x B, layer 0 first, [h; c] per layer for LSTM), s_0 = 0.
// Derivatives "w.r.t. s_j" treat s_j as the initial state of the continuation, steps t_j..L-1. (For
// t_j >= 1 the top layer's h in s_j is also the readout input of step t_j - 1; that use belongs to the
// past, window j-1, and is not part of them: it is how BPTT splits the gradient at a window boundary, the
// gradient a synthetic gradient is injected as, and the bootstrapped target's meaning.)
//   The loss is the one truncated training minimises (section 4/6, train/loss.hpp):
//       F = sum_w loss_w,  loss_w = window_loss(window w) = mean over w's supervised (step, sample) pairs
//                                   (for MSE also over the output dimensions; train/loss.hpp); 0 for a
//                                   window without feedback,
//   but every loss_w is now a function of the UNTRUNCATED trajectory from s_0 = 0.
//   * True gradient at boundary j:  G_j = dF/ds_j  (state_size x B; column b = sample b), i.e. the gradient
//     full BPTT propagates back to s_j. Only windows w >= j depend on s_j, so G_j = sum_{w >= j} d loss_w/ds_j;
//     G_W = 0 exactly (nothing follows the last boundary). This is what the cerebellum's prediction C(s_j)
//     stands in for (its bootstrapped target is within-window gradient + gamma * the prediction at the
//     window's end, so a perfect cerebellum matches a gamma-discounted version of G_j; compare directions,
//     e.g. by cosine similarity, not magnitudes).
//   * Truncated gradient at window start j (j = 0..W-1):  D_j = d loss_j / ds_j through window j only, with
//     nothing injected at its end: the gradient the cRNN's truncated BPTT delivers at s_j, and exactly the
//     bootstrapped target a no-injection TBPTT pass (TbpttSettings::inject = false) computes there.
//   * Parameter gradient: dF/dtheta by full BPTT (cortex and readout; the cerebellum's entries are zero), in
//     the layout of model.params.grads(). With T >= L, F is the single window's loss and this equals
//     accumulate_batch_gradients with truncation L of a cRNN.
// Note that F weights supervised pairs window by window (each window's loss is a mean over its own
// supervised pairs); with T >= L it is the ordinary untruncated loss.
//
// The pass is one forward over the whole sequence, the task-loss gradients, then one backward from t = L
// to 0 that stops at every boundary to record G_j (and, if asked, W independent window backward passes
// for D_j). The model is taken const; the parameter gradient is accumulated into a scratch ParamSet in the
// workspace, so model.params (values AND grads) is untouched, bitwise.
#include <ccrnn/model.hpp>
#include <ccrnn/train/batch.hpp>

#include <algorithm>
#include <type_traits>

namespace ccrnn {

struct BoundaryGradientOptions {
  Index truncation = 1;             // T >= 1
  LossKind loss = LossKind::mse;    // the task loss (as TbpttSettings::loss)
  bool truncated = true;            // also compute the truncated gradients D_j
  bool parameter_gradient = false;  // also compute dF/dtheta (full BPTT)
};

template <class S>
struct BoundaryGradients {
  Index batch = 0;       // B
  Index length = 0;      // L
  Index truncation = 0;  // T
  Index windows = 0;     // W
  Matrix<S> full;        // state x B*(W+1): G_j in columns [jB, (j+1)B); the last block is zero
  Matrix<S> truncated;   // state x B*W: D_j in columns [jB, (j+1)B) (empty unless options.truncated)
  Vector<S> parameters;  // dF/dtheta, params.size() (empty unless options.parameter_gradient)
  double loss = 0.0;     // F, the sum of the window losses

  /// Step of boundary j: min(j T, L).
  Index step(Index j) const { return std::min(j * truncation, length); }
};

/// Scratch of the pass, reusable across batches (sized on first use, no allocation when shapes repeat).
template <class S>
struct BoundaryGradientWorkspace {
  CortexTrace<S> cortex;
  Matrix<S> outputs;       // output_size x B*L
  Matrix<S> output_grads;  // output_size x B*L
  Matrix<S> hidden_grads;  // N x B*L
  Matrix<S> state_grad;    // state x B
  ParamSet<S> scratch;     // a copy of the model's parameters whose grads receive dF/dtheta
};

/// Computes the boundary gradients of one batch with the model's current parameters (see the top of this
/// file for the definitions). Changes nothing in the model. Throws std::invalid_argument on a batch that
/// does not fit the model or on truncation < 1.
template <class S>
void compute_boundary_gradients(const Model<S>& model, const Batch<S>& batch, const BoundaryGradientOptions& options,
                                BoundaryGradientWorkspace<S>& ws, BoundaryGradients<S>& out);

/// The same with a temporary workspace.
template <class S>
BoundaryGradients<S> boundary_gradients(const Model<S>& model, const Batch<S>& batch,
                                        const BoundaryGradientOptions& options);

/// F (the sum of the window losses of truncation T) of an untruncated forward pass, optionally with the
/// stacked state entering step `boundary_step` (0..L) replaced by `state` (state x B) before the pass
/// continues from there (the readout of the steps before it keeps the unperturbed h): F as a function of
/// the state at that boundary, for finite-difference checks of G_j. state == nullptr leaves the trajectory
/// alone. Uses ws.cortex/outputs/output_grads; changes nothing in the model.
template <class S>
double windowed_task_loss(const Model<S>& model, const Batch<S>& batch, Index truncation, LossKind loss,
                          BoundaryGradientWorkspace<S>& ws, Index boundary_step = 0, const Matrix<S>* state = nullptr);

/// Writes a stacked state (state x B) into boundary block t of every layer's trace (the inverse of
/// Cortex::gather_state).
template <class S>
void scatter_state(const Cortex<S>& cortex, CortexTrace<S>& trace, Index t,
                   const std::type_identity_t<ConstBlockRef<S>>& state);

#define CCRNN_DECLARE_TRUE_GRADIENT(S)                                                                           \
  extern template void compute_boundary_gradients(const Model<S>&, const Batch<S>&,                              \
                                                  const BoundaryGradientOptions&, BoundaryGradientWorkspace<S>&, \
                                                  BoundaryGradients<S>&);                                        \
  extern template BoundaryGradients<S> boundary_gradients(const Model<S>&, const Batch<S>&,                      \
                                                          const BoundaryGradientOptions&);                       \
  extern template double windowed_task_loss(const Model<S>&, const Batch<S>&, Index, LossKind,                   \
                                            BoundaryGradientWorkspace<S>&, Index, const Matrix<S>*);             \
  extern template void scatter_state(const Cortex<S>&, CortexTrace<S>&, Index, const ConstBlockRef<S>&);
CCRNN_DECLARE_TRUE_GRADIENT(float)
CCRNN_DECLARE_TRUE_GRADIENT(double)
#undef CCRNN_DECLARE_TRUE_GRADIENT

}  // namespace ccrnn
