#pragma once
// Copy-repeat with its curriculum as a plug-in (task name "copyrepeat"; copy_repeat.hpp): fresh batches
// at the current level every iteration, the level raised after any training batch below the threshold,
// and the level reached as the result (per epoch, per iteration and at the end).
#include <ccrnn/tasks/copy_repeat.hpp>
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/task.hpp>

#include <memory>

namespace ccrnn::tasks {

struct CopyRepeatRunConfig : ExperimentConfig {
  CopyRepeatRunConfig();  // the reference's copy-repeat configuration (BP_LAMBDA.md section 6)
  CopyRepeatConfig task;
  Index batches_per_epoch = 10;  // training batches per epoch (the reference: 1000 samples / batch 100)
  Index validation_size = 100;   // validation samples at the current level, drawn afresh each epoch
  Index test_size = 1000;        // test samples at the final level
};

/// The task with this configuration (its settings start from it).
std::unique_ptr<Task> make_copy_repeat_task(const CopyRepeatRunConfig& config = {});

}  // namespace ccrnn::tasks
