// Line and digit drawing through the cortico-cerebellar loop (see loop_drawing_task.hpp) behind
// ccrnn-train --task loopdraw|loopdigits, ccrnn-sweep --task loopdraw|loopdigits and ccrnn.run("loopdraw"|"loopdigits").
#include <ccrnn/tasks/digit_templates.hpp>
#include <ccrnn/tasks/loop_drawing_task.hpp>
#include <ccrnn/tasks/loop_task.hpp>
#include <ccrnn/tasks/loop_task_run.hpp>
#include <ccrnn/tasks/trajectories.hpp>

#include <algorithm>

namespace ccrnn::tasks {

LoopDrawingRunConfig::LoopDrawingRunConfig() {
  set_reference_loop_defaults(*this);
  trainer.tbptt.loss = LossKind::mse;
  epochs = 40;
}

LoopDigitsRunConfig::LoopDigitsRunConfig() {
  // The reference's digit drawing (FORWARD_MODEL.md s4-5): digits 0-5, alpha 0.9 (its script's override);
  // 30 epochs, the length of the spec's measured run. Its configuration also sets the temporal basis, which
  // stays a flag here (--temporal-basis; a flag cannot be switched off on the command line, and the spec's
  // measured errors with and without it are close: 0.025 and 0.026).
  task.digits = 6;
  model.leak = 0.9;
  epochs = 30;
}

namespace {

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

/// Random conditions, then their noise, from one stream; scored by per-element MSE (the reference's metric).
class LoopDrawingTrials final : public LoopTrials {
 public:
  explicit LoopDrawingTrials(const LoopDrawingConfig& config) : task_(config) {}
  const LoopDrawing& task() const { return task_; }
  Batch<float> draw(Rng& rng, Index n) const override {
    return task_.make_batch<float>(task_.random_conditions(rng, n), &rng);
  }
  double error(const Matrix<float>& outputs, const Batch<float>& batch) const override {
    return (outputs.cast<double>() - batch.targets.cast<double>()).squaredNorm() / static_cast<double>(outputs.size());
  }

 private:
  LoopDrawing task_;
};

LoopDrawingConfig arcs_of(LoopDrawingConfig c) {
  c.arcs = true;
  c.digits = 0;  // arcs are the lines' second task
  return c;
}

class LoopDrawingRun final : public LoopTaskRun {
 public:
  /// arcs: the second task's trials (used with switch_epochs > 0).
  LoopDrawingRun(const LoopDrawingTrials& trials, const LoopDrawingTrials& arcs, const LoopDrawingRunConfig& task_config,
                 const ExperimentConfig& config, std::uint64_t seed)
      : LoopTaskRun(trials, task_config, config, seed), task_(trials.task()), arcs_(arcs), lines_epochs_(task_config.epochs),
        switch_epochs_(task_config.switch_epochs), freeze_readout_(task_config.switch_freeze_readout) {
    if (!switching()) return;
    // The arcs' sets follow the lines' in the same streams (the lines' draws are repeated to get there).
    Rng validation_rng(seed, Stream::validation), test_rng(seed, Stream::test);
    trials.draw(validation_rng, validation_size_);
    trials.draw(test_rng, test_size_);
    arcs_validation_ = arcs_.draw(validation_rng, validation_size_);
    arcs_test_ = arcs_.draw(test_rng, test_size_);
    const Range module = model_.forward_cerebellum_range();
    initial_module_ = model_.params.values().segment(module.begin, module.size());
  }

  Index begin_epoch(int epoch) override {
    if (switching() && epoch == lines_epochs_ + 1) switch_to_arcs();
    return LoopTaskRun::begin_epoch(epoch);
  }

