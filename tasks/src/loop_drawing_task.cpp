// Line drawing through the cortico-cerebellar loop (see loop_drawing_task.hpp) behind
// ccrnn-train --task loopdraw, ccrnn-sweep --task loopdraw and ccrnn.run("loopdraw").
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
    return task_.make_batch<float>(LoopDrawing::random_conditions(rng, n), &rng);
  }
  double error(const Matrix<float>& outputs, const Batch<float>& batch) const override {
    return (outputs.cast<double>() - batch.targets.cast<double>()).squaredNorm() / static_cast<double>(outputs.size());
  }

 private:
  LoopDrawing task_;
};

class LoopDrawingRun final : public LoopTaskRun {
 public:
  LoopDrawingRun(const LoopDrawingTrials& trials, const LoopDrawingRunConfig& task_config, const ExperimentConfig& config,
                 std::uint64_t seed)
      : LoopTaskRun(trials, task_config, config, seed), task_(trials.task()) {}

  void test(RunRecord& r) override {
    LoopTaskRun::test(r);
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
    if (!loop_.record) return;
    loop_forward(model_, cues, as_trained(), trace_);
    inferior_olive(model_, cues, intact_, trace_);
    r.arrays["recording_cerebellar_output"] = per_step(trace_.cerebellum.output, cues.size, cues.length);
    r.arrays["recording_granules"] = per_step(trace_.cerebellum.hidden.front(), cues.size, cues.length);
    r.arrays["recording_io_target"] = per_step(trace_.io_targets, cues.size, cues.length);
    r.arrays["recording_io_taught"] = per_step(trace_.io_taught, cues.size, cues.length);
    r.arrays["recording_cortex"] = per_step(Matrix<float>(model_.cortex.outputs(trace_.cortex)), cues.size, cues.length);
  }

 private:
  const LoopDrawing& task_;
};

class LoopDrawingTask final : public LoopTask {
 public:
  explicit LoopDrawingTask(const LoopDrawingRunConfig& config) : config_(config), trials_(config.task) {
    bind_loop_task_settings(config_, config_.loop);
    settings_.add("noise", &config_.task.noise, "std of the Gaussian noise on every input entry");
    settings_.add("length", &config_.task.length, "steps per trial L");
    bind_trial_sizes(config_);
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
    validate_loop_task(config_, models, config_.task.noise, config_.task.length);
    trials_ = LoopDrawingTrials(config_.task);
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    ExperimentConfig c = loop_run_config(config_, kind);
    c.model.input_size = LoopDrawing::cue_bits;
    c.model.output_size = 2;
    c.trainer.tbptt.loss = LossKind::mse;
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    return std::make_unique<LoopDrawingRun>(trials_, config_, config, seed);
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
    root.write("cues", cues, {static_cast<std::size_t>(LoopDrawing::conditions), static_cast<std::size_t>(LoopDrawing::cue_bits)});
  }

 private:
  LoopDrawingRunConfig config_;
  LoopDrawingTrials trials_;  // of the settings as prepared
};

}  // namespace

std::unique_ptr<Task> make_loop_drawing_task(const LoopDrawingRunConfig& config) {
  return std::make_unique<LoopDrawingTask>(config);
}

}  // namespace ccrnn::tasks
