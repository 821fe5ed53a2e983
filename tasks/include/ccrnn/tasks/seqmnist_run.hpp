#pragma once
// One complete sequential-MNIST run (one model, one seed): epochs over the training set in a fresh
// order each epoch, the validation metrics every epoch, and the test metrics at the end.
#include <ccrnn/metrics/drawing.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/tasks/divergence.hpp>
#include <ccrnn/tasks/run_recording.hpp>
#include <ccrnn/tasks/seqmnist.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace ccrnn::tasks {

/// The papers' seqMNIST model (ALGORITHM.md section 7): N = 30 LSTM units, a cerebellum of one hidden
/// layer of 300 units (used when cerebellum is switched on).
ModelConfig seqmnist_model_defaults();
/// The papers' seqMNIST training: T = 3, Adam lr 1e-4 (betas 0.9, 0.98), clipping at norm 1.
TrainerConfig seqmnist_trainer_defaults();

struct SeqMnistRunConfig {
  SeqMnistConfig task;
  ModelConfig model = seqmnist_model_defaults();        // input_size and output_size are set by the task
  TrainerConfig trainer = seqmnist_trainer_defaults();  // loss is set by the task
  int epochs = 40;
  Index batch_size = 50;
  Index train_size = 0;       // training images used per epoch (the first ones of the set); 0 = all
  Index validation_size = 0;  // validation images evaluated every epoch; 0 = all
  Index eval_batch = 1000;    // samples per forward pass in evaluation (memory only, not results)
  Index trajectories_per_class = 3;  // drawing targets: drawn trajectories kept for this many test digits per class
  RecordingConfig recording;     // boundary recordings and their per-epoch summaries (off by default)
};

/// Metrics of a set, forward only and without truncation.
struct SeqMnistEvaluation {
  double error = 0.0;        // drawing: dense mean squared Euclidean error; class: mean NLL at the last step
  double accuracy = 0.0;     // class only: fraction of correct argmax at the last step
  double uncertainty = 0.0;  // class only: 1 - mean max softmax probability (the dysmetria analogue)
  DrawingMetrics drawing{};  // drawing only (test set)
};

struct SeqMnistRunResult {
  std::uint64_t seed = 0;
  std::vector<double> train_error;   // per epoch: mean over batches of the papers' training error (NLL for class)
  std::vector<double> val_error;     // per epoch: SeqMnistEvaluation::error on the validation set
  std::vector<double> val_accuracy;  // per epoch, class only
  SeqMnistEvaluation test;
  std::vector<Eigen::MatrixXd> trajectories;  // drawing only: 2 x 28 each, for the test images in trajectory_images
  std::vector<Index> trajectory_images;       // their indices in the test set (trajectories_per_class per digit)
  std::map<std::string, std::vector<double>> recording_curves;  // per epoch (see run_recording.hpp); empty if off
  std::vector<BoundaryRecording<float>> recordings;              // whole recordings, if config.recording.arrays
  double seconds = 0.0;
};

/// Called after every epoch with (epoch, train_error, val_error); returns true to go on, false to stop
/// training there (the run then tests the model as it is and returns the curves of the epochs run).
using SeqMnistEpochCallback = std::function<bool(int, double, double)>;

/// Trains in float on data.train, validates on data.validation, tests on data.test. Deterministic: depends
/// only on the config, the data and the seed. Throws DivergenceError on a non-finite training error.
SeqMnistRunResult run_seqmnist(const SeqMnistRunConfig& config, const MnistSplits& data, std::uint64_t seed,
                               const SeqMnistEpochCallback& on_epoch = {});

/// Forward pass over images [0, count) of a set (count 0 = all) in chunks of eval_batch.
SeqMnistEvaluation evaluate_seqmnist(const Model<float>& model, const SeqMnist& task, const DigitImages& images,
                                     Index count, Index eval_batch, bool with_drawing_metrics);

}  // namespace ccrnn::tasks