  void test(RunRecord& r) override {
    // The arcs with their module; then module 0 back: everything below is lines, untouched. (A run stopped
    // before the switch has no arcs to report.)
    if (switched_) {
      r.scalars["lines_test_error_before_switch"] = lines_before_switch_;
      r.scalars["arcs_test_error_module0"] = arcs_with_module0_;
      r.scalars["arcs_test_error"] = evaluate(arcs_test_, as_trained());
      r.scalars["arcs_ablated_test_error"] = evaluate(arcs_test_, ablated_);
      const Range module = model_.forward_cerebellum_range();
      model_.params.values().segment(module.begin, module.size()) = module0_;
      training_trials_ = &trials_;
      validation_set_ = &validation_;
    }
    LoopTaskRun::test(r);
    std::vector<int> conditions(static_cast<std::size_t>(task_.conditions()));
    for (int k = 0; k < task_.conditions(); ++k) conditions[static_cast<std::size_t>(k)] = k;
    const Batch<float> cues = task_.make_batch<float>(conditions, nullptr);
    for (const auto& [name, settings] : {std::pair{std::string("trajectories"), as_trained()},
                                         std::pair{std::string("ablated_trajectories"), ablated_}}) {
      loop_forward(model_, cues, settings, trace_);
      std::vector<Eigen::MatrixXd> drawn;
      for (Index j = 0; j < cues.size; ++j) drawn.push_back(trajectory_of(trace_.outputs, cues.size, cues.length, j));
      r.arrays[name] = ResultArray::reals(stack_trajectories(drawn), {drawn.size(), static_cast<std::size_t>(cues.length), 2});
    }
    if (!loop_.record) return;
    loop_forward(model_, cues, as_trained(), trace_);
    inferior_olive(model_, cues, intact_, trace_);
    r.arrays["recording_cerebellar_output"] = per_step(trace_.cerebellum.output, cues.size, cues.length);
    r.arrays["recording_granules"] = per_step(trace_.cerebellum.hidden.front(), cues.size, cues.length);
    r.arrays["recording_io_target"] = per_step(trace_.io_targets, cues.size, cues.length);
    r.arrays["recording_io_taught"] = per_step(trace_.io_taught, cues.size, cues.length);
    r.arrays["recording_cortex"] = per_step(Matrix<float>(model_.cortex.outputs(trace_.cortex)), cues.size, cues.length);
  }

  /// A switching run also saves its phase and, once switched, the lines' module and the scores taken at the
  /// switch; the arcs' module is in the parameters and its optimizer among the LoopTrainer's.
  void save_state(RunState& state) const override {
    LoopTaskRun::save_state(state);
    if (!switching()) return;
    state.put_integer("switch/switched", switched_);
    if (!switched_) return;
    state.put_floats("switch/module0", module0_);
    state.put_real("switch/lines_test_error_before_switch", lines_before_switch_);
    state.put_real("switch/arcs_test_error_module0", arcs_with_module0_);
  }

  void restore_state(const RunState& state) override {
    LoopTaskRun::restore_state(state);
    if (!switching() || !state.integer("switch/switched")) return;
    module0_ = state.floats("switch/module0", model_.forward_cerebellum_range().size());
    lines_before_switch_ = state.real("switch/lines_test_error_before_switch");
    arcs_with_module0_ = state.real("switch/arcs_test_error_module0");
    enter_arcs_phase();
  }

 private:
  bool switching() const { return switch_epochs_ > 0; }

  /// After the lines: module 0 is kept aside and the untrained initial module learns the arcs, as a new
  /// optimizer group (fresh moments); the readout goes on learning unless switch_freeze_readout.
  void switch_to_arcs() {
    lines_before_switch_ = evaluate(test_, as_trained());
    arcs_with_module0_ = evaluate(arcs_test_, as_trained());
    const Range module = model_.forward_cerebellum_range();
    module0_ = model_.params.values().segment(module.begin, module.size());
    model_.params.values().segment(module.begin, module.size()) = initial_module_;
    trainer_.restart_cerebellar_optimizer();
    enter_arcs_phase();
  }

  /// What the arcs' epochs train and validate on (after the switch, or on resuming after it).
  void enter_arcs_phase() {
    switched_ = true;
    if (freeze_readout_) trainer_.set_readout_plasticity(false);
    training_trials_ = &arcs_;
    validation_set_ = &arcs_validation_;
  }

  const LoopDrawing& task_;
  const LoopDrawingTrials& arcs_;
  int lines_epochs_;
  Index switch_epochs_;
  bool freeze_readout_;
  bool switched_ = false;
  Batch<float> arcs_validation_, arcs_test_;
  Vector<float> initial_module_, module0_;
  double lines_before_switch_ = 0.0, arcs_with_module0_ = 0.0;
};

/// Line drawing ("loopdraw", with task switching) or digit drawing ("loopdigits"): the same run on other
/// targets.
class LoopDrawingTask final : public LoopTask {
 public:
  LoopDrawingTask(const LoopDrawingRunConfig& config, bool digits)
      : config_(config), digits_(digits), trials_(config.task), arcs_(arcs_of(config.task)) {
    bind_loop_task_settings(config_, config_.loop);
    settings_.add("noise", &config_.task.noise, "std of the Gaussian noise on every input entry");
    settings_.add("length", &config_.task.length, "steps per trial L");
    if (digits_)
      settings_.add("digits", &config_.task.digits, "conditions: digits 0..N-1 (2..10; the reference draws 0-5)");
    bind_trial_sizes(config_);
    if (digits_) return;  // task switching is line drawing's
    settings_.add("switch_epochs", &config_.switch_epochs,
                  "task switching: after --epochs on the lines, a fresh cerebellar module (the untrained initial one) "
                  "learns semicircular arcs to the same endpoints for this many epochs, then the lines' module comes "
                  "back without retraining; 0 = no switching");
    settings_.add("switch_freeze_readout", &config_.switch_freeze_readout,
                  "with --switch-epochs: the readout does not learn during the arcs (the reference's does)");
  }

