// The trials task (trials/task.hpp) behind ccrnn-train --task trials and ccrnn.run("trials").
#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/core/shuffle.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/tasks/evaluation.hpp>
#include <ccrnn/tasks/fingerprint.hpp>
#include <ccrnn/tasks/shared_data.hpp>
#include <ccrnn/tasks/trials/file.hpp>
#include <ccrnn/tasks/trials/task.hpp>

#include <algorithm>

namespace ccrnn::tasks {

TrialsRunConfig::TrialsRunConfig() {
  model.hidden_size = 50;
  model.cerebellar.hidden_size = 400;
  model.cerebellar.layers = 2;
  trainer.tbptt.truncation = 1;
  trainer.optimizer.lr = 1e-3;
  trainer.clip = 1.0;
  epochs = 100;
  batch_size = 50;
}

namespace {

struct Evaluation {
  double error = 0.0, accuracy = 0.0, uncertainty = 0.0;
};

/// The task's validation / test metrics of a split (see trials/task.hpp), forward only.
/// The workspace is the caller's, kept between evaluations (see evaluate_seqmnist).
Evaluation evaluate(const Model<float>& model, const TrialSet& set, Index eval_batch, TbpttWorkspace<float>& ws) {
  const Index n = set.size(), L = set.length();
  double error_sum = 0.0, confidence_sum = 0.0;
  Index pairs = 0, correct = 0;
  for (Index first = 0; first < n; first += eval_batch) {
    check_interrupt();
    const Index B = std::min(eval_batch, n - first);
    const Batch<float> batch = set.make_batch<float>(index_range(first, B));
    predict(model, batch, ws);
    if (!set.is_classification()) {
      error_sum += supervised_squared_error(ws.outputs, batch) / static_cast<double>(L);
      continue;
    }
    for (Index c = 0; c < B * L; ++c) {
      const int label = batch.labels[static_cast<std::size_t>(c)];
      if (label < 0) continue;  // not supervised
      const ClassScore score = class_score(ws.outputs.col(c).cast<double>(), label);
      error_sum += score.nll;
      correct += score.correct ? 1 : 0;
      confidence_sum += score.confidence;
      ++pairs;
    }
  }
  Evaluation e;
  if (!set.is_classification()) {
    e.error = error_sum / static_cast<double>(n);
  } else {
    e.error = error_sum / static_cast<double>(pairs);
    e.accuracy = static_cast<double>(correct) / static_cast<double>(pairs);
    e.uncertainty = 1.0 - confidence_sum / static_cast<double>(pairs);
  }
  return e;
}

class TrialsRun final : public TaskRun {
 public:
  TrialsRun(const TrialsRunConfig& task_config, const TrialsData& data, const TrialGenerator& generator,
            const ExperimentConfig& config, std::uint64_t seed)
      : config_(task_config), data_(data), generator_(generator), model_(config.model), batch_size_(config.batch_size),
        data_rng_(seed, Stream::data) {
    model_.initialise(seed);
    const Index n = data.train.size();
    train_size_ = config_.train_size > 0 ? std::min(config_.train_size, n) : n;
    order_ = index_range(0, train_size_);
  }

  Model<float>& model() override { return model_; }

  Index begin_epoch(int) override {
    done_ = 0;
    if (generator_) return config_.iterations_per_epoch;
    shuffle(order_, data_rng_);
    return (train_size_ + batch_size_ - 1) / batch_size_;
  }

  TrainingStep next_batch(Trainer<float>&) override {
    if (generator_) {
      const TrialSet fresh = generator_(batch_size_);
      batch_ = fresh.make_batch<float>(index_range(0, fresh.size()));
    } else {
      const Index B = std::min(batch_size_, train_size_ - done_);
      batch_ = data_.train.make_batch<float>(std::vector<Index>(order_.begin() + done_, order_.begin() + done_ + B));
      done_ += B;
    }
    return {&batch_, {}, 1.0};
  }

