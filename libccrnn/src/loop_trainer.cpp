#include <ccrnn/loop/loop_trainer.hpp>

#include <stdexcept>

namespace ccrnn {

CorticalPlasticity parse_cortical_plasticity(const std::string& name) {
  if (name == "fixed") return CorticalPlasticity::fixed;
  if (name == "input") return CorticalPlasticity::input;
  if (name == "all") return CorticalPlasticity::all;
  throw std::invalid_argument("unknown cortical plasticity '" + name + "' (expected fixed, input or all)");
}

const char* to_string(CorticalPlasticity plasticity) {
  switch (plasticity) {
    case CorticalPlasticity::fixed: return "fixed";
    case CorticalPlasticity::input: return "input";
    case CorticalPlasticity::all: return "all";
  }
  return "?";
}

template <class S>
LoopTrainer<S>::LoopTrainer(Model<S>& model, const TrainerConfig& config, const LoopTrainerConfig& loop)
    : model_(model), config_(config), loop_(loop), optimizer_(config.optimizer, model.params.size()) {
  if (!model.forward_cerebellum) throw std::invalid_argument("loop trainer: the model has no forward cerebellum");
  if (config.lesion_epoch < 0 || config.io_lesion_epoch < 0)
    throw std::invalid_argument("loop trainer: lesion epochs must be >= 0 (0 = never)");
  set_epoch(1);
}

template <class S>
void LoopTrainer<S>::set_epoch(int epoch) {
  const auto reached = [epoch](int lesion) { return lesion > 0 && epoch >= lesion; };
  state_ = reached(config_.lesion_epoch)      ? CerebellumState::lesioned
           : reached(config_.io_lesion_epoch) ? CerebellumState::frozen
                                              : CerebellumState::active;
  trial_ = loop_.trial;
  if (state_ == CerebellumState::lesioned) trial_.ablate_from = 0;

  const ParamSet<S>& p = model_.params;
  const auto one = [&p](int id) { return p.range(id, id + 1); };
  trainable_ = {p.range(p.id("readout.weight"), p.id("readout.bias") + 1)};
  if (loop_.cortex == CorticalPlasticity::input) trainable_.push_back(one(p.id("cortex.weight_ih_l0")));
  if (loop_.cortex == CorticalPlasticity::all) trainable_.push_back(p.range(0, p.id("readout.weight")));
  if (state_ == CerebellumState::active) {
    const Range all = model_.forward_cerebellum_range();
    const Cerebellum<S>& network = model_.forward_cerebellum->network();
    const Index first = loop_.mossy_fibre_plasticity ? all.begin : p.range(network.first_parameter(), network.end_of_mossy_fibres()).end;
    trainable_.push_back(Range{first, all.end});
  }
}

template <class S>
BatchStats LoopTrainer<S>::train_batch(const Batch<S>& batch) {
  model_.params.zero_grad();
  const bool cortex_learns = loop_.cortex != CorticalPlasticity::fixed;
  const LoopStats loop = accumulate_loop_gradients(model_, batch, trial_, trace_, cortex_learns,
                                                   state_ == CerebellumState::active);
  if (config_.clip > 0) clip_global_norm(model_.params.grads(), trainable_, config_.clip);
  optimizer_.step(model_.params.values(), model_.params.grads(), trainable_);
  model_.params.zero_grad();
  BatchStats stats;
  stats.task_loss = loop.task_loss;
  stats.training_error = loop.training_error;
  stats.cerebellar_loss = loop.cerebellar_loss;
  return stats;
}

template class LoopTrainer<float>;
template class LoopTrainer<double>;

}  // namespace ccrnn
