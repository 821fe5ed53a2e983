#pragma once
// One trial of the cortico-cerebellar loop (FORWARD_MODEL.md section 4; docs/forward-model.md): the forward
// pass interleaves cortex and forward cerebellum step by step (c_t reads f(h_{t-1}) and drives step t),
// then everything that learns is computed for the whole trial at once:
//   * the task loss and its gradient through the readout (and, if the cortex is plastic, by BPTT through
//     the whole trial, by e-prop, loop/eprop.hpp, or by truncated BPTT in windows of T steps with or without
//     the DNI cerebellum's synthetic gradients, dni/tbptt.hpp; the cerebellar input columns are constants:
//     no gradient crosses the loop);
//   * the inferior-olive error of every taught prediction c_t against the target tau steps ahead, and the
//     forward cerebellum's gradient from it in one wide product over all steps (its weights change once per
//     batch, so this equals the reference's step-by-step backward calls).
#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/loop/cortical_rule.hpp>
#include <ccrnn/loop/eprop.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/batch.hpp>

#include <string>
#include <vector>

namespace ccrnn {

/// What the cortex receives in the feedback rows of its input: the cerebellum's c_t (the loop), the
/// readout's z_{t-1} (the paper's readout-feedback control: same rows, no cerebellum in the loop), or
/// nothing (cerebellar_readout: the paper's cerebellar-readout control, whose model reads out through an
/// MLP with dropout, Model::cerebellar_readout; the rows stay zero).
enum class LoopFeedback { cerebellum, readout, cerebellar_readout };
LoopFeedback parse_loop_feedback(const std::string& name);
const char* to_string(LoopFeedback feedback);

struct LoopSettings {
  LossKind loss = LossKind::mse;  // the task's loss; the cerebellum learns with the same kind
  Index ablate_from = -1;         // the feedback (cerebellar output) forced to zero from this step on; < 0: never
  bool final_learning = false;    // also teach c_t whose target step lies beyond the trial on y_{L-1}
  LoopFeedback feedback = LoopFeedback::cerebellum;  // readout: z_{t-1} (softmax for cross-entropy), 0 at t = 0
  Index ablate_units = 0;         // cortical-unit ablation: f(u) of the first k top-layer units is zero at every
                                  // step (the reference's Fig. S15); forward passes only (no gradient)
  CorticalRule cortical_rule = CorticalRule::bptt;  // how a plastic cortex's gradient is computed
  TbpttSettings windows;          // the windowed rules' (tbptt, dni) T, sg scale and final injection; its loss
                                  // is `loss` (LoopTrainer sets it from TrainerConfig::tbptt)
  Rng* dropout = nullptr;         // training: the cerebellar readout's dropout factors are drawn from this
                                  // stream (once per forward pass); null: no dropout (evaluation)
};

/// Everything a trial stores, sized once per batch shape. Columns are time-major: step t in [tB, (t+1)B).
template <class S>
struct LoopTrace {
  CortexTrace<S> cortex;
  Matrix<S> cortex_inputs;        // (inputs + C) x BL: [x_t; c fed at step t]
  Matrix<S> pons;                 // pons size x BL: the cerebellum's input at step t
  CerebellumTrace<S> cerebellum;  // hidden: granule activity (M x BL per layer); output: c_t (C x BL)
  CerebellumTrace<S> step;        // one step's cerebellar pass
  Matrix<S> outputs;              // O x BL readout z_t
  CerebellarReadoutTrace<S> readout;  // the cerebellar readout's hidden layer and dropout (if the model has it)
  Matrix<S> io_targets;           // C x BL: what the inferior olive compares c_t with (valid where taught)
  Matrix<S> io_taught;            // C x BL: 1 where an element of c_t is taught, else 0
  Matrix<S> output_grads, hidden_grads, prediction_grads, state_grad;
  EpropTrace<S> eprop;            // e-prop's traces (settings.cortical_rule eprop)
  TbpttWorkspace<S> windows;      // the windowed rules' workspace (settings.cortical_rule tbptt, dni)
};

/// The forward pass of a trial (no learning). The model must have a forward cerebellum. The readout is the
/// model's cerebellar readout when it has one (with dropout when settings.dropout), else the linear one.
template <class S>
void loop_forward(const Model<S>& model, const Batch<S>& batch, const LoopSettings& settings, LoopTrace<S>& trace);

/// The inferior olive: fills trace.io_targets and trace.io_taught for the batch (c_t against the target of
/// step s = t - 1 + tau (IoTiming::reference) or t + tau (notebook); with the temporal basis block j of c_t
/// against the target of step s - tau + j). A (step, sample) is taught where that target step exists and is
/// supervised for the sample (batch.mask / batch.supervised).
template <class S>
void inferior_olive(const Model<S>& model, const Batch<S>& batch, const LoopSettings& settings, LoopTrace<S>& trace);

/// The cerebellar loss of the last forward pass and its gradient w.r.t. the raw predictions c_t (into
/// trace.prediction_grads). Per step t, as the reference's per-step losses summed:
///   MSE: sum of taught squared errors / (B * taught rows of c_t at step t)   (torch MSELoss(mean) per step)
///   cross-entropy: sum over taught samples of -log softmax(c_t)_label / (taught samples at step t).
template <class S>
double cerebellar_loss(const Model<S>& model, const Batch<S>& batch, const LoopSettings& settings, LoopTrace<S>& trace);

struct LoopStats {
  double task_loss = 0.0;        // the trial's task loss (train/loss.hpp window_loss over [0, L))
  double training_error = 0.0;   // train/loss.hpp training_error
  double cerebellar_loss = 0.0;  // see cerebellar_loss
  double synthetic_loss = 0.0;   // the DNI cerebellum's loss on its bootstrapped targets (cortical rule dni)
};

/// Forward pass, task loss and cerebellar loss, and their gradients added to model.params.grads(): the
/// readout's always, the cortex's when cortex_gradients (BPTT over the whole trial, or e-prop of W_ih and
/// W_hh when settings.cortical_rule says so: learning signal dE/df(u_t) through the readout), the forward
/// cerebellum's when cerebellar_gradients. Which of them are applied is the trainer's choice.
/// With cortex_gradients and a windowed rule (tbptt, dni) the readout and the cortex learn as the DNI
/// trainer's windows (accumulate_windowed_gradients); the reported task loss stays the trial's.
template <class S>
LoopStats accumulate_loop_gradients(Model<S>& model, const Batch<S>& batch, const LoopSettings& settings,
                                    LoopTrace<S>& trace, bool cortex_gradients, bool cerebellar_gradients);

/// The windowed rules' part of accumulate_loop_gradients, after loop_forward: readout and cortex gradients
/// of the trial's windows of settings.windows.truncation steps (each window's task loss its mean over its
/// supervised steps, as the DNI trainer), the cortex reading trace.cortex_inputs [x_t; c_t] as constants;
/// with rule dni, gamma * C(s) of the model's DNI cerebellum injected at every window's end and the DNI's
/// gradient on its bootstrapped targets (dni/synthetic_gradient.hpp). Returns the DNI's loss (0 for tbptt).
template <class S>
double accumulate_windowed_gradients(Model<S>& model, const Batch<S>& batch, const LoopSettings& settings,
                                     LoopTrace<S>& trace);

#define CCRNN_DECLARE_LOOP(S)                                                                                    \
  extern template void loop_forward(const Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&);       \
  extern template void inferior_olive(const Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&);     \
  extern template double cerebellar_loss(const Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&);  \
  extern template LoopStats accumulate_loop_gradients(Model<S>&, const Batch<S>&, const LoopSettings&,           \
                                                      LoopTrace<S>&, bool, bool);                       \
  extern template double accumulate_windowed_gradients(Model<S>&, const Batch<S>&, const LoopSettings&,          \
                                                       LoopTrace<S>&);
CCRNN_DECLARE_LOOP(float)
CCRNN_DECLARE_LOOP(double)
#undef CCRNN_DECLARE_LOOP

}  // namespace ccrnn
