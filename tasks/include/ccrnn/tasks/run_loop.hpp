#pragma once
// The one run loop of every task: epochs of training iterations (with recordings when asked), the lesion
// schedule, validation after every epoch, divergence, Ctrl-C (ccrnn::check_interrupt between
// iterations), per-epoch callbacks that may stop training, checkpoints and exact resume (checkpoint.hpp),
// the selected epoch's model brought back, and the test.
#include <ccrnn/tasks/checkpoint.hpp>
#include <ccrnn/tasks/divergence.hpp>
#include <ccrnn/tasks/task.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccrnn::tasks {

/// What an epoch reports: its training error, then the validation curves (Task::validation_curves order).
struct EpochReport {
  int epoch = 0;
  double train = 0.0;
  std::vector<double> validation;
};

/// Called after every epoch; returns true to go on, false to stop training there (the model is then
/// tested as usual and the curves hold the epochs run).
using EpochCallback = std::function<bool(const EpochReport&)>;

class RunRecorder;

/// One training epoch of a started run: the trainer's lesion schedule for this 1-based epoch, then every
/// iteration of the epoch (through the run's segment hooks when it gives any, else through the recorder).
/// Returns the epoch's training error, the batches' errors weighted by TrainingStep::weight. Throws
/// DivergenceError naming the seed for a non-finite batch error. run_task's loop, also used by tasks that
/// train a model before the run (captioning's pre-trained encoder).
double train_epoch(TaskRun& run, Trainer<float>& trainer, RunRecorder& recorder, int epoch, std::uint64_t seed);

/// One complete run of a prepared task: kind decides the cerebellum and T (see Task::run_config); without
/// a kind the task's configuration runs as set. Deterministic: depends only on the task's settings and
/// data and the seed. With checkpoint.path, the run resumes from that checkpoint when it exists and keeps
/// it as CheckpointOptions says; the record is then bit for bit that of an uninterrupted run (apart from
/// `seconds` and the tasks' own timings).
RunRecord run_task(const Task& task, std::optional<ModelKind> kind, std::uint64_t seed, const EpochCallback& on_epoch = {},
                   const CheckpointOptions& checkpoint = {});

}  // namespace ccrnn::tasks
