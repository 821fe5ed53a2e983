// Line drawing through the cortico-cerebellar loop (see loop_drawing_task.hpp) behind
// ccrnn-train --task loopdraw, ccrnn-sweep --task loopdraw and ccrnn.run("loopdraw").
#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/tasks/loop_consolidation.hpp>
#include <ccrnn/tasks/loop_drawing_task.hpp>
#include <ccrnn/tasks/trajectories.hpp>

#include <algorithm>
#include <cstdio>

namespace ccrnn::tasks {

LoopDrawingRunConfig::LoopDrawingRunConfig() {
  model.cell = CellType::leaky_tanh;
  model.leak = 0.1;
  model.hidden_size = 50;
  model.forward.hidden_size = 1000;
  model.forward.layers = 1;
  model.forward.tau = 3;
  trainer.tbptt.loss = LossKind::mse;
  trainer.optimizer.lr = 1e-3;
  trainer.optimizer.beta1 = 0.9;
  trainer.optimizer.beta2 = 0.98;
  trainer.optimizer.eps = 1e-9;
  trainer.clip = 0.0;  // the reference's clip setting never reaches its trainer (FORWARD_MODEL.md open question 7)
  epochs = 40;
  batch_size = 10;
}

namespace {

/// Per-element mean squared error of outputs against the batch's targets (the reference's metric).
double element_mse(const Matrix<float>& outputs, const Batch<float>& batch) {
  return (outputs.cast<double>() - batch.targets.cast<double>()).squaredNorm() / static_cast<double>(outputs.size());
}

/// (n, L, rows) row-major from a time-major rows x n*L matrix.
ResultArray per_step(const Matrix<float>& m, Index n, Index length) {
  std::vector<float> values;
  values.reserve(static_cast<std::size_t>(m.size()));
  for (Index j = 0; j < n; ++j)
    for (Index t = 0; t < length; ++t)
      for (Index r = 0; r < m.rows(); ++r) values.push_back(m(r, t * n + j));
  return ResultArray::floats(std::move(values), {static_cast<std::size_t>(n), static_cast<std::size_t>(length),
                                                 static_cast<std::size_t>(m.rows())});
}

class LoopDrawingRun final : public TaskRun {
 public:
  LoopDrawingRun(const LoopDrawingRunConfig& task_config, const ExperimentConfig& config, std::uint64_t seed)
      : sizes_(task_config),
        task_(task_config.task),
        arcs_(arcs_of(task_config.task)),
        model_(config.model),
        batch_size_(config.batch_size),
        data_rng_(seed, Stream::data),
        sleep_rng_(seed, Stream::sleep),
        trainer_((model_.initialise(seed), model_), config.trainer, task_config.loop.training) {  // initialised first
    Rng validation_rng(seed, Stream::validation), test_rng(seed, Stream::test);
    validation_ = task_.make_batch<float>(LoopDrawing::random_conditions(validation_rng, sizes_.validation_size), &validation_rng);
    test_ = task_.make_batch<float>(LoopDrawing::random_conditions(test_rng, sizes_.test_size), &test_rng);
    if (switching()) {  // the second task's sets, drawn after the first task's from the same streams
      arcs_validation_ = arcs_.make_batch<float>(LoopDrawing::random_conditions(validation_rng, sizes_.validation_size), &validation_rng);
      arcs_test_ = arcs_.make_batch<float>(LoopDrawing::random_conditions(test_rng, sizes_.test_size), &test_rng);
      const Range module = model_.forward_cerebellum_range();
      initial_module_ = model_.params.values().segment(module.begin, module.size());
    }
    intact_.loss = ablated_.loss = LossKind::mse;
    intact_.feedback = ablated_.feedback = sizes_.loop.training.trial.feedback;
    ablated_.ablate_from = sizes_.loop.ablate_from;
  }

  Model<float>& model() override { return model_; }

  Index begin_epoch(int epoch) override {
    if (switching() && epoch == sizes_.epochs + 1) switch_to_arcs();
    trainer_.set_epoch(epoch);
    done_ = 0;
    return (sizes_.train_size + batch_size_ - 1) / batch_size_;
  }

