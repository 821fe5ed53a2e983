#include "training_options.hpp"

#include <algorithm>

namespace ccrnn::apps {

void check_model_names(const std::vector<std::string>& models) {
  for (const auto& m : models)
    if (m != "crnn" && m != "ccrnn" && m != "bptt")
      throw UsageError("--model: unknown model '" + m + "' (expected crnn, ccrnn or bptt)");
}

bool has_cerebellum(const std::string& model) { return model == "ccrnn"; }

po::options_description TrainingOptions::describe_model() {
  po::options_description d("Model");
  d.add_options()
      ("cell", option_with_default(&cell), "cortical cell: lstm, tanh or gru")
      ("hidden", option_with_default(&hidden), "cortical units N per layer")
      ("layers", option_with_default(&layers), "cortical layers")
      ("cerebellum-hidden", option_with_default(&cerebellum_hidden), "granule units M per cerebellar layer")
      ("cerebellum-layers", option_with_default(&cerebellum_layers), "cerebellar hidden (granule) layers k")
      ("fibres", option_with_default(&fibres), "mossy fibres (inputs) per granule unit; 0 = dense")
      ("sg-scale", option_with_default(&sg_scale), "scale gamma of the injected synthetic gradient")
      ("no-final-injection", po::bool_switch(&no_final_injection),
       "no synthetic gradient at the end of the last window (the reference injects there too; see docs/algorithm-notes.md)");
  return d;
}

po::options_description TrainingOptions::describe_training() {
  po::options_description d("Training");
  d.add_options()
      ("T", option_with_default(&truncation), "truncation window: gradients flow back at most T steps (bptt ignores it)")
      ("epochs", option_with_default(&epochs), "training epochs")
      ("batch", option_with_default(&batch), "samples per batch")
      ("optimizer", option_with_default(&optimizer), "adam, rmsprop or sgd")
      ("lr", option_with_default(&lr), "learning rate")
      ("beta1", option_with_default(&beta1), "Adam beta1")
      ("beta2", option_with_default(&beta2), "Adam beta2")
      ("eps", option_with_default(&eps), "Adam/RMSprop epsilon")
      ("momentum", option_with_default(&momentum), "RMSprop/SGD momentum")
      ("clip", option_with_default(&clip), "global gradient-norm clip over all learning parameters; 0 = none")
      ("step-per-window", po::bool_switch(&step_per_window)->default_value(step_per_window),
       "one optimizer step after every window instead of per batch")
      ("lesion-epoch", option_with_default(&lesion_epoch), "cerebellar lesion from this epoch on (no injection, no learning); 0 = never")
      ("io-lesion-epoch", option_with_default(&io_lesion_epoch), "inferior-olive lesion from this epoch on (cerebellum frozen, still injecting); 0 = never");
  return d;
}

po::options_description TrainingOptions::describe_recording() {
  po::options_description d("Recordings (ALGORITHM.md section 8)");
  d.add_options()
      ("record-every", option_with_default(&record_every),
       "record the truncation boundaries of every n-th training iteration (cortical state, granule activity, "
       "prediction, target, true full-BPTT gradient) and store per-epoch gradient alignment and population "
       "statistics; 0 = off")
      ("record-arrays", po::bool_switch(&record_arrays), "also store every recording whole (large)");
  return d;
}

CellType TrainingOptions::validate(const po::variables_map& vm, const std::vector<std::string>& models,
                                   const std::vector<std::string>& cerebellum_only) const {
  check_model_names(models);
  CellType cell_type;
  try {
    cell_type = parse_cell_type(cell);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--cell: ") + e.what());
  }
  const bool any_cerebellum = std::any_of(models.begin(), models.end(), has_cerebellum);
  if (!any_cerebellum) {
    std::vector<std::string> names = {"cerebellum-hidden", "cerebellum-layers", "fibres", "sg-scale", "lesion-epoch",
                                      "io-lesion-epoch", "no-final-injection"};
    names.insert(names.end(), cerebellum_only.begin(), cerebellum_only.end());
    for (const auto& name : names)
      if (given(vm, name)) throw UsageError("--" + name + " applies to the cerebellum, but --model has no ccrnn");
  }
  require_at_least("hidden", hidden, 1);
  require_at_least("layers", layers, 1);
  require_at_least("cerebellum-hidden", cerebellum_hidden, 1);
  require_at_least("cerebellum-layers", cerebellum_layers, 1);
  require_at_least("fibres", fibres, 0);
  require_at_least("T", truncation, 1);
  require_at_least("epochs", epochs, 1);
  require_at_least("batch", batch, 1);
  require_at_least("clip", clip, 0);
  require_at_least("lesion-epoch", lesion_epoch, 0);
  require_at_least("io-lesion-epoch", io_lesion_epoch, 0);
  if (!(lr > 0)) throw UsageError("--lr must be > 0");
  require_at_least("record-every", record_every, 0);
  if (record_arrays && record_every == 0) throw UsageError("--record-arrays needs --record-every N > 0");
  if (record_every > 0 && step_per_window)
    throw UsageError("--record-every records one optimizer step per batch; it cannot be combined with --step-per-window");
  try {
    parse_optimizer_kind(optimizer);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--optimizer: ") + e.what());
  }
  if (lesion_epoch > epochs)
    throw UsageError("--lesion-epoch " + std::to_string(lesion_epoch) + " is after the last epoch (" + std::to_string(epochs) + ")");
  if (io_lesion_epoch > epochs)
    throw UsageError("--io-lesion-epoch " + std::to_string(io_lesion_epoch) + " is after the last epoch (" + std::to_string(epochs) + ")");
  const int state_size = (cell_type == CellType::lstm ? 2 : 1) * hidden * layers;
  if (fibres > state_size)
    throw UsageError("--fibres " + std::to_string(fibres) + " exceeds the cortical state size (" +
                     std::to_string(state_size) + " inputs to each granule unit)");
  return cell_type;
}

ModelConfig TrainingOptions::model_config(const std::string& model) const {
  ModelConfig c;
  c.cell = parse_cell_type(cell);
  c.hidden_size = hidden;
  c.layers = layers;
  c.cerebellum = has_cerebellum(model);
  c.cerebellum_hidden = cerebellum_hidden;
  c.cerebellum_layers = cerebellum_layers;
  c.fibres = fibres;
  return c;
}

TrainerConfig TrainingOptions::trainer_config(const std::string& model, Index sequence_length) const {
  TrainerConfig c;
  c.truncation = model == "bptt" ? sequence_length : truncation;
  c.sg_scale = sg_scale;
  c.final_injection = !no_final_injection;
  c.optimizer.kind = parse_optimizer_kind(optimizer);
  c.optimizer.lr = lr;
  c.optimizer.beta1 = beta1;
  c.optimizer.beta2 = beta2;
  c.optimizer.eps = eps;
  c.optimizer.momentum = momentum;
  c.clip = clip;
  c.step_per_window = step_per_window;
  c.lesion_epoch = lesion_epoch;
  c.io_lesion_epoch = io_lesion_epoch;
  return c;
}

}  // namespace ccrnn::apps
