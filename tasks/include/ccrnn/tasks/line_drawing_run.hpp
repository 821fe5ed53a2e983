#pragma once
// One complete line-drawing run (one model, one seed): training with fresh samples every epoch, a dense
// validation error every epoch, and the test metrics and drawn trajectories at the end.
#include <ccrnn/metrics/drawing.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/tasks/divergence.hpp>
#include <ccrnn/tasks/run_recording.hpp>
#include <ccrnn/tasks/line_drawing.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

namespace ccrnn::tasks {

struct LineDrawingRunConfig {
  LineDrawingConfig task;
  ModelConfig model;      // input_size and output_size are set by the task (1 and 2)
  TrainerConfig trainer;
  int epochs = 100;
  Index batch_size = 50;
  Index train_size = 800;       // fresh training samples per epoch
  Index validation_size = 200;  // validation samples (drawn once per seed), dense feedback
  Index test_repeats = 10;      // test set: every cue this many times (noise drawn once per seed)
  RecordingConfig recording;     // boundary recordings and their per-epoch summaries (off by default)
};

struct LineDrawingRunResult {
  std::uint64_t seed = 0;
  std::vector<double> train_error;  // per epoch: mean over the epoch's batches of the papers' training error
  std::vector<double> val_error;    // per epoch: dense mean squared Euclidean error, no truncation
  DrawingMetrics test;              // on the fixed test set (see metrics/drawing.hpp)
  std::vector<Eigen::MatrixXd> trajectories;  // 2 x L per cue (-3..3), noise-free input
  std::map<std::string, std::vector<double>> recording_curves;  // per epoch (see run_recording.hpp); empty if off
  std::vector<BoundaryRecording<float>> recordings;              // whole recordings, if config.recording.arrays
  double seconds = 0.0;
};

/// Called after every epoch with (epoch, train_error, val_error); returns true to go on, false to stop
/// training there (the run then tests the model as it is and returns the curves of the epochs run).
using EpochCallback = std::function<bool(int, double, double)>;

/// Runs training for one seed in float. Deterministic: depends only on config and seed.
LineDrawingRunResult run_line_drawing(const LineDrawingRunConfig& config, std::uint64_t seed,
                                      const EpochCallback& on_epoch = {});

/// Mean over samples and steps of the squared Euclidean error between outputs (2 x B*L) and targets.
double dense_squared_error(const Matrix<float>& outputs, const Matrix<float>& targets);

}  // namespace ccrnn::tasks
