#pragma once
// What every run of a cortico-cerebellar loop task shares (docs/forward-model.md): the model and its
// LoopTrainer, fresh training trials every epoch from the seed's data stream, validation and test sets drawn
// once per seed, the evaluations intact / ablated from step k / as trained (crnn: silenced), the
// validation curves val_error, val_ablated_error, val_cerebellar_loss, the test scalars, the controls
// (cortical-unit ablation, readout feedback), consolidation after training and checkpoints.
// A task supplies its trials and its error measure (LoopTrials) and adds its own result items in test().
#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/tasks/loop_consolidation.hpp>
#include <ccrnn/tasks/loop_settings.hpp>
#include <ccrnn/tasks/task.hpp>

#include <vector>

namespace ccrnn::tasks {

/// A loop task's trials and how they are scored.
class LoopTrials {
 public:
  virtual ~LoopTrials() = default;
  /// n trials, everything random (conditions, stimuli, noise) drawn from rng.
  virtual Batch<float> draw(Rng& rng, Index n) const = 0;
  /// The evaluation error of readouts (O x n*L) on a batch: lower is better.
  virtual double error(const Matrix<float>& outputs, const Batch<float>& batch) const = 0;
};

/// The fraction of samples whose readout argmax at the last step is not their label there (classification
/// tasks that are scored at the trial's end).
double last_step_error(const Matrix<float>& outputs, const Batch<float>& batch);

/// The trials of a classification task scored at the trial's end: Data::draw(rng, n) makes them.
template <class Data>
class LastStepTrials final : public LoopTrials {
 public:
  explicit LastStepTrials(const Data& data) : data_(data) {}
  Batch<float> draw(Rng& rng, Index n) const override { return data_.draw(rng, n); }
  double error(const Matrix<float>& outputs, const Batch<float>& batch) const override {
    return last_step_error(outputs, batch);
  }

 private:
  Data data_;
};

/// ablation_profile: the error with the cerebellum ablated from step k, for k = 0, s, 2s, ... < L
/// (s = ceil(L / 10)) and k = L (never ablated): k in row 0, the error in row 1.
inline constexpr int ablation_profile_points = 10;

class LoopTaskRun : public TaskRun {
 public:
  /// trials must outlive the run (the task owns them); task_config gives the loop settings and trial counts,
  /// config the run's configuration (Task::run_config).
  LoopTaskRun(const LoopTrials& trials, const LoopRunConfig& task_config, const ExperimentConfig& config,
              std::uint64_t seed);

  Model<float>& model() override { return model_; }
  Index begin_epoch(int epoch) override;
  TrainingStep next_batch(Trainer<float>& trainer) override;
  /// {val_error, val_ablated_error, val_cerebellar_loss}
  std::vector<double> validate() override;
  /// final_train_error, test_error, ablated_test_error (and unit_ablated_test_error, ablation_profile and the
  /// consolidation's items when asked for; consolidation puts the trained weights back).
  void test(RunRecord& record) override;
  /// The data stream, the LoopTrainer's optimizers and, with the cerebellar readout, its dropout stream (the
  /// run loop keeps parameters, curves and epoch; the consolidation stream is only drawn from in test()).
  void save_state(RunState& state) const override;
  void restore_state(const RunState& state) override;

 protected:
  /// The model as it was trained: intact, or silenced once the cerebellum is lesioned (always for crnn).
  LoopSettings as_trained() const;
  double evaluate(const Batch<float>& batch, const LoopSettings& settings);
  /// The array ablation_profile (see ablation_profile_points).
  void test_ablation_profile(RunRecord& record);
  /// Consolidation sessions on fresh trials of the sleep stream, reported on the test set.
  void consolidate(RunRecord& record);

  const LoopTrials& trials_;
  LoopTaskSettings loop_;
  Index train_size_, validation_size_, test_size_;
  Model<float> model_;
  Index batch_size_;
  Rng data_rng_, sleep_rng_;
  Rng dropout_rng_;  // the cerebellar readout's dropout factors while training (drawn only by that variant)
  LoopTrainer<float> trainer_;
  LoopSettings intact_, ablated_;
  LoopTrace<float> trace_;
  Batch<float> validation_, test_, batch_;
  Index done_ = 0;
  // What training draws from and validates on: the task's trials, unless a task switches to others.
  const LoopTrials* training_trials_ = &trials_;
  const Batch<float>* validation_set_ = &validation_;
};

}  // namespace ccrnn::tasks
