#pragma once
// One training iteration per batch: gradients by windowed TBPTT with the cerebellum (or, with
// bp_lambda.online, by BP(lambda): windows of one step, dni/bp_lambda.hpp), global-norm clipping, an
// optimizer step (per batch, or per window = per step online), and the lesion schedule.
#include <ccrnn/dni/bp_lambda.hpp>
#include <ccrnn/train/optimizers.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ccrnn {

/// Whether an inferior-olive-lesioned (frozen) cerebellum's gradients enter the global clipping norm.
/// exclude: a clean freeze, the cerebellum is neither clipped nor stepped nor computes gradients (ALGORITHM.md
/// section 8). include: the reference's behaviour (neuralml/ccDNI deletes the cerebellum's optimizer group
/// but keeps it in clip_grad_norm_ and never zeroes its gradients again): the frozen cerebellum's gradients
/// keep ACCUMULATING over iterations, enter the global norm and are scaled in place by the clipping, while
/// only the cortex is stepped (docs/algorithm-notes.md).
enum class IoLesionClip { exclude, include };
/// "exclude" or "include"; throws std::invalid_argument otherwise.
IoLesionClip parse_io_lesion_clip(const std::string& name);
const char* to_string(IoLesionClip mode);

struct TrainerConfig {
  TbpttSettings tbptt;           // truncation T, sg_scale, final injection, loss, input gradients, vectorised
                                 // cross-entropy; its inject and train_cerebellum follow the lesion schedule
                                 // (set by set_epoch: values given here are ignored)
  OptimizerConfig optimizer;
  double lr_cerebellum = 0.0;    // the cerebellum's own learning rate (BP(lambda)'s lr_synthesiser), with its
                                 // own optimizer state; 0 = optimizer.lr, one optimizer for everything
  double clip = 1.0;             // global-norm clip; <= 0 disables clipping
  bool step_per_window = false;  // one optimizer step after every window (captioning) instead of per batch
  BpLambdaSettings bp_lambda;    // online: BP(lambda) instead of the DNI windows (needs tbptt.truncation 1)
  int lesion_epoch = 0;     // cerebellar lesion: from this (1-based) epoch on, no injection, no learning; 0 = never
  int io_lesion_epoch = 0;  // inferior-olive lesion: from this epoch on the cerebellum is frozen (no learning,
                            // excluded from clipping) but keeps injecting; 0 = never
  IoLesionClip io_lesion_clip = IoLesionClip::exclude;  // the frozen cerebellum and the clipping norm
  bool freeze_cortex = false;  // the cortex and readout never learn (excluded from clipping): only the
                               // cerebellum does, e.g. BP(lambda)'s toy task on a fixed cortex
};

/// Optional callbacks of Trainer::train_batch_with_hooks around every optimizer segment: each window when
/// step_per_window, else the whole batch as one segment of windows [0, W).
template <class S>
struct SegmentHooks {
  /// Before the segment's forward pass (after the workspace is sized): may (re)write the segment's input
  /// columns [w_begin*T*B, min(w_end*T, L)*B) of the batch, e.g. from parameters the previous window's
  /// optimizer step has just changed.
  std::function<void(Batch<S>& batch, Index w_begin, Index w_end)> before_forward;
  /// After the segment's backward pass, before clipping and the optimizer step: e.g. backpropagate the
  /// segment's input gradients (TrainerConfig::input_grads) into parameters attached with
  /// attach_parameters.
  std::function<void(const Batch<S>& batch, Index w_begin, Index w_end)> after_backward;
};

/// What the cerebellum does in a given epoch.
enum class CerebellumState { absent, active, frozen, lesioned };
const char* to_string(CerebellumState state);

template <class S>
class Trainer {
 public:
  Trainer(Model<S>& model, const TrainerConfig& config);

  /// Applies the lesion schedule for this 1-based epoch.
  void set_epoch(int epoch);
  CerebellumState cerebellum_state() const { return state_; }

  /// One iteration: gradients, clipping and optimizer step(s). Returns the batch statistics.
  BatchStats train_batch(const Batch<S>& batch);
  /// The same with callbacks around every optimizer segment (see SegmentHooks); the batch is non-const
  /// so that hooks.before_forward may fill its inputs window by window.
  BatchStats train_batch_with_hooks(Batch<S>& batch, const SegmentHooks<S>& hooks);

  /// Trainable parameters outside the model (e.g. an input encoder), kept alive by the caller: their
  /// gradients are zeroed with the model's, included in the global norm and its clipping, and updated by
  /// an optimizer of the same configuration (its own state) at every step. Call before training.
  void attach_parameters(ParamSet<S>& extra);

  const TrainerConfig& config() const { return config_; }
  /// The model's optimizer (with lr_cerebellum: the cortex's), the cerebellum's own (nullptr unless
  /// lr_cerebellum > 0) and that of the attached parameters (nullptr without): their state is part of a
  /// checkpoint.
  Optimizer<S>& optimizer() { return optimizer_; }
  Optimizer<S>* cerebellar_optimizer() { return cerebellar_optimizer_ ? &*cerebellar_optimizer_ : nullptr; }
  Optimizer<S>* extra_optimizer() { return extra_optimizer_ ? &*extra_optimizer_ : nullptr; }
  const TbpttWorkspace<S>& workspace() const { return workspace_; }
  TbpttWorkspace<S>& workspace() { return workspace_; }
  const TbpttSettings& settings() const { return settings_; }
  /// BP(lambda)'s per-batch state (traces, TD errors, learning signals), used when config().bp_lambda.online.
  const BpLambdaWorkspace<S>& online_workspace() const { return online_; }
  BpLambdaWorkspace<S>& online_workspace() { return online_; }
  /// Global gradient norm before clipping, at the last optimizer step.
  double last_grad_norm() const { return last_grad_norm_; }

 private:
  void update();
  /// The optimizer step(s) of update(): one optimizer over trainable_, or with a cerebellar optimizer
  /// each over its group (updates are element-wise and both step every time, so at equal rates the
  /// numbers are those of one optimizer).
  void step_optimizers();
  void zero_grad();
  /// BP(lambda)'s iteration: segments of one step (step_per_window) or the whole batch, each followed by
  /// an optimizer step; the callbacks run around every segment as SegmentHooks' (step indices).
  BatchStats train_online(const Batch<S>& batch, const std::function<void(Index, Index)>& before_forward,
                          const std::function<void(Index, Index)>& after_backward);

  Model<S>& model_;
  TrainerConfig config_;
  Optimizer<S> optimizer_;
  TbpttSettings settings_;
  TbpttWorkspace<S> workspace_;
  BpLambdaWorkspace<S> online_;
  CerebellumState state_;
  std::optional<Optimizer<S>> cerebellar_optimizer_;  // only with lr_cerebellum > 0
  std::vector<Range> trainable_;  // stepped by the optimizer(s): cortical_ then cerebellar_
  std::vector<Range> cortical_, cerebellar_;  // trainable_'s two groups
  std::vector<Range> clipped_;    // in the global norm and scaled by clipping: trainable_, and with
                                  // IoLesionClip::include a frozen cerebellum
  bool keep_cerebellum_grads_ = false;  // include mode while frozen: its gradients are never zeroed
  double last_grad_norm_ = 0.0;
  ParamSet<S>* extra_ = nullptr;    // attached parameters (none by default)
  std::optional<Optimizer<S>> extra_optimizer_;
};

extern template class Trainer<float>;
extern template class Trainer<double>;

}  // namespace ccrnn
