#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/core/enum_names.hpp>

#include <algorithm>
#include <cstdio>

#include <unistd.h>

namespace ccrnn::tasks {

namespace {

/// Parameters of the model the sizes describe, in floating point so that absurd sizes cannot overflow:
/// per cortical layer gates x H x (inputs + H) weights and two bias vectors (PyTorch's layout), the
/// readout, and the cerebellum (state -> k granule layers of M -> state, plus its context input).
double parameter_count(const ModelConfig& m, bool cerebellum) {
  const double gates = m.cell == CellType::lstm ? 4 : m.cell == CellType::gru ? 3 : 1;
  const double h = static_cast<double>(m.hidden_size), state = static_cast<double>(state_blocks(m.cell)) * h * static_cast<double>(m.layers);
  const double inputs = static_cast<double>(std::max<Index>(m.input_size, 1));
  double n = gates * h * (inputs + h + 2) + static_cast<double>(m.layers - 1) * gates * h * (2 * h + 2);
  n += (state + 1) * static_cast<double>(std::max<Index>(m.output_size, 1));
  if (cerebellum) {
    const double g = static_cast<double>(m.cerebellar.hidden_size), k = static_cast<double>(m.cerebellar.layers);
    n += (state + static_cast<double>(m.cerebellar.context_size) + 1) * g + (k - 1) * (g + 1) * g + (g + 1) * state;
  }
  return n;
}

double physical_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

/// Refuses sizes whose parameters alone -- with their gradients and the optimizer's two moments, four
/// float copies -- exceed this machine's memory, before anything is allocated (a clear error rather than
/// std::bad_alloc or the out-of-memory killer).
void check_model_fits_memory(const ModelConfig& m, bool cerebellum) {
  const double bytes = parameter_count(m, cerebellum) * 4 * sizeof(float), memory = physical_memory_bytes();
  if (memory > 0 && bytes > memory) {
    char text[400];
    std::snprintf(text, sizeof text,
                  "the model's sizes (--hidden %lld, --layers %lld%s) give %.3g parameters, %.3g GB with their gradients and "
                  "optimizer state: more than this machine's memory (%.3g GB)",
                  static_cast<long long>(m.hidden_size), static_cast<long long>(m.layers),
                  cerebellum ? (", --cerebellum-hidden " + std::to_string(m.cerebellar.hidden_size) + ", --cerebellum-layers " +
                                std::to_string(m.cerebellar.layers)).c_str()
                             : "",
                  parameter_count(m, cerebellum), bytes / 1e9, memory / 1e9);
    throw SettingError(text);
  }
}

constexpr EnumName<ModelKind> model_kind_names[] = {
    {ModelKind::crnn, "crnn"}, {ModelKind::ccrnn, "ccrnn"}, {ModelKind::bptt, "bptt"}};
}  // namespace

ModelKind parse_model_kind(const std::string& name) { return parse_enum(model_kind_names, name, "model"); }

const char* to_string(ModelKind kind) { return enum_name(model_kind_names, kind); }

ExperimentConfig for_model(ExperimentConfig config, ModelKind kind, Index sequence_length) {
  config.model.cerebellum = kind == ModelKind::ccrnn;
  // BP(lambda) concerns the cerebellum: a cRNN in the same run keeps the DNI windows' T = 1 (the same
  // gradients, computed in wide products).
  if (kind != ModelKind::ccrnn) config.trainer.bp_lambda.online = false;
  if (kind == ModelKind::bptt) config.trainer.tbptt.truncation = sequence_length;
  return config;
}

void bind_cortex_settings(Settings& s, ExperimentConfig& c) {
  s.section("Model");
  s.add_choice("cell", &c.model.cell, parse_cell_type, [](CellType t) { return to_string(t); }, "cortical cell: lstm, tanh, gru, leaky_tanh or linear (identity, the BP(lambda) toy's)");
  s.add("hidden", &c.model.hidden_size, "cortical units N per layer");
  s.add("layers", &c.model.layers, "cortical layers");
}

void bind_model_settings(Settings& s, ExperimentConfig& c) {
  bind_cortex_settings(s, c);
  s.cerebellar(true);
  s.add("cerebellum_hidden", &c.model.cerebellar.hidden_size, "granule units M per cerebellar layer");
  s.add("cerebellum_layers", &c.model.cerebellar.layers, "cerebellar hidden (granule) layers k");
  s.add("fibres", &c.model.cerebellar.fibres, "mossy fibres (inputs) per granule unit; 0 = dense");
  bind_synthetic_gradient_settings(s, c);
  s.cerebellar(false);
}

void bind_synthetic_gradient_settings(Settings& s, ExperimentConfig& c) {
  s.add("sg_scale", &c.trainer.tbptt.sg_scale, "scale gamma of the injected synthetic gradient");
  s.add_negated("no_final_injection", &c.trainer.tbptt.final_injection,
                "no synthetic gradient at the end of the last window (the reference injects there too; see "
                "docs/algorithm-notes.md)");
}

void bind_training_settings(Settings& s, ExperimentConfig& c, const SharedSettings& offer) {
  s.section("Training");
  if (offer.truncation)
    s.add("T", &c.trainer.tbptt.truncation, "truncation window: gradients flow back at most T steps (bptt ignores it)");
  s.add("epochs", &c.epochs, "training epochs");
  s.add("batch", &c.batch_size, "samples per batch");
  OptimizerConfig& o = c.trainer.optimizer;
  s.add_choice("optimizer", &o.kind, parse_optimizer_kind, [](OptimizerKind k) { return to_string(k); }, "adam, rmsprop or sgd");
  s.add("lr", &o.lr, "learning rate");
  s.add("beta1", &o.beta1, "Adam beta1");
  s.add("beta2", &o.beta2, "Adam beta2");
  s.add("eps", &o.eps, "Adam/RMSprop epsilon");
  s.add("momentum", &o.momentum, "RMSprop/SGD momentum");
  s.add("clip", &c.trainer.clip, "global gradient-norm clip over all learning parameters; 0 = none");
  s.add("freeze_cortex", &c.trainer.freeze_cortex,
        "the cortex and readout keep their initial weights (only the cerebellum learns)");
  if (offer.step_per_window)
    s.add("step_per_window", &c.trainer.step_per_window, "one optimizer step after every window instead of per batch");
  s.cerebellar(true);
  s.add("lr_cerebellum", &c.trainer.lr_cerebellum,
        "learning rate of the cerebellum (the DNI's or BP(lambda)'s synthesiser, the loop's forward model), "
        "with its own optimizer state; 0 = --lr");
  s.add("lesion_epoch", &c.trainer.lesion_epoch, "cerebellar lesion from this epoch on (no injection, no learning); 0 = never");
  s.add("io_lesion_epoch", &c.trainer.io_lesion_epoch,
        "inferior-olive lesion from this epoch on (cerebellum frozen, still injecting); 0 = never");
  s.add_choice("io_lesion_clip", &c.trainer.io_lesion_clip, parse_io_lesion_clip, [](IoLesionClip m) { return to_string(m); },
               "the IO-lesioned cerebellum's gradients and the clipping norm: exclude (a clean freeze) or include "
               "(the reference: they keep accumulating into the global norm; docs/algorithm-notes.md)");
  if (offer.bp_lambda) {
    BpLambdaSettings& bp = c.trainer.bp_lambda;
    s.section("BP(lambda): online synthetic gradients");
    s.add("online", &bp.online,
          "train the ccRNN by BP(lambda): windows of one step (needs --T 1), the cerebellum learns from TD errors "
          "with eligibility traces; --sg-scale is the injection scale");
    s.add("bp_lambda", &bp.lambda, "BP(lambda)'s trace decay lambda in [0, 1]: 0 = one-step bootstrap (DNI), 1 = none");
    s.add("bp_gamma", &bp.gamma, "BP(lambda)'s discount gamma in [0, 1] of future losses in the predicted gradient");
    s.add("bp_initial_state", &bp.train_initial_state,
          "BP(lambda) also trains the prediction at the all-zero initial state (as the DNI does)");
    s.add_choice("bp_reduction", &bp.reduction, parse_td_reduction, [](TdReduction r) { return to_string(r); },
                 "BP(lambda)'s TD loss over the batch: mean (1/2 mean, the reference) or sum (squared, as the DNI)");
    s.add("bp_update_clip", &bp.update_clip,
          "BP(lambda): rescale each step's update of each cerebellar tensor to this norm when larger (the "
          "reference: 1); 0 = off");
  }
  s.cerebellar(false);
}

void bind_recording_settings(Settings& s, ExperimentConfig& c) {
  s.section("Recordings (ALGORITHM.md section 8)");
  s.add("record_every", &c.recording.every,
        "record the truncation boundaries of every n-th training iteration (cortical state, granule activity, "
        "prediction, target, true full-BPTT gradient) and store per-epoch gradient alignment and population "
        "statistics; 0 = off");
  s.add("record_arrays", &c.recording.arrays, "also store every recording whole (large)");
}

void validate_experiment(const Settings& s, const ExperimentConfig& c, const std::vector<ModelKind>& models) {
  const bool any_cerebellum = std::find(models.begin(), models.end(), ModelKind::ccrnn) != models.end();
  if (!any_cerebellum)
    for (const auto& setting : s.all())
      if (setting.cerebellar && setting.given)
        throw SettingError(setting.option() + " applies to the cerebellum, but --model has no ccrnn");
  const ModelConfig& m = c.model;
  require_at_least("hidden", static_cast<double>(m.hidden_size), 1);
  require_at_least("layers", static_cast<double>(m.layers), 1);
  require_at_least("cerebellum_hidden", static_cast<double>(m.cerebellar.hidden_size), 1);
  require_at_least("cerebellum_layers", static_cast<double>(m.cerebellar.layers), 0);
  if (m.cerebellar.layers == 0 && m.cerebellar.fibres > 0)
    throw SettingError("--fibres needs a granule layer: --cerebellum-layers 0 is a linear cerebellum");
  require_at_least("fibres", static_cast<double>(m.cerebellar.fibres), 0);
  require_at_least("T", static_cast<double>(c.trainer.tbptt.truncation), 1);
  require_at_least("epochs", c.epochs, 1);
  require_at_least("batch", static_cast<double>(c.batch_size), 1);
  require_at_least("clip", c.trainer.clip, 0);
  require_at_least("lr_cerebellum", c.trainer.lr_cerebellum, 0);
  require_at_least("lesion_epoch", c.trainer.lesion_epoch, 0);
  require_at_least("io_lesion_epoch", c.trainer.io_lesion_epoch, 0);
  if (!(c.trainer.optimizer.lr > 0)) throw SettingError("--lr must be > 0");
  require_at_least("record_every", static_cast<double>(c.recording.every), 0);
  if (c.recording.arrays && c.recording.every == 0) throw SettingError("--record-arrays needs --record-every N > 0");
  if (c.recording.every > 0 && c.trainer.step_per_window)
    throw SettingError("--record-every records one optimizer step per batch; it cannot be combined with --step-per-window");
  const BpLambdaSettings& bp = c.trainer.bp_lambda;
  if (bp.online && c.trainer.tbptt.truncation != 1)
    throw SettingError("--online trains with windows of one step: give --T 1 (got " +
                       std::to_string(c.trainer.tbptt.truncation) + ")");
  if (!(bp.lambda >= 0 && bp.lambda <= 1)) throw SettingError("--bp-lambda must be in [0, 1]");
  if (!(bp.gamma >= 0 && bp.gamma <= 1)) throw SettingError("--bp-gamma must be in [0, 1]");
  require_at_least("bp_update_clip", bp.update_clip, 0);
  if (c.trainer.lesion_epoch > c.epochs)
    throw SettingError("--lesion-epoch " + std::to_string(c.trainer.lesion_epoch) + " is after the last epoch (" +
                       std::to_string(c.epochs) + ")");
  if (c.trainer.io_lesion_epoch > c.epochs)
    throw SettingError("--io-lesion-epoch " + std::to_string(c.trainer.io_lesion_epoch) + " is after the last epoch (" +
                       std::to_string(c.epochs) + ")");
  check_model_fits_memory(m, any_cerebellum);
  const Index state_size = state_blocks(m.cell) * m.hidden_size * m.layers;
  if (m.cerebellar.fibres > state_size)
    throw SettingError("--fibres " + std::to_string(m.cerebellar.fibres) + " exceeds the cortical state size (" +
                       std::to_string(state_size) + " inputs to each granule unit)");
}

}  // namespace ccrnn::tasks
