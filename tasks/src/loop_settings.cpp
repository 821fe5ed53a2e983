#include <ccrnn/tasks/loop_settings.hpp>

#include <algorithm>

namespace ccrnn::tasks {

void set_reference_loop_defaults(ExperimentConfig& c) {
  c.model.cell = CellType::leaky_tanh;
  c.model.leak = 0.1;
  c.model.hidden_size = 50;
  c.model.forward.hidden_size = 1000;
  c.model.forward.layers = 1;
  c.model.forward.tau = 3;
  c.trainer.optimizer.lr = 1e-3;
  c.trainer.optimizer.beta1 = 0.9;
  c.trainer.optimizer.beta2 = 0.98;
  c.trainer.optimizer.eps = 1e-9;
  c.trainer.clip = 0.0;
  c.batch_size = 10;
}

void bind_loop_settings(Settings& s, ExperimentConfig& c, LoopTaskSettings& loop) {
  ForwardCerebellumConfig& f = c.model.forward;
  s.section("Loop (the forward-model cerebellum, docs/forward-model.md)");
  s.add("leak", &c.model.leak, "alpha of the leaky_tanh cortex: u_t = alpha u_{t-1} + W_hh f(u_{t-1}) + W_ih [x_t; c_t]");
  s.add_choice("cortical_plasticity", &loop.training.cortex, parse_cortical_plasticity,
               [](CorticalPlasticity p) { return to_string(p); },
               "fixed (only readout and cerebellum learn), input (also W_ih incl. the cerebellar columns) or all "
               "(every cortical weight)");
  s.add_choice("cortical_rule", &loop.training.trial.cortical_rule, parse_cortical_rule,
               [](CorticalRule r) { return to_string(r); },
               "how a plastic cortex learns: bptt (through the whole trial), eprop (Bellec et al. 2020: "
               "eligibility traces, learning signal through the readout; the reference's rule; one leaky_tanh layer), "
               "tbptt (truncated BPTT, windows of --T steps) or dni (tbptt with the DNI cerebellum's synthetic "
               "gradients, as the DNI tasks' ccrnn: the DNI and the forward cerebellum together)");
  s.add("T", &c.trainer.tbptt.truncation,
        "truncation window of --cortical-rule tbptt and dni: gradients flow back at most T steps (bptt and eprop "
        "ignore it)");
  s.add("ablate_from", &loop.ablate_from, "evaluations also report the model with the cerebellar output zero from this step on");
  s.add("ablate_units", &loop.ablate_units,
        "evaluations also report the model with f(u) of the first k cortical units zero at every step (the "
        "reference's cortical ablation: half the units); 0 = none");
  s.add("lr_cortex", &loop.training.lr_cortex, "learning rate of the cortex (with --cortical-plasticity input/all); 0 = --lr");
  s.add("lr_readout", &loop.training.lr_readout, "learning rate of the readout; 0 = --lr");
  s.add("ablation_profile", &loop.ablation_profile,
        "also test with the cerebellar output zero from step k on, for about 10 steps k from 0 to L (array ablation_profile)");
  s.add("loop_recordings", &loop.record, "store per-step recordings of the test conditions (c_t, granules, target, cortex)");
  s.cerebellar(true);
  s.add_choice("feedback", &loop.training.trial.feedback, parse_loop_feedback,
               [](LoopFeedback fb) { return to_string(fb); },
               "what the ccrnn model's cortex receives as its extra input: cerebellum (c_t, the loop), readout "
               "(z_{t-1}: the paper's readout-feedback control; the cerebellum neither feeds nor learns) or "
               "cerebellar-readout (nothing: the paper's cerebellar-readout control, whose readout is an MLP of "
               "--cerebellum-hidden ReLU units with dropout 0.2 while training, no biases, trained as the readout)");
  s.add("cerebellum_hidden", &f.hidden_size, "granule cells M per cerebellar layer");
  s.add("cerebellum_layers", &f.layers, "granule layers");
  s.add("fibres", &f.fibres, "mossy fibres (pons inputs) per granule cell; 0 = dense");
  s.add("tau", &f.tau, "inferior-olive delay: the cerebellum predicts the target tau steps ahead");
  s.add_choice("io_timing", &f.timing, parse_io_timing, [](IoTiming t) { return to_string(t); },
               "reference: c_t (read from f(h_{t-1})) learns y_{t-1+tau}, as the reference code; notebook: y_{t+tau}");
  s.add("temporal_basis", &f.temporal_basis, "predict the targets of tau+1 consecutive steps at once (MSE tasks)");
  s.add("cerebellum_biases", &f.biases, "biases in the cerebellum (the reference has none)");
  s.add("zero_output", &f.zero_output, "the cerebellum's output layer starts at zero (the reference: PyTorch's default init)");
  s.add_negated("fixed_mossy_fibres", &loop.training.mossy_fibre_plasticity, "freeze the mossy-fibre (first) layer");
  s.add("final_learning", &loop.training.trial.final_learning,
        "also teach the predictions whose target step lies beyond the trial, on the last target");
  s.add("pons_cortex", &f.pons[PonsOrigin::cortex], "pons input from the cortex f(h_{t-1}): -1 copy, 0 off, k fixed random projection to k");
  s.add("pons_readout", &f.pons[PonsOrigin::readout], "pons input from the readout z_{t-1}: -1 copy, 0 off, k projection");
  s.add("pons_input", &f.pons[PonsOrigin::input], "pons input from the task input x_t: -1 copy, 0 off, k projection");
  s.add("pons_target", &f.pons[PonsOrigin::target], "pons input from the target y_{t-1}: -1 copy, 0 off, k projection");
  s.add("sleep_sessions", &loop.sleep.sessions,
        "consolidation after training: sleep sessions (one batch of fresh task trials each) that move the "
        "cerebellar drive into W_hh; 0 = none");
  s.add_choice("sleep_rule", &loop.sleep.rule, parse_consolidation_rule,
               [](ConsolidationRule r) { return to_string(r); },
               "least_squares (the reference's script default) or local (u sign(r)^T / ||r||_1 per pair)");
  s.add("sleep_rate", &loop.sleep.rate, "eta: W_Ch *= 1 - eta and W_hh += eta G / rho per session");
  s.add("sleep_ratio", &loop.sleep.ratio,
        "rho; 0 = the reference's: 1 for least_squares, paired steps per trial / 1.5 for local");
  s.cerebellar(false);
  s.section("The DNI cerebellum of --cortical-rule dni (ALGORITHM.md section 4)");
  bind_synthetic_gradient_settings(s, c);
  s.add("dni_hidden", &c.model.cerebellar.hidden_size, "granule units M per layer of the DNI cerebellum");
  s.add("dni_layers", &c.model.cerebellar.layers, "granule layers k of the DNI cerebellum");
  s.add("dni_fibres", &c.model.cerebellar.fibres, "mossy fibres (cortical state inputs) per granule unit of the DNI; 0 = dense");
  s.add("lr_dni", &loop.training.lr_dni, "learning rate of the DNI cerebellum, its own optimizer state; 0 = --lr");
}

namespace {

/// The windowed cortical rules' settings (tbptt, dni) and the DNI cerebellum's: refused where they mean nothing.
void validate_windowed_rule(const Settings& s, const ExperimentConfig& c, const LoopTaskSettings& loop) {
  const CorticalRule rule = loop.training.trial.cortical_rule;
  if (windowed(rule) && loop.training.cortex == CorticalPlasticity::fixed)
    throw SettingError(std::string("--cortical-rule ") + to_string(rule) +
                       " trains the cortex, but --cortical-plasticity is fixed: give --cortical-plasticity input or all");
  if (rule != CorticalRule::dni)
    for (const char* name : {"sg_scale", "no_final_injection", "dni_hidden", "dni_layers", "dni_fibres", "lr_dni"})
      if (s.given(name))
        throw SettingError(s.find(name)->option() + " configures the DNI cerebellum, which only --cortical-rule dni has (got " +
                           to_string(rule) + ")");
  const CerebellumConfig& dni = c.model.cerebellar;
  require_at_least("dni_hidden", static_cast<double>(dni.hidden_size), 1);
  require_at_least("dni_layers", static_cast<double>(dni.layers), 0);
  require_at_least("dni_fibres", static_cast<double>(dni.fibres), 0);
  require_at_least("lr_dni", loop.training.lr_dni, 0);
  if (dni.layers == 0 && dni.fibres > 0) throw SettingError("--dni-fibres needs a granule layer: --dni-layers 0 is a linear DNI");
  const Index state_size = state_blocks(c.model.cell) * c.model.hidden_size * c.model.layers;
  if (dni.fibres > state_size)
    throw SettingError("--dni-fibres " + std::to_string(dni.fibres) + " exceeds the cortical state size (" +
                       std::to_string(state_size) + " inputs to each granule unit)");
}

/// The cerebellar-readout control has no cerebellum in the loop and reads out the whole trial at once: the
/// options about the cerebellar output or a per-step readout mean nothing there.
void validate_cerebellar_readout(const Settings& s, const ExperimentConfig& c, const LoopTaskSettings& loop) {
  if (loop.training.trial.feedback != LoopFeedback::cerebellar_readout) return;
  const auto refuse = [](const std::string& option, const std::string& why) {
    throw SettingError("--feedback cerebellar-readout does not combine with " + option + ": " + why);
  };
  if (s.given("ablate_from")) refuse("--ablate-from", "no cerebellar output reaches the cortex to ablate");
  if (loop.ablation_profile) refuse("--ablation-profile", "no cerebellar output reaches the cortex to ablate");
  if (loop.sleep.sessions > 0) refuse("--sleep-sessions", "there is no cerebellar drive to consolidate");
  if (c.model.forward.temporal_basis) refuse("--temporal-basis", "the cerebellum's predictions are not used");
  if (c.model.forward.pons[PonsOrigin::readout] != 0)
    refuse("--pons-readout", "the MLP readout reads out the whole trial after the cortex's pass");
  if (windowed(loop.training.trial.cortical_rule))
    refuse(std::string("--cortical-rule ") + to_string(loop.training.trial.cortical_rule),
           "the windows backpropagate through the linear readout only");
}

}  // namespace

void validate_loop_settings(const Settings& s, const ExperimentConfig& c, const LoopTaskSettings& loop,
                            const std::vector<ModelKind>& models, Index length) {
  if (std::find(models.begin(), models.end(), ModelKind::bptt) != models.end())
    throw SettingError("--model bptt does not apply to the loop (crnn = no cerebellar feedback, ccrnn = the loop)");
  validate_windowed_rule(s, c, loop);
  validate_experiment(s, c, models);
  const ForwardCerebellumConfig& f = c.model.forward;
  if (!(c.model.leak >= 0 && c.model.leak < 1)) throw SettingError("--leak must be in [0, 1)");
  require_at_least("cerebellum_hidden", static_cast<double>(f.hidden_size), 1);
  require_at_least("cerebellum_layers", static_cast<double>(f.layers), 1);
  require_at_least("fibres", static_cast<double>(f.fibres), 0);
  require_at_least("tau", static_cast<double>(f.tau), f.timing == IoTiming::reference ? 1 : 0);
  if (f.tau >= length)
    throw SettingError("--tau " + std::to_string(f.tau) + " must be shorter than the trial (" + std::to_string(length) + " steps)");
  require_at_least("ablate_from", static_cast<double>(loop.ablate_from), 0);
  require_at_least("ablate_units", static_cast<double>(loop.ablate_units), 0);
  if (loop.ablate_units > c.model.hidden_size)
    throw SettingError("--ablate-units " + std::to_string(loop.ablate_units) + " exceeds the cortical units (--hidden " +
                       std::to_string(c.model.hidden_size) + ")");
  for (const char* name : {"lr_cortex", "lr_readout"})
    require_at_least(name, std::get<double>(s.find(name)->value()), 0);
  if (loop.training.trial.feedback == LoopFeedback::readout && f.temporal_basis)
    throw SettingError("--feedback readout does not combine with --temporal-basis (the feedback rows are the outputs)");
  validate_cerebellar_readout(s, c, loop);
  require_at_least("sleep_sessions", static_cast<double>(loop.sleep.sessions), 0);
  if (!(loop.sleep.rate > 0 && loop.sleep.rate <= 1)) throw SettingError("--sleep-rate must be in (0, 1]");
  require_at_least("sleep_ratio", loop.sleep.ratio, 0);
  if (loop.sleep.sessions > 0 && c.model.layers != 1)
    throw SettingError("--sleep-sessions needs a one-layer cortex (--layers 1): consolidation moves the "
                       "cerebellar drive into the first layer's W_hh");
  if (loop.training.cortex != CorticalPlasticity::fixed && loop.training.trial.cortical_rule == CorticalRule::eprop &&
      (c.model.cell != CellType::leaky_tanh || c.model.layers != 1))
    throw SettingError("--cortical-rule eprop needs a one-layer leaky_tanh cortex (--cell leaky_tanh --layers 1)");
  if (loop.ablate_from >= length)
    throw SettingError("--ablate-from " + std::to_string(loop.ablate_from) + " is not a step of the trial (L = " +
                       std::to_string(length) + ")");
  Index pons = 0;
  for (const char* name : {"pons_cortex", "pons_readout", "pons_input", "pons_target"}) {
    const Index k = std::get<std::int64_t>(s.find(name)->value());
    require_at_least(name, static_cast<double>(k), -1);
    pons += k != 0;
  }
  if (pons == 0) throw SettingError("--pons-cortex, --pons-readout, --pons-input and --pons-target are all 0: the cerebellum has no input");
  if (f.temporal_basis && c.trainer.tbptt.loss != LossKind::mse) throw SettingError("--temporal-basis needs a regression task");
}

ExperimentConfig loop_run_config(const LoopRunConfig& task, std::optional<ModelKind> kind) {
  ExperimentConfig config = task;
  config.model.cerebellum = task.loop.training.trial.cortical_rule == CorticalRule::dni;
  config.model.forward.enabled = true;
  if (kind == ModelKind::crnn) config.trainer.lesion_epoch = 1;
  // The cerebellar-readout control is the ccrnn model's variant; crnn keeps the linear readout. Its MLP is as
  // wide as the cerebellum (the reference builds it from the cerebellum's parameters).
  config.model.cerebellar_readout.enabled =
      kind == ModelKind::ccrnn && task.loop.training.trial.feedback == LoopFeedback::cerebellar_readout;
  config.model.cerebellar_readout.hidden_size = config.model.forward.hidden_size;
  return config;
}

}  // namespace ccrnn::tasks
