// Copy-repeat with its curriculum (copy_repeat_task.hpp) behind ccrnn-train --task copyrepeat,
// ccrnn-sweep --task copyrepeat and ccrnn.run("copyrepeat").
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/tasks/copy_repeat_task.hpp>
#include <ccrnn/train/loss.hpp>

#include <cmath>
#include <cstdio>

namespace ccrnn::tasks {

CopyRepeatRunConfig::CopyRepeatRunConfig() {
  model.cell = CellType::lstm;
  model.hidden_size = 100;
  model.cerebellar.layers = 0;  // the reference's linear synthesiser
  trainer.tbptt.truncation = 1;
  trainer.tbptt.sg_scale = 1.0;
  trainer.tbptt.loss = LossKind::binary_cross_entropy;
  trainer.optimizer.lr = 1e-3;
  trainer.optimizer.beta1 = 0.9;
  trainer.optimizer.beta2 = 0.98;
  trainer.optimizer.eps = 1e-9;
  trainer.clip = 0.0;  // the reference does not clip (BP_LAMBDA.md section 5)
  trainer.bp_lambda.gamma = 0.9;
  epochs = 15000;
  batch_size = 100;
}

namespace {

constexpr double kLn2 = 0.69314718055994530942;

class CopyRepeatRun final : public TaskRun {
 public:
  CopyRepeatRun(const CopyRepeatRunConfig& task_config, const ExperimentConfig& config, std::uint64_t seed)
      : sizes_(task_config), task_(task_config.task), model_(config.model), batch_size_(config.batch_size),
        seed_(seed), data_rng_(seed, Stream::data) {
    model_.initialise(seed);
  }

  Model<float>& model() override { return model_; }

  Index begin_epoch(int) override { return sizes_.batches_per_epoch; }

  TrainingStep next_batch(Trainer<float>&) override {
    batch_ = task_.sample_batch<float>(data_rng_, level_, batch_size_);
    TrainingStep step{&batch_, {}, 1.0};
    step.after = [this](const BatchStats& stats) {
      level_ = task_.after_batch(level_, stats.training_error);
      levels_.push_back(level_.number());
    };
    return step;
  }

  std::vector<double> validate() override {
    // Fresh samples of the current level from the seed's validation stream: the same ones for the same level.
    Rng rng(seed_, Stream::validation);
    return {static_cast<double>(level_.number()), error_bits(task_.sample_batch<float>(rng, level_, sizes_.validation_size))};
  }

  void save_state(RunState& state) const override {
    state.put_rng("data_rng", data_rng_);
    state.put_integers("level", {level_.pattern, level_.repeats});
    state.put_integers("levels", levels_);
  }
  void restore_state(const RunState& state) override {
    state.get_rng("data_rng", data_rng_);
    const std::vector<std::int64_t> level = state.integers("level");
    if (level.size() != 2 || level[0] < 1 || level[1] < 1)
      throw std::invalid_argument("copy-repeat: the stored curriculum level is not a pair (N, R) >= 1");
    level_ = {level[0], level[1]};
    levels_ = state.integers("levels");
  }

  void test(RunRecord& r) override {
    Rng rng(seed_, Stream::test);
    r.scalars["final_train_error"] = r.curves.at("train_error").back();
    r.scalars["final_level"] = static_cast<double>(level_.number());
    r.scalars["levels_left"] = static_cast<double>(CopyRepeatLevel{task_.config().max_pattern, task_.config().max_pattern}.number() -
                                                   level_.number());
    r.scalars["pattern_length"] = static_cast<double>(level_.pattern);
    r.scalars["repeats"] = static_cast<double>(level_.repeats);
    r.scalars["test_error_bits"] = error_bits(task_.sample_batch<float>(rng, level_, sizes_.test_size));
    r.arrays["level_by_iteration"] = ResultArray::integers(levels_);
  }

 private:
  /// The binary cross-entropy per output and supervised step, in bits.
  double error_bits(const Batch<float>& batch) {
    predict(model_, batch, ws_);
    return training_error<float>(LossKind::binary_cross_entropy, ws_.outputs, batch) / kLn2;
  }

