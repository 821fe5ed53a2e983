// The three sequential-MNIST tasks (ALGORITHM.md section 7) behind ccrnn-seqmnist, ccrnn-sweep --task
// seqmnist and ccrnn.run("seqmnist"): MNIST from IDX files (mnist_dir) or the built-in procedural digits.
#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/core/shuffle.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/tasks/evaluation.hpp>
#include <ccrnn/tasks/fingerprint.hpp>
#include <ccrnn/tasks/mnist_idx.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>
#include <ccrnn/tasks/shared_data.hpp>
#include <ccrnn/tasks/trajectories.hpp>
#include <ccrnn/tasks/trials/trial_set.hpp>

#include <algorithm>
#include <cmath>

namespace ccrnn::tasks {

SeqMnistRunConfig::SeqMnistRunConfig() {
  model.hidden_size = 30;
  model.cerebellar.hidden_size = 300;
  model.cerebellar.layers = 1;
  trainer.tbptt.truncation = 3;
  trainer.optimizer.lr = 1e-4;
  trainer.optimizer.beta1 = 0.9;
  trainer.optimizer.beta2 = 0.98;
  trainer.optimizer.eps = 1e-9;
  trainer.clip = 1.0;
  epochs = 40;
  batch_size = 50;
}

SeqMnistEvaluation evaluate_seqmnist(const Model<float>& model, const SeqMnist& task, const DigitImages& images,
                                     Index count, Index eval_batch, bool with_drawing_metrics,
                                     TbpttWorkspace<float>& ws) {
  const Index n = count > 0 ? std::min(count, images.count()) : images.count();
  if (n < 1) throw std::invalid_argument("seqMNIST: nothing to evaluate (empty image set)");
  const Index L = task.length();
  SeqMnistEvaluation result;
  double error_sum = 0.0, confidence_sum = 0.0;
  Index correct = 0;
  std::vector<Eigen::MatrixXd> drawn, targets;
  for (Index first = 0; first < n; first += eval_batch) {
    check_interrupt();
    const Index B = std::min(eval_batch, n - first);
    const Batch<float> batch = task.make_batch<float>(images, index_range(first, B), true);
    predict(model, batch, ws);
    if (task.drawing()) {
      error_sum += supervised_squared_error(ws.outputs, batch) / static_cast<double>(L);
      if (with_drawing_metrics)
        for (Index j = 0; j < B; ++j) {
          drawn.push_back(trajectory_of(ws.outputs, B, L, j));
          targets.push_back(task.target(images.labels[static_cast<std::size_t>(first + j)]));
        }
    } else {
      for (Index j = 0; j < B; ++j) {
        const ClassScore score =
            class_score(ws.outputs.col((L - 1) * B + j).cast<double>(), images.labels[static_cast<std::size_t>(first + j)]);
        error_sum += score.nll;
        correct += score.correct ? 1 : 0;
        confidence_sum += score.confidence;
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

namespace {

class SeqMnistRun final : public TaskRun {
 public:
  SeqMnistRun(const SeqMnistRunConfig& task_config, const MnistSplits& data, const ExperimentConfig& config,
              std::uint64_t seed)
      : config_(task_config),
        data_(data),
        task_(task_config.task),
        model_(config.model),
        batch_size_(config.batch_size),
        data_rng_(seed, Stream::data) {
    model_.initialise(seed);
    const Index n = data.train.count();
    train_size_ = config_.train_size > 0 ? std::min(config_.train_size, n) : n;
    if (train_size_ < 1) throw std::invalid_argument("seqMNIST: the training set is empty");
    order_ = index_range(0, train_size_);
  }

  Model<float>& model() override { return model_; }

  Index begin_epoch(int) override {
    shuffle(order_, data_rng_);
    done_ = 0;
    return (train_size_ + batch_size_ - 1) / batch_size_;
  }

  TrainingStep next_batch(Trainer<float>&) override {
    const Index B = std::min(batch_size_, train_size_ - done_);
    indices_.assign(order_.begin() + done_, order_.begin() + done_ + B);
    done_ += B;
    batch_ = task_.make_batch<float>(data_.train, indices_, false);
    return {&batch_, {}, 1.0};
  }

  // order_ is shuffled in place every epoch, so the previous epoch's order is part of the state.
  void save_state(RunState& state) const override {
    state.put_rng("data_rng", data_rng_);
    state.put_indices("order", order_);
  }
  void restore_state(const RunState& state) override {
    state.get_rng("data_rng", data_rng_);
    order_ = state.permutation("order", train_size_);
  }

  std::vector<double> validate() override {
    const SeqMnistEvaluation val =
        evaluate_seqmnist(model_, task_, data_.validation, config_.validation_size, config_.eval_batch, false, eval_ws_);
    if (task_.drawing()) return {val.error};
    return {val.error, val.accuracy};
  }

  void test(RunRecord& r) override {
    const SeqMnistEvaluation test = evaluate_seqmnist(model_, task_, data_.test, 0, config_.eval_batch, task_.drawing(), eval_ws_);
    r.scalars["final_train_error"] = r.curves.at("train_error").back();
    r.scalars["test_error"] = test.error;
    if (!task_.drawing()) {
      r.scalars["test_accuracy"] = test.accuracy;
      r.scalars["test_error_rate"] = 1.0 - test.accuracy;
      r.scalars["uncertainty"] = test.uncertainty;
      return;
    }
    r.scalars["dysmetria"] = test.drawing.dysmetria;
    r.scalars["irregularity"] = test.drawing.irregularity;
    r.scalars["stationary_path_length"] = test.drawing.stationary_path_length;
    r.scalars["endpoint_error"] = test.drawing.endpoint_error;
    // The first trajectories_per_class test images of each digit, by digit, then in test-set order.
    std::vector<Index> images, per_digit(10, 0);
    const auto& labels = data_.test.labels;
    for (Index i = 0; i < data_.test.count(); ++i) {
      const int d = labels[static_cast<std::size_t>(i)];
      if (per_digit[static_cast<std::size_t>(d)] < config_.trajectories_per_class) {
        ++per_digit[static_cast<std::size_t>(d)];
        images.push_back(i);
      }
    }
    std::stable_sort(images.begin(), images.end(), [&](Index a, Index b) {
      return labels[static_cast<std::size_t>(a)] < labels[static_cast<std::size_t>(b)];
    });
    std::vector<Eigen::MatrixXd> trajectories;
    std::vector<std::int64_t> image_ids, image_labels;
    if (!images.empty()) {
      const Batch<float> batch = task_.make_batch<float>(data_.test, images, true);
      predict(model_, batch, eval_ws_);
      for (Index j = 0; j < batch.size; ++j)
        trajectories.push_back(trajectory_of(eval_ws_.outputs, batch.size, task_.length(), j));
    }
    for (Index i : images) {
      image_ids.push_back(i);
      image_labels.push_back(labels[static_cast<std::size_t>(i)]);
    }
    r.arrays["trajectories"] =
        ResultArray::reals(stack_trajectories(trajectories), {trajectories.size(), static_cast<std::size_t>(SeqMnist::rows), 2});
    r.arrays["trajectory_images"] = ResultArray::integers(image_ids);
    r.arrays["trajectory_labels"] = ResultArray::integers(image_labels);
  }

 private:
  const SeqMnistRunConfig& config_;
  const MnistSplits& data_;
  SeqMnist task_;
  Model<float> model_;
  Index batch_size_, train_size_ = 0, done_ = 0;
  Rng data_rng_;
  std::vector<Index> order_, indices_;
  Batch<float> batch_;
  TbpttWorkspace<float> eval_ws_;  // validation and test forward passes (kept: see evaluate_seqmnist)
};

class SeqMnistTask final : public Task {
 public:
  SeqMnistTask(const SeqMnistRunConfig& config, std::shared_ptr<const MnistSplits> data)
      : config_(config), data_(std::move(data)), data_given_(data_ != nullptr) {
    Settings& s = settings_;
    bind_model_settings(s, config_);
    bind_training_settings(s, config_);
    s.section("Task and data");
    s.add_choice("target", &config_.task.target, parse_seqmnist_target,
                 [](SeqMnistTarget t) { return to_string(t); }, "line, digit or class");
    s.add_choice("digit_templates", &config_.task.digit_templates, parse_digit_templates,
                 [](DigitTemplates t) { return to_string(t); },
                 "--target digit: the reference's ten templates and resampling (neuralml/ccDNI) or ccrnn's own "
                 "(arc-length resampled; docs/algorithm-notes.md)");
    s.add("feedback_interval", &config_.task.feedback_interval,
          "drawing targets: feedback at steps t with t % interval == 0 (1 = every step); class: last step only");
    if (!data_given_) {
      s.add("mnist_dir", &source_.mnist_dir, "directory with the four MNIST IDX files (plain or .gz); empty = built-in procedural digits");
      s.add("data_seed", &source_.data_seed, "seed of the procedural digit set (the same for every run)");
      s.add("procedural_train", &source_.procedural_train, "procedural training-file size (train + validation)");
      s.add("procedural_test", &source_.procedural_test, "procedural test-set size");
    }
    s.add("train_size", &config_.train_size, "training images used per epoch; 0 = all (48,000 for MNIST)");
    s.add("val_size", &config_.validation_size, "validation images evaluated every epoch; 0 = all");
    s.add("eval_batch", &config_.eval_batch, "samples per forward pass when evaluating (memory only)");
    s.add("trajectories_per_class", &config_.trajectories_per_class, "drawing targets: test digits per class whose drawn trajectories are saved");
    bind_recording_settings(s, config_);
  }

  std::string name() const override { return "seqmnist"; }
  std::string summary() const override {
    return "Sequential MNIST (Boven et al. 2023): a 28x28 digit read one row per step (28 steps x 28 pixels).\n"
           "--target line: draw a line from the origin to one of 10 points (radius 10) chosen by the digit;\n"
           "--target digit: draw the digit's template (--digit-templates: the reference's or ccrnn's);\n"
           "--target class: name the digit at the last step.\n"
           "Without --mnist-dir the data is ccrnn's built-in procedural digit set, a stand-in, not MNIST.";
  }
  ExperimentConfig& experiment() override { return config_; }
  bool classify() const { return config_.task.target == SeqMnistTarget::classify; }

  void prepare(const std::vector<ModelKind>& models) override {
    validate_experiment(settings_, config_, models);
    require_at_least("feedback_interval", static_cast<double>(config_.task.feedback_interval), 1);
    if (classify() && settings_.given("feedback_interval"))
      throw SettingError("--feedback-interval applies to the drawing targets; --target class is supervised at the last step");
    if (config_.task.target != SeqMnistTarget::digit && settings_.given("digit_templates"))
      throw SettingError("--digit-templates applies to --target digit");
    require_at_least("train_size", static_cast<double>(config_.train_size), 0);
    require_at_least("val_size", static_cast<double>(config_.validation_size), 0);
    require_at_least("eval_batch", static_cast<double>(config_.eval_batch), 1);
    require_at_least("trajectories_per_class", static_cast<double>(config_.trajectories_per_class), 0);
    if (!data_given_) load();
    if (data_->train.count() < config_.batch_size)
      throw SettingError("the training set (" + std::to_string(data_->train.count()) + " images) is smaller than --batch");
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    ExperimentConfig c = kind ? for_model(config_, *kind, SeqMnist::rows) : static_cast<const ExperimentConfig&>(config_);
    const SeqMnist task(config_.task);
    c.model.input_size = task.input_size();
    c.model.output_size = task.output_size();
    c.model.cerebellar.context_size = 0;
    c.trainer.tbptt.loss = task.loss();
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    if (!data_) throw std::logic_error("seqmnist: prepare() has not loaded the data");
    if (config_.eval_batch < 1) throw std::invalid_argument("seqMNIST: batch sizes must be >= 1");
    return std::make_unique<SeqMnistRun>(config_, *data_, config, seed);
  }

  std::vector<std::string> validation_curves() const override {
    if (classify()) return {"val_error", "val_accuracy"};
    return {"val_error"};
  }

  void write_task_data(io::Group& root) const override {
    root.set_attr("data_source", data_->source);
    root.set_attr("train_images", static_cast<std::int64_t>(data_->train.count()));
    root.set_attr("validation_images", static_cast<std::int64_t>(data_->validation.count()));
    root.set_attr("test_images", static_cast<std::int64_t>(data_->test.count()));
    const SeqMnist task(config_.task);
    if (!task.drawing()) return;
    std::vector<Eigen::MatrixXd> targets;
    for (int d = 0; d < 10; ++d) targets.push_back(task.target(d));
    root.write("targets", stack_trajectories(targets), {10, SeqMnist::rows, 2});
  }

  TrialsData export_trials() const override {
    if (!data_) throw std::logic_error("seqmnist: prepare() has not loaded the data");
    const SeqMnist task(config_.task);
    const auto split = [&](const DigitImages& images, Index count, bool dense, const std::string& name) {
      const Index n = count > 0 ? std::min(count, images.count()) : images.count();
      return trials_from_batch(task.make_batch<float>(images, index_range(0, n), dense), {"seqmnist export", "/" + name + "/"});
    };
    TrialsData out;
    out.train = split(data_->train, config_.train_size, false, "train");  // the task's feedback as mask
    out.validation = split(data_->validation, config_.validation_size, true, "validation");  // as evaluated
    out.test = split(data_->test, 0, true, "test");
    out.classes = classify() ? 10 : 0;
    out.description = std::string("ccrnn seqmnist --target ") + to_string(config_.task.target) + " (feedback interval " +
                      std::to_string(config_.task.feedback_interval) + "), data: " + data_->source;
    validate_trials(out, "seqmnist export");
    return out;
  }

  std::string data_fingerprint() const override {
    Fingerprint f;
    for (const DigitImages* images : {&data_->train, &data_->validation, &data_->test}) {
      f.add(images->rows);
      f.add(images->cols);
      f.add(images->pixels);
      f.add(images->labels);
    }
    return f.hex();
  }

  std::string default_seeds() const override { return "3"; }
  std::string primary_scalar() const override { return classify() ? "test_error_rate" : "final_train_error"; }
  std::vector<SummaryColumn> summary_columns() const override {
    if (classify())
      return {{"final_train_error", "final train NLL"},
              {"test_error", "test NLL"},
              {"test_accuracy", "test accuracy"},
              {"uncertainty", "uncertainty"}};
    return {{"final_train_error", "final train error"},
            {"test_error", "test error"},
            {"dysmetria", "dysmetria"},
            {"irregularity", "irregularity"},
            {"endpoint_error", "endpoint error"}};
  }

 private:
  void load() {
    const SeqMnistDataConfig& d = source_;
    require_at_least("data_seed", static_cast<double>(d.data_seed), 1);
    require_at_least("procedural_train", static_cast<double>(d.procedural_train), 10);
    require_at_least("procedural_test", static_cast<double>(d.procedural_test), 1);
    if (!d.mnist_dir.empty())
      for (const char* name : {"data_seed", "procedural_train", "procedural_test"})
        if (settings_.given(name))
          throw SettingError("--" + Settings::dashed(name) + " applies to the procedural set, but --mnist-dir is given");
    // Data problems are run-time failures (DataError), not setting errors: they propagate as they are.
    const std::string key = d.mnist_dir.empty() ? "procedural " + std::to_string(d.data_seed) + " " +
                                                      std::to_string(d.procedural_train) + " " + std::to_string(d.procedural_test)
                                                : "idx " + d.mnist_dir;
    data_ = shared_data<MnistSplits>(key, [&] {
      return d.mnist_dir.empty() ? procedural_mnist(static_cast<std::uint64_t>(d.data_seed), d.procedural_train, d.procedural_test)
                                 : load_mnist_dir(d.mnist_dir);
    });
  }

  SeqMnistRunConfig config_;
  SeqMnistDataConfig source_;
  std::shared_ptr<const MnistSplits> data_;
  bool data_given_;
};

}  // namespace

std::unique_ptr<Task> make_seqmnist_task(const SeqMnistRunConfig& config, std::shared_ptr<const MnistSplits> data) {
  return std::make_unique<SeqMnistTask>(config, std::move(data));
}

}  // namespace ccrnn::tasks
