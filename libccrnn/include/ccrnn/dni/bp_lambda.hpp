#pragma once
// BP(lambda): fully online synthetic gradients with eligibility traces (Pemberton & Costa, TMLR 2024;
// the equations and our conventions are in docs/bp-lambda.md). The trainer's alternative to the DNI
// windows of dni/tbptt.hpp: windows of ONE step and no backpropagation through time at all.
//
// Notation. Boundary k = 0..L is the stacked cortical state s_k entering step k (s_0 = 0); step t maps s_t
// to s_{t+1}. P_k is the cerebellum's prediction of the gradient of the future loss w.r.t. s_k; P_L, the
// prediction after the last step, is bootstrapped from and injected only with TbpttSettings::final_injection
// (otherwise it counts as 0). l'_t is the gradient of step t's loss w.r.t. s_{t+1} (the top layer's h rows;
// zero elsewhere) and J_t = ds_{t+1}/ds_t the EXACT state Jacobian, per sample (LSTM: over [h; c], with the
// output-gate path), formed from the cortex's own one-step backward pass.
//   TD error at boundary t:   delta_t = J_t^T (l'_t + gamma P_{t+1}) - P_t       (trained boundaries only)
//   trace of the traced parameters theta (the cerebellum's output layer, weight and bias):
//                             E_t = gamma lambda J_{t-1} E_{t-1} + dP_t/dtheta     (per sample, E_{first} = dP/dtheta)
//   update:                   dtheta_t = c sum_b E_{t,b}^T delta_{t,b}   (c = 1/B, or 2 for TdReduction::sum);
//                             the gradient buffer receives -dtheta_t (an optimizer step descends it)
//   cortex, one step:         dL/ds_{t+1} = l'_t + w P_{t+1} (w = TbpttSettings::sg_scale, the injection
//                             scale), backpropagated through step t only.
// Summed over a sequence with fixed parameters, the updates are minus the gradient of the lambda-return
// regression  sum_k c' || P_k - sg[G^lambda_k] ||^2,  G^lambda_k = J_k^T (l'_k + gamma[(1-lambda) P_{k+1} +
// lambda G^lambda_{k+1}]), G^lambda_L = P_L: tests/dni/test_bp_lambda.cpp checks this to 1e-12.
//
// Storage per sample: J_{t-1}, J_t (state^2 each) and the traces, state x state(F+1) numbers, F = the output
// layer's input width (the state size for a linear cerebellum, k = 0: N(N^2 + N) for a tanh RNN or GRU).
// With hidden (granule) layers only the output layer is traced and learns; the granule layers stay at their
// initial weights (random features), as the reference's synth_opt_outputw_only.
#include <ccrnn/dni/tbptt.hpp>

#include <functional>

