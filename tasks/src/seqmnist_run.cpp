#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/tasks/seqmnist_run.hpp>
#include <ccrnn/tasks/trajectories.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

namespace ccrnn::tasks {

namespace {

/// Fisher-Yates with ccrnn's generator (std::shuffle's algorithm is implementation-defined).
void shuffle(std::vector<Index>& order, Rng& rng) {
  for (Index i = static_cast<Index>(order.size()) - 1; i > 0; --i)
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(rng.uniform_int(0, i))]);
}

std::vector<Index> range(Index first, Index count) {
  std::vector<Index> out(static_cast<std::size_t>(count));
  std::iota(out.begin(), out.end(), first);
  return out;
}


}  // namespace

SeqMnistEvaluation evaluate_seqmnist(const Model<float>& model, const SeqMnist& task, const DigitImages& images,
                                     Index count, Index eval_batch, bool with_drawing_metrics) {
  const Index n = count > 0 ? std::min(count, images.count()) : images.count();
  if (n < 1) throw std::invalid_argument("seqMNIST: nothing to evaluate (empty image set)");
  const Index L = task.length();
  TbpttWorkspace<float> ws;
  SeqMnistEvaluation result;
  double error_sum = 0.0, confidence_sum = 0.0;
  Index correct = 0;
  std::vector<Eigen::MatrixXd> drawn, targets;
  for (Index first = 0; first < n; first += eval_batch) {
    check_interrupt();
    const Index B = std::min(eval_batch, n - first);
    const Batch<float> batch = task.make_batch<float>(images, range(first, B), true);
    predict(model, batch, ws);
    if (task.drawing()) {
      error_sum += (ws.outputs.cast<double>() - batch.targets.cast<double>()).squaredNorm() / static_cast<double>(L);
      if (with_drawing_metrics)
        for (Index j = 0; j < B; ++j) {
          drawn.push_back(trajectory_of(ws.outputs, B, L, j));
          targets.push_back(task.target(images.labels[static_cast<std::size_t>(first + j)]));
        }
    } else {
      for (Index j = 0; j < B; ++j) {
        const Eigen::VectorXd logits = ws.outputs.col((L - 1) * B + j).cast<double>();
        const double top = logits.maxCoeff();
        const double log_sum = top + std::log((logits.array() - top).exp().sum());
        const int label = images.labels[static_cast<std::size_t>(first + j)];
        error_sum += log_sum - logits(label);
        Index argmax = 0;
        logits.maxCoeff(&argmax);
        correct += argmax == label ? 1 : 0;
        confidence_sum += std::exp(top - log_sum);
      }
    }
  }
  result.error = error_sum / static_cast<double>(n);
  if (!task.drawing()) {
    result.accuracy = static_cast<double>(correct) / static_cast<double>(n);
    result.uncertainty = 1.0 - confidence_sum / static_cast<double>(n);
  } else if (with_drawing_metrics) {
    result.drawing = drawing_metrics(drawn, targets);
  }
  return result;
}

ModelConfig seqmnist_model_defaults() {
  ModelConfig config;
  config.hidden_size = 30;
  config.cerebellum_hidden = 300;
  config.cerebellum_layers = 1;
  return config;
}

TrainerConfig seqmnist_trainer_defaults() {
  TrainerConfig config;
  config.truncation = 3;
  config.optimizer.lr = 1e-4;
  config.clip = 1.0;
  return config;
}

SeqMnistRunResult run_seqmnist(const SeqMnistRunConfig& config, const MnistSplits& data, std::uint64_t seed,
                               const SeqMnistEpochCallback& on_epoch) {
  if (config.epochs < 1) throw std::invalid_argument("seqMNIST: epochs must be >= 1");
  if (config.batch_size < 1 || config.eval_batch < 1) throw std::invalid_argument("seqMNIST: batch sizes must be >= 1");
  const Index train_size = config.train_size > 0 ? std::min(config.train_size, data.train.count()) : data.train.count();
  if (train_size < 1) throw std::invalid_argument("seqMNIST: the training set is empty");
  const auto start = std::chrono::steady_clock::now();
  const SeqMnist task(config.task);

  ModelConfig model_config = config.model;
  model_config.input_size = task.input_size();
  model_config.output_size = task.output_size();
  model_config.context_size = 0;
  Model<float> model(model_config);
  model.initialise(seed);
  TrainerConfig trainer_config = config.trainer;
  trainer_config.loss = task.loss();
  Trainer<float> trainer(model, trainer_config);
  RunRecorder recorder(config.recording);

  Rng data_rng(seed, Stream::data);
  std::vector<Index> order = range(0, train_size);
  SeqMnistRunResult result;
  result.seed = seed;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    trainer.set_epoch(epoch);
    shuffle(order, data_rng);
    double error_sum = 0.0;
    int batches = 0;
    std::vector<Index> indices;
    for (Index done = 0; done < train_size; done += config.batch_size, ++batches) {
      check_interrupt();
      const Index B = std::min(config.batch_size, train_size - done);
      indices.assign(order.begin() + done, order.begin() + done + B);
      error_sum += recorder.train(trainer, model, task.make_batch<float>(data.train, indices, false)).training_error;
    }
    const double train_error = error_sum / batches;
    if (recorder.enabled()) recorder.end_epoch();
    const SeqMnistEvaluation val =
        evaluate_seqmnist(model, task, data.validation, config.validation_size, config.eval_batch, false);
    if (!std::isfinite(train_error) || !std::isfinite(val.error))
      throw DivergenceError("seed " + std::to_string(seed) + " diverged at epoch " + std::to_string(epoch) +
                            " (training error " + std::to_string(train_error) + "); try a smaller --lr or --clip");
    result.train_error.push_back(train_error);
    result.val_error.push_back(val.error);
    if (!task.drawing()) result.val_accuracy.push_back(val.accuracy);
    if (on_epoch && !on_epoch(epoch, train_error, val.error)) break;
  }

  result.test = evaluate_seqmnist(model, task, data.test, 0, config.eval_batch, task.drawing());
  if (task.drawing()) {
    // The first trajectories_per_class test images of each digit, in test-set order.
    std::vector<Index> per_digit(10, 0);
    for (Index i = 0; i < data.test.count(); ++i) {
      const int d = data.test.labels[static_cast<std::size_t>(i)];
      if (per_digit[static_cast<std::size_t>(d)] < config.trajectories_per_class) {
        ++per_digit[static_cast<std::size_t>(d)];
        result.trajectory_images.push_back(i);
      }
    }
    std::sort(result.trajectory_images.begin(), result.trajectory_images.end(), [&](Index a, Index b) {
      const int da = data.test.labels[static_cast<std::size_t>(a)], db = data.test.labels[static_cast<std::size_t>(b)];
      return da != db ? da < db : a < b;
    });
    if (!result.trajectory_images.empty()) {
      TbpttWorkspace<float> ws;
      const Batch<float> batch = task.make_batch<float>(data.test, result.trajectory_images, true);
      predict(model, batch, ws);
      for (Index j = 0; j < batch.size; ++j) result.trajectories.push_back(trajectory_of(ws.outputs, batch.size, task.length(), j));
    }
  }
  if (recorder.enabled()) {
    result.recording_curves = recorder.curves();
    result.recordings = recorder.recordings();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace ccrnn::tasks
