#pragma once
// The settings of every task that trains the cortico-cerebellar loop (docs/forward-model.md), bound once:
// the leak, the forward cerebellum's shape and inferior olive, the pons, the plasticity modes and the test
// ablation. A loop task binds them after bind_cortex_settings and before bind_training_settings.
#include <ccrnn/loop/consolidation.hpp>
#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/tasks/experiment.hpp>

namespace ccrnn::tasks {

/// What a loop task configures beyond ExperimentConfig.
struct LoopTaskSettings {
  LoopTrainerConfig training;  // cortical plasticity, mossy-fibre plasticity, final learning
  Index ablate_from = 0;       // evaluations also report the model with the cerebellum silenced from this step
  bool record = false;         // store the per-step recordings of the test conditions
  ConsolidationConfig sleep;   // consolidation after training (sessions 0: none)
  Index ablate_units = 0;      // evaluations also report the model with the first k cortical units silenced
  bool ablation_profile = false;  // test with the cerebellum ablated from each of ~10 steps (loop_task_run.hpp)
};

/// The configuration of every loop task: the shared tree, the loop's settings and the trial counts (each
/// task adds its own data settings).
struct LoopRunConfig : ExperimentConfig {
  LoopTaskSettings loop;
  Index train_size = 1000;      // fresh training trials per epoch
  Index validation_size = 200;  // validation trials (drawn once per seed)
  Index test_size = 1000;       // test trials (drawn once per seed)
};

/// The reference's defaults shared by every loop task (FORWARD_MODEL.md sections 2-4): a leaky tanh cortex
/// (N = 50, alpha = 0.1), the forward cerebellum (M = 1000, one layer, tau = 3), Adam(1e-3, 0.9, 0.98,
/// 1e-9), no clipping (the reference's clip setting never reaches its trainer: open question 7), batch 10.
void set_reference_loop_defaults(ExperimentConfig& config);

/// Section "Loop": leak, cerebellum_hidden, cerebellum_layers, fibres, tau, io_timing, temporal_basis,
/// cerebellum_biases, zero_output, fixed_mossy_fibres, final_learning, pons_cortex, pons_readout,
/// pons_input, pons_target, cortical_plasticity, cortical_rule, T, ablate_from, ablate_units, lr_cortex, lr_readout,
/// ablation_profile, loop_recordings, feedback, sleep_sessions, sleep_rule, sleep_rate,
/// sleep_ratio; section "The DNI cerebellum": sg_scale, no_final_injection, dni_hidden, dni_layers, dni_fibres,
/// lr_dni.
void bind_loop_settings(Settings& settings, ExperimentConfig& config, LoopTaskSettings& loop);

/// Checks them (SettingError); models may hold crnn (the loop silenced: no cerebellar feedback) and ccrnn.
void validate_loop_settings(const Settings& settings, const ExperimentConfig& config, const LoopTaskSettings& loop,
                            const std::vector<ModelKind>& models, Index length);

/// The run configuration of a model kind: the forward cerebellum always (so crnn and ccrnn of one seed start
/// from the same weights), lesioned for the whole run for crnn; the DNI cerebellum only with --cortical-rule
/// dni (for both kinds: the lesions are the forward cerebellum's); the cerebellar readout for ccrnn with
/// --feedback cerebellar-readout (its own stream: the cortex's weights stay those of crnn's).
ExperimentConfig loop_run_config(const LoopRunConfig& config, std::optional<ModelKind> kind);

}  // namespace ccrnn::tasks