  TrainingStep next_batch(Trainer<float>&) override {
    const Index n = std::min(batch_size_, sizes_.train_size - done_);
    batch_ = current_task().make_batch<float>(LoopDrawing::random_conditions(data_rng_, n), &data_rng_);
    done_ += batch_size_;
    TrainingStep step{&batch_, {}, 1.0, {}};
    step.train = [this](const Batch<float>& batch) {
      BatchStats stats = trainer_.train_batch(batch);
      stats.training_error = stats.task_loss;  // per-element MSE, as validation and test
      return stats;
    };
    return step;
  }

  std::vector<double> validate() override {
    const Batch<float>& validation = on_arcs_ ? arcs_validation_ : validation_;
    const double intact = evaluate(validation, as_trained());
    inferior_olive(model_, validation, intact_, trace_);
    const double cerebellar = cerebellar_loss(model_, validation, intact_, trace_);
    return {intact, evaluate(validation, ablated_), cerebellar};
  }

  void test(RunRecord& r) override {
    if (switching()) {  // the arcs with their module; then module 0 back: everything below is lines, untouched
      r.scalars["lines_test_error_before_switch"] = lines_before_switch_;
      r.scalars["arcs_test_error_module0"] = arcs_with_module0_;
      r.scalars["arcs_test_error"] = evaluate(arcs_test_, as_trained());
      r.scalars["arcs_ablated_test_error"] = evaluate(arcs_test_, ablated_);
      const Range module = model_.forward_cerebellum_range();
      model_.params.values().segment(module.begin, module.size()) = module0_;
      on_arcs_ = false;
    }
    r.scalars["final_train_error"] = r.curves.at("train_error").back();
    r.scalars["test_error"] = evaluate(test_, as_trained());
    r.scalars["ablated_test_error"] = evaluate(test_, ablated_);
    if (sizes_.loop.ablate_units > 0) {
      LoopSettings units = as_trained();
      units.ablate_units = sizes_.loop.ablate_units;
      r.scalars["unit_ablated_test_error"] = evaluate(test_, units);
    }
    std::vector<int> conditions(LoopDrawing::conditions);
    for (int k = 0; k < LoopDrawing::conditions; ++k) conditions[static_cast<std::size_t>(k)] = k;
    const Batch<float> cues = task_.make_batch<float>(conditions, nullptr);
    for (const auto& [name, settings] : {std::pair{std::string("trajectories"), as_trained()},
                                         std::pair{std::string("ablated_trajectories"), ablated_}}) {
      loop_forward(model_, cues, settings, trace_);
      std::vector<Eigen::MatrixXd> drawn;
      for (Index j = 0; j < cues.size; ++j) drawn.push_back(trajectory_of(trace_.outputs, cues.size, cues.length, j));
      r.arrays[name] = ResultArray::reals(stack_trajectories(drawn), {drawn.size(), static_cast<std::size_t>(cues.length), 2});
    }
    if (trainer_.cerebellum_state() != CerebellumState::lesioned) consolidate(r);
    if (!sizes_.loop.record) return;
    loop_forward(model_, cues, as_trained(), trace_);
    inferior_olive(model_, cues, intact_, trace_);
    r.arrays["recording_cerebellar_output"] = per_step(trace_.cerebellum.output, cues.size, cues.length);
    r.arrays["recording_granules"] = per_step(trace_.cerebellum.hidden.front(), cues.size, cues.length);
    r.arrays["recording_io_target"] = per_step(trace_.io_targets, cues.size, cues.length);
    r.arrays["recording_io_taught"] = per_step(trace_.io_taught, cues.size, cues.length);
    r.arrays["recording_cortex"] = per_step(Matrix<float>(model_.cortex.outputs(trace_.cortex)), cues.size, cues.length);
  }

 private:
  /// The model as it was trained: intact, or silenced once the cerebellum is lesioned (always for crnn).
  LoopSettings as_trained() const {
    LoopSettings s = intact_;
    if (trainer_.cerebellum_state() == CerebellumState::lesioned) s.ablate_from = 0;
    return s;
  }

  bool switching() const { return sizes_.switch_epochs > 0; }
  const LoopDrawing& current_task() const { return on_arcs_ ? arcs_ : task_; }
  static LoopDrawingConfig arcs_of(LoopDrawingConfig c) {
    c.arcs = true;
    return c;
  }

