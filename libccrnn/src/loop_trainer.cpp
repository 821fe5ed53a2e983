#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/core/enum_names.hpp>

#include <stdexcept>

namespace ccrnn {

namespace {
constexpr EnumName<CorticalPlasticity> cortical_plasticity_names[] = {
    {CorticalPlasticity::fixed, "fixed"}, {CorticalPlasticity::input, "input"}, {CorticalPlasticity::all, "all"}};
}  // namespace

CorticalPlasticity parse_cortical_plasticity(const std::string& name) {
  return parse_enum(cortical_plasticity_names, name, "cortical plasticity");
}

const char* to_string(CorticalPlasticity plasticity) { return enum_name(cortical_plasticity_names, plasticity); }

template <class S>
LoopTrainer<S>::LoopTrainer(Model<S>& model, const TrainerConfig& config, const LoopTrainerConfig& loop)
    : model_(model), config_(config), loop_(loop) {
  if (!model.forward_cerebellum) throw std::invalid_argument("loop trainer: the model has no forward cerebellum");
  if (config.lesion_epoch < 0 || config.io_lesion_epoch < 0)
    throw std::invalid_argument("loop trainer: lesion epochs must be >= 0 (0 = never)");
  if (loop.trial.ablate_units > 0)
    throw std::invalid_argument("loop trainer: cortical-unit ablation is for evaluation only (it has no backward pass)");
  if (loop.cortex != CorticalPlasticity::fixed && loop.trial.cortical_rule == CorticalRule::eprop &&
      (model.cortex.cell() != CellType::leaky_tanh || model.cortex.num_layers() != 1))
    throw std::invalid_argument("loop trainer: e-prop needs a one-layer leaky_tanh cortex");
  if (windowed(loop.trial.cortical_rule) && loop.cortex == CorticalPlasticity::fixed)
    throw std::invalid_argument(std::string("loop trainer: the cortical rule ") + to_string(loop.trial.cortical_rule) +
                                " needs a plastic cortex (input or all)");
  if ((loop.trial.cortical_rule == CorticalRule::dni) != model.cerebellum.has_value())
    throw std::invalid_argument(model.cerebellum ? "loop trainer: the model's DNI cerebellum needs the cortical rule dni"
                                                 : "loop trainer: the cortical rule dni needs a model with a DNI cerebellum");
  if (!(loop.lr_cortex >= 0 && loop.lr_readout >= 0 && config.lr_cerebellum >= 0 && loop.lr_dni >= 0))
    throw std::invalid_argument("loop trainer: group learning rates must be >= 0 (0 = the optimizer's)");
  // The DNI's group only with a DNI: a loop run without it keeps its three groups (and checkpoints).
  const int used_groups = model.cerebellum ? groups : dni;
  for (int g = 0; g < used_groups; ++g) optimizers_.emplace_back(group_config(static_cast<Group>(g)), model.params.size());
  set_epoch(1);
}

template <class S>
OptimizerConfig LoopTrainer<S>::group_config(Group g) const {
  const double lr = g == readout ? loop_.lr_readout : g == cortex ? loop_.lr_cortex : g == dni ? loop_.lr_dni : config_.lr_cerebellum;
  return group_optimizer_config(config_.optimizer, lr);
}

template <class S>
void LoopTrainer<S>::restart_cerebellar_optimizer() {
  optimizers_[cerebellum] = Optimizer<S>(group_config(cerebellum), model_.params.size());
}

template <class S>
void LoopTrainer<S>::set_epoch(int epoch) {
  const auto reached = [epoch](int lesion) { return lesion > 0 && epoch >= lesion; };
  state_ = reached(config_.lesion_epoch)      ? CerebellumState::lesioned
           : reached(config_.io_lesion_epoch) ? CerebellumState::frozen
                                              : CerebellumState::active;
  trial_ = loop_.trial;
  trial_.windows = config_.tbptt;
  if (state_ == CerebellumState::lesioned) trial_.ablate_from = 0;

  const ParamSet<S>& p = model_.params;
  const auto one = [&p](int id) { return p.range(id, id + 1); };
  group_ranges_.assign(groups, {});
  if (loop_.readout_plasticity) {
    // The model's readout: its cerebellar readout when it has one (the linear readout then stays unused).
    const auto& mlp = model_.cerebellar_readout;
    group_ranges_[readout].push_back(mlp ? p.range(mlp->first_parameter(), mlp->end_parameter())
                                         : p.range(p.id("readout.weight"), p.id("readout.bias") + 1));
  }
  if (loop_.cortex == CorticalPlasticity::input) group_ranges_[cortex].push_back(one(p.id("cortex.weight_ih_l0")));
  if (loop_.cortex == CorticalPlasticity::all) group_ranges_[cortex].push_back(p.range(0, p.id("readout.weight")));
  if (cerebellum_learns()) {
    const Range all = model_.forward_cerebellum_range();
    const Cerebellum<S>& network = model_.forward_cerebellum->network();
    const Index first = loop_.mossy_fibre_plasticity ? all.begin : p.range(network.first_parameter(), network.end_of_mossy_fibres()).end;
    group_ranges_[cerebellum].push_back(Range{first, all.end});
  }
  if (model_.cerebellum) group_ranges_[dni].push_back(model_.cerebellum_range());
  trainable_.clear();
  for (const auto& ranges : group_ranges_) trainable_.insert(trainable_.end(), ranges.begin(), ranges.end());
}

template <class S>
BatchStats LoopTrainer<S>::train_batch(const Batch<S>& batch) {
  model_.params.zero_grad();
  const bool cortex_learns = loop_.cortex != CorticalPlasticity::fixed;
  const LoopStats loop = accumulate_loop_gradients(model_, batch, trial_, trace_, cortex_learns, cerebellum_learns());
  if (config_.clip > 0) clip_global_norm(model_.params.grads(), trainable_, config_.clip);
  // Every group steps every batch (its step count is the batches since it began, as in PyTorch while all
  // groups learn); updates are element-wise, so splitting into groups leaves the numbers unchanged.
  for (std::size_t g = 0; g < optimizers_.size(); ++g) optimizers_[g].step(model_.params.values(), model_.params.grads(), group_ranges_[g]);
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
