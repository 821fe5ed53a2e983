#pragma once
// The trials task (task name "trials"): cRNN / ccRNN / full-BPTT models trained on trials a scientist made
// (docs/trials-format.md): a trials file, arrays given in memory, or a generator that returns a fresh batch
// of trials per call (the way PsychRNN and NeuroGym tasks produce data).
//
// Training: each epoch visits the training split's trials in a fresh order (Fisher-Yates from the seed's
// data stream) in batches of batch_size, or calls the generator iterations_per_epoch times. Validation
// (every epoch, when there is a validation split) and test (at the end, when there is a test split), forward
// only, in chunks of eval_batch trials:
//   regression: val_error = sum over trials and supervised steps of the squared Euclidean error / (L n)
//   classes:    val_error = mean NLL over the supervised (step, trial) pairs; val_accuracy = fraction of
//               those pairs whose argmax is the label
// Both reduce to the seqMNIST task's definitions for its data exported as trials (Task::export_trials).
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/task.hpp>
#include <ccrnn/tasks/trials/data.hpp>

#include <functional>
#include <memory>

namespace ccrnn::tasks {

struct TrialsRunConfig : ExperimentConfig {
  TrialsRunConfig();  // ccrnn's defaults: N = 50, cerebellum 400 x 2, T = 1, Adam lr 1e-3, 100 epochs, batch 50
  Index train_size = 0;             // training trials used (the first ones); 0 = all
  Index eval_batch = 1000;          // trials per forward pass in evaluation (memory only, not results)
  Index iterations_per_epoch = 10;  // with a generator: training batches per epoch
};

/// A source of fresh training batches: called with the batch size, returns that many new trials.
using TrialGenerator = std::function<TrialSet(Index batch_size)>;

/// The task. With `data`, runs use it (prepare loads nothing); with a generator, training batches come
/// from it and `data` (required then) gives the shapes, the class count and the validation and test splits.
/// Without either, prepare loads the file named by the setting `trials`.
std::unique_ptr<Task> make_trials_task(const TrialsRunConfig& config = {}, std::shared_ptr<const TrialsData> data = nullptr,
                                       TrialGenerator generator = {});

}  // namespace ccrnn::tasks
