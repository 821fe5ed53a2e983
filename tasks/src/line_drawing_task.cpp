// The line-drawing task (ALGORITHM.md section 7) behind ccrnn-linedraw, ccrnn-sweep --task linedraw and
// ccrnn.run("linedraw").
#include <ccrnn/metrics/drawing.hpp>
#include <ccrnn/tasks/evaluation.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/trajectories.hpp>

#include <algorithm>

namespace ccrnn::tasks {

LineDrawingRunConfig::LineDrawingRunConfig() {
  model.hidden_size = 50;
  model.cerebellar.hidden_size = 400;
  model.cerebellar.layers = 2;
  trainer.tbptt.truncation = 1;
  trainer.tbptt.loss = LossKind::mse;
  trainer.optimizer.lr = 1e-3;
  trainer.optimizer.beta1 = 0.9;
  trainer.optimizer.beta2 = 0.98;
  trainer.optimizer.eps = 1e-9;
  trainer.clip = 1.0;
  epochs = 100;
  batch_size = 50;
}

namespace {

std::vector<int> repeated_cues(Index repeats) {
  std::vector<int> out;
  for (Index r = 0; r < repeats; ++r)
    for (int c : LineDrawing::cues()) out.push_back(c);
  return out;
}

class LineDrawingRun final : public TaskRun {
 public:
  LineDrawingRun(const LineDrawingRunConfig& task_config, const ExperimentConfig& config, std::uint64_t seed)
      : sizes_(task_config),
        task_(task_config.task),
        model_(config.model),
        batch_size_(config.batch_size),
        data_rng_(seed, Stream::data) {
    model_.initialise(seed);
    Rng validation_rng(seed, Stream::validation), test_rng(seed, Stream::test);
    validation_ = task_.make_batch<float>(LineDrawing::random_cues(validation_rng, sizes_.validation_size), &validation_rng, true);
    test_ = task_.make_batch<float>(repeated_cues(sizes_.test_repeats), &test_rng, true);
  }

  Model<float>& model() override { return model_; }

  Index begin_epoch(int) override {
    done_ = 0;
    return (sizes_.train_size + batch_size_ - 1) / batch_size_;
  }

  TrainingStep next_batch(Trainer<float>&) override {
    batch_ = task_.sample_batch<float>(data_rng_, std::min(batch_size_, sizes_.train_size - done_));
    done_ += batch_size_;
    return {&batch_, {}, 1.0};
  }

  std::vector<double> validate() override {
    predict(model_, validation_, ws_);
    // Squared Euclidean error per (sample, step) over the dense validation set, averaged.
    return {supervised_squared_error(ws_.outputs, validation_) / static_cast<double>(ws_.outputs.cols())};
  }

  // Everything else is recomputed at each epoch's start (done_) or fixed at the start (validation, test).
  void save_state(RunState& state) const override { state.put_rng("data_rng", data_rng_); }
  void restore_state(const RunState& state) override { state.get_rng("data_rng", data_rng_); }

  void test(RunRecord& r) override {
    const Index length = task_.config().length;
    predict(model_, test_, ws_);
    std::vector<Eigen::MatrixXd> drawn, targets;
    const std::vector<int> cues = repeated_cues(sizes_.test_repeats);
    for (Index j = 0; j < test_.size; ++j) {
      drawn.push_back(trajectory_of(ws_.outputs, test_.size, length, j));
      targets.push_back(task_.target(cues[static_cast<std::size_t>(j)]));
    }
    const DrawingMetrics metrics = drawing_metrics(drawn, targets);
    r.scalars["final_train_error"] = r.curves.at("train_error").back();
    r.scalars["test_error"] = metrics.test_error;
    r.scalars["dysmetria"] = metrics.dysmetria;
    r.scalars["irregularity"] = metrics.irregularity;
    r.scalars["stationary_path_length"] = metrics.stationary_path_length;
    r.scalars["endpoint_error"] = metrics.endpoint_error;

    const Batch<float> cue_batch = task_.make_batch<float>(LineDrawing::cues(), nullptr, true);
    predict(model_, cue_batch, ws_);
    std::vector<Eigen::MatrixXd> trajectories;
    for (Index j = 0; j < cue_batch.size; ++j) trajectories.push_back(trajectory_of(ws_.outputs, cue_batch.size, length, j));
    r.arrays["trajectories"] = ResultArray::reals(stack_trajectories(trajectories),
                                                  {trajectories.size(), static_cast<std::size_t>(length), 2});
  }

