#pragma once
// The model, cerebellum and training options every task shares, with per-task defaults. The models a
// task can train: crnn (cortex alone, truncated BPTT), ccrnn (cortex + cerebellum) and bptt (cortex
// alone with full BPTT, T = sequence length: the upper bound).
#include "cli.hpp"

#include <ccrnn/model.hpp>
#include <ccrnn/tasks/run_recording.hpp>
#include <ccrnn/train/trainer.hpp>

#include <string>
#include <vector>

namespace ccrnn::apps {

struct TrainingOptions {
  std::string cell = "lstm";
  int hidden = 50;
  int layers = 1;
  int cerebellum_hidden = 400;
  int cerebellum_layers = 2;
  int fibres = 0;
  double sg_scale = 0.1;
  bool no_final_injection = false;
  int truncation = 1;
  int epochs = 100;
  int batch = 50;
  std::string optimizer = "adam";
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.98, eps = 1e-9, momentum = 0.9;
  double clip = 1.0;
  bool step_per_window = false;
  int lesion_epoch = 0;
  int io_lesion_epoch = 0;
  int record_every = 0;
  bool record_arrays = false;

  /// Cortex, cerebellum and model-choice options (section "Model" of --help).
  po::options_description describe_model();
  /// T, epochs, batch, optimizer, clipping, lesions (section "Training").
  po::options_description describe_training();
  /// --record-every, --record-arrays (section "Recordings").
  po::options_description describe_recording();

  /// Throws UsageError for impossible values or cerebellar options without a ccrnn among the models.
  /// Returns the cell type. cerebellum_only lists task options that also need a ccrnn.
  CellType validate(const po::variables_map& vm, const std::vector<std::string>& models,
                    const std::vector<std::string>& cerebellum_only = {}) const;

  /// Model configuration (input and output sizes are the task's) for a model name.
  ModelConfig model_config(const std::string& model) const;
  /// Trainer configuration for a model name; bptt trains with T = sequence_length.
  TrainerConfig trainer_config(const std::string& model, Index sequence_length) const;
  tasks::RecordingConfig recording_config() const { return {record_every, record_arrays}; }
};

/// crnn, ccrnn and bptt; anything else is a UsageError.
void check_model_names(const std::vector<std::string>& models);
bool has_cerebellum(const std::string& model);

}  // namespace ccrnn::apps
