#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/tasks/model_store.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/run_recording.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace ccrnn::tasks {

namespace {

[[noreturn]] void diverged(std::uint64_t seed, int epoch, const std::string& what, double value) {
  throw DivergenceError("seed " + std::to_string(seed) + " diverged at epoch " + std::to_string(epoch) + " (" + what +
                        " " + std::to_string(value) + "); try a smaller --lr or --clip");
}

}  // namespace

RunRecord run_task(const Task& task, std::optional<ModelKind> kind, std::uint64_t seed, const EpochCallback& on_epoch) {
  const auto start = std::chrono::steady_clock::now();
  const ExperimentConfig config = task.run_config(kind);
  if (config.epochs < 1) throw std::invalid_argument(task.name() + ": epochs must be >= 1");
  if (config.batch_size < 1) throw std::invalid_argument(task.name() + ": the batch size must be >= 1");
  const std::unique_ptr<TaskRun> run = task.start(config, seed);
  Model<float>& model = run->model();
  Trainer<float> trainer(model, config.trainer);
  if (ParamSet<float>* extra = run->extra_parameters()) trainer.attach_parameters(*extra);
  RunRecorder recorder(config.recording);

  RunRecord record;
  record.task = task.name();
  record.model = kind ? to_string(*kind) : "custom";
  record.seed = seed;
  const std::vector<std::string> validation_names = task.validation_curves();
  const std::string selection = task.selection_curve();
  const auto selected = std::find(validation_names.begin(), validation_names.end(), selection);
  if (!selection.empty() && selected == validation_names.end())
    throw std::logic_error(task.name() + ": the selection curve is not a validation curve");
  std::vector<double>& train_curve = record.curves[task.train_curve()];
  double best = 0.0;
  int best_epoch = 0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    trainer.set_epoch(epoch);
    const Index iterations = run->begin_epoch(epoch);
    double error_sum = 0.0, weight = 0.0;
    for (Index i = 0; i < iterations; ++i) {
      check_interrupt();
      TrainingStep step = run->next_batch(trainer);
      const BatchStats stats = step.train ? step.train(*step.batch)
                               : step.hooks.before_forward || step.hooks.after_backward
                                   ? trainer.train_batch_with_hooks(*step.batch, step.hooks)
                                   : recorder.train(trainer, model, *step.batch);
      if (!std::isfinite(stats.training_error)) diverged(seed, epoch, "training error", stats.training_error);
      // Fused as the tasks' own loops were compiled (contraction on): exact for weight 1.
      error_sum = std::fma(stats.training_error, step.weight, error_sum);
      weight += step.weight;
    }
    const double train_error = error_sum / weight;
    if (recorder.enabled()) recorder.end_epoch();
    EpochReport report{epoch, train_error, run->validate()};
    if (report.validation.size() != validation_names.size())
      throw std::logic_error(task.name() + ": validate() returned the wrong number of values");
    for (std::size_t k = 0; k < validation_names.size(); ++k) {
      if (!std::isfinite(report.validation[k])) diverged(seed, epoch, validation_names[k], report.validation[k]);
      record.curves[validation_names[k]].push_back(report.validation[k]);
    }
    train_curve.push_back(train_error);
    record.epochs_run = epoch;
    if (!selection.empty()) {
      const double value = report.validation[static_cast<std::size_t>(selected - validation_names.begin())];
      if (epoch == 1 || value < best) {
        best = value;
        best_epoch = epoch;
        run->save_best();
      }
    }
    if (on_epoch && !on_epoch(report)) break;
  }
  // The trained parameters (the model's and any attached ones, e.g. captioning's encoder).
  const auto parameters = [&] {
    auto named = named_parameters(model.params);
    if (const ParamSet<float>* extra = run->extra_parameters()) named.merge(named_parameters(*extra));
    return named;
  };
  record.model_config = model.config();
  record.weights["final"] = parameters();
  if (!selection.empty()) {
    run->restore_best();
    record.scalars["best_epoch"] = best_epoch;
    record.weights["best"] = parameters();
  }
  if (recorder.enabled()) {
    for (const auto& [name, curve] : recorder.curves()) record.curves[name] = curve;
    record.recordings = recorder.recordings();
  }
  run->test(record);
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return record;
}

}  // namespace ccrnn::tasks