namespace ccrnn {

/// How the TD regression is reduced over the batch: the reference's 1/2 mean over samples, or ccrnn's DNI
/// convention, a sum over samples of the squared error (dni/synthetic_gradient.hpp).
enum class TdReduction { mean, sum };
TdReduction parse_td_reduction(const std::string& name);  // "mean", "sum"; throws std::invalid_argument
const char* to_string(TdReduction reduction);

struct BpLambdaSettings {
  bool online = false;         // train by BP(lambda) (windows of one step) instead of the DNI windows
  double lambda = 1.0;         // trace decay: 0 = one-step bootstrap (the DNI at T = 1), 1 = no bootstrap
  double gamma = 1.0;          // discount of future losses in the predicted gradient and the TD target
  bool train_initial_state = false;  // also learn the prediction at the all-zero initial state s_0 (the DNI
                                     // does; the reference's BP(lambda) does not)
  TdReduction reduction = TdReduction::mean;
  double update_clip = 0.0;    // rescale each step's update of each traced tensor to this norm when it is
                               // larger (the reference: 1); 0 = off (then the updates sum to the exact gradient)
};

/// Replaces the cerebellum's prediction at boundary k of the batch (state x B), e.g. by the true future
/// gradient (an oracle cerebellum, for tests and upper bounds). The cerebellum then neither predicts nor learns.
template <class S>
using PredictionOracle = std::function<void(Index boundary, BlockRef<S> prediction)>;

/// BP(lambda)'s per-batch state; the cortex's trace and the step's losses live in the TbpttWorkspace.
template <class S>
struct BpLambdaWorkspace {
  Matrix<S> jacobians;           // state x state*B: J_t of the current step, sample b in columns [b*state, ...)
  Matrix<S> previous_jacobians;  // J_{t-1}
  Matrix<S> traces;              // state x state*(F+1)*B: E per sample; column j + m*state = dP/d theta~(j, m),
                                 // theta~ = [W b] (state x F+1)
  Matrix<S> propagated;          // state x state*(F+1): one sample's J E
  Matrix<S> features;            // (F+1) x B*(L+1): [output-layer input; 1] at every boundary
  Matrix<S> td_errors;           // state x B*L: delta_t (zero where there is none)
  Matrix<S> learning_signals;    // state x B*L: the gradient the cortex received at s_{t+1} in step t
  Matrix<S> state;               // state x B: a boundary's state (the cerebellum's input)
  Matrix<S> bootstrap;           // state x B: l'_t + gamma P_{t+1}
  Matrix<S> zero_hidden;         // N x B*L zeros (the Jacobian's probes carry no loss gradient)
  Matrix<S> probe;               // state x B
  Vector<S> update;              // state*(F+1): one step's summed update
  CerebellumTrace<S> cerebellum;
  bool trace_started = false;
  PredictionOracle<S> oracle;    // empty: the cerebellum predicts
};

/// The exact state Jacobians of step t for every sample: out (state x state*B) with sample b's
/// J(i, j) = d s_{t+1, i} / d s_{t, j} in columns [b*state, (b+1)*state). Needs the cortex's forward pass
/// through step t in ws.cortex. Built row by row from the one-step backward pass (one probe e_i per state
/// row), so it is exact for every cell and stack of layers; overwrites step t's gate gradients.
template <class S>
void state_jacobians(const Model<S>& model, TbpttWorkspace<S>& ws, BpLambdaWorkspace<S>& online, Index t,
                     Matrix<S>& out);

/// Sizes both workspaces for this batch, sets the initial state to zero and the traces to empty, and
/// evaluates the prediction at s_0. Throws std::invalid_argument unless settings.truncation == 1 and the
/// BP(lambda) settings are in range (lambda, gamma in [0, 1], update_clip >= 0).
template <class S>
void begin_online_batch(const Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                        const BpLambdaSettings& bp, TbpttWorkspace<S>& ws, BpLambdaWorkspace<S>& online);

/// Steps [t_begin, t_end) in order: forward, loss, prediction at s_{t+1}, TD error and trace update (when the
/// cerebellum learns, settings.train_cerebellum), the injection (settings.inject) and the cortex's one-step
/// backward; adds all gradients to model.params.grads(). ws.predictions holds P_k (the cerebellum's output
/// at every boundary), ws.targets the TD targets J_t^T (l'_t + gamma P_{t+1}) where a TD error was formed.
/// cerebellar_loss: sum over trained boundaries of the reduced squared TD errors.
template <class S>
BatchStats accumulate_online(Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                             const BpLambdaSettings& bp, TbpttWorkspace<S>& ws, BpLambdaWorkspace<S>& online,
                             Index t_begin, Index t_end);

#define CCRNN_DECLARE_BP_LAMBDA(S)                                                                             \
  extern template void state_jacobians(const Model<S>&, TbpttWorkspace<S>&, BpLambdaWorkspace<S>&, Index,      \
                                       Matrix<S>&);                                                           \
  extern template void begin_online_batch(const Model<S>&, const Batch<S>&, const TbpttSettings&,              \
                                          const BpLambdaSettings&, TbpttWorkspace<S>&, BpLambdaWorkspace<S>&); \
  extern template BatchStats accumulate_online(Model<S>&, const Batch<S>&, const TbpttSettings&,               \
                                               const BpLambdaSettings&, TbpttWorkspace<S>&,                    \
                                               BpLambdaWorkspace<S>&, Index, Index);
CCRNN_DECLARE_BP_LAMBDA(float)
CCRNN_DECLARE_BP_LAMBDA(double)
#undef CCRNN_DECLARE_BP_LAMBDA

}  // namespace ccrnn