  void save_state(RunState& state) const override {
    if (generator_)
      throw std::invalid_argument("trials: a run fed by a generator cannot be checkpointed (the generator's state is "
                                  "its own); train without a checkpoint");
    state.put_rng("data_rng", data_rng_);
    state.put_indices("order", order_);  // shuffled in place every epoch
  }
  void restore_state(const RunState& state) override {
    state.get_rng("data_rng", data_rng_);
    order_ = state.permutation("order", train_size_);
  }

  std::vector<double> validate() override {
    if (!data_.validation) return {};
    const Evaluation e = evaluate(model_, *data_.validation, config_.eval_batch, eval_ws_);
    if (data_.is_classification()) return {e.error, e.accuracy};
    return {e.error};
  }

  void test(RunRecord& r) override {
    r.scalars["final_train_error"] = r.curves.at("train_error").back();
    if (!data_.test) return;
    const Evaluation e = evaluate(model_, *data_.test, config_.eval_batch, eval_ws_);
    r.scalars["test_error"] = e.error;
    if (data_.is_classification()) {
      r.scalars["test_accuracy"] = e.accuracy;
      r.scalars["test_error_rate"] = 1.0 - e.accuracy;
      r.scalars["uncertainty"] = e.uncertainty;
    }
  }

 private:
  const TrialsRunConfig& config_;
  const TrialsData& data_;
  const TrialGenerator& generator_;
  Model<float> model_;
  Index batch_size_, train_size_ = 0, done_ = 0;
  Rng data_rng_;
  std::vector<Index> order_;
  Batch<float> batch_;
  TbpttWorkspace<float> eval_ws_;  // validation and test forward passes, kept between epochs
};

template <class T>
void add_array(Fingerprint& f, const std::optional<TrialArray<T>>& array) {
  f.add(std::string_view(array ? "array" : "absent"));
  if (!array) return;
  f.add(std::vector<std::int64_t>(array->dims.begin(), array->dims.end()));
  f.add(array->values);
}

void add_arrays(Fingerprint& f, const TrialArrays& a) {
  add_array(f, std::optional<TrialArray<float>>(a.inputs));
  add_array(f, a.targets);
  add_array(f, a.labels);
  add_array(f, a.mask);
  add_array(f, a.context);
}

class TrialsTask final : public Task {
 public:
  TrialsTask(const TrialsRunConfig& config, std::shared_ptr<const TrialsData> data, TrialGenerator generator)
      : config_(config), data_(std::move(data)), generator_(std::move(generator)), data_given_(data_ != nullptr) {
    if (generator_ && !data_given_)
      throw std::invalid_argument("trials: a generator needs a TrialsData for the shapes, the class count and validation");
    Settings& s = settings_;
    bind_model_settings(s, config_);
    bind_training_settings(s, config_);
    s.section("Task and data");
    if (!data_given_) s.add("trials", &path_, "the trials file (HDF5; layout in docs/trials-format.md); required");
    s.add("train_size", &config_.train_size, "training trials used (the first ones); 0 = all");
    s.add("eval_batch", &config_.eval_batch, "trials per forward pass when evaluating (memory only)");
    if (generator_) s.add("iterations_per_epoch", &config_.iterations_per_epoch, "generator: training batches per epoch");
    bind_recording_settings(s, config_);
  }

  std::string name() const override { return "trials"; }
  std::string summary() const override {
    return "Your own task: trials from an HDF5 file (--trials FILE, docs/trials-format.md) with inputs (L, n, I), targets\n"
           "(L, n, O) or class labels (L, n), a loss mask (L, n) saying which steps of which trial carry an error\n"
           "signal, optional validation and test splits and an optional cerebellar context (n, C).";
  }
  ExperimentConfig& experiment() override { return config_; }

