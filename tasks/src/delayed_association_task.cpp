// Delayed association through the loop (see delayed_association_task.hpp) behind
// ccrnn-train --task association, ccrnn-sweep --task association and ccrnn.run("association").
#include <ccrnn/tasks/delayed_association_task.hpp>
#include <ccrnn/tasks/last_step_loop_task.hpp>

namespace ccrnn::tasks {

DelayedAssociationRunConfig::DelayedAssociationRunConfig() {
  set_reference_loop_defaults(*this);
  set_classification_loss(*this);
  loop.training.cortex = CorticalPlasticity::input;  // the reference's fixed_rnn: 'inp_only'
  loop.training.mossy_fibre_plasticity = false;      // its shipped run's fixed_MF (open question 3)
  epochs = 40;  // the spec's measured runs (FORWARD_MODEL.md section 8)
}

namespace {

class DelayedAssociationTask final : public LastStepLoopTask<DelayedAssociationRunConfig, DelayedAssociation> {
 public:
  explicit DelayedAssociationTask(const DelayedAssociationRunConfig& config) : LastStepLoopTask(config) {
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

 private:
  void validate_data() const override {
    const DelayedAssociationConfig& t = config_.task;
    require_at_least("window", static_cast<double>(t.window), 1);
    if (t.window >= t.length)
      throw SettingError("--window " + std::to_string(t.window) + " must be shorter than the trial (L = " + std::to_string(t.length) + ")");
  }
  Index inputs() const override { return DelayedAssociation::cue_bits; }
  Index classes() const override { return DelayedAssociation::cues; }
};

}  // namespace

std::unique_ptr<Task> make_delayed_association_task(const DelayedAssociationRunConfig& config) {
  return std::make_unique<DelayedAssociationTask>(config);
}

}  // namespace ccrnn::tasks
