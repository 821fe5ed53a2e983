#pragma once
#include <ccrnn/dni/bp_lambda.tpp>
#include <ccrnn/train/trainer.hpp>

#include <cmath>
#include <span>
#include <stdexcept>

namespace ccrnn {

template <class S>
Trainer<S>::Trainer(Model<S>& model, const TrainerConfig& config)
    : model_(model), config_(config), optimizer_(config.optimizer, model.params.size()) {
  if (config.tbptt.truncation < 1) throw std::invalid_argument("trainer: truncation length T must be >= 1");
  if (config.lesion_epoch < 0 || config.io_lesion_epoch < 0)
    throw std::invalid_argument("trainer: lesion epochs must be >= 0 (0 = never)");
  if (config.bp_lambda.online && config.tbptt.truncation != 1)
    throw std::invalid_argument("trainer: BP(lambda) (online) trains with windows of one step: truncation T must be 1");
  if (!(config.lr_cerebellum >= 0))
    throw std::invalid_argument("trainer: the cerebellum's learning rate must be >= 0 (0 = the optimizer's)");
  if (config.lr_cerebellum > 0)
    cerebellar_optimizer_.emplace(group_optimizer_config(config.optimizer, config.lr_cerebellum), model.params.size());
  settings_ = config.tbptt;
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
  // The reference's IO lesion (include) still computes the cerebellum's gradients and clips them.
  const bool was_kept = keep_cerebellum_grads_;
  keep_cerebellum_grads_ = state_ == CerebellumState::frozen && config_.io_lesion_clip == IoLesionClip::include;
  if (keep_cerebellum_grads_ && !was_kept) {  // the accumulation starts from zero at the lesion
    const Range cereb = model_.cerebellum_range();
    model_.params.grads().segment(cereb.begin, cereb.size()).setZero();
  }
  settings_.train_cerebellum = state_ == CerebellumState::active || keep_cerebellum_grads_;
  // Only learning parameters are stepped: a frozen or lesioned cerebellum is left alone, and so is a
  // frozen cortex.
  cortical_.clear();
  cerebellar_.clear();
  if (!config_.freeze_cortex) cortical_.push_back(model_.cortex_range());
  if (state_ == CerebellumState::active && !model_.cerebellum_range().empty())
    cerebellar_.push_back(model_.cerebellum_range());
  trainable_ = cortical_;
  trainable_.insert(trainable_.end(), cerebellar_.begin(), cerebellar_.end());
  clipped_ = trainable_;
  if (keep_cerebellum_grads_) clipped_.push_back(model_.cerebellum_range());
}

template <class S>
void Trainer<S>::attach_parameters(ParamSet<S>& extra) {
  if (extra_ != nullptr) throw std::logic_error("trainer: extra parameters are already attached");
  extra_ = &extra;
  extra_optimizer_.emplace(config_.optimizer, extra.size());
}

template <class S>
void Trainer<S>::zero_grad() {
  if (keep_cerebellum_grads_) {
    // Everything but the frozen cerebellum, whose gradients accumulate as in the reference.
    const Range cereb = model_.cerebellum_range();
    Vector<S>& grads = model_.params.grads();
    grads.head(cereb.begin).setZero();
    grads.tail(grads.size() - cereb.end).setZero();
  } else {
    model_.params.zero_grad();
  }
  if (extra_ != nullptr) extra_->zero_grad();
}

template <class S>
void Trainer<S>::step_optimizers() {
  if (!cerebellar_optimizer_) {
    optimizer_.step(model_.params.values(), model_.params.grads(), trainable_);
    return;
  }
  optimizer_.step(model_.params.values(), model_.params.grads(), cortical_);
  cerebellar_optimizer_->step(model_.params.values(), model_.params.grads(), cerebellar_);
}

template <class S>
void Trainer<S>::update() {
  if (extra_ == nullptr) {
    if (config_.clip > 0) last_grad_norm_ = clip_global_norm(model_.params.grads(), clipped_, config_.clip);
    else last_grad_norm_ = global_norm(model_.params.grads(), clipped_);
    step_optimizers();
    zero_grad();
    return;
  }
  // With attached parameters: one global norm over both buffers, the same clipping rule as
  // clip_global_norm (scale by max / (norm + 1e-6) when the norm exceeds max), then both steps.
  const Range all_extra{0, extra_->size()};
  const std::span<const Range> extra_ranges(&all_extra, 1);
  const double model_norm = global_norm(model_.params.grads(), clipped_);
  const double extra_norm = global_norm(extra_->grads(), extra_ranges);
  last_grad_norm_ = std::sqrt(model_norm * model_norm + extra_norm * extra_norm);
  if (config_.clip > 0 && last_grad_norm_ > config_.clip) {
    const S scale = static_cast<S>(config_.clip / (last_grad_norm_ + 1e-6));
    for (const Range& r : clipped_) model_.params.grads().segment(r.begin, r.size()) *= scale;
    extra_->grads() *= scale;
  }
  step_optimizers();
  extra_optimizer_->step(extra_->values(), extra_->grads(), extra_ranges);
  zero_grad();
}

template <class S>
BatchStats Trainer<S>::train_online(const Batch<S>& batch, const std::function<void(Index, Index)>& before_forward,
                                    const std::function<void(Index, Index)>& after_backward) {
  zero_grad();
  begin_online_batch(model_, batch, settings_, config_.bp_lambda, workspace_, online_);
  const Index length = batch.length, step = config_.step_per_window ? 1 : length;
  BatchStats total;
  for (Index t = 0; t < length; t += step) {
    if (before_forward) before_forward(t, t + step);
    const BatchStats segment =
        accumulate_online(model_, batch, settings_, config_.bp_lambda, workspace_, online_, t, t + step);
    total.task_loss += segment.task_loss;
    total.cerebellar_loss += segment.cerebellar_loss;
    if (after_backward) after_backward(t, t + step);
    update();
  }
  total.training_error =
      training_error<S>(settings_.loss, workspace_.outputs, batch, detail::cross_entropy_path(settings_));
  return total;
}

template <class S>
BatchStats Trainer<S>::train_batch_with_hooks(Batch<S>& batch, const SegmentHooks<S>& hooks) {
  if (config_.bp_lambda.online) {
    const auto before = [&](Index t0, Index t1) {
      if (hooks.before_forward) hooks.before_forward(batch, t0, t1);
    };
    const auto after = [&](Index t0, Index t1) {
      if (hooks.after_backward) hooks.after_backward(batch, t0, t1);
    };
    return train_online(batch, before, after);
  }
  zero_grad();
  begin_batch(model_, batch, settings_, workspace_);
  const Index windows = workspace_.windows, step = config_.step_per_window ? 1 : windows;
  BatchStats total;
  for (Index w = 0; w < windows; w += step) {
    if (hooks.before_forward) hooks.before_forward(batch, w, w + step);
    const BatchStats segment = accumulate_windows(model_, batch, settings_, workspace_, w, w + step);
    total.task_loss += segment.task_loss;
    total.cerebellar_loss += segment.cerebellar_loss;
    if (hooks.after_backward) hooks.after_backward(batch, w, w + step);
    update();
  }
  total.training_error =
      training_error<S>(settings_.loss, workspace_.outputs, batch, detail::cross_entropy_path(settings_));
  return total;
}

template <class S>
BatchStats Trainer<S>::train_batch(const Batch<S>& batch) {
  if (config_.bp_lambda.online) return train_online(batch, {}, {});
  zero_grad();
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
  total.training_error =
      training_error<S>(settings_.loss, workspace_.outputs, batch, detail::cross_entropy_path(settings_));
  return total;
}

}  // namespace ccrnn