  const CopyRepeatRunConfig& sizes_;
  CopyRepeat task_;
  Model<float> model_;
  Index batch_size_;
  std::uint64_t seed_;
  Rng data_rng_;
  CopyRepeatLevel level_;
  std::vector<std::int64_t> levels_;  // the level after each training iteration
  Batch<float> batch_;
  TbpttWorkspace<float> ws_;
};

class CopyRepeatTask final : public Task {
 public:
  explicit CopyRepeatTask(const CopyRepeatRunConfig& config) : config_(config) {
    Settings& s = settings_;
    bind_model_settings(s, config_);
    bind_training_settings(s, config_);
    s.section("Task");
    s.add("bits", &config_.task.bits, "pattern width in bits");
    s.add("repeat_norm", &config_.task.repeat_norm, "the repeat channel carries R / repeat_norm");
    s.add("threshold_bits", &config_.task.threshold_bits,
          "curriculum: a training batch below this error (bits per output) moves up one level");
    s.add("max_pattern", &config_.task.max_pattern, "curriculum cap: it stops at N = R = max_pattern");
    s.add("batches_per_epoch", &config_.batches_per_epoch, "training batches per epoch");
    s.add("val_size", &config_.validation_size, "validation samples at the current level each epoch");
    s.add("test_size", &config_.test_size, "test samples at the final level");
    bind_recording_settings(s, config_);
  }

  std::string name() const override { return "copyrepeat"; }
  std::string summary() const override {
    return "Copy-repeat (Graves et al. 2014, as in BP(lambda)'s reference): play a random pattern of N\n"
           "8-bit vectors back R times. A curriculum from N = R = 1 moves up one level (R += 1 if R < N,\n"
           "else N += 1) after any training batch below 0.15 bits; the result is the level reached.";
  }
  ExperimentConfig& experiment() override { return config_; }

  void prepare(const std::vector<ModelKind>& models) override {
    validate_experiment(settings_, config_, models);
    require_at_least("bits", static_cast<double>(config_.task.bits), 1);
    require_at_least("max_pattern", static_cast<double>(config_.task.max_pattern), 1);
    require_at_least("threshold_bits", config_.task.threshold_bits, 0);
    require_at_least("batches_per_epoch", static_cast<double>(config_.batches_per_epoch), 1);
    require_at_least("val_size", static_cast<double>(config_.validation_size), 1);
    require_at_least("test_size", static_cast<double>(config_.test_size), 1);
    if (!(config_.task.repeat_norm > 0)) throw SettingError("--repeat-norm must be > 0");
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    const CopyRepeat task(config_.task);
    // bptt: one window as long as the longest sequence the curriculum reaches.
    ExperimentConfig c = kind ? for_model(config_, *kind, task.max_length()) : static_cast<const ExperimentConfig&>(config_);
    c.model.input_size = task.input_size();
    c.model.output_size = task.output_size();
    c.trainer.tbptt.loss = LossKind::binary_cross_entropy;
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    return std::make_unique<CopyRepeatRun>(config_, config, seed);
  }

  std::vector<std::string> validation_curves() const override { return {"level", "val_error_bits"}; }

  std::string primary_scalar() const override { return "levels_left"; }
  std::vector<SummaryColumn> summary_columns() const override {
    return {{"final_level", "level reached"},
            {"pattern_length", "N"},
            {"repeats", "R"},
            {"test_error_bits", "test error (bits)"}};
  }
  std::string describe_run(const RunRecord& r) const override {
    char line[200];
    std::snprintf(line, sizeof line, "%s seed %llu: level %.0f (N %.0f, R %.0f), test error %.3f bits (%.1f s)",
                  r.model.c_str(), static_cast<unsigned long long>(r.seed), r.scalars.at("final_level"),
                  r.scalars.at("pattern_length"), r.scalars.at("repeats"), r.scalars.at("test_error_bits"), r.seconds);
    return line;
  }

 private:
  CopyRepeatRunConfig config_;
};

}  // namespace

std::unique_ptr<Task> make_copy_repeat_task(const CopyRepeatRunConfig& config) {
  return std::make_unique<CopyRepeatTask>(config);
}

}  // namespace ccrnn::tasks