  /// After the lines: module 0 is kept aside and the untrained initial module learns the arcs, as a new
  /// optimizer group (fresh moments); the readout goes on learning unless switch_freeze_readout.
  void switch_to_arcs() {
    lines_before_switch_ = evaluate(test_, as_trained());
    arcs_with_module0_ = evaluate(arcs_test_, as_trained());
    const Range module = model_.forward_cerebellum_range();
    module0_ = model_.params.values().segment(module.begin, module.size());
    model_.params.values().segment(module.begin, module.size()) = initial_module_;
    trainer_.restart_cerebellar_optimizer();
    if (sizes_.switch_freeze_readout) trainer_.set_readout_plasticity(false);
    on_arcs_ = true;
  }

  /// Consolidation sessions on fresh trials (the sleep stream), reported on the test set.
  void consolidate(RunRecord& r) {
    SleepHooks hooks;
    hooks.next_trials = [this]() -> const Batch<float>& {
      batch_ = task_.make_batch<float>(LoopDrawing::random_conditions(sleep_rng_, batch_size_), &sleep_rng_);
      return batch_;
    };
    hooks.evaluate = [this] { return std::pair{evaluate(test_, intact_), evaluate(test_, ablated_)}; };
    consolidate_run(model_, sizes_.loop.sleep, intact_, hooks, r);
  }

  double evaluate(const Batch<float>& batch, const LoopSettings& settings) {
    loop_forward(model_, batch, settings, trace_);
    return element_mse(trace_.outputs, batch);
  }

  const LoopDrawingRunConfig& sizes_;
  LoopDrawing task_, arcs_;
  Model<float> model_;
  Index batch_size_;
  Rng data_rng_, sleep_rng_;
  LoopTrainer<float> trainer_;
  LoopSettings intact_, ablated_;
  LoopTrace<float> trace_;
  Batch<float> validation_, test_, batch_;
  Index done_ = 0;
  // Task switching
  Batch<float> arcs_validation_, arcs_test_;
  Vector<float> initial_module_, module0_;
  bool on_arcs_ = false;
  double lines_before_switch_ = 0.0, arcs_with_module0_ = 0.0;
};

class LoopDrawingTask final : public Task {
 public:
  explicit LoopDrawingTask(const LoopDrawingRunConfig& config) : config_(config) {
    Settings& s = settings_;
    bind_cortex_settings(s, config_);
    bind_loop_settings(s, config_, config_.loop);
    SharedSettings offer;
    offer.step_per_window = false;
    offer.truncation = false;
    offer.bp_lambda = false;  // the loop trains its own way (LoopTrainer), not by the DNI or BP(lambda)
    bind_training_settings(s, config_, offer);
    s.section("Task");
    s.add("noise", &config_.task.noise, "std of the Gaussian noise on every input entry");
    s.add("length", &config_.task.length, "steps per trial L");
    s.add("train_size", &config_.train_size, "fresh training trials per epoch");
    s.add("val_size", &config_.validation_size, "validation trials");
    s.add("test_size", &config_.test_size, "test trials");
    s.add("switch_epochs", &config_.switch_epochs,
          "task switching: after --epochs on the lines, a fresh cerebellar module (the untrained initial one) "
          "learns semicircular arcs to the same endpoints for this many epochs, then the lines' module comes "
          "back without retraining; 0 = no switching");
    s.add("switch_freeze_readout", &config_.switch_freeze_readout,
          "with --switch-epochs: the readout does not learn during the arcs (the reference's does)");
  }

  std::string name() const override { return "loopdraw"; }
  std::string summary() const override {
    return "Line drawing through the cortico-cerebellar loop (Pemberton, Chadderton & Costa 2024, Fig. 2): a\n"
           "10-bit cue asks for one of 6 slow-fast-slow lines over 20 steps. The cortex (leaky tanh, fixed by\n"
           "default) gets the forward cerebellum's prediction of the target tau steps ahead as an extra input;\n"
           "crnn = the same model with the cerebellum silenced, ccrnn = the loop.";
  }
  ExperimentConfig& experiment() override { return config_; }

