#pragma once
// Recording at the truncation boundaries, and the gradient-alignment summaries (ALGORITHM.md section 8).
//
// One recording holds, for one training iteration (one batch), at every boundary j = 0..W (step
// t_j = min(jT, L), W = ceil(L/T) windows; columns [jB, (j+1)B) hold boundary j, column jB + b sample b):
//   - the cortical state s_j (state_size x B, the stacked [h; c] of every layer),
//   - the granule activity of EVERY cerebellar hidden layer (the ReLU outputs, M x B per boundary; none
//     for a linear cerebellum, k = 0),
//   - the cerebellum's prediction C(s_j),
//   - the bootstrapped target at every window start j = 0..W-1 (only W blocks),
//   - the TRUE full-BPTT gradient G_j = dF/ds_j of the same loss (dni/true_gradient.hpp; G_W = 0),
//   - the TRUNCATED-BPTT gradient D_j at every window start (W blocks; what the cRNN gets),
//   - with BP(lambda) (T = 1): the learning signal of every step, its exact value and the TD errors,
// all computed with the parameters the iteration used (before its optimizer step).
//
// How: the states, granule activity, predictions and targets are read from trainer.workspace() after
// Trainer::train_batch; the true and truncated gradients need the PRE-update parameters, so they are
// computed by Recorder::prepare, which must run right before train_batch on the same model and batch
// (Recorder::train_and_record does prepare, train_batch and capture in that order). capture checks that
// the trainer's trajectory is the one prepare saw (same states) and throws std::logic_error otherwise.
//
// Cerebellar fields follow what the cerebellum did in that iteration (Trainer::cerebellum_state()):
//   active:   predictions, granule activity and targets;
//   frozen (inferior-olive lesion): predictions and granule activity; NO targets (the frozen cerebellum
//             receives no teaching signal, so the trainer computes none; `targets` is empty);
//   lesioned or absent (cRNN): no cerebellar field (empty matrices, no granule layers).
//
// Supported mode: ONE optimizer step per batch (TrainerConfig::step_per_window == false) only. With a step
// per window the parameters change between windows, the workspace keeps the cerebellum's activity of the
// last window only, and a "true gradient of the same loss at the same parameters" does not exist; prepare
// and capture throw std::invalid_argument for such a trainer.
//
// Training with SegmentHooks whose before_forward rewrites the inputs is not supported either (prepare
// would see other inputs than the trainer; capture detects the different states and throws).
//
// Recording every n-th iteration is the caller's loop; should_record() decides.
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/train/trainer.hpp>

#include <vector>

namespace ccrnn {

/// True when the iteration with 0-based index `iteration` is to be recorded with period `every`:
/// iteration % every == 0 (so the first iteration is always recorded). every <= 0 or iteration < 0: never.
inline bool should_record(long iteration, long every) { return every > 0 && iteration >= 0 && iteration % every == 0; }

struct RecordingOptions {
  bool granule = true;    // copy the granule activity (every hidden layer of the cerebellum)
  bool truncated = true;  // compute the truncated-BPTT gradients D_j (for the cRNN alignment)
};

template <class S>
struct BoundaryRecording {
  long iteration = -1;  // the caller's label (e.g. the iteration index), copied from capture's argument
  Index batch = 0;       // B
  Index length = 0;      // L
  Index truncation = 0;  // T
  Index windows = 0;     // W; there are W + 1 boundaries
  CerebellumState cerebellum = CerebellumState::absent;  // what the cerebellum did in this iteration
  std::vector<Index> steps;            // W + 1 boundary steps t_j = min(jT, L)
  Matrix<S> states;                    // state x B*(W+1): s_j
  std::vector<Matrix<S>> granule;      // k matrices M x B*(W+1): granule layer i at s_j (empty: none)
  Matrix<S> predictions;               // state x B*(W+1): C(s_j) (empty: none)
  Matrix<S> targets;                   // state x B*W: bootstrapped target at window start j (empty: none)
  Matrix<S> true_gradients;            // state x B*(W+1): G_j = dF/ds_j (last block zero)
  Matrix<S> truncated_gradients;       // state x B*W: D_j (empty unless RecordingOptions::truncated)
  // BP(lambda) (TrainerConfig::bp_lambda.online; T = 1, so window t is step t), empty otherwise:
  Matrix<S> learning_signals;          // state x B*W: what the cortex received at s_{t+1} in step t, l'_t + w C(s_{t+1})
  Matrix<S> true_learning_signals;     // state x B*W: its exact value, l'_t + G_{t+1}
  Matrix<S> td_errors;                 // state x B*W: the TD error at boundary t (zero where none was formed)
  double task_loss = 0.0;              // F = sum of the window losses (from the separate pass)

