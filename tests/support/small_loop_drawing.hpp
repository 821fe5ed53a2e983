#pragma once
// A loop line-drawing run small enough for the task tests (test_loop_drawing.cpp,
// test_loop_drawing_options.cpp): N = 12 cortical units, 40 granule units, 3 epochs of 30 trials.
#include <ccrnn/tasks/loop_drawing_task.hpp>

namespace ccrnn::testing {

inline tasks::LoopDrawingRunConfig small_loop_drawing() {
  tasks::LoopDrawingRunConfig c;
  c.model.hidden_size = 12;
  c.model.forward.hidden_size = 40;
  c.epochs = 3;
  c.train_size = 30;
  c.validation_size = 12;
  c.test_size = 12;
  return c;
}

}  // namespace ccrnn::testing
