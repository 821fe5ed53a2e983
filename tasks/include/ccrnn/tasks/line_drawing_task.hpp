#pragma once
// The line-drawing task as a plug-in (task name "linedraw"): fresh training samples every epoch, a dense
// validation error every epoch, and the test metrics and drawn trajectories at the end.
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/line_drawing.hpp>
#include <ccrnn/tasks/task.hpp>

#include <memory>

namespace ccrnn::tasks {

struct LineDrawingRunConfig : ExperimentConfig {
  LineDrawingRunConfig();  // the papers' defaults (ALGORITHM.md section 5)
  LineDrawingConfig task;
  Index train_size = 800;       // fresh training samples per epoch
  Index validation_size = 200;  // validation samples (drawn once per seed), dense feedback
  Index test_repeats = 10;      // test set: every cue this many times (noise drawn once per seed)
};

/// The task with this configuration (its settings start from it).
std::unique_ptr<Task> make_line_drawing_task(const LineDrawingRunConfig& config = {});

}  // namespace ccrnn::tasks
