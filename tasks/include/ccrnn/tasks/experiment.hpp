#pragma once
// The configuration tree every task shares and the three models a task trains. A task's own configuration
// extends ExperimentConfig (LineDrawingRunConfig, SeqMnistRunConfig, ...); its constructor holds the
// papers' defaults, in one place.
#include <ccrnn/model.hpp>
#include <ccrnn/tasks/run_recording.hpp>
#include <ccrnn/tasks/settings.hpp>
#include <ccrnn/train/trainer.hpp>

#include <string>
#include <vector>

namespace ccrnn::tasks {

struct ExperimentConfig {
  ModelConfig model;        // cortex, readout; model.cerebellar: the cerebellum's shape (ccrnn runs)
  TrainerConfig trainer;    // trainer.tbptt: T, synthetic-gradient scale, final injection; optimizer, clip, lesions
  int epochs = 100;
  Index batch_size = 50;
  RecordingConfig recording;  // boundary recordings (off by default)
};

/// crnn: cortex alone, truncated BPTT. ccrnn: cortex + cerebellum. bptt: cortex alone, full BPTT (T = L,
/// the upper bound).
enum class ModelKind { crnn, ccrnn, bptt };
/// Throws std::invalid_argument naming the three.
ModelKind parse_model_kind(const std::string& name);
const char* to_string(ModelKind kind);

/// The configuration of one run of a model kind: the cerebellum on for ccrnn (off otherwise), T = the
/// sequence length for bptt.
ExperimentConfig for_model(ExperimentConfig config, ModelKind kind, Index sequence_length);

/// Which shared settings a task offers (the ones it forces are not offered, so --help shows only what applies).
struct SharedSettings {
  bool step_per_window = true;  // offer --step-per-window
  bool bp_lambda = true;        // offer BP(lambda) (--online, --bp-lambda, ...)
  bool truncation = true;       // offer --T (the loop trains by whole trials)
};

/// Binds the shared model settings (section "Model": cell, hidden, layers, cerebellum_hidden,
/// cerebellum_layers, fibres, sg_scale, no_final_injection) and training settings (section "Training": T,
/// epochs, batch, optimizer, lr, beta1, beta2, eps, momentum, clip, step_per_window, lr_cerebellum, lesion_epoch,
/// io_lesion_epoch, io_lesion_clip) and BP(lambda)'s (section "BP(lambda)": online, bp_lambda, bp_gamma,
/// bp_initial_state, bp_reduction, bp_update_clip); then, after the task's own, bind_recording_settings (section "Recordings").
void bind_model_settings(Settings& settings, ExperimentConfig& config);
/// The synthetic gradient's part of bind_model_settings (sg_scale, no_final_injection), for tasks whose DNI
/// cerebellum is configured elsewhere (the loop's --cortical-rule dni).
void bind_synthetic_gradient_settings(Settings& settings, ExperimentConfig& config);
/// The cortex's part of bind_model_settings (cell, hidden, layers), for tasks without the DNI cerebellum.
void bind_cortex_settings(Settings& settings, ExperimentConfig& config);
void bind_training_settings(Settings& settings, ExperimentConfig& config, const SharedSettings& offer = {});
void bind_recording_settings(Settings& settings, ExperimentConfig& config);

/// Checks the shared settings (SettingError for anything the user must fix), including cerebellar
/// settings given without a ccrnn among the models.
void validate_experiment(const Settings& settings, const ExperimentConfig& config, const std::vector<ModelKind>& models);

}  // namespace ccrnn::tasks
