#pragma once
// Delayed association through the cortico-cerebellar loop (task name "association"; docs/forward-model.md):
// the loop paper's Fig. 6 task (delayed_association.hpp). As the reference's run: the cortex's input weights
// learn (including the cerebellar columns; by BPTT here, e-prop there), the mossy fibres are fixed, the
// cerebellum learns by cross-entropy and the cortex receives softmax(c_t); trained with cross-entropy on the
// last `window` steps, scored by accuracy at the last step. crnn = the cerebellum silenced, ccrnn = the loop.
#include <ccrnn/tasks/delayed_association.hpp>
#include <ccrnn/tasks/loop_settings.hpp>
#include <ccrnn/tasks/task.hpp>

#include <memory>

namespace ccrnn::tasks {

struct DelayedAssociationRunConfig : LoopRunConfig {
  DelayedAssociationRunConfig();  // the reference's defaults (FORWARD_MODEL.md sections 2-5)
  DelayedAssociationConfig task;
};

std::unique_ptr<Task> make_delayed_association_task(const DelayedAssociationRunConfig& config = {});

}  // namespace ccrnn::tasks
