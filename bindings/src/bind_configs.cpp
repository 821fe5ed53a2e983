// Configuration classes and enums: every field settable by keyword, e.g.
//   ccrnn.LineDrawingRunConfig(epochs=20, model=dict(cerebellum=True), trainer=dict(tbptt=dict(truncation=2)))
// Fields that moved into nested configurations keep their old flat names as aliases (CHANGELOG.md).
#include "bindings.hpp"
#include "python_support.hpp"

#include <ccrnn/model.hpp>
#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>

namespace ccrnn::python {

using namespace ccrnn::tasks;

void bind_configs(py::module_& m) {
  bind_enum<CellType>(m, "CellType", "Cortical cell: 'lstm', 'tanh' (Elman RNN), 'gru', 'leaky_tanh' (the loop's rate RNN) or 'linear' (identity RNN).",
                      {{"lstm", CellType::lstm}, {"tanh", CellType::tanh}, {"gru", CellType::gru},
                       {"leaky_tanh", CellType::leaky_tanh}, {"linear", CellType::linear}});
  bind_enum<LossKind>(m, "LossKind", "Task loss: 'mse' (regression targets), 'cross_entropy' (class labels) or 'binary_cross_entropy' (sigmoid outputs, 0/1 targets).",
                      {{"mse", LossKind::mse}, {"cross_entropy", LossKind::cross_entropy}, {"binary_cross_entropy", LossKind::binary_cross_entropy}});
  bind_enum<TdReduction>(m, "TdReduction", "BP(lambda)'s TD loss over the batch: 'mean' (1/2 mean) or 'sum' (summed squares).",
                         {{"mean", TdReduction::mean}, {"sum", TdReduction::sum}});
  bind_enum<OptimizerKind>(m, "OptimizerKind", "Optimizer: 'adam', 'rmsprop' or 'sgd' (PyTorch's update formulas).",
                           {{"adam", OptimizerKind::adam}, {"rmsprop", OptimizerKind::rmsprop}, {"sgd", OptimizerKind::sgd}});
  bind_enum<IoLesionClip>(m, "IoLesionClip", "The IO-lesioned cerebellum and the clipping norm: 'exclude' (a clean freeze) or 'include' (the reference).",
                          {{"exclude", IoLesionClip::exclude}, {"include", IoLesionClip::include}});
  bind_enum<DigitTemplates>(m, "DigitTemplates", "seqMNIST digit-drawing templates: 'reference' (neuralml/ccDNI's) or 'ccrnn' (ccrnn's own).",
                            {{"reference", DigitTemplates::reference}, {"ccrnn", DigitTemplates::ccrnn}});
  bind_enum<CaptionEncoder>(m, "CaptionEncoder", "Caption image encoder: 'frozen_pretrained' (the reference's protocol) or 'trained' (learns from scratch).",
                            {{"frozen_pretrained", CaptionEncoder::frozen_pretrained}, {"trained", CaptionEncoder::trained}});
  bind_enum<SeqMnistTarget>(m, "SeqMnistTarget", "What a seqMNIST network does while reading a digit: 'line', 'digit' or 'classify'.",
                            {{"line", SeqMnistTarget::line}, {"digit", SeqMnistTarget::digit}, {"classify", SeqMnistTarget::classify}});

  ConfigBinding<CerebellumConfig>(m, "CerebellumConfig", "The cerebellum's shape: k granule layers of M ReLU units, mossy fibres, context.")
      .field("input_size", &CerebellumConfig::input_size, "the cortical state size (set by the model)")
      .field("hidden_size", &CerebellumConfig::hidden_size, "M, granule units per cerebellar layer")
      .field("layers", &CerebellumConfig::layers, "k, hidden ReLU layers of the cerebellum")
      .field("fibres", &CerebellumConfig::fibres, "m mossy fibres per granule unit; 0 = dense")
      .field("context_size", &CerebellumConfig::context_size, "width of the cerebellum's context input; 0 = none")
      .done();

  ConfigBinding<ForwardCerebellumConfig>(m, "ForwardCerebellumConfig",
                                         "The loop's forward cerebellum (docs/forward-model.md): c_t = W_PF ReLU(W_MF f(h_{t-1})), "
                                         "an extra cortical input taught to predict the target tau steps ahead.")
      .field("enabled", &ForwardCerebellumConfig::enabled, "a model with the loop's cerebellum (its output is fed to the cortex)")
      .field("hidden_size", &ForwardCerebellumConfig::hidden_size, "M, granule cells per layer")
      .field("layers", &ForwardCerebellumConfig::layers, "granule layers")
      .field("fibres", &ForwardCerebellumConfig::fibres, "mossy fibres per granule cell; 0 = dense")
      .field("biases", &ForwardCerebellumConfig::biases, "biases in its layers (the reference has none)")
      .field("zero_output", &ForwardCerebellumConfig::zero_output, "the output layer starts at zero")
      .field("tau", &ForwardCerebellumConfig::tau, "the inferior olive's delay: c_t learns the target tau steps ahead")
      .done();

  ConfigBinding<ModelConfig>(m, "ModelConfig", "A cortico-cerebellar model: cortex, linear readout, optional cerebellum.")
      .field("cell", &ModelConfig::cell, "cortical cell type (CellType or 'lstm' / 'tanh' / 'gru')")
      .field("input_size", &ModelConfig::input_size, "inputs per step (set by a task's run)")
      .field("hidden_size", &ModelConfig::hidden_size, "N, units per cortical layer")
      .field("layers", &ModelConfig::layers, "cortical layers")
      .field("output_size", &ModelConfig::output_size, "readout outputs per step (set by a task's run)")
      .field("cerebellum", &ModelConfig::cerebellum, "False: cRNN; True: ccRNN (cortex + cerebellum)")
      .field("cerebellar", &ModelConfig::cerebellar, "CerebellumConfig: the cerebellum's shape (used when cerebellum is True)")
      .field("leak", &ModelConfig::leak, "alpha of the leaky_tanh cell (the loop's cortex)")
      .field("forward", &ModelConfig::forward, "ForwardCerebellumConfig: the loop's cerebellum (used when forward.enabled)")
      .alias<Index>("cerebellum_hidden", [](ModelConfig& c) -> Index& { return c.cerebellar.hidden_size; }, "cerebellar.hidden_size")
      .alias<Index>("cerebellum_layers", [](ModelConfig& c) -> Index& { return c.cerebellar.layers; }, "cerebellar.layers")
      .alias<Index>("fibres", [](ModelConfig& c) -> Index& { return c.cerebellar.fibres; }, "cerebellar.fibres")
      .alias<Index>("context_size", [](ModelConfig& c) -> Index& { return c.cerebellar.context_size; }, "cerebellar.context_size")
      .done();

  ConfigBinding<OptimizerConfig>(m, "OptimizerConfig", "Optimizer and its constants (PyTorch's definitions).")
      .field("kind", &OptimizerConfig::kind, "OptimizerKind or 'adam' / 'rmsprop' / 'sgd'")
      .field("lr", &OptimizerConfig::lr, "learning rate")
      .field("beta1", &OptimizerConfig::beta1, "Adam's first-moment decay")
      .field("beta2", &OptimizerConfig::beta2, "Adam's second-moment decay (the reference's 0.98)")
      .field("eps", &OptimizerConfig::eps, "Adam and RMSprop denominator constant")
      .field("momentum", &OptimizerConfig::momentum, "RMSprop and SGD momentum")
      .field("alpha", &OptimizerConfig::alpha, "RMSprop smoothing constant")
      .done();

  ConfigBinding<TbpttSettings>(m, "TbpttSettings", "The windowed algorithm: T, the synthetic gradient's scale and final injection, the loss.")
      .field("truncation", &TbpttSettings::truncation, "T, steps per truncation window")
      .field("sg_scale", &TbpttSettings::sg_scale, "gamma, scale of the injected synthetic gradient")
      .field("final_injection", &TbpttSettings::final_injection, "inject a prediction after the last window too (the reference does)")
      .field("loss", &TbpttSettings::loss, "LossKind (set by a task's run)")
      .field("input_grads", &TbpttSettings::input_grads, "compute gradients w.r.t. the cortex's inputs (for an input encoder)")
      .field("vectorised_cross_entropy", &TbpttSettings::vectorised_cross_entropy, "faster cross-entropy for large vocabularies")
      .field("inject", &TbpttSettings::inject, "the cerebellum injects (a Trainer sets it from the lesion schedule)")
      .field("train_cerebellum", &TbpttSettings::train_cerebellum, "the cerebellum learns (a Trainer sets it from the lesion schedule)")
      .done();

  ConfigBinding<BpLambdaSettings>(m, "BpLambdaSettings", "BP(lambda): online synthetic gradients with eligibility traces (docs/bp-lambda.md).")
      .field("online", &BpLambdaSettings::online, "train by BP(lambda) (windows of one step, T must be 1) instead of the DNI windows")
      .field("lambda_", &BpLambdaSettings::lambda, "trace decay lambda in [0, 1]: 0 = one-step bootstrap (DNI), 1 = none")
      .field("gamma", &BpLambdaSettings::gamma, "discount gamma in [0, 1] of future losses")
      .field("train_initial_state", &BpLambdaSettings::train_initial_state, "also learn the prediction at the zero initial state (as the DNI)")
      .field("reduction", &BpLambdaSettings::reduction, "TdReduction or 'mean' (1/2 mean, the reference) / 'sum' (squared, as the DNI)")
      .field("update_clip", &BpLambdaSettings::update_clip, "per-step, per-tensor update norm clip (the reference: 1); 0 = off")
      .done();

  ConfigBinding<TrainerConfig>(m, "TrainerConfig", "Truncated BPTT with cerebellar synthetic gradients, clipping, optimizer, lesions.")
      .field("tbptt", &TrainerConfig::tbptt, "TbpttSettings: T, sg_scale, final_injection, loss, input_grads, vectorised_cross_entropy")
      .field("optimizer", &TrainerConfig::optimizer, "OptimizerConfig")
      .field("lr_cerebellum", &TrainerConfig::lr_cerebellum, "the cerebellum's own learning rate (its own optimizer state); 0 = optimizer.lr")
      .field("clip", &TrainerConfig::clip, "global gradient-norm clip; <= 0 disables")
      .field("step_per_window", &TrainerConfig::step_per_window, "an optimizer step after every window instead of every batch")
      .field("lesion_epoch", &TrainerConfig::lesion_epoch, "cerebellar lesion from this 1-based epoch on (no injection, no learning); 0 = never")
      .field("io_lesion_epoch", &TrainerConfig::io_lesion_epoch, "inferior-olive lesion from this epoch on (cerebellum frozen, still injecting); 0 = never")
      .field("io_lesion_clip", &TrainerConfig::io_lesion_clip, "IoLesionClip or 'exclude' / 'include': whether the frozen cerebellum's accumulating gradients enter the clipping norm")
      .field("freeze_cortex", &TrainerConfig::freeze_cortex, "the cortex and readout never learn (only the cerebellum does)")
      .field("bp_lambda", &TrainerConfig::bp_lambda, "BpLambdaSettings: BP(lambda) instead of the DNI windows when its online is True")
      .alias<Index>("truncation", [](TrainerConfig& c) -> Index& { return c.tbptt.truncation; }, "tbptt.truncation")
      .alias<double>("sg_scale", [](TrainerConfig& c) -> double& { return c.tbptt.sg_scale; }, "tbptt.sg_scale")
      .alias<bool>("final_injection", [](TrainerConfig& c) -> bool& { return c.tbptt.final_injection; }, "tbptt.final_injection")
      .alias<LossKind>("loss", [](TrainerConfig& c) -> LossKind& { return c.tbptt.loss; }, "tbptt.loss")
      .alias<bool>("input_grads", [](TrainerConfig& c) -> bool& { return c.tbptt.input_grads; }, "tbptt.input_grads")
      .alias<bool>("vectorised_cross_entropy", [](TrainerConfig& c) -> bool& { return c.tbptt.vectorised_cross_entropy; },
                   "tbptt.vectorised_cross_entropy")
      .done();

  ConfigBinding<RecordingConfig>(m, "RecordingConfig", "Boundary recordings during a run (gradient alignment, population statistics).")
      .field("every", &RecordingConfig::every, "record training iterations 0, every, 2*every, ...; 0 = never")
      .field("arrays", &RecordingConfig::arrays, "keep every recording whole in the result (large)")
      .done();

  ConfigBinding<LineDrawingConfig>(m, "LineDrawingConfig", "The line-drawing task: a cue at t = 0 asks for a line to one of six points.")
      .field("length", &LineDrawingConfig::length, "L, steps per sequence")
      .field("radius", &LineDrawingConfig::radius, "distance of the endpoints from the origin")
      .field("cue_scale", &LineDrawingConfig::cue_scale, "the input at t = 0 is cue * cue_scale")
      .field("noise", &LineDrawingConfig::noise, "std of Gaussian input noise at t >= 1")
      .field("feedback_interval", &LineDrawingConfig::feedback_interval, "training feedback at steps t % interval == 0")
      .field("cue_context", &LineDrawingConfig::cue_context, "give the cerebellum the cue as a one-hot context")
      .done();

  ConfigBinding<LineDrawingRunConfig>(m, "LineDrawingRunConfig", "One line-drawing run; defaults are the papers' (N=50, M=400, k=2, T=1, Adam 1e-3, 100 epochs).")
      .field("task", &LineDrawingRunConfig::task, "LineDrawingConfig")
      .field("model", &ExperimentConfig::model, "ModelConfig (input and output sizes are the task's)")
      .field("trainer", &ExperimentConfig::trainer, "TrainerConfig")
      .field("epochs", &ExperimentConfig::epochs, "training epochs")
      .field("batch_size", &ExperimentConfig::batch_size, "samples per batch")
      .field("train_size", &LineDrawingRunConfig::train_size, "fresh training samples per epoch")
      .field("validation_size", &LineDrawingRunConfig::validation_size, "validation samples (dense feedback)")
      .field("test_repeats", &LineDrawingRunConfig::test_repeats, "test set: every cue this many times")
      .field("recording", &ExperimentConfig::recording, "RecordingConfig")
      .done();

  ConfigBinding<SeqMnistConfig>(m, "SeqMnistConfig", "Sequential MNIST: one image row per step, 28 steps.")
      .field("target", &SeqMnistConfig::target, "SeqMnistTarget or 'line' / 'digit' / 'classify'")
      .field("feedback_interval", &SeqMnistConfig::feedback_interval, "drawing targets: feedback at steps t % interval == 0")
      .field("radius", &SeqMnistConfig::radius, "line target: endpoint distance from the origin")
      .field("digit_templates", &SeqMnistConfig::digit_templates, "digit target: DigitTemplates or 'reference' / 'ccrnn'")
      .done();

  ConfigBinding<SeqMnistRunConfig>(m, "SeqMnistRunConfig", "One seqMNIST run; defaults are the papers' (N=30, cerebellum 300x1, T=3, Adam 1e-4, 40 epochs).")
      .field("task", &SeqMnistRunConfig::task, "SeqMnistConfig")
      .field("model", &ExperimentConfig::model, "ModelConfig (input and output sizes are the task's)")
      .field("trainer", &ExperimentConfig::trainer, "TrainerConfig (the loss is the task's)")
      .field("epochs", &ExperimentConfig::epochs, "training epochs")
      .field("batch_size", &ExperimentConfig::batch_size, "images per batch")
      .field("train_size", &SeqMnistRunConfig::train_size, "training images used per epoch (the first ones); 0 = all")
      .field("validation_size", &SeqMnistRunConfig::validation_size, "validation images evaluated every epoch; 0 = all")
      .field("eval_batch", &SeqMnistRunConfig::eval_batch, "images per forward pass in evaluation (memory only)")
      .field("trajectories_per_class", &SeqMnistRunConfig::trajectories_per_class, "drawing: drawn test trajectories kept per digit")
      .field("recording", &ExperimentConfig::recording, "RecordingConfig")
      .done();

  ConfigBinding<SceneCaptionConfig>(m, "SceneCaptionConfig", "The built-in caption data: scenes of coloured shapes with several captions each.")
      .field("train_images", &SceneCaptionConfig::train_images, "images in the training split")
      .field("validation_images", &SceneCaptionConfig::validation_images, "images in the validation split")
      .field("test_images", &SceneCaptionConfig::test_images, "images in the test split")
      .field("captions_per_image", &SceneCaptionConfig::captions_per_image, "distinct captions per image (1..8)")
      .field("max_objects", &SceneCaptionConfig::max_objects, "objects per scene at most (1..4)")
      .field("feature_size", &SceneCaptionConfig::feature_size, "F, width of an image's feature vector")
      .field("feature_noise", &SceneCaptionConfig::feature_noise, "std of the noise added to the features")
      .field("seed", &SceneCaptionConfig::seed, "the data set's seed (not the training seed)")
      .done();

  ConfigBinding<CaptionFiles>(m, "CaptionFiles", "COCO-format caption files (caption JSON + feature HDF5 per split); empty: built-in scenes.")
      .field("train_json", &CaptionFiles::train_json, "training captions (COCO JSON)")
      .field("train_features", &CaptionFiles::train_features, "training features (HDF5: /image_ids, /features)")
      .field("validation_json", &CaptionFiles::validation_json, "validation captions")
      .field("validation_features", &CaptionFiles::validation_features, "validation features")
      .field("test_json", &CaptionFiles::test_json, "test captions")
      .field("test_features", &CaptionFiles::test_features, "test features")
      .done();

  ConfigBinding<CaptionLoadOptions>(m, "CaptionLoadOptions", "How caption files are read.")
      .field("feature_size", &CaptionLoadOptions::feature_size, "expected feature width; 0 = the file's")
      .field("skip_missing_features", &CaptionLoadOptions::skip_missing_features, "skip captioned images without features instead of failing")
      .done();

  ConfigBinding<CaptionModelConfig>(m, "CaptionModelConfig", "Encoder (linear + batch norm) and LSTM decoder with optional cerebellum.")
      .field("feature_size", &CaptionModelConfig::feature_size, "F (set from the data)")
      .field("vocabulary_size", &CaptionModelConfig::vocabulary_size, "V (set from the vocabulary)")
      .field("embedding_size", &CaptionModelConfig::embedding_size, "E, word and image embedding width")
      .field("decoder", &CaptionModelConfig::decoder, "ModelConfig of the decoder (its input and output sizes are E and V)")
      .field("dropout", &CaptionModelConfig::dropout, "dropout probability on the decoder's inputs (training only)")
      .field("bn_momentum", &CaptionModelConfig::bn_momentum, "batch-norm running-average momentum")
      .field("bn_eps", &CaptionModelConfig::bn_eps, "batch-norm epsilon")
      .field("frozen_encoder", &CaptionModelConfig::frozen_encoder, "projection + batch norm fixed: running averages in training, no gradient reaches them")
      .alias<Index>("hidden_size", [](CaptionModelConfig& c) -> Index& { return c.decoder.hidden_size; }, "decoder.hidden_size")
      .alias<Index>("layers", [](CaptionModelConfig& c) -> Index& { return c.decoder.layers; }, "decoder.layers")
      .alias<CellType>("cell", [](CaptionModelConfig& c) -> CellType& { return c.decoder.cell; }, "decoder.cell")
      .alias<bool>("cerebellum", [](CaptionModelConfig& c) -> bool& { return c.decoder.cerebellum; }, "decoder.cerebellum")
      .alias<Index>("cerebellum_hidden", [](CaptionModelConfig& c) -> Index& { return c.decoder.cerebellar.hidden_size; },
                    "decoder.cerebellar.hidden_size")
      .alias<Index>("cerebellum_layers", [](CaptionModelConfig& c) -> Index& { return c.decoder.cerebellar.layers; },
                    "decoder.cerebellar.layers")
      .alias<Index>("fibres", [](CaptionModelConfig& c) -> Index& { return c.decoder.cerebellar.fibres; }, "decoder.cerebellar.fibres")
      .done();

  ConfigBinding<CaptionLengthBins>(m, "CaptionLengthBins", "Caption length bins in words; both 0: the test images' terciles.")
      .field("short_below", &CaptionLengthBins::short_below, "short: length < short_below")
      .field("long_from", &CaptionLengthBins::long_from, "long: length >= long_from")
      .done();

  ConfigBinding<CaptionRunConfig>(m, "CaptionRunConfig", "One captioning run; defaults are the papers' (E=N=256, M=1024, T=4, Adam 1e-3, 10 epochs).")
      .field("scenes", &CaptionRunConfig::scenes, "SceneCaptionConfig (used when files is empty)")
      .field("files", &CaptionRunConfig::files, "CaptionFiles")
      .field("load", &CaptionRunConfig::load, "CaptionLoadOptions")
      .field("vocabulary_threshold", &CaptionRunConfig::vocabulary_threshold, "words seen fewer times become <unk>")
      .field("model", &ExperimentConfig::model, "ModelConfig of the decoder (cortex + cerebellum; sizes set from the data)")
      .field("caption", &CaptionRunConfig::caption, "CaptionModelConfig: embedding, dropout, batch norm (its decoder is `model`)")
      .field("trainer", &ExperimentConfig::trainer, "TrainerConfig (loss, step_per_window and input_grads are forced)")
      .field("epochs", &ExperimentConfig::epochs, "training epochs")
      .field("batch_size", &ExperimentConfig::batch_size, "captions per training batch (all of one length)")
      .field("eval_batch_size", &CaptionRunConfig::eval_batch_size, "captions or images per evaluation batch")
      .field("max_tokens", &CaptionRunConfig::max_tokens, "greedy decoding: tokens per caption at most")
      .field("bins", &CaptionRunConfig::bins, "CaptionLengthBins")
      .field("encoder", &CaptionRunConfig::encoder, "CaptionEncoder or 'frozen_pretrained' / 'trained'")
      .field("encoder_pretrain_epochs", &CaptionRunConfig::encoder_pretrain_epochs, "frozen_pretrained: epochs of the encoder's pre-training")
      .field("encoder_seed", &CaptionRunConfig::encoder_seed, "frozen_pretrained: seed of the pre-training; 0 = each run's seed")
      .done();
}

}  // namespace ccrnn::python
