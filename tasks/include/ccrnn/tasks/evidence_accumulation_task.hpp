#pragma once
// Evidence accumulation through the cortico-cerebellar loop (task name "evidence"; docs/forward-model.md):
// the loop paper's Fig. 5 task (evidence_accumulation.hpp) with a fixed leaky tanh cortex, a readout and
// the forward cerebellum (cross-entropy; the cortex receives softmax(c_t)). crnn = the same model with the
// cerebellum silenced (no cerebellar feedback), ccrnn = the loop.
#include <ccrnn/tasks/evidence_accumulation.hpp>
#include <ccrnn/tasks/loop_settings.hpp>
#include <ccrnn/tasks/task.hpp>

#include <memory>

namespace ccrnn::tasks {

struct EvidenceAccumulationRunConfig : LoopRunConfig {
  EvidenceAccumulationRunConfig();  // the reference's defaults (FORWARD_MODEL.md sections 2-5)
  EvidenceAccumulationConfig task;
};

std::unique_ptr<Task> make_evidence_accumulation_task(const EvidenceAccumulationRunConfig& config = {});

}  // namespace ccrnn::tasks
