// The line-drawing task (ALGORITHM.md section 7) behind ccrnn-linedraw and ccrnn-sweep --task linedraw.
#include "task_registry.hpp"
#include "training_options.hpp"

#include <ccrnn/tasks/line_drawing_run.hpp>
#include <ccrnn/tasks/trajectories.hpp>

namespace ccrnn::apps {

namespace {


class LineDrawingTask final : public Task {
 public:
  LineDrawingTask() {
    // The papers' line-drawing constants (ALGORITHM.md section 5).
    training_.hidden = 50;
    training_.cerebellum_hidden = 400;
    training_.cerebellum_layers = 2;
    training_.truncation = 1;
    training_.epochs = 100;
    training_.batch = 50;
    training_.lr = 1e-3;
    training_.beta1 = 0.9;
    training_.beta2 = 0.98;
    training_.eps = 1e-9;
    training_.clip = 1.0;
  }

  std::string name() const override { return "linedraw"; }
  std::string summary() const override {
    return "Line drawing (Boven et al. 2023): a cue at t=0 asks for one of 7 straight lines over 10 steps.\n"
           "Trains the cortex alone (crnn) and/or with the cerebellum (ccrnn) by truncated BPTT for\n"
           "several seeds in parallel and writes learning curves, test metrics and trajectories to HDF5.";
  }

  po::options_description options() override {
    po::options_description all;
    po::options_description model = training_.describe_model();
    model.add_options()("cerebellum-context", po::bool_switch(&cue_context_),
                        "also give the cerebellum the cue as a one-hot context input (cDNI)");
    po::options_description task("Task");
    task.add_options()
        ("feedback-interval", option_with_default(&feedback_interval_), "feedback at steps t with t % interval == 0 (1 = every step)")
        ("noise", option_with_default(&noise_), "std of Gaussian input noise on steps t >= 1")
        ("train-size", option_with_default(&train_size_), "fresh training samples per epoch")
        ("val-size", option_with_default(&val_size_), "validation samples (dense error every epoch)")
        ("test-repeats", option_with_default(&test_repeats_), "test set: each of the 7 cues this many times");
    all.add(model).add(training_.describe_training()).add(task).add(training_.describe_recording());
    return all;
  }

  void prepare(const po::variables_map& vm, const std::vector<std::string>& models) override {
    training_.validate(vm, models, {"cerebellum-context"});
    require_at_least("feedback-interval", feedback_interval_, 1);
    require_at_least("noise", noise_, 0);
    require_at_least("train-size", train_size_, 1);
    require_at_least("val-size", val_size_, 1);
    require_at_least("test-repeats", test_repeats_, 1);
    if (train_size_ < training_.batch)
      throw UsageError("--train-size (" + std::to_string(train_size_) + ") is smaller than --batch (" +
                       std::to_string(training_.batch) + ")");
    base_.task.feedback_interval = feedback_interval_;
    base_.task.noise = noise_;
    base_.task.cue_context = cue_context_;
    base_.epochs = training_.epochs;
    base_.batch_size = training_.batch;
    base_.train_size = train_size_;
    base_.validation_size = val_size_;
    base_.test_repeats = test_repeats_;
  }

  int epochs() const override { return training_.epochs; }

  RunRecord run(const std::string& model, std::uint64_t seed, const EpochProgress& on_epoch) const override {
    tasks::LineDrawingRunConfig config = base_;
    config.model = training_.model_config(model);
    config.recording = training_.recording_config();
    config.trainer = training_.trainer_config(model, config.task.length);
    const auto result = tasks::run_line_drawing(config, seed, [&](int epoch, double, double) {
      on_epoch(epoch);
      return true;
    });
    RunRecord r;
    r.model = model;
    r.seed = seed;
    r.curves["train_error"] = result.train_error;
    r.curves["val_error"] = result.val_error;
    r.scalars["final_train_error"] = result.train_error.back();
    r.scalars["test_error"] = result.test.test_error;
    r.scalars["dysmetria"] = result.test.dysmetria;
    r.scalars["stationary_path_length"] = result.test.stationary_path_length;
    r.scalars["endpoint_error"] = result.test.endpoint_error;
    for (const auto& [name, curve] : result.recording_curves) r.curves[name] = curve;
    r.seconds = result.seconds;
    const auto length = static_cast<std::size_t>(config.task.length);
    r.write_arrays = [trajectories = result.trajectories, length, recordings = result.recordings](io::Group& g) {
      g.write("trajectories", tasks::stack_trajectories(trajectories), {trajectories.size(), length, 2});
      tasks::write_recordings(g, recordings);
    };
    return r;
  }

  void write_task_data(io::Group& root) const override {
    const tasks::LineDrawing task(base_.task);
    std::vector<Eigen::MatrixXd> targets;
    std::vector<std::int64_t> cue_values;
    for (int c : tasks::LineDrawing::cues()) {
      targets.push_back(task.target(c));
      cue_values.push_back(c);
    }
    root.write("targets", tasks::stack_trajectories(targets),
               {targets.size(), static_cast<std::size_t>(base_.task.length), 2});
    root.write("cues", cue_values);
  }

  std::string primary_scalar() const override { return "final_train_error"; }
  std::vector<SummaryColumn> summary_columns() const override {
    return {{"final_train_error", "final train error"},
            {"test_error", "test error"},
            {"dysmetria", "dysmetria"},
            {"endpoint_error", "endpoint error"}};
  }
  std::string describe_run(const RunRecord& r) const override {
    char line[200];
    std::snprintf(line, sizeof line, "%s seed %llu: final train error %.4f, test error %.4f (%.1f s)", r.model.c_str(),
                  static_cast<unsigned long long>(r.seed), r.scalars.at("final_train_error"),
                  r.scalars.at("test_error"), r.seconds);
    return line;
  }

 private:
  TrainingOptions training_;
  bool cue_context_ = false;
  int feedback_interval_ = 2;
  double noise_ = 0.0;
  int train_size_ = 800;
  int val_size_ = 200;
  int test_repeats_ = 10;
  tasks::LineDrawingRunConfig base_;
};

}  // namespace

std::unique_ptr<Task> make_linedraw_task() { return std::make_unique<LineDrawingTask>(); }

}  // namespace ccrnn::apps
