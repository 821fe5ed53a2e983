#pragma once
// Recordings of a training run (ALGORITHM.md section 8): every n-th iteration, at the truncation
// boundaries, the cortical state, granule activity, cerebellar prediction, bootstrapped target and the
// true full-BPTT gradient (dni/recording.hpp); summarised per epoch as gradient alignment and population
// statistics (metrics/population.hpp), and kept whole on request.
#include <ccrnn/dni/recording.hpp>
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/run_state.hpp>

#include <map>
#include <string>
#include <vector>

namespace ccrnn::tasks {

struct RecordingConfig {
  long every = 0;       // record iterations 0, every, 2*every, ... (counted over the whole run); 0 = never
  bool arrays = false;  // also keep every recording whole (large: state x B*(W+1) per field)
};

/// Per-epoch summaries (means over the epoch's recorded iterations; NaN in an epoch without one):
///  alignment_prediction  cos(C(s_j), true gradient G_j), over window starts and samples (ccRNN with an
///                        active or frozen cerebellum; NaN otherwise)
///  alignment_truncated   cos(truncated-BPTT gradient D_j, G_j): what the cortex alone sees
///  cortex_* / granule_*  population_correlation, mean_abs_r, coding_space of the cortical state s = [h; c]
///                        and of the first granule layer, over the boundary samples j >= 1 (the initial
///                        state is all zero); granule_sparsity: population Treves-Rolls sparsity
///  cortex_granule_r      mean |Pearson r| between cortical and granule units
/// and, in BP(lambda) runs only (TrainerConfig::bp_lambda.online):
///  alignment_learning_signal     cos(learning signal l'_t + w C(s_{t+1}), its exact value l'_t + G_{t+1}),
///                                over steps and samples
///  alignment_learning_signal_t<k> the same at step k alone
std::vector<std::string> recording_curve_names();

class RunRecorder {
 public:
  explicit RunRecorder(const RecordingConfig& config);
  bool enabled() const { return config_.every > 0; }

  /// One training iteration, recorded when its turn comes (the recording sees the parameters before the
  /// update, as the trainer does).
  BatchStats train(Trainer<float>& trainer, const Model<float>& model, const Batch<float>& batch);
  /// Ends an epoch: appends one value to every curve.
  void end_epoch();

  const std::map<std::string, std::vector<double>>& curves() const { return curves_; }
  const std::vector<BoundaryRecording<float>>& recordings() const { return kept_; }

  /// For checkpoints, at an epoch boundary: the iteration count and the curves so far. Recordings kept
  /// whole (RecordingConfig::arrays) are not checkpointed: save_state refuses them.
  void save_state(RunState& state) const;
  void restore_state(const RunState& state);

 private:
  RecordingConfig config_;
  Recorder<float> recorder_;
  long iteration_ = 0;
  std::map<std::string, std::vector<double>> epoch_values_;  // values of this epoch's recordings
  std::map<std::string, std::vector<double>> curves_;
  std::vector<BoundaryRecording<float>> kept_;
};

/// Writes recordings under group/recordings/iter_<k>/ (states, granule_<i>, predictions, targets,
/// true_gradients, truncated_gradients and for BP(lambda) learning_signals, true_learning_signals, td_errors:
/// row-major (rows, B*(W+1) or B*W) float arrays; attrs iteration,
/// batch, truncation, windows, cerebellum).
void write_recordings(io::Group& group, const std::vector<BoundaryRecording<float>>& recordings);

}  // namespace ccrnn::tasks
