#pragma once
// Line drawing through the cortico-cerebellar loop (task name "loopdraw"; docs/forward-model.md): a fixed
// leaky tanh cortex, a readout and the forward cerebellum learn the loop paper's 6 slow-fast-slow lines.
// crnn = the same model with the cerebellum silenced (no cerebellar feedback), ccrnn = the loop.
// "loopdigits" is the same task on the loop paper's digits (loop_drawing.hpp).
#include <ccrnn/tasks/loop_drawing.hpp>
#include <ccrnn/tasks/loop_settings.hpp>
#include <ccrnn/tasks/task.hpp>

#include <memory>

namespace ccrnn::tasks {

struct LoopDrawingRunConfig : LoopRunConfig {
  LoopDrawingRunConfig();  // the reference's defaults (FORWARD_MODEL.md sections 2-5)
  LoopDrawingConfig task;
  // Task switching (spec section 5): after `epochs` on lines with cerebellar module 0, a fresh module (the
  // untrained initial one) learns arcs for switch_epochs epochs; then module 0 comes back, not retrained.
  Index switch_epochs = 0;      // 0: no switching
  bool switch_freeze_readout = false;  // the readout does not learn during the second task (the reference's does)
};

/// Digit drawing through the loop (task name "loopdigits"): the same run, the loop reference's digits as
/// targets (task.digits > 0), its digit-drawing defaults; no task switching.
struct LoopDigitsRunConfig : LoopDrawingRunConfig {
  LoopDigitsRunConfig();
};

std::unique_ptr<Task> make_loop_drawing_task(const LoopDrawingRunConfig& config = {});
std::unique_ptr<Task> make_loop_digits_task(const LoopDigitsRunConfig& config = {});

}  // namespace ccrnn::tasks
