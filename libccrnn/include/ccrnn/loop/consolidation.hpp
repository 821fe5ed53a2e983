#pragma once
// Consolidation ("sleep", FORWARD_MODEL.md section 6; docs/forward-model.md): the offline transfer of the
// cerebellum's contribution to the cortex into the cortex's own recurrent weights, so that the cortex
// performs without the cerebellum. A session runs the loop on a batch of task trials (inputs only: no
// target is used, the cerebellum does not learn) and pairs, for every step 1 <= s <= L - 2 (the reference's
// t = 2..L-1 with s = t - 1: the last step's c_{L-1} is not paired), the cortical output r = f(u_{s-1}) that
// c_s reads with the drive u = W_Ch c_s that c_s gives the cortex (c_s as fed: after the softmax for
// classification). It fits a matrix G with G r ~ u, then
//     W_hh += (rate / ratio) G,      W_Ch *= (1 - rate),
// so the total drive W_hh r + W_Ch c is kept while the cerebellar part fades (by (1 - rate) per session).
//   least squares: G = argmin sum ||G r - u||^2 over the session's pairs (minimum-norm solution);
//   local:         G = sum over steps of the mean over the batch of u sign(r)^T / ||r||_1, a rule a synapse
//                  can apply with what it sees (post-synaptic drive, pre-synaptic sign), exact per pair.
// Only a one-layer cortex qualifies (the cerebellum feeds layer 0 and reads its output).
#include <ccrnn/loop/loop.hpp>

#include <string>

namespace ccrnn {

enum class ConsolidationRule { least_squares, local };
ConsolidationRule parse_consolidation_rule(const std::string& name);
const char* to_string(ConsolidationRule rule);

struct ConsolidationConfig {
  Index sessions = 0;  // sleep sessions (one batch each); 0 = no consolidation
  ConsolidationRule rule = ConsolidationRule::least_squares;
  double rate = 0.1;   // eta: W_Ch shrinks by (1 - rate) per session
  double ratio = 0.0;  // rho, dividing the W_hh update; 0 = the reference's choice: 1 for least squares, and
                       // for the local rule the paired steps per trial / 1.5 (its 13 / 1.5)
};

/// What one session measured, before its update.
struct SleepSessionStats {
  Index pairs = 0;      // (step, sample) pairs fitted (pairs whose cerebellar input is zero are skipped)
  double cosine = 0.0;  // mean over pairs of cos(W_hh^0 r + W_Ch^0 c, W_hh r): how much of the original total
                        // drive the recurrent weights alone give (W^0: the weights when consolidation began)
  double residual = 0.0;  // ||(G / rho) r - u|| / ||u|| over the pairs: the share of the cerebellar drive u that
                          // the session's W_hh update, per unit of rate, does not reproduce (0: all of it)
};

template <class S>
class Consolidation {
 public:
  /// Keeps the model's current W_hh and W_Ch as the originals of the cosine metric.
  Consolidation(Model<S>& model, const ConsolidationConfig& config);

  /// One session on the batch (its inputs; settings: the loss kind, which decides the softmax of c_t, and
  /// any ablation). Updates W_hh and W_Ch of the model.
  SleepSessionStats session(const Batch<S>& batch, const LoopSettings& settings);

  /// The fit of the last session, G (N x N), in double.
  const Eigen::MatrixXd& last_fit() const { return fit_; }
  /// ||W_Ch||_F of the model now.
  double cerebellar_weight_norm() const;

 private:
  Model<S>& model_;
  ConsolidationConfig config_;
  int w_hh_, w_ih_;
  Index inputs_, c_rows_;
  Eigen::MatrixXd original_hh_, original_ch_, fit_;
  LoopTrace<S> trace_;
};

extern template class Consolidation<float>;
extern template class Consolidation<double>;

}  // namespace ccrnn