  Index boundaries() const { return windows + 1; }
};

/// Cosine similarities between two boundary-blocked matrices, per boundary and sample.
/// Convention (metrics/similarity.hpp): a pair in which either vector is exactly zero has cosine 0 and is
/// INCLUDED in the means (as 0); zero_pairs counts such pairs.
struct Alignment {
  Eigen::MatrixXd per_sample;         // boundaries x B: cos(a_{j,b}, b_{j,b}) over the state dimensions
  std::vector<double> per_boundary;   // mean over the batch of row j of per_sample
  double mean = 0.0;                  // mean over all boundaries and samples
  Index zero_pairs = 0;               // pairs with a zero vector (counted as cosine 0)
};

/// Alignment of the first `boundaries` blocks of B columns of a and b (both state x >= B*boundaries).
template <class S>
Alignment gradient_alignment(const Matrix<S>& a, const Matrix<S>& b, Index batch, Index boundaries);

/// ccRNN: cos(C(s_j), G_j) at the window starts j = 0..W-1 (boundary W is left out: G_W = 0 by definition).
/// Throws std::invalid_argument when the recording has no predictions.
template <class S>
Alignment prediction_alignment(const BoundaryRecording<S>& recording);

/// BP(lambda): cos(learning signal, its exact value l'_t + G_{t+1}) at every step t = 0..L-1. Throws when
/// the recording has no learning signals.
template <class S>
Alignment learning_signal_alignment(const BoundaryRecording<S>& recording);

/// cRNN: cos(D_j, G_j) at the window starts j = 0..W-1. Throws when there are no truncated gradients.
template <class S>
Alignment truncated_alignment(const BoundaryRecording<S>& recording);

template <class S>
class Recorder {
 public:
  explicit Recorder(RecordingOptions options = {}) : options_(options) {}
  const RecordingOptions& options() const { return options_; }

  /// Before trainer.train_batch(batch): the true (and truncated) boundary gradients with the current
  /// parameters, for the trainer's truncation and loss. Changes nothing in model or trainer.
  void prepare(const Model<S>& model, const Trainer<S>& trainer, const Batch<S>& batch);

  /// After trainer.train_batch(batch): fills `out` from the trainer's workspace and the prepared gradients.
  /// Throws std::logic_error if prepare was not called for this batch object, or if the trainer's states
  /// differ from the prepared pass (other parameters or another batch).
  void capture(const Model<S>& model, const Trainer<S>& trainer, const Batch<S>& batch, BoundaryRecording<S>& out,
               long iteration = -1);

  /// prepare, trainer.train_batch(batch), capture. Returns train_batch's statistics.
  BatchStats train_and_record(Trainer<S>& trainer, const Model<S>& model, const Batch<S>& batch,
                              BoundaryRecording<S>& out, long iteration = -1);

  /// The last prepared gradients (valid between prepare and the next prepare).
  const BoundaryGradients<S>& gradients() const { return gradients_; }

 private:
  RecordingOptions options_;
  BoundaryGradientWorkspace<S> ws_;
  BoundaryGradients<S> gradients_;
  LossKind loss_ = LossKind::mse;
  const Batch<S>* pending_ = nullptr;
};

#define CCRNN_DECLARE_RECORDING(S)                                                                         \
  extern template Alignment gradient_alignment(const Matrix<S>&, const Matrix<S>&, Index, Index);          \
  extern template Alignment prediction_alignment(const BoundaryRecording<S>&);                             \
  extern template Alignment truncated_alignment(const BoundaryRecording<S>&);                              \
  extern template Alignment learning_signal_alignment(const BoundaryRecording<S>&);                        \
  extern template class Recorder<S>;
CCRNN_DECLARE_RECORDING(float)
CCRNN_DECLARE_RECORDING(double)
#undef CCRNN_DECLARE_RECORDING

}  // namespace ccrnn
