// Delayed association through the loop (see delayed_association_task.hpp) behind
// ccrnn-train --task association, ccrnn-sweep --task association and ccrnn.run("association").
#include <ccrnn/tasks/delayed_association_task.hpp>
#include <ccrnn/tasks/loop_task.hpp>
#include <ccrnn/tasks/loop_task_run.hpp>

namespace ccrnn::tasks {

DelayedAssociationRunConfig::DelayedAssociationRunConfig() {
  set_reference_loop_defaults(*this);
  trainer.tbptt.loss = LossKind::cross_entropy;
  loop.training.trial.loss = LossKind::cross_entropy;
  loop.training.cortex = CorticalPlasticity::input;  // the reference's fixed_rnn: 'inp_only'
  loop.training.mossy_fibre_plasticity = false;      // its shipped run's fixed_MF (open question 3)
  epochs = 40;  // the spec's measured runs (FORWARD_MODEL.md section 8)
}

namespace {

class DelayedAssociationTask final : public LoopTask {
 public:
  explicit DelayedAssociationTask(const DelayedAssociationRunConfig& config)
      : config_(config), trials_(DelayedAssociation(config.task)) {
    bind_loop_task_settings(config_, config_.loop);
    settings_.add("noise", &config_.task.noise, "std of the Gaussian noise on every input entry");
    settings_.add("length", &config_.task.length, "steps per trial L");
    settings_.add("window", &config_.task.window, "labelled (trained) steps at the end of the trial");
    bind_trial_sizes(config_);
  }

  std::string name() const override { return "association"; }
  std::string summary() const override {
    return "Delayed association through the cortico-cerebellar loop (Pemberton, Chadderton & Costa 2024, Fig. 6):\n"
           "one of two 10-bit cues at t = 0, its class asked for over the last 5 of 15 steps. The cortex's input\n"
           "weights learn (BPTT; --cortical-rule eprop: the reference's e-prop) and the mossy fibres are fixed, as the\n"
           "reference's run; the cortex gets softmax of the forward cerebellum's prediction of the label tau steps\n"
           "ahead; crnn = the cerebellum silenced, ccrnn = the loop. Errors are 1 - accuracy at the last step.";
  }
  ExperimentConfig& experiment() override { return config_; }

  void prepare(const std::vector<ModelKind>& models) override {
    const DelayedAssociationConfig& t = config_.task;
    validate_loop_task(config_, models, t.noise, t.length);
    require_at_least("window", static_cast<double>(t.window), 1);
    if (t.window >= t.length)
      throw SettingError("--window " + std::to_string(t.window) + " must be shorter than the trial (L = " + std::to_string(t.length) + ")");
    trials_ = LastStepTrials<DelayedAssociation>(DelayedAssociation(t));
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    ExperimentConfig c = loop_run_config(config_, config_.loop, kind);
    c.model.input_size = DelayedAssociation::cue_bits;
    c.model.output_size = DelayedAssociation::cues;
    c.trainer.tbptt.loss = LossKind::cross_entropy;
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    return std::make_unique<LoopTaskRun>(trials_, config_, config, seed);
  }

 private:
  DelayedAssociationRunConfig config_;
  LastStepTrials<DelayedAssociation> trials_;  // of the settings as prepared
};

}  // namespace

std::unique_ptr<Task> make_delayed_association_task(const DelayedAssociationRunConfig& config) {
  return std::make_unique<DelayedAssociationTask>(config);
}

}  // namespace ccrnn::tasks
