#pragma once
// What the loop's classification tasks scored at the trial's end share (evidence accumulation, delayed
// association; docs/forward-model.md): a run configuration holding the data's configuration as `task` (with
// noise and length), trials of Data scored by last_step_error, cross-entropy for the readout and the
// cerebellum. A task adds its own data settings and checks, its sizes and its texts.
#include <ccrnn/tasks/loop_task.hpp>
#include <ccrnn/tasks/loop_task_run.hpp>

#include <memory>

namespace ccrnn::tasks {

/// The loss of a classification loop task: cross-entropy for the readout and the cerebellum.
inline void set_classification_loss(LoopRunConfig& config) {
  config.trainer.tbptt.loss = LossKind::cross_entropy;
  config.loop.training.trial.loss = LossKind::cross_entropy;
}

template <class RunConfig, class Data>
class LastStepLoopTask : public LoopTask {
 public:
  ExperimentConfig& experiment() override { return config_; }

  /// The shared checks, the task's own (validate_data), then the trials of the settings as prepared.
  void prepare(const std::vector<ModelKind>& models) final {
    validate_loop_task(config_, models, config_.task.noise, config_.task.length);
    validate_data();
    trials_ = LastStepTrials<Data>(Data(config_.task));
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const final {
    ExperimentConfig c = loop_run_config(config_, kind);
    c.model.input_size = inputs();
    c.model.output_size = classes();
    c.trainer.tbptt.loss = LossKind::cross_entropy;
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const final {
    return std::make_unique<LoopTaskRun>(trials_, config_, config, seed);
  }

 protected:
  /// Binds the loop's settings, then the data's noise and length (the task adds its own, then
  /// bind_trial_sizes(config_)).
  explicit LastStepLoopTask(const RunConfig& config) : config_(config), trials_(Data(config.task)) {
    bind_loop_task_settings(config_, config_.loop);
    settings_.add("noise", &config_.task.noise, "std of the Gaussian noise on every input entry");
    settings_.add("length", &config_.task.length, "steps per trial L");
  }
  /// The task's own checks of config_.task (SettingError).
  virtual void validate_data() const = 0;
  virtual Index inputs() const = 0;
  virtual Index classes() const = 0;

  RunConfig config_;

 private:
  LastStepTrials<Data> trials_;  // of the settings as prepared
};

}  // namespace ccrnn::tasks
