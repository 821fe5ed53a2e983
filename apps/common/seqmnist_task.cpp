// The three sequential-MNIST tasks (ALGORITHM.md section 7) behind ccrnn-seqmnist and
// ccrnn-sweep --task seqmnist: MNIST from IDX files (--mnist-dir) or the built-in procedural digits.
#include "shared_data.hpp"
#include "task_registry.hpp"
#include "training_options.hpp"

#include <ccrnn/tasks/mnist_idx.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/seqmnist_run.hpp>
#include <ccrnn/tasks/trajectories.hpp>

#include <memory>

namespace ccrnn::apps {

namespace {


class SeqMnistTask final : public Task {
 public:
  SeqMnistTask() {
    // The papers' seqMNIST constants (ALGORITHM.md section 5).
    training_.hidden = 30;
    training_.cerebellum_hidden = 300;
    training_.cerebellum_layers = 1;
    training_.truncation = 3;
    training_.epochs = 40;
    training_.batch = 50;
    training_.lr = 1e-4;
    training_.beta1 = 0.9;
    training_.beta2 = 0.98;
    training_.eps = 1e-9;
    training_.clip = 1.0;
  }

  std::string name() const override { return "seqmnist"; }
  std::string summary() const override {
    return "Sequential MNIST (Boven et al. 2023): a 28x28 digit read one row per step (28 steps x 28 pixels).\n"
           "--target line: draw a line from the origin to one of 10 points (radius 10) chosen by the digit;\n"
           "--target digit: draw the digit's template; --target class: name the digit at the last step.\n"
           "Without --mnist-dir the data is ccrnn's built-in procedural digit set, a stand-in, not MNIST.";
  }

  po::options_description options() override {
    po::options_description all;
    po::options_description task("Task and data");
    task.add_options()
        ("target", option_with_default(&target_), "line, digit or class")
        ("feedback-interval", option_with_default(&feedback_interval_),
         "drawing targets: feedback at steps t with t % interval == 0 (1 = every step); class: last step only")
        ("mnist-dir", option_with_default(&mnist_dir_),
         "directory with the four MNIST IDX files (plain or .gz); empty = built-in procedural digits")
        ("data-seed", option_with_default(&data_seed_), "seed of the procedural digit set (the same for every run)")
        ("procedural-train", option_with_default(&procedural_train_), "procedural training-file size (train + validation)")
        ("procedural-test", option_with_default(&procedural_test_), "procedural test-set size")
        ("train-size", option_with_default(&train_size_), "training images used per epoch; 0 = all (48,000 for MNIST)")
        ("val-size", option_with_default(&val_size_), "validation images evaluated every epoch; 0 = all")
        ("eval-batch", option_with_default(&eval_batch_), "samples per forward pass when evaluating (memory only)")
        ("trajectories-per-class", option_with_default(&trajectories_per_class_),
         "drawing targets: test digits per class whose drawn trajectories are saved");
    all.add(training_.describe_model()).add(training_.describe_training()).add(task).add(training_.describe_recording());
    return all;
  }

  void prepare(const po::variables_map& vm, const std::vector<std::string>& models) override {
    training_.validate(vm, models);
    try {
      config_.task.target = tasks::parse_seqmnist_target(target_);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--target: ") + e.what());
    }
    require_at_least("feedback-interval", feedback_interval_, 1);
    if (config_.task.target == tasks::SeqMnistTarget::classify && given(vm, "feedback-interval"))
      throw UsageError("--feedback-interval applies to the drawing targets; --target class is supervised at the last step");
    require_at_least("train-size", train_size_, 0);
    require_at_least("val-size", val_size_, 0);
    require_at_least("eval-batch", eval_batch_, 1);
    require_at_least("trajectories-per-class", trajectories_per_class_, 0);
    require_at_least("data-seed", data_seed_, 1);
    require_at_least("procedural-train", procedural_train_, 10);
    require_at_least("procedural-test", procedural_test_, 1);
    if (!mnist_dir_.empty())
      for (const char* name : {"data-seed", "procedural-train", "procedural-test"})
        if (given(vm, name)) throw UsageError(std::string("--") + name + " applies to the procedural set, but --mnist-dir is given");
    config_.task.feedback_interval = feedback_interval_;
    config_.epochs = training_.epochs;
    config_.batch_size = training_.batch;
    config_.train_size = train_size_;
    config_.validation_size = val_size_;
    config_.eval_batch = eval_batch_;
    config_.trajectories_per_class = trajectories_per_class_;
    // Data problems are run-time failures (exit 1), not usage errors: they propagate as they are.
    const std::string key = mnist_dir_.empty() ? "procedural " + std::to_string(data_seed_) + " " +
                                                      std::to_string(procedural_train_) + " " + std::to_string(procedural_test_)
                                               : "idx " + mnist_dir_;
    data_ = shared_data<tasks::MnistSplits>(key, [&] {
      return mnist_dir_.empty() ? tasks::procedural_mnist(static_cast<std::uint64_t>(data_seed_), procedural_train_, procedural_test_)
                                : tasks::load_mnist_dir(mnist_dir_);
    });
    if (data_->train.count() < training_.batch)
      throw UsageError("the training set (" + std::to_string(data_->train.count()) + " images) is smaller than --batch");
  }

