#pragma once
// Consolidation ("sleep") at the end of a loop task's run (loop/consolidation.hpp; docs/forward-model.md):
// sessions on fresh task trials move the cerebellum's contribution into the cortex's recurrent weights,
// and the run reports how the intact and the ablated model perform session by session. The trained
// weights are put back afterwards, so the stored model and everything else the run reports are those of
// training.
#include <ccrnn/loop/consolidation.hpp>
#include <ccrnn/tasks/run_record.hpp>

#include <functional>
#include <utility>

namespace ccrnn::tasks {

struct SleepHooks {
  std::function<const Batch<float>&()> next_trials;      // a session's batch of fresh task trials
  std::function<std::pair<double, double>()> evaluate;  // (intact, ablated) test error of the model now
};

/// Runs config.sessions sessions (nothing when 0) with the task's trial settings and adds to the record:
///   arrays sleep_error, sleep_ablated_error, sleep_cerebellar_norm (sessions + 1 values: before any
///   session, then after each), sleep_cosine and sleep_fit_residual (sessions values, measured during each session);
///   scalars sleep_test_error, sleep_ablated_test_error (after the last session).
void consolidate_run(Model<float>& model, const ConsolidationConfig& config, const LoopSettings& trial,
                     const SleepHooks& hooks, RunRecord& record);

}  // namespace ccrnn::tasks