  void prepare(const std::vector<ModelKind>& models) override {
    validate_loop_settings(settings_, config_, config_.loop, models, config_.task.length);
    require_at_least("noise", config_.task.noise, 0);
    require_at_least("length", static_cast<double>(config_.task.length), 2);
    require_at_least("train_size", static_cast<double>(config_.train_size), 1);
    require_at_least("val_size", static_cast<double>(config_.validation_size), 1);
    require_at_least("test_size", static_cast<double>(config_.test_size), 1);
    require_at_least("switch_epochs", static_cast<double>(config_.switch_epochs), 0);
    if (config_.switch_freeze_readout && config_.switch_epochs == 0)
      throw SettingError("--switch-freeze-readout needs --switch-epochs > 0");
    if (config_.loop.ablate_from >= config_.task.length)
      throw SettingError("--ablate-from " + std::to_string(config_.loop.ablate_from) + " is not a step of the trial (L = " +
                         std::to_string(config_.task.length) + ")");
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    ExperimentConfig c = loop_run_config(config_, kind);
    c.model.input_size = LoopDrawing::cue_bits;
    c.model.output_size = 2;
    c.trainer.tbptt.loss = LossKind::mse;
    c.epochs += static_cast<int>(config_.switch_epochs);  // the arcs' epochs follow the lines'
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    return std::make_unique<LoopDrawingRun>(config_, config, seed);
  }

  std::vector<std::string> validation_curves() const override {
    return {"val_error", "val_ablated_error", "val_cerebellar_loss"};
  }

  void write_task_data(io::Group& root) const override {
    const LoopDrawing task(config_.task);
    std::vector<Eigen::MatrixXd> targets;
    std::vector<double> cues;
    for (int k = 0; k < LoopDrawing::conditions; ++k) {
      targets.push_back(task.target(k));
      const Eigen::VectorXd cue = LoopDrawing::cue(k);
      cues.insert(cues.end(), cue.data(), cue.data() + cue.size());
    }
    root.write("targets", stack_trajectories(targets), {targets.size(), static_cast<std::size_t>(config_.task.length), 2});
    if (config_.switch_epochs > 0) {  // the second task's
      LoopDrawingConfig arcs_config = config_.task;
      arcs_config.arcs = true;
      const LoopDrawing arcs(arcs_config);
      std::vector<Eigen::MatrixXd> arcs_targets;
      for (int k = 0; k < LoopDrawing::conditions; ++k) arcs_targets.push_back(arcs.target(k));
      root.write("arc_targets", stack_trajectories(arcs_targets),
                 {arcs_targets.size(), static_cast<std::size_t>(config_.task.length), 2});
    }
    root.write("cues", cues, {static_cast<std::size_t>(LoopDrawing::conditions), static_cast<std::size_t>(LoopDrawing::cue_bits)});
  }

  std::string primary_scalar() const override { return "test_error"; }
  std::vector<SummaryColumn> summary_columns() const override {
    std::vector<SummaryColumn> columns{{"final_train_error", "final train error"}, {"test_error", "test error"},
                                       {"ablated_test_error", "test error, cerebellum ablated"}};
    if (config_.loop.ablate_units > 0) columns.push_back({"unit_ablated_test_error", "cortical units ablated"});
    if (config_.switch_epochs > 0)
      columns.insert(columns.end(), {{"lines_test_error_before_switch", "lines before switch"},
                                     {"arcs_test_error_module0", "arcs, lines' module"}, {"arcs_test_error", "arcs"}});
    if (config_.loop.sleep.sessions > 0)
      columns.insert(columns.end(), {{"sleep_test_error", "after sleep"}, {"sleep_ablated_test_error", "after sleep, ablated"}});
    return columns;
  }
  std::string describe_run(const RunRecord& r) const override {
    char line[200];
    std::snprintf(line, sizeof line, "%s seed %llu: test error %.4f, ablated %.4f (%.1f s)", r.model.c_str(),
                  static_cast<unsigned long long>(r.seed), r.scalars.at("test_error"), r.scalars.at("ablated_test_error"),
                  r.seconds);
    return line;
  }

 private:
  LoopDrawingRunConfig config_;
};

}  // namespace

std::unique_ptr<Task> make_loop_drawing_task(const LoopDrawingRunConfig& config) {
  return std::make_unique<LoopDrawingTask>(config);
}

}  // namespace ccrnn::tasks
