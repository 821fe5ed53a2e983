#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/tasks/checkpoint.hpp>
#include <ccrnn/tasks/model_store.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/run_recording.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace ccrnn::tasks {

namespace {

[[noreturn]] void diverged(std::uint64_t seed, int epoch, const std::string& what, double value) {
  throw DivergenceError("seed " + std::to_string(seed) + " diverged at epoch " + std::to_string(epoch) + " (" + what +
                        " " + std::to_string(value) + "); try a smaller --lr or --clip");
}

/// The trained parameters (the model's and any attached ones, e.g. captioning's encoder) by PyTorch name.
std::map<std::string, ResultArray> all_parameters(TaskRun& run) {
  auto named = named_parameters(run.model().params);
  if (const ParamSet<float>* extra = run.extra_parameters()) named.merge(named_parameters(*extra));
  return named;
}

/// The loop's own progress that a checkpoint keeps beside the model, optimizers and task state.
struct LoopProgress {
  int epoch = 0;  // epochs completed
  double best = 0.0;
  int best_epoch = 0;
};

/// One run's checkpoint: the file, what it must match, and the last epoch boundary's state not yet written.
class RunCheckpoint {
 public:
  RunCheckpoint(const CheckpointOptions& options, const Task& task, const std::string& model, std::uint64_t seed)
      : options_(options) {
    if (options_.enabled()) identity_ = checkpoint_identity(task, model, seed);
  }

  /// The stored state to resume from, if there is one to use.
  std::optional<RunState> stored() const {
    if (!options_.enabled() || options_.restart || !std::filesystem::exists(options_.path)) return std::nullopt;
    return read_checkpoint(options_.path, identity_);
  }
  /// The state after `epoch`, written now when it is due (every N-th and the last epoch).
  void epoch_done(RunState state, int epoch, bool last) {
    pending_ = std::move(state);
    if ((options_.every > 0 && epoch % options_.every == 0) || last) flush();
  }
  /// Writes the last epoch boundary's state if it is not on disk yet.
  void flush() {
    if (!pending_) return;
    write_checkpoint(options_.path, identity_, *pending_);
    pending_.reset();
  }
  bool enabled() const { return options_.enabled(); }

 private:
  const CheckpointOptions& options_;
  CheckpointIdentity identity_;
  std::optional<RunState> pending_;
};

RunState capture(TaskRun& run, Trainer<float>& trainer, const RunRecorder& recorder, const RunRecord& record,
                 const LoopProgress& progress, int epochs) {
  RunState state;
  state.put_integer("epoch", progress.epoch);
  state.put_integer("epochs", epochs);  // asked for by the run that wrote it (for people; more may follow)
  state.put_real("best", progress.best);
  state.put_integer("best_epoch", progress.best_epoch);
  for (const auto& [name, curve] : record.curves) state.put_reals("curves/" + name, curve);
  for (auto& [name, array] : all_parameters(run)) state.put("parameters/" + name, std::move(array));
  save_optimizer(state, "optimizer", trainer.optimizer());
  if (const Optimizer<float>* cerebellar = trainer.cerebellar_optimizer()) save_optimizer(state, "cerebellar_optimizer", *cerebellar);
  if (const Optimizer<float>* extra = trainer.extra_optimizer()) save_optimizer(state, "extra_optimizer", *extra);
  if (recorder.enabled()) {
    RunState recording;
    recorder.save_state(recording);
    state.put_all("recorder/", recording);
  }
  RunState own;
  run.save_state(own);
  state.put_all("task/", own);
  return state;
}

LoopProgress restore(const RunState& state, TaskRun& run, Trainer<float>& trainer, RunRecorder& recorder, RunRecord& record,
                     const std::string& where) {
  LoopProgress progress;
  const std::int64_t epoch = state.integer("epoch"), best_epoch = state.integer("best_epoch");
  if (epoch < 0) throw CheckpointError("item 'epoch' is " + std::to_string(epoch) + ", not a number of epochs");
  if (best_epoch < 0 || best_epoch > epoch)
    throw CheckpointError("item 'best_epoch' is " + std::to_string(best_epoch) + ", not one of the " + std::to_string(epoch) +
                          " epochs run");
  progress.epoch = static_cast<int>(epoch);  // at most the run's --epochs (checked by run_task)
  progress.best = state.real("best");
  progress.best_epoch = static_cast<int>(best_epoch);
  for (auto& [name, curve] : record.curves) {
    curve = state.reals("curves/" + name);
    if (static_cast<std::int64_t>(curve.size()) != epoch)  // the tests read a curve's last epoch
      throw CheckpointError("curve '" + name + "' has " + std::to_string(curve.size()) + " values, not one per epoch (" +
                            std::to_string(epoch) + ")");
  }
  record.epochs_run = progress.epoch;
  const RunState parameters = state.under("parameters/");
  set_named_parameters(run.model().params, parameters.items(), where + " parameters");
  if (ParamSet<float>* extra = run.extra_parameters()) set_named_parameters(*extra, parameters.items(), where + " parameters");
  restore_optimizer(state, "optimizer", trainer.optimizer());
  if (Optimizer<float>* cerebellar = trainer.cerebellar_optimizer()) restore_optimizer(state, "cerebellar_optimizer", *cerebellar);
  if (Optimizer<float>* extra = trainer.extra_optimizer()) restore_optimizer(state, "extra_optimizer", *extra);
  if (recorder.enabled()) recorder.restore_state(state.under("recorder/"));
  run.restore_state(state.under("task/"));
  return progress;
}

}  // namespace

