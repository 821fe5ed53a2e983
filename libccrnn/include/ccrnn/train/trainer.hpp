#pragma once
// One training iteration per batch: gradients by windowed TBPTT with the cerebellum, global-norm
// clipping, an optimizer step (per batch, or per window), and the lesion schedule.
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/train/optimizers.hpp>

#include <vector>

namespace ccrnn {

struct TrainerConfig {
  Index truncation = 1;
  double sg_scale = 0.1;
  LossKind loss = LossKind::mse;
  OptimizerConfig optimizer;
  double clip = 1.0;             // global-norm clip; <= 0 disables clipping
  bool step_per_window = false;  // one optimizer step after every window (captioning) instead of per batch
  int lesion_epoch = 0;     // cerebellar lesion: from this (1-based) epoch on, no injection, no learning; 0 = never
  int io_lesion_epoch = 0;  // inferior-olive lesion: from this epoch on the cerebellum is frozen (no learning,
                            // excluded from clipping) but keeps injecting; 0 = never
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

  const TrainerConfig& config() const { return config_; }
  const TbpttWorkspace<S>& workspace() const { return workspace_; }
  TbpttWorkspace<S>& workspace() { return workspace_; }
  const TbpttSettings& settings() const { return settings_; }
  /// Global gradient norm before clipping, at the last optimizer step.
  double last_grad_norm() const { return last_grad_norm_; }

 private:
  void update();

  Model<S>& model_;
  TrainerConfig config_;
  Optimizer<S> optimizer_;
  TbpttSettings settings_;
  TbpttWorkspace<S> workspace_;
  CerebellumState state_;
  std::vector<Range> trainable_;
  double last_grad_norm_ = 0.0;
};

extern template class Trainer<float>;
extern template class Trainer<double>;

}  // namespace ccrnn
