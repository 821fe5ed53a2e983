#pragma once
#include <ccrnn/dni/tbptt.tpp>
#include <ccrnn/train/trainer.hpp>

namespace ccrnn {

template <class S>
Trainer<S>::Trainer(Model<S>& model, const TrainerConfig& config)
    : model_(model), config_(config), optimizer_(config.optimizer, model.params.size()) {
  if (config.truncation < 1) throw std::invalid_argument("trainer: truncation length T must be >= 1");
  if (config.lesion_epoch < 0 || config.io_lesion_epoch < 0)
    throw std::invalid_argument("trainer: lesion epochs must be >= 0 (0 = never)");
  settings_.truncation = config.truncation;
  settings_.sg_scale = config.sg_scale;
  settings_.loss = config.loss;
  set_epoch(1);
}

template <class S>
void Trainer<S>::set_epoch(int epoch) {
  const auto reached = [epoch](int lesion) { return lesion > 0 && epoch >= lesion; };
  if (!model_.cerebellum) state_ = CerebellumState::absent;
  else if (reached(config_.lesion_epoch)) state_ = CerebellumState::lesioned;
  else if (reached(config_.io_lesion_epoch)) state_ = CerebellumState::frozen;
  else state_ = CerebellumState::active;
  settings_.inject = state_ == CerebellumState::active || state_ == CerebellumState::frozen;
  settings_.train_cerebellum = state_ == CerebellumState::active;
  // Only learning parameters are clipped and stepped: a frozen or lesioned cerebellum is left alone.
  trainable_ = {model_.cortex_range()};
  if (state_ == CerebellumState::active && !model_.cerebellum_range().empty())
    trainable_.push_back(model_.cerebellum_range());
}

template <class S>
void Trainer<S>::update() {
  if (config_.clip > 0) last_grad_norm_ = clip_global_norm(model_.params.grads(), trainable_, config_.clip);
  else last_grad_norm_ = global_norm(model_.params.grads(), trainable_);
  optimizer_.step(model_.params.values(), model_.params.grads(), trainable_);
  model_.params.zero_grad();
}

template <class S>
BatchStats Trainer<S>::train_batch(const Batch<S>& batch) {
  model_.params.zero_grad();
  if (!config_.step_per_window) {
    BatchStats stats = accumulate_batch_gradients(model_, batch, settings_, workspace_);
    update();
    return stats;
  }
  begin_batch(model_, batch, settings_, workspace_);
  BatchStats total;
  for (Index w = 0; w < workspace_.windows; ++w) {
    const BatchStats window = accumulate_windows(model_, batch, settings_, workspace_, w, w + 1);
    total.task_loss += window.task_loss;
    total.cerebellar_loss += window.cerebellar_loss;
    update();
  }
  total.training_error = training_error<S>(settings_.loss, workspace_.outputs, batch);
  return total;
}

}  // namespace ccrnn