  std::string name() const override { return digits_ ? "loopdigits" : "loopdraw"; }
  std::string summary() const override {
    if (digits_)
      return "Digit drawing through the cortico-cerebellar loop (Pemberton, Chadderton & Costa 2024, Fig. 4): a\n"
             "10-bit cue asks for one of the digits 0..N-1 (default 6), drawn over 20 steps along the loop\n"
             "reference's templates (polylines on a 3x3 grid). The leaky tanh cortex (alpha 0.9, fixed) gets the\n"
             "forward cerebellum's prediction of the target tau steps ahead (--temporal-basis: of the next tau+1\n"
             "targets, the reference's setting) as an extra input; crnn = the same model with the cerebellum\n"
             "silenced, ccrnn = the loop.";
    return "Line drawing through the cortico-cerebellar loop (Pemberton, Chadderton & Costa 2024, Fig. 2): a\n"
           "10-bit cue asks for one of 6 slow-fast-slow lines over 20 steps. The cortex (leaky tanh, fixed by\n"
           "default) gets the forward cerebellum's prediction of the target tau steps ahead as an extra input;\n"
           "crnn = the same model with the cerebellum silenced, ccrnn = the loop.";
  }
  ExperimentConfig& experiment() override { return config_; }

  void prepare(const std::vector<ModelKind>& models) override {
    validate_loop_task(config_, models, config_.task.noise, config_.task.length);
    if (digits_) {
      if (config_.task.digits < 2 || config_.task.digits > LoopDrawing::max_conditions)
        throw SettingError("--digits must be in 2..10, got " + std::to_string(config_.task.digits));
      std::size_t vertices = 0;  // every vertex of every template drawn needs a step
      for (int d = 0; d < config_.task.digits; ++d) vertices = std::max(vertices, loop_digit_template(d).size());
      require_at_least("length", static_cast<double>(config_.task.length), static_cast<double>(vertices));
    }
    require_at_least("switch_epochs", static_cast<double>(config_.switch_epochs), 0);
    if (config_.switch_freeze_readout && config_.switch_epochs == 0)
      throw SettingError("--switch-freeze-readout needs --switch-epochs > 0");
    if (config_.switch_epochs > 0 && config_.loop.training.trial.feedback == LoopFeedback::cerebellar_readout)
      throw SettingError("--feedback cerebellar-readout does not combine with --switch-epochs: it switches cerebellar "
                         "modules, and no cerebellum is in that model's loop");
    trials_ = LoopDrawingTrials(config_.task);
    arcs_ = LoopDrawingTrials(arcs_of(config_.task));
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
    return std::make_unique<LoopDrawingRun>(trials_, arcs_, config_, config, seed);
  }

  void write_task_data(io::Group& root) const override {
    const LoopDrawing task(config_.task);
    std::vector<Eigen::MatrixXd> targets;
    std::vector<double> cues;
    for (int k = 0; k < task.conditions(); ++k) {
      targets.push_back(task.target(k));
      const Eigen::VectorXd cue = LoopDrawing::cue(k);
      cues.insert(cues.end(), cue.data(), cue.data() + cue.size());
    }
    root.write("targets", stack_trajectories(targets), {targets.size(), static_cast<std::size_t>(config_.task.length), 2});
    if (config_.switch_epochs > 0) {  // the second task's
      std::vector<Eigen::MatrixXd> arcs_targets;
      for (int k = 0; k < arcs_.task().conditions(); ++k) arcs_targets.push_back(arcs_.task().target(k));
      root.write("arc_targets", stack_trajectories(arcs_targets),
                 {arcs_targets.size(), static_cast<std::size_t>(config_.task.length), 2});
    }
    root.write("cues", cues, {static_cast<std::size_t>(task.conditions()), static_cast<std::size_t>(LoopDrawing::cue_bits)});
  }

  std::vector<SummaryColumn> summary_columns() const override {
    std::vector<SummaryColumn> columns = LoopTask::summary_columns();
    if (config_.switch_epochs > 0)
      columns.insert(columns.end(), {{"lines_test_error_before_switch", "lines before switch"},
                                     {"arcs_test_error_module0", "arcs, lines' module"}, {"arcs_test_error", "arcs"}});
    return columns;
  }

 private:
  LoopDrawingRunConfig config_;
  bool digits_;
  LoopDrawingTrials trials_, arcs_;  // of the settings as prepared
};

}  // namespace

std::unique_ptr<Task> make_loop_drawing_task(const LoopDrawingRunConfig& config) {
  return std::make_unique<LoopDrawingTask>(config, false);
}

std::unique_ptr<Task> make_loop_digits_task(const LoopDigitsRunConfig& config) {
  return std::make_unique<LoopDrawingTask>(config, true);
}

}  // namespace ccrnn::tasks