  void prepare(const std::vector<ModelKind>& models) override {
    validate_experiment(settings_, config_, models);
    require_at_least("train_size", static_cast<double>(config_.train_size), 0);
    require_at_least("eval_batch", static_cast<double>(config_.eval_batch), 1);
    require_at_least("iterations_per_epoch", static_cast<double>(config_.iterations_per_epoch), 1);
    if (!data_given_) {
      if (path_.empty()) throw SettingError("--trials FILE is required (the trials file; docs/trials-format.md)");
      data_ = shared_data<TrialsData>("trials " + path_, [&] { return load_trials(path_); });
    }
    const Index n = config_.train_size > 0 ? std::min(config_.train_size, data_->train.size()) : data_->train.size();
    if (!generator_ && n < config_.batch_size)
      throw SettingError("the training split (" + std::to_string(n) + " trials) is smaller than --batch (" +
                         std::to_string(config_.batch_size) + ")");
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    if (!data_) throw std::logic_error("trials: prepare() has not loaded the data");
    ExperimentConfig c = kind ? for_model(config_, *kind, data_->train.length()) : static_cast<const ExperimentConfig&>(config_);
    c.model.input_size = data_->input_size();
    c.model.output_size = data_->output_size();
    c.model.cerebellar.context_size = c.model.cerebellum ? data_->context_size() : 0;
    c.trainer.tbptt.loss = data_->is_classification() ? LossKind::cross_entropy : LossKind::mse;
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    if (!data_) throw std::logic_error("trials: prepare() has not loaded the data");
    return std::make_unique<TrialsRun>(config_, *data_, generator_, config, seed);
  }

  std::vector<std::string> validation_curves() const override {
    if (!data_ || !data_->validation) return {};
    if (data_->is_classification()) return {"val_error", "val_accuracy"};
    return {"val_error"};
  }

  void write_task_data(io::Group& root) const override {
    root.set_attr("data_source", data_->source.empty() ? std::string("arrays") : data_->source);
    root.set_attr("description", data_->description);
    root.set_attr("train_trials", static_cast<std::int64_t>(data_->train.size()));
    root.set_attr("validation_trials", static_cast<std::int64_t>(data_->validation ? data_->validation->size() : 0));
    root.set_attr("test_trials", static_cast<std::int64_t>(data_->test ? data_->test->size() : 0));
  }

  TrialsData export_trials() const override {
    if (!data_) throw std::logic_error("trials: prepare() has not loaded the data");
    return *data_;
  }

  std::string data_fingerprint() const override {
    Fingerprint f;
    f.add(static_cast<std::int64_t>(data_->classes));
    for (const TrialSet* set : {&data_->train, data_->validation ? &*data_->validation : nullptr, data_->test ? &*data_->test : nullptr}) {
      f.add(std::string_view(set == nullptr ? "absent" : "split"));
      if (set != nullptr) add_arrays(f, set->arrays());
    }
    return f.hex();
  }

  std::string primary_scalar() const override {
    if (data_ && data_->test) return data_->is_classification() ? "test_error_rate" : "test_error";
    return "final_train_error";
  }
  std::vector<SummaryColumn> summary_columns() const override {
    std::vector<SummaryColumn> columns = {{"final_train_error", "final train error"}};
    if (data_ && data_->test) columns.push_back({"test_error", "test error"});
    if (data_ && data_->test && data_->is_classification()) columns.push_back({"test_accuracy", "test accuracy"});
    return columns;
  }

 private:
  TrialsRunConfig config_;
  std::shared_ptr<const TrialsData> data_;
  TrialGenerator generator_;
  bool data_given_;
  std::string path_;
};

}  // namespace

std::unique_ptr<Task> make_trials_task(const TrialsRunConfig& config, std::shared_ptr<const TrialsData> data,
                                       TrialGenerator generator) {
  return std::make_unique<TrialsTask>(config, std::move(data), std::move(generator));
}

}  // namespace ccrnn::tasks
