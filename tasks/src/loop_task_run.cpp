#include <ccrnn/tasks/loop_task_run.hpp>

#include <algorithm>

namespace ccrnn::tasks {

double last_step_error(const Matrix<float>& outputs, const Batch<float>& batch) {
  const Index b = batch.size, last = (batch.length - 1) * b;
  Index wrong = 0;
  for (Index j = 0; j < b; ++j) {
    Index predicted = 0;
    outputs.col(last + j).maxCoeff(&predicted);
    wrong += predicted != batch.labels[static_cast<std::size_t>(last + j)];
  }
  return static_cast<double>(wrong) / static_cast<double>(b);
}

namespace {

/// The trainer's configuration with the stream its training passes draw dropout from (used only by a model
/// with a cerebellar readout; the evaluations' settings have none).
LoopTrainerConfig training_with_dropout(LoopTrainerConfig config, Rng& dropout) {
  config.trial.dropout = &dropout;
  return config;
}

}  // namespace

LoopTaskRun::LoopTaskRun(const LoopTrials& trials, const LoopRunConfig& task_config, const ExperimentConfig& config,
                         std::uint64_t seed)
    : trials_(trials),
      loop_(task_config.loop),
      train_size_(task_config.train_size),
      validation_size_(task_config.validation_size),
      test_size_(task_config.test_size),
      model_(config.model),
      batch_size_(config.batch_size),
      data_rng_(seed, Stream::data),
      sleep_rng_(seed, Stream::sleep),
      dropout_rng_(seed, Stream::cerebellar_readout_dropout),
      trainer_((model_.initialise(seed), model_), config.trainer,  // the model initialised first
               training_with_dropout(loop_.training, dropout_rng_)) {
  Rng validation_rng(seed, Stream::validation), test_rng(seed, Stream::test);
  validation_ = trials_.draw(validation_rng, validation_size_);
  test_ = trials_.draw(test_rng, test_size_);
  intact_.loss = ablated_.loss = loop_.training.trial.loss;
  intact_.feedback = ablated_.feedback = loop_.training.trial.feedback;
  ablated_.ablate_from = loop_.ablate_from;
}

Index LoopTaskRun::begin_epoch(int epoch) {
  trainer_.set_epoch(epoch);
  done_ = 0;
  return (train_size_ + batch_size_ - 1) / batch_size_;
}

TrainingStep LoopTaskRun::next_batch(Trainer<float>&) {
  const Index n = std::min(batch_size_, train_size_ - done_);
  batch_ = training_trials_->draw(data_rng_, n);
  done_ += batch_size_;
  TrainingStep step{&batch_, {}, 1.0, {}};
  step.train = [this](const Batch<float>& batch) {
    BatchStats stats = trainer_.train_batch(batch);
    stats.training_error = stats.task_loss;  // the loss the reference reports: per-element MSE, or the cross-entropy
    return stats;
  };
  return step;
}

std::vector<double> LoopTaskRun::validate() {
  const Batch<float>& validation = *validation_set_;
  const double intact = evaluate(validation, as_trained());
  inferior_olive(model_, validation, intact_, trace_);
  const double cerebellar = cerebellar_loss(model_, validation, intact_, trace_);
  return {intact, evaluate(validation, ablated_), cerebellar};
}

void LoopTaskRun::test(RunRecord& r) {
  r.scalars["final_train_error"] = r.curves.at("train_error").back();
  r.scalars["test_error"] = evaluate(test_, as_trained());
  r.scalars["ablated_test_error"] = evaluate(test_, ablated_);
  if (loop_.ablate_units > 0) {
    LoopSettings units = as_trained();
    units.ablate_units = loop_.ablate_units;
    r.scalars["unit_ablated_test_error"] = evaluate(test_, units);
  }
  if (loop_.ablation_profile) test_ablation_profile(r);
  if (trainer_.cerebellum_state() != CerebellumState::lesioned) consolidate(r);
}

void LoopTaskRun::test_ablation_profile(RunRecord& r) {
  const Index length = test_.length, stride = (length + ablation_profile_points - 1) / ablation_profile_points;
  std::vector<double> steps, errors;
  for (Index k = 0; k <= length; k = k == length ? length + 1 : std::min(k + stride, length)) {
    LoopSettings settings = as_trained();
    if (settings.ablate_from < 0 && k < length) settings.ablate_from = k;
    steps.push_back(static_cast<double>(k));
    errors.push_back(evaluate(test_, settings));
  }
  std::vector<double> profile = steps;
  profile.insert(profile.end(), errors.begin(), errors.end());
  r.arrays["ablation_profile"] = ResultArray::reals(std::move(profile), {2, steps.size()});
}

void LoopTaskRun::consolidate(RunRecord& r) {
  SleepHooks hooks;
  hooks.next_trials = [this]() -> const Batch<float>& {
    batch_ = trials_.draw(sleep_rng_, batch_size_);
    return batch_;
  };
  hooks.evaluate = [this] { return std::pair{evaluate(test_, intact_), evaluate(test_, ablated_)}; };
  consolidate_run(model_, loop_.sleep, intact_, hooks, r);
}

void LoopTaskRun::save_state(RunState& state) const {
  state.put_rng("data_rng", data_rng_);
  if (model_.cerebellar_readout) state.put_rng("dropout_rng", dropout_rng_);
  const auto& optimizers = trainer_.optimizers();
  for (std::size_t g = 0; g < optimizers.size(); ++g)
    save_optimizer(state, std::string("loop_optimizer/") + LoopTrainer<float>::optimizer_group_name(g), optimizers[g]);
}

void LoopTaskRun::restore_state(const RunState& state) {
  state.get_rng("data_rng", data_rng_);
  if (model_.cerebellar_readout) state.get_rng("dropout_rng", dropout_rng_);
  auto& optimizers = trainer_.optimizers();
  for (std::size_t g = 0; g < optimizers.size(); ++g)
    restore_optimizer(state, std::string("loop_optimizer/") + LoopTrainer<float>::optimizer_group_name(g), optimizers[g]);
}

LoopSettings LoopTaskRun::as_trained() const {
  LoopSettings s = intact_;
  if (trainer_.cerebellum_state() == CerebellumState::lesioned) s.ablate_from = 0;
  return s;
}

double LoopTaskRun::evaluate(const Batch<float>& batch, const LoopSettings& settings) {
  loop_forward(model_, batch, settings, trace_);
  return trials_.error(trace_.outputs, batch);
}

}  // namespace ccrnn::tasks