double train_epoch(TaskRun& run, Trainer<float>& trainer, RunRecorder& recorder, int epoch, std::uint64_t seed) {
  trainer.set_epoch(epoch);
  const Index iterations = run.begin_epoch(epoch);
  double error_sum = 0.0, weight = 0.0;
  for (Index i = 0; i < iterations; ++i) {
    check_interrupt();
    TrainingStep step = run.next_batch(trainer);
    const BatchStats stats = step.train ? step.train(*step.batch)
                             : step.hooks.before_forward || step.hooks.after_backward
                                 ? trainer.train_batch_with_hooks(*step.batch, step.hooks)
                                 : recorder.train(trainer, run.model(), *step.batch);
    if (!std::isfinite(stats.training_error)) diverged(seed, epoch, "training error", stats.training_error);
    if (step.after) step.after(stats);
    // Fused as the tasks' own loops were compiled (contraction on): exact for weight 1.
    error_sum = std::fma(stats.training_error, step.weight, error_sum);
    weight += step.weight;
  }
  return error_sum / weight;
}

RunRecord run_task(const Task& task, std::optional<ModelKind> kind, std::uint64_t seed, const EpochCallback& on_epoch,
                   const CheckpointOptions& checkpoint_options) {
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
  for (const auto& name : validation_names) record.curves[name];

  RunCheckpoint checkpoint(checkpoint_options, task, record.model, seed);
  LoopProgress progress;
  if (checkpoint.enabled()) capture(*run, trainer, recorder, record, progress, config.epochs);  // refuses before training
  if (const std::optional<RunState> stored = checkpoint.stored()) {
    const std::int64_t stored_epoch = stored->integer("epoch");
    if (stored_epoch > config.epochs)
      throw CheckpointError(checkpoint_options.path + ": the checkpoint is at epoch " + std::to_string(stored_epoch) +
                            ", beyond --epochs " + std::to_string(config.epochs) +
                            "; ask for at least as many epochs, or pass --restart to start over");
    try {
      progress = restore(*stored, *run, trainer, recorder, record, checkpoint_options.path);
    } catch (const std::exception& e) {
      throw CheckpointError(checkpoint_options.path + ": cannot resume from this checkpoint: " + e.what() +
                            "; pass --restart to start over");
    }
    if (checkpoint_options.on_resume) checkpoint_options.on_resume(progress.epoch);
  }

  try {
    for (int epoch = progress.epoch + 1; epoch <= config.epochs; ++epoch) {
      const double train_error = train_epoch(*run, trainer, recorder, epoch, seed);
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
      progress.epoch = epoch;
      if (!selection.empty()) {
        const double value = report.validation[static_cast<std::size_t>(selected - validation_names.begin())];
        if (epoch == 1 || value < progress.best) {
          progress.best = value;
          progress.best_epoch = epoch;
          run->save_best();
        }
      }
      const bool go_on = !on_epoch || on_epoch(report);
      if (checkpoint.enabled())
        checkpoint.epoch_done(capture(*run, trainer, recorder, record, progress, config.epochs), epoch,
                              epoch == config.epochs || !go_on);
      if (!go_on) break;
    }
  } catch (...) {
    // Interrupted (or failed): keep the last completed epoch, so that the same command resumes there. A
    // failure to write it must not hide why the run stopped.
    try {
      checkpoint.flush();
    } catch (...) {
    }
    throw;
  }
  record.model_config = model.config();
  record.weights["final"] = all_parameters(*run);
  if (!selection.empty()) {
    run->restore_best();
    record.scalars["best_epoch"] = progress.best_epoch;
    record.weights["best"] = all_parameters(*run);
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
