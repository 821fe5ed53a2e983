#pragma once
// The sequential-MNIST tasks as a plug-in (task name "seqmnist"): epochs over the training images in a
// fresh order each epoch, the validation metrics every epoch, and the test metrics at the end.
#include <ccrnn/metrics/drawing.hpp>
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/seqmnist.hpp>
#include <ccrnn/tasks/task.hpp>

#include <memory>

namespace ccrnn::tasks {

struct SeqMnistRunConfig : ExperimentConfig {
  SeqMnistRunConfig();  // the papers' defaults: N = 30, cerebellum 300 x 1, T = 3, Adam lr 1e-4, 40 epochs
  SeqMnistConfig task;
  Index train_size = 0;       // training images used per epoch (the first ones of the set); 0 = all
  Index validation_size = 0;  // validation images evaluated every epoch; 0 = all
  Index eval_batch = 1000;    // samples per forward pass in evaluation (memory only, not results)
  Index trajectories_per_class = 3;  // drawing targets: drawn trajectories kept for this many test digits per class
};

/// Where the images come from when the task loads them itself (prepare): the four MNIST IDX files in a
/// directory, or ccrnn's procedural digit set.
struct SeqMnistDataConfig {
  std::string mnist_dir;         // empty: procedural digits
  std::int64_t data_seed = 1;    // procedural set's seed (the same for every run)
  std::int64_t procedural_train = 60000;  // procedural training file (train + validation)
  std::int64_t procedural_test = 10000;
};

/// The task with this configuration. With `data`, runs use those images (prepare loads nothing).
std::unique_ptr<Task> make_seqmnist_task(const SeqMnistRunConfig& config = {},
                                         std::shared_ptr<const MnistSplits> data = nullptr);

/// Metrics of a set, forward only and without truncation.
struct SeqMnistEvaluation {
  double error = 0.0;        // drawing: dense mean squared Euclidean error; class: mean NLL at the last step
  double accuracy = 0.0;     // class only: fraction of correct argmax at the last step
  double uncertainty = 0.0;  // class only: 1 - mean max softmax probability (the dysmetria analogue)
  DrawingMetrics drawing{};  // drawing only (test set)
};

/// Forward pass over images [0, count) of a set (count 0 = all) in chunks of eval_batch. The workspace
/// is kept by the caller between evaluations: sizing it for eval_batch x 28 steps every epoch cost a
/// tenth of a full-scale run (fresh pages, zero-filled).
SeqMnistEvaluation evaluate_seqmnist(const Model<float>& model, const SeqMnist& task, const DigitImages& images,
                                     Index count, Index eval_batch, bool with_drawing_metrics,
                                     TbpttWorkspace<float>& workspace);

}  // namespace ccrnn::tasks