  int epochs() const override { return training_.epochs; }

  RunRecord run(const std::string& model, std::uint64_t seed, const EpochProgress& on_epoch) const override {
    tasks::SeqMnistRunConfig config = config_;
    config.model = training_.model_config(model);
    config.recording = training_.recording_config();
    config.trainer = training_.trainer_config(model, tasks::SeqMnist::rows);
    const auto result = tasks::run_seqmnist(config, *data_, seed, [&](int epoch, double, double) {
      on_epoch(epoch);
      return true;
    });
    RunRecord r;
    r.model = model;
    r.seed = seed;
    r.curves["train_error"] = result.train_error;
    r.curves["val_error"] = result.val_error;
    r.scalars["final_train_error"] = result.train_error.back();
    r.scalars["test_error"] = result.test.error;
    if (config.task.target == tasks::SeqMnistTarget::classify) {
      r.curves["val_accuracy"] = result.val_accuracy;
      r.scalars["test_accuracy"] = result.test.accuracy;
      r.scalars["test_error_rate"] = 1.0 - result.test.accuracy;
      r.scalars["uncertainty"] = result.test.uncertainty;
    } else {
      r.scalars["dysmetria"] = result.test.drawing.dysmetria;
      r.scalars["endpoint_error"] = result.test.drawing.endpoint_error;
      std::vector<std::int64_t> images, labels;
      for (Index i : result.trajectory_images) {
        images.push_back(i);
        labels.push_back(data_->test.labels[static_cast<std::size_t>(i)]);
      }
      r.write_arrays = [trajectories = result.trajectories, images, labels, recordings = result.recordings](io::Group& g) {
        g.write("trajectories", tasks::stack_trajectories(trajectories), {trajectories.size(), tasks::SeqMnist::rows, 2});
        g.write("trajectory_images", images);
        g.write("trajectory_labels", labels);
        tasks::write_recordings(g, recordings);
      };
    }
    if (!r.write_arrays && !result.recordings.empty())
      r.write_arrays = [recordings = result.recordings](io::Group& g) { tasks::write_recordings(g, recordings); };
    for (const auto& [name, curve] : result.recording_curves) r.curves[name] = curve;
    r.seconds = result.seconds;
    return r;
  }

  void write_task_data(io::Group& root) const override {
    root.set_attr("data_source", data_->source);
    root.set_attr("train_images", static_cast<std::int64_t>(data_->train.count()));
    root.set_attr("validation_images", static_cast<std::int64_t>(data_->validation.count()));
    root.set_attr("test_images", static_cast<std::int64_t>(data_->test.count()));
    const tasks::SeqMnist task(config_.task);
    if (!task.drawing()) return;
    std::vector<Eigen::MatrixXd> targets;
    for (int d = 0; d < 10; ++d) targets.push_back(task.target(d));
    root.write("targets", tasks::stack_trajectories(targets), {10, tasks::SeqMnist::rows, 2});
  }

  std::string default_seeds() const override { return "3"; }
  std::string primary_scalar() const override {
    return config_.task.target == tasks::SeqMnistTarget::classify ? "test_error_rate" : "final_train_error";
  }
  std::vector<SummaryColumn> summary_columns() const override {
    if (config_.task.target == tasks::SeqMnistTarget::classify)
      return {{"final_train_error", "final train NLL"},
              {"test_error", "test NLL"},
              {"test_accuracy", "test accuracy"},
              {"uncertainty", "uncertainty"}};
    return {{"final_train_error", "final train error"},
            {"test_error", "test error"},
            {"dysmetria", "dysmetria"},
            {"endpoint_error", "endpoint error"}};
  }

 private:
  TrainingOptions training_;
  std::string target_ = "line";
  int feedback_interval_ = 4;
  std::string mnist_dir_;
  int data_seed_ = 1;
  int procedural_train_ = 60000;
  int procedural_test_ = 10000;
  int train_size_ = 0;
  int val_size_ = 0;
  int eval_batch_ = 1000;
  int trajectories_per_class_ = 3;
  tasks::SeqMnistRunConfig config_;
  std::shared_ptr<const tasks::MnistSplits> data_;
};

}  // namespace

std::unique_ptr<Task> make_seqmnist_task() { return std::make_unique<SeqMnistTask>(); }

}  // namespace ccrnn::apps
