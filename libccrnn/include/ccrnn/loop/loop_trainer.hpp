#pragma once
// Training of the cortico-cerebellar loop: one optimizer step per batch over what the cortical plasticity
// mode lets learn (FORWARD_MODEL.md section 2; docs/forward-model.md):
//   fixed: the readout and the forward cerebellum only (the reference's default for every task);
//   input: also the cortex's input weights W_ih of the first layer, which include the cerebellar columns;
//   all:   every cortical weight, by BPTT through the whole trial (the reference uses e-prop here instead).
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
  LoopSettings trial;                  // loss, ablation during training (normally none), final learning
};

template <class S>
class LoopTrainer {
 public:
  /// config: optimizer, clip (<= 0: none, as the reference), lesion epochs; its tbptt settings are unused.
  LoopTrainer(Model<S>& model, const TrainerConfig& config, const LoopTrainerConfig& loop);

  /// Applies the lesion schedule for this 1-based epoch.
  void set_epoch(int epoch);
  CerebellumState cerebellum_state() const { return state_; }

  /// One iteration: the trial's gradients, clipping, one optimizer step.
  BatchStats train_batch(const Batch<S>& batch);

  /// The ranges of model.params that learn in the current epoch.
  const std::vector<Range>& trainable() const { return trainable_; }
  const LoopTrace<S>& trace() const { return trace_; }

 private:
  Model<S>& model_;
  TrainerConfig config_;
  LoopTrainerConfig loop_;
  LoopSettings trial_;
  Optimizer<S> optimizer_;
  LoopTrace<S> trace_;
  CerebellumState state_ = CerebellumState::active;
  std::vector<Range> trainable_;
};

extern template class LoopTrainer<float>;
extern template class LoopTrainer<double>;

}  // namespace ccrnn