 private:
  const LineDrawingRunConfig& sizes_;
  LineDrawing task_;
  Model<float> model_;
  Index batch_size_;
  Rng data_rng_;
  Batch<float> validation_, test_, batch_;
  TbpttWorkspace<float> ws_;
  Index done_ = 0;
};

class LineDrawingTask final : public Task {
 public:
  explicit LineDrawingTask(const LineDrawingRunConfig& config) : config_(config) {
    Settings& s = settings_;
    bind_model_settings(s, config_);
    s.cerebellar(true);
    s.add("cerebellum_context", &config_.task.cue_context, "also give the cerebellum the cue as a one-hot context input (cDNI)");
    s.cerebellar(false);
    bind_training_settings(s, config_);
    s.section("Task");
    s.add("feedback_interval", &config_.task.feedback_interval, "feedback at steps t with t % interval == 0 (1 = every step)");
    s.add("noise", &config_.task.noise, "std of Gaussian input noise on steps t >= 1");
    s.add("train_size", &config_.train_size, "fresh training samples per epoch");
    s.add("val_size", &config_.validation_size, "validation samples (dense error every epoch)");
    s.add("test_repeats", &config_.test_repeats, "test set: each of the 7 cues this many times");
    bind_recording_settings(s, config_);
  }

  std::string name() const override { return "linedraw"; }
  std::string summary() const override {
    return "Line drawing (Boven et al. 2023): a cue at t=0 asks for one of 7 straight lines over 10 steps.\n"
           "Trains the cortex alone (crnn) and/or with the cerebellum (ccrnn) by truncated BPTT for\n"
           "several seeds in parallel and writes learning curves, test metrics and trajectories to HDF5.";
  }
  ExperimentConfig& experiment() override { return config_; }

  void prepare(const std::vector<ModelKind>& models) override {
    validate_experiment(settings_, config_, models);
    require_at_least("feedback_interval", static_cast<double>(config_.task.feedback_interval), 1);
    require_at_least("noise", config_.task.noise, 0);
    require_at_least("train_size", static_cast<double>(config_.train_size), 1);
    require_at_least("val_size", static_cast<double>(config_.validation_size), 1);
    require_at_least("test_repeats", static_cast<double>(config_.test_repeats), 1);
    if (config_.train_size < config_.batch_size)
      throw SettingError("--train-size (" + std::to_string(config_.train_size) + ") is smaller than --batch (" +
                         std::to_string(config_.batch_size) + ")");
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    ExperimentConfig c = kind ? for_model(config_, *kind, config_.task.length) : static_cast<const ExperimentConfig&>(config_);
    c.model.input_size = 1;
    c.model.output_size = 2;
    c.model.cerebellar.context_size = c.model.cerebellum ? LineDrawing(config_.task).context_size() : 0;
    c.trainer.tbptt.loss = LossKind::mse;
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    if (config_.train_size < 1 || config_.validation_size < 1 || config_.test_repeats < 1)
      throw std::invalid_argument("line drawing: train, validation and test sizes must be >= 1");
    return std::make_unique<LineDrawingRun>(config_, config, seed);
  }

  std::vector<std::string> validation_curves() const override { return {"val_error"}; }

  void write_task_data(io::Group& root) const override {
    const LineDrawing task(config_.task);
    std::vector<Eigen::MatrixXd> targets;
    std::vector<std::int64_t> cue_values;
    for (int c : LineDrawing::cues()) {
      targets.push_back(task.target(c));
      cue_values.push_back(c);
    }
    root.write("targets", stack_trajectories(targets), {targets.size(), static_cast<std::size_t>(config_.task.length), 2});
    root.write("cues", cue_values);
  }

  std::string primary_scalar() const override { return "final_train_error"; }
  std::vector<SummaryColumn> summary_columns() const override {
    return {{"final_train_error", "final train error"},
            {"test_error", "test error"},
            {"dysmetria", "dysmetria"},
            {"irregularity", "irregularity"},
            {"endpoint_error", "endpoint error"}};
  }
  std::string describe_run(const RunRecord& r) const override {
    char line[200];
    std::snprintf(line, sizeof line, "%s seed %llu: final train error %.4f, test error %.4f (%.1f s)", r.model.c_str(),
                  static_cast<unsigned long long>(r.seed), r.scalars.at("final_train_error"), r.scalars.at("test_error"),
                  r.seconds);
    return line;
  }

 private:
  LineDrawingRunConfig config_;
};

}  // namespace

std::unique_ptr<Task> make_line_drawing_task(const LineDrawingRunConfig& config) {
  return std::make_unique<LineDrawingTask>(config);
}

}  // namespace ccrnn::tasks
