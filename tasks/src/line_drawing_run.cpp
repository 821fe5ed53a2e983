#include <ccrnn/tasks/line_drawing_run.hpp>
#include <ccrnn/tasks/trajectories.hpp>
#include <ccrnn/core/interrupt.hpp>

#include <chrono>
#include <cmath>
#include <string>

namespace ccrnn::tasks {

double dense_squared_error(const Matrix<float>& outputs, const Matrix<float>& targets) {
  // Squared Euclidean error per (sample, step), averaged: sum of squares / number of columns.
  return (outputs.cast<double>() - targets.cast<double>()).squaredNorm() / static_cast<double>(outputs.cols());
}

namespace {

std::vector<int> repeated_cues(Index repeats) {
  std::vector<int> out;
  for (Index r = 0; r < repeats; ++r)
    for (int c : LineDrawing::cues()) out.push_back(c);
  return out;
}


}  // namespace

LineDrawingRunResult run_line_drawing(const LineDrawingRunConfig& config, std::uint64_t seed,
                                      const EpochCallback& on_epoch) {
  if (config.epochs < 1) throw std::invalid_argument("line drawing: epochs must be >= 1");
  if (config.batch_size < 1 || config.train_size < 1 || config.validation_size < 1 || config.test_repeats < 1)
    throw std::invalid_argument("line drawing: batch, train, validation and test sizes must be >= 1");
  const auto start = std::chrono::steady_clock::now();
  const LineDrawing task(config.task);
  const Index length = config.task.length;

  ModelConfig model_config = config.model;
  model_config.input_size = 1;
  model_config.output_size = 2;
  model_config.context_size = model_config.cerebellum ? task.context_size() : 0;
  Model<float> model(model_config);
  model.initialise(seed);
  TrainerConfig trainer_config = config.trainer;
  trainer_config.loss = LossKind::mse;
  Trainer<float> trainer(model, trainer_config);
  RunRecorder recorder(config.recording);

  Rng data_rng(seed, Stream::data);
  Rng validation_rng(seed, Stream::validation);
  Rng test_rng(seed, Stream::test);
  const Batch<float> validation = task.make_batch<float>(LineDrawing::random_cues(validation_rng, config.validation_size),
                                                         &validation_rng, true);
  const Batch<float> test = task.make_batch<float>(repeated_cues(config.test_repeats), &test_rng, true);
  TbpttWorkspace<float> eval_ws;

  LineDrawingRunResult result;
  result.seed = seed;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    trainer.set_epoch(epoch);
    double error_sum = 0.0;
    int batches = 0;
    for (Index done = 0; done < config.train_size; done += config.batch_size, ++batches) {
      check_interrupt();
      const Batch<float> batch = task.sample_batch<float>(data_rng, std::min(config.batch_size, config.train_size - done));
      error_sum += recorder.train(trainer, model, batch).training_error;
    }
    const double train_error = error_sum / batches;
    if (recorder.enabled()) recorder.end_epoch();
    predict(model, validation, eval_ws);
    const double val_error = dense_squared_error(eval_ws.outputs, validation.targets);
    if (!std::isfinite(train_error) || !std::isfinite(val_error))
      throw DivergenceError("seed " + std::to_string(seed) + " diverged at epoch " + std::to_string(epoch) +
                            " (training error " + std::to_string(train_error) + "); try a smaller --lr or --clip");
    result.train_error.push_back(train_error);
    result.val_error.push_back(val_error);
    if (on_epoch && !on_epoch(epoch, train_error, val_error)) break;
  }

  predict(model, test, eval_ws);
  std::vector<Eigen::MatrixXd> drawn, targets;
  const std::vector<int> test_cues = repeated_cues(config.test_repeats);
  for (Index j = 0; j < test.size; ++j) {
    drawn.push_back(trajectory_of(eval_ws.outputs, test.size, length, j));
    targets.push_back(task.target(test_cues[static_cast<size_t>(j)]));
  }
  result.test = drawing_metrics(drawn, targets);

  const Batch<float> cue_batch = task.make_batch<float>(LineDrawing::cues(), nullptr, true);
  predict(model, cue_batch, eval_ws);
  for (Index j = 0; j < cue_batch.size; ++j) result.trajectories.push_back(trajectory_of(eval_ws.outputs, cue_batch.size, length, j));
  if (recorder.enabled()) {
    result.recording_curves = recorder.curves();
    result.recordings = recorder.recordings();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace ccrnn::tasks
