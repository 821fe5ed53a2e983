#pragma once
// Training of the cortico-cerebellar loop: one optimizer step per batch over what the cortical plasticity
// mode lets learn (FORWARD_MODEL.md section 2; docs/forward-model.md):
//   fixed: the readout and the forward cerebellum only (the reference's default for every task);
//   input: also the cortex's input weights W_ih of the first layer, which include the cerebellar columns;
//   all:   every cortical weight.
// A plastic cortex learns by BPTT through the whole trial (default), by e-prop (trial.cortical_rule,
// loop/eprop.hpp; the reference's rule, for a one-layer leaky tanh cortex), or by truncated BPTT in windows of
// TrainerConfig::tbptt.truncation steps, alone (tbptt) or with the model's DNI cerebellum (dni: its synthetic
// gradient injected at the windows' ends, TrainerConfig::tbptt's sg_scale and final_injection; it learns in
// its own parameter group on its bootstrapped targets, at lr_dni). The DNI cerebellum follows no lesion
// schedule: the lesions are the forward cerebellum's.
// Mossy-fibre plasticity off freezes the cerebellum's first layer. The lesion schedule of TrainerConfig
// applies: a cerebellar lesion silences the cerebellum for the whole trial and stops its learning; an
// inferior-olive lesion stops its learning only.
#include <ccrnn/loop/loop.hpp>
#include <ccrnn/train/optimizers.hpp>
#include <ccrnn/train/trainer.hpp>

#include <string>
#include <vector>

namespace ccrnn {

enum class CorticalPlasticity { fixed, input, all };
CorticalPlasticity parse_cortical_plasticity(const std::string& name);
const char* to_string(CorticalPlasticity plasticity);

struct LoopTrainerConfig {
  CorticalPlasticity cortex = CorticalPlasticity::fixed;
  bool mossy_fibre_plasticity = true;  // false: W_MF frozen (the reference's fixed_MF)
  bool readout_plasticity = true;      // false: the readout keeps its weights (e.g. a second task after a switch)
  // Learning rates per parameter group (the reference's lr_rnn, lr_readout; the forward cerebellum's
  // lr_cerebellum is TrainerConfig::lr_cerebellum, shared with the DNI trainer); 0: the optimizer's lr.
  // Each group has its own optimizer state, as a PyTorch parameter group.
  double lr_cortex = 0.0, lr_readout = 0.0;
  double lr_dni = 0.0;                 // the DNI cerebellum's (cortical rule dni), its own group; 0: the optimizer's lr
  LoopSettings trial;                  // loss, ablation during training (normally none), final learning,
                                       // the cortical rule (bptt, eprop, tbptt or dni)
};

template <class S>
class LoopTrainer {
 public:
  /// config: optimizer, lr_cerebellum, clip (<= 0: none, as the reference), lesion epochs; its tbptt settings
  /// (truncation, sg_scale, final_injection) are the windowed cortical rules' (tbptt, dni).
  LoopTrainer(Model<S>& model, const TrainerConfig& config, const LoopTrainerConfig& loop);

  /// Applies the lesion schedule for this 1-based epoch.
  void set_epoch(int epoch);
  CerebellumState cerebellum_state() const { return state_; }

  /// Readout learning on or off from the next set_epoch on.
  void set_readout_plasticity(bool on) { loop_.readout_plasticity = on; }
  /// A new optimizer state for the forward cerebellum (moments and step count from zero), as a new PyTorch
  /// parameter group: for a module that starts learning afresh.
  void restart_cerebellar_optimizer();

  /// One iteration: the trial's gradients, clipping, one optimizer step.
  BatchStats train_batch(const Batch<S>& batch);

  /// The ranges of model.params that learn in the current epoch.
  const std::vector<Range>& trainable() const { return trainable_; }
  const LoopTrace<S>& trace() const { return trace_; }
  /// Its optimizers, one per parameter group (each over the whole ParamSet; only the group's ranges move),
  /// for checkpoints; optimizer_group_name(g) names optimizers()[g]. The group "dni" exists only when the
  /// model has a DNI cerebellum.
  std::vector<Optimizer<S>>& optimizers() { return optimizers_; }
  const std::vector<Optimizer<S>>& optimizers() const { return optimizers_; }
  static const char* optimizer_group_name(std::size_t g) {
    static const char* const names[] = {"readout", "cortex", "cerebellum", "dni"};
    return names[g];
  }

 private:
  Model<S>& model_;
  TrainerConfig config_;
  LoopTrainerConfig loop_;
  LoopSettings trial_;
  /// Not lesioned, not IO-lesioned, and in the loop (with readout feedback the cerebellum has no role).
  bool cerebellum_learns() const {
    return state_ == CerebellumState::active && trial_.feedback == LoopFeedback::cerebellum;
  }
  enum Group { readout, cortex, cerebellum, dni, groups };  // as optimizer_group_name
  OptimizerConfig group_config(Group g) const;
  std::vector<Optimizer<S>> optimizers_;           // one per Group
  std::vector<std::vector<Range>> group_ranges_;   // what each group trains in the current epoch
  LoopTrace<S> trace_;
  CerebellumState state_ = CerebellumState::active;
  std::vector<Range> trainable_;                   // all of them (the clipping norm's ranges)
};

extern template class LoopTrainer<float>;
extern template class LoopTrainer<double>;

}  // namespace ccrnn
