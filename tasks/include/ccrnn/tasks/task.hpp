#pragma once
// A task as a plug-in of the library: its settings and papers' defaults, its data, its loss and feedback,
// its evaluations and its result items. Every entry point (the task executables, ccrnn-sweep,
// ccrnn-report, Python) finds tasks through the registry (task_registry.hpp) and trains them through the
// one run loop (run_loop.hpp); adding a task is one source file and one registry line.
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/run_record.hpp>
#include <ccrnn/tasks/run_state.hpp>
#include <ccrnn/tasks/settings.hpp>
#include <ccrnn/tasks/trials/data.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccrnn::tasks {

/// One training iteration as a task hands it to the run loop.
struct TrainingStep {
  Batch<float>* batch = nullptr;  // owned by the TaskRun, valid until the next call
  SegmentHooks<float> hooks;      // optional callbacks around each optimizer segment (e.g. an input encoder)
  double weight = 1.0;            // weight of this batch's training error in the epoch's mean
  /// A task that trains its own way (the cortico-cerebellar loop, loop/loop_trainer.hpp) sets this: the
  /// run loop then calls it instead of its Trainer (hooks and boundary recordings do not apply).
  std::function<BatchStats(const Batch<float>& batch)> train = {};
  /// Called with the batch's statistics after it is trained (copy-repeat's curriculum reads its error).
  std::function<void(const BatchStats& stats)> after = {};
};

/// One run of a task: one model, one seed. Made by Task::start; driven by the run loop.
class TaskRun {
 public:
  virtual ~TaskRun() = default;
  /// The trained network (initialised from the seed); the run loop trains it with a Trainer.
  virtual Model<float>& model() = 0;
  /// Trainable parameters outside the model (e.g. captioning's encoder), attached to the trainer.
  virtual ParamSet<float>* extra_parameters() { return nullptr; }
  /// Starts a 1-based epoch; returns its number of training iterations.
  virtual Index begin_epoch(int epoch) = 0;
  /// The epoch's next training iteration.
  virtual TrainingStep next_batch(Trainer<float>& trainer) = 0;
  /// Validation after an epoch: one value per validation curve, in Task::validation_curves() order.
  virtual std::vector<double> validate() = 0;
  /// Keeps the current model as the best so far / brings it back (tasks that select an epoch).
  virtual void save_best() {}
  virtual void restore_best() {}
  /// Test metrics, arrays and side files of the trained model, into the record.
  virtual void test(RunRecord& record) = 0;
  /// For checkpoints (checkpoint.hpp), at an epoch boundary: everything of the run's own that the rest of
  /// the run depends on and that is not a parameter (random streams, shuffled orders, the selected
  /// epoch's model, buffers, counters); and back into a run just started with the same configuration and
  /// seed. The run loop keeps the parameters, optimizers, curves and epoch. The defaults refuse (a task
  /// without them cannot be checkpointed).
  virtual void save_state(RunState& state) const;
  virtual void restore_state(const RunState& state);
};

/// A column of the summary table: a scalar of RunRecord, and its heading.
struct SummaryColumn {
  std::string scalar;
  std::string heading;
};

class Task {
 public:
  virtual ~Task() = default;
  Task(const Task&) = delete;  // settings point into the object
  Task& operator=(const Task&) = delete;

  /// Short name (linedraw, seqmnist, caption, trials).
  virtual std::string name() const = 0;
  /// One paragraph for --help.
  virtual std::string summary() const = 0;
  /// Every setting, bound to this task's configuration (its current values are the papers' defaults
  /// until set).
  Settings& settings() { return settings_; }
  const Settings& settings() const { return settings_; }
  /// The shared part of the configuration.
  virtual ExperimentConfig& experiment() = 0;
  const ExperimentConfig& experiment() const { return const_cast<Task*>(this)->experiment(); }

  /// Checks the settings for the models to train (SettingError for anything the user must fix) and
  /// prepares what all runs share (loads or generates a data set once; data problems throw DataError).
  virtual void prepare(const std::vector<ModelKind>& models) = 0;
  /// The configuration of one run, everything the task forces applied (input and output sizes, loss, ...).
  /// Without a kind: the configuration as set (for runs configured directly, e.g. from Python).
  virtual ExperimentConfig run_config(std::optional<ModelKind> kind) const = 0;
  /// A run of that configuration from the seed. Thread-safe after prepare(): runs go in parallel.
  virtual std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const = 0;

  /// Name of the training-error curve (train_error; captioning: train_ce).
  virtual std::string train_curve() const { return "train_error"; }
  /// Names of the validation curves TaskRun::validate fills.
  virtual std::vector<std::string> validation_curves() const = 0;
  /// A validation curve whose lowest epoch's model is tested (captioning: val_ce); empty: the last epoch's.
  virtual std::string selection_curve() const { return {}; }

  /// The scalar compared across models (paired t-test, ccRNN relative to cRNN); an error: lower is better.
  virtual std::string primary_scalar() const = 0;
  /// Columns of the summary table, in order.
  virtual std::vector<SummaryColumn> summary_columns() const = 0;
  /// One line for the progress output when a run ends.
  virtual std::string describe_run(const RunRecord& record) const;
  /// Suffixes of the side files every run writes (checked before the runs, so that nothing is lost).
  virtual std::vector<std::string> side_file_suffixes() const { return {}; }
  /// Datasets and attributes written once per results file (targets, vocabulary, data source, ...).
  virtual void write_task_data(io::Group& /*root*/) const {}
  /// The task's fixed data set as trials (docs/trials-format.md), so that it can be trained through the
  /// trials task; call after prepare(). Throws std::invalid_argument for a task without a fixed data set.
  virtual TrialsData export_trials() const;
  /// A fingerprint of the data set the runs train on (fingerprint.hpp), which a checkpoint must match;
  /// empty for a task whose data follow from its settings and the seed. Call after prepare().
  virtual std::string data_fingerprint() const { return {}; }
  /// Seeds run by default.
  virtual std::string default_seeds() const { return "10"; }

 protected:
  Task() = default;
  Settings settings_;
};

}  // namespace ccrnn::tasks
