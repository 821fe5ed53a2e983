#pragma once
// What every task of the cortico-cerebellar loop shares as a Task (loopdraw, evidence, association;
// docs/forward-model.md): the settings sections (cortex, loop, training, then the task's own), the checks,
// the validation curves, the summary columns and the progress line. Their runs are LoopTaskRun's.
#include <ccrnn/tasks/loop_settings.hpp>
#include <ccrnn/tasks/task.hpp>

namespace ccrnn::tasks {

class LoopTask : public Task {
 public:
  std::vector<std::string> validation_curves() const override {
    return {"val_error", "val_ablated_error", "val_cerebellar_loss"};
  }
  std::string primary_scalar() const override { return "test_error"; }
  std::vector<SummaryColumn> summary_columns() const override;
  std::string describe_run(const RunRecord& record) const override;

 protected:
  /// Binds the cortex, loop and training settings (no truncation, per-window steps or BP(lambda): the loop
  /// trains by LoopTrainer), then opens section "Task" for the task's own settings.
  void bind_loop_task_settings(ExperimentConfig& config, LoopTaskSettings& loop);
  /// train_size, val_size, test_size (after the task's own settings).
  void bind_trial_sizes(LoopRunConfig& config);
  /// Checks the loop settings, the noise, the trial length and the sizes (SettingError).
  void validate_loop_task(const LoopRunConfig& config, const std::vector<ModelKind>& models, double noise,
                          Index length) const;

 private:
  const LoopTaskSettings* loop_ = nullptr;  // the task's, as bound (for the summary's optional columns)
};

}  // namespace ccrnn::tasks
