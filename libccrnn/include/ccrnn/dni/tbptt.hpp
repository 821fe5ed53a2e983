#pragma once
// Truncated BPTT with the cerebellum as a decoupled neural interface (ALGORITHM.md section 4).
//
// We use the "equivalent, faster order": the cortex runs forward over a whole segment of windows first;
// the cerebellum is evaluated ONCE per truncation boundary (window end w == window start w+1) for all
// boundaries in one wide product; each window's backward pass then needs only its own injected gradient
// gamma * C(s_end); the bootstrapped target of window w is the total gradient arriving at its start; and
// the cerebellum's backward over all window starts is again one wide product.
// A segment is all windows of the batch (one optimizer step per batch) or a single window (one step per
// window, where parameters change between windows and the loop must be sequential).
// The cerebellum's steps (its predictions, the injection, the targets, its learning) are in
// dni/synthetic_gradient.hpp; this file's accumulate_windows runs the windows around them.
#include <ccrnn/model.hpp>
#include <ccrnn/train/batch.hpp>

namespace ccrnn {

struct TbpttSettings {
  Index truncation = 1;          // T: steps per window
  double sg_scale = 0.1;         // gamma: scale of the injected synthetic gradient
  bool inject = true;            // the cerebellum (if any) injects its predictions
  bool final_injection = true;   // also at the end of the last window (the reference does; ALGORITHM.md §4).
                                 // false: the sequence's end gets no synthetic gradient (nothing follows it)
  bool train_cerebellum = true;  // the cerebellum (if any) learns from the bootstrapped targets
  LossKind loss = LossKind::mse;
  bool input_grads = false;      // also compute the gradient w.r.t. batch.inputs of every processed window
                                 // (Cortex::input_grads(ws.cortex)), e.g. to train an input encoder
  bool vectorised_cross_entropy = false;  // cross-entropy loss, gradient and training error by the
                                 // vectorised path in S (CrossEntropyPath::vectorised, train/cross_entropy.hpp:
                                 // the same definitions, several times faster for large vocabularies,
                                 // rounding differs from the default double-precision loop)
};

/// Everything one batch needs, sized once per batch shape (no allocation in the per-step loops).
template <class S>
struct TbpttWorkspace {
  CortexTrace<S> cortex;
  Matrix<S> outputs;          // output_size x B*L readout at every step
  Matrix<S> output_grads;     // output_size x B*L
  Matrix<S> hidden_grads;     // N x B*L
  Matrix<S> boundary_states;  // state x B*(windows in segment + 1), the cerebellum's inputs
  Matrix<S> boundary_context;
  CerebellumTrace<S> cerebellum;
  Matrix<S> predictions;      // state x B*(W+1): C(s) at every boundary 0..W of the batch
  Matrix<S> targets;          // state x B*W: bootstrapped target (total gradient) at every window start
  Matrix<S> state_grad;       // state x B
  Matrix<S> cerebellum_grads; // state x B*(windows in segment)
  Index windows = 0;
};

struct BatchStats {
  double task_loss = 0.0;        // sum over windows of the window losses
  double training_error = 0.0;   // the papers' reported error (see train/loss.hpp)
  double cerebellar_loss = 0.0;  // sum over window starts, batch and dims of (C(s0) - target)^2
};

/// Number of windows: ceil(L / T).
inline Index window_count(Index length, Index truncation) { return (length + truncation - 1) / truncation; }

/// Sizes the workspace for this batch and sets the initial state to zero. Call before accumulate_windows.
template <class S>
void begin_batch(const Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                 TbpttWorkspace<S>& ws);

/// begin_batch without checking the batch against the cortex's inputs: for a caller whose cortex reads
/// other inputs than batch.inputs (the loop's [x_t; c_t], loop/loop.hpp).
template <class S>
void size_workspace(const Model<S>& model, Index batch_size, Index length, const TbpttSettings& settings,
                    TbpttWorkspace<S>& ws);

/// Forward and backward over windows [w_begin, w_end), adding parameter gradients to model.params.grads().
/// Windows must be processed in order (the state at boundary w_begin must already be computed).
/// Reads only the segment's columns of batch.inputs, so a caller may fill them just before this call.
/// With settings.input_grads, the segment's columns of model.cortex.input_grads(ws.cortex) hold the
/// gradient of the same objective w.r.t. those inputs on return.
template <class S>
BatchStats accumulate_windows(Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                              TbpttWorkspace<S>& ws, Index w_begin, Index w_end);

/// accumulate_windows after its forward pass: the windows' losses, the cerebellum, the backward passes and
/// the parameter gradients, for windows whose cortex trace (ws.cortex) and readout (ws.outputs) are already
/// computed. inputs: what the cortex read (batch.inputs for accumulate_windows).
template <class S>
BatchStats backward_windows(Model<S>& model, const Batch<S>& batch, const ConstBlockRef<S>& inputs,
                            const TbpttSettings& settings, TbpttWorkspace<S>& ws, Index w_begin, Index w_end);

/// begin_batch + all windows as one segment + the training error: the gradients of one batch.
template <class S>
BatchStats accumulate_batch_gradients(Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                                      TbpttWorkspace<S>& ws);

/// Forward only, no truncation: the readout at every step into ws.outputs (validation and test).
template <class S>
void predict(const Model<S>& model, const Batch<S>& batch, TbpttWorkspace<S>& ws);

#define CCRNN_DECLARE_TBPTT(S)                                                                                  \
  extern template void begin_batch(const Model<S>&, const Batch<S>&, const TbpttSettings&, TbpttWorkspace<S>&); \
  extern template void size_workspace(const Model<S>&, Index, Index, const TbpttSettings&, TbpttWorkspace<S>&);  \
  extern template BatchStats accumulate_windows(Model<S>&, const Batch<S>&, const TbpttSettings&,               \
                                                TbpttWorkspace<S>&, Index, Index);                              \
  extern template BatchStats backward_windows(Model<S>&, const Batch<S>&, const ConstBlockRef<S>&,              \
                                              const TbpttSettings&, TbpttWorkspace<S>&, Index, Index);          \
  extern template BatchStats accumulate_batch_gradients(Model<S>&, const Batch<S>&, const TbpttSettings&,       \
                                                        TbpttWorkspace<S>&);                                    \
  extern template void predict(const Model<S>&, const Batch<S>&, TbpttWorkspace<S>&);
CCRNN_DECLARE_TBPTT(float)
CCRNN_DECLARE_TBPTT(double)
#undef CCRNN_DECLARE_TBPTT

}  // namespace ccrnn
