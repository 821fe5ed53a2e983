// Caption generation (ALGORITHM.md sections 5 and 7) behind ccrnn-caption, ccrnn-sweep --task caption and
// ccrnn.run("caption"): COCO-format captions + image features, or ccrnn's built-in procedural scenes.
#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/core/enum_names.hpp>
#include <ccrnn/core/shuffle.hpp>
#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/fingerprint.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/run_recording.hpp>
#include <ccrnn/tasks/shared_data.hpp>
#include <ccrnn/train/cross_entropy.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <mutex>
#include <stdexcept>

namespace ccrnn::tasks {

int CaptionLengthBins::bin(double length) const {
  if (length < short_below) return 0;
  if (length >= long_from) return 2;
  return 1;
}

CaptionLengthBins CaptionLengthBins::resolve(std::vector<double> image_lengths) const {
  if (!automatic()) {
    if (long_from < short_below) throw std::invalid_argument("caption length bins: long_from must be >= short_below");
    return *this;
  }
  if (image_lengths.empty()) throw std::invalid_argument("caption length bins: no image to take terciles of");
  std::sort(image_lengths.begin(), image_lengths.end());
  const size_t n = image_lengths.size();
  CaptionLengthBins out;
  out.short_below = image_lengths[n / 3];
  out.long_from = image_lengths[2 * n / 3];
  return out;
}

namespace {
constexpr EnumName<CaptionEncoder> caption_encoder_names[] = {{CaptionEncoder::frozen_pretrained, "frozen-pretrained"},
                                                              {CaptionEncoder::trained, "trained"}};
}  // namespace

CaptionEncoder parse_caption_encoder(const std::string& name) { return parse_enum(caption_encoder_names, name, "encoder"); }

const char* to_string(CaptionEncoder encoder) { return enum_name(caption_encoder_names, encoder); }

CaptionRunConfig::CaptionRunConfig() {
  model = caption_decoder_defaults();
  trainer.tbptt.truncation = 4;
  trainer.tbptt.sg_scale = 0.1;
  trainer.tbptt.loss = LossKind::cross_entropy;
  trainer.tbptt.input_grads = true;
  trainer.tbptt.vectorised_cross_entropy = true;
  trainer.optimizer.kind = OptimizerKind::adam;
  trainer.optimizer.lr = 1e-3;
  trainer.optimizer.beta1 = 0.9;
  trainer.optimizer.beta2 = 0.999;
  trainer.optimizer.eps = 1e-8;
  trainer.clip = 0.0;
  trainer.step_per_window = true;
  epochs = 10;
  batch_size = 100;
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// CPU time of the calling thread in seconds.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct EncodedCaption {
  Index image = 0;
  std::vector<int> ids;  // word ids, no <start>/<end>
};

std::vector<EncodedCaption> encode_captions(const CaptionSet& set, const Vocabulary& vocabulary) {
  std::vector<EncodedCaption> out;
  for (Index i = 0; i < set.size(); ++i)
    for (const auto& caption : set.captions[static_cast<size_t>(i)])
      out.push_back({i, vocabulary.encode(tokenize(caption))});
  return out;
}

/// Captions (indices into caps, in the given order) grouped by length, each group cut into ceil(n / B)
/// batches of nearly equal size (sizes differ by at most one), groups by increasing length.
std::vector<std::vector<Index>> length_batches(const std::vector<EncodedCaption>& caps, const std::vector<Index>& order,
                                               Index batch_size) {
  std::map<size_t, std::vector<Index>> groups;
  for (Index c : order) groups[caps[static_cast<size_t>(c)].ids.size()].push_back(c);
  std::vector<std::vector<Index>> batches;
  for (const auto& [length, members] : groups) {
    const Index n = static_cast<Index>(members.size()), k = (n + batch_size - 1) / batch_size;
    Index begin = 0;
    for (Index i = 0; i < k; ++i) {
      const Index size = n / k + (i < n % k ? 1 : 0);
      batches.emplace_back(members.begin() + begin, members.begin() + begin + size);
      begin += size;
    }
  }
  return batches;
}

CaptionBatch<float> batch_of(const CaptionModel<float>& model, const CaptionSet& set,
                             const std::vector<EncodedCaption>& caps, const std::vector<Index>& members, bool training) {
  Matrix<float> features(set.feature_size(), static_cast<Index>(members.size()));
  std::vector<std::vector<int>> ids;
  for (size_t j = 0; j < members.size(); ++j) {
    const EncodedCaption& c = caps[static_cast<size_t>(members[j])];
    features.col(static_cast<Index>(j)) = set.features.col(c.image);
    ids.push_back(c.ids);
  }
  return model.make_batch(features, ids, training);
}

/// Per-token cross-entropy of a set (evaluation mode, fixed batches). With bins: also per length bin of
/// the captions (word counts in words[c]) into by_bin / captions_by_bin.
double evaluate_set(CaptionModel<float>& model, const CaptionSet& set, const std::vector<EncodedCaption>& caps,
                    const std::vector<std::vector<Index>>& batches, TbpttWorkspace<float>& ws,
                    const CaptionLengthBins* bins = nullptr, const std::vector<double>* words = nullptr,
                    std::array<double, 3>* by_bin = nullptr, std::array<Index, 3>* captions_by_bin = nullptr) {
  double total = 0.0;
  Index tokens = 0;
  std::array<double, 3> bin_sum{};
  std::array<Index, 3> bin_tokens{}, bin_captions{};
  std::vector<double> per_column;
  for (const auto& members : batches) {
    check_interrupt();
    CaptionBatch<float> cb = batch_of(model, set, caps, members, false);
    const Index b = cb.batch.size, length = cb.batch.length;
    total += model.evaluate(cb, ws);
    tokens += b * length;
    if (bins == nullptr) continue;
    cross_entropy_columns<float>(ws.outputs, cb.batch.labels, 0, b * length, per_column);
    for (Index j = 0; j < b; ++j) {
      double sum = 0.0;
      for (Index t = 0; t < length; ++t) sum += per_column[static_cast<size_t>(t * b + j)];
      const auto k = static_cast<size_t>(bins->bin((*words)[static_cast<size_t>(members[static_cast<size_t>(j)])]));
      bin_sum[k] += sum;
      bin_tokens[k] += length;
      ++bin_captions[k];
    }
  }
  if (bins != nullptr)
    for (size_t k = 0; k < 3; ++k) {
      (*by_bin)[k] = bin_tokens[k] > 0 ? bin_sum[k] / static_cast<double>(bin_tokens[k]) : 0.0;
      (*captions_by_bin)[k] = bin_captions[k];
    }
  return tokens > 0 ? total / static_cast<double>(tokens) : 0.0;
}


struct Snapshot {
  Vector<float> decoder, encoder, running_mean, running_var;
  void save(RunState& state, const std::string& prefix) const {
    state.put_floats(prefix + "decoder", decoder);
    state.put_floats(prefix + "encoder", encoder);
    state.put_floats(prefix + "running_mean", running_mean);
    state.put_floats(prefix + "running_var", running_var);
  }
  void load(const RunState& state, const std::string& prefix, const CaptionModel<float>& m) {
    decoder = state.floats(prefix + "decoder", m.decoder.params.values().size());
    encoder = state.floats(prefix + "encoder", m.encoder.values().size());
    running_mean = state.floats(prefix + "running_mean", m.running_mean.size());
    running_var = state.floats(prefix + "running_var", m.running_var.size());
  }
  void take(const CaptionModel<float>& m) {
    decoder = m.decoder.params.values();
    encoder = m.encoder.values();
    running_mean = m.running_mean;
    running_var = m.running_var;
  }
  void restore(CaptionModel<float>& m) const {
    m.decoder.params.values() = decoder;
    m.encoder.values() = encoder;
    m.running_mean = running_mean;
    m.running_var = running_var;
  }
};

}  // namespace

CaptionData load_caption_data(const CaptionRunConfig& config, std::array<CaptionLoadReport, 3>* reports) {
  CaptionData data;
  std::array<CaptionLoadReport, 3> counts{};
  if (config.files.empty()) {
    data = make_scene_captions(config.scenes);
    const std::array<const CaptionSet*, 3> sets = {&data.train, &data.validation, &data.test};
    for (size_t i = 0; i < 3; ++i) {
      counts[i].images_listed = counts[i].images_loaded = sets[i]->size();
      counts[i].annotations = counts[i].captions_loaded = sets[i]->caption_count();
    }
  } else {
    const CaptionFiles& f = config.files;
    if (f.train_features.empty() || f.validation_json.empty() || f.validation_features.empty() || f.test_json.empty() ||
        f.test_features.empty())
      throw std::invalid_argument("caption data: give the caption JSON and feature file of all three splits");
    CaptionLoadOptions options = config.load;
    data.train = load_coco_split(f.train_json, f.train_features, options, &counts[0]);
    options.feature_size = data.train.feature_size();  // the other splits must match the training width
    data.validation = load_coco_split(f.validation_json, f.validation_features, options, &counts[1]);
    data.test = load_coco_split(f.test_json, f.test_features, options, &counts[2]);
  }
  if (reports != nullptr) *reports = counts;
  return data;
}


namespace {

class CaptionRun final : public TaskRun {
 public:
  /// With an encoder head (frozen-pretrained) the model's projection, batch norm and running averages are
  /// that head's and stay fixed; without (trained) they start from the seed and learn.
  CaptionRun(const CaptionRunConfig& task_config, const CaptionData& data, const ExperimentConfig& config,
             std::uint64_t seed, std::shared_ptr<const EncoderHead<float>> head = nullptr)
      : config_(task_config),
        data_(data),
        vocabulary_(Vocabulary::build(tokenized(data.train), task_config.vocabulary_threshold)),
        model_(model_config(task_config, config, data, vocabulary_, head != nullptr)),
        batch_size_(config.batch_size),
        data_rng_(seed, Stream::data),
        dropout_rng_(seed, Stream::noise) {
    model_.initialise(seed);
    if (head) model_.set_encoder_head(*head);
    train_ = encode_captions(data.train, vocabulary_);
    validation_ = encode_captions(data.validation, vocabulary_);
    test_ = encode_captions(data.test, vocabulary_);
    validation_batches_ =
        length_batches(validation_, index_range(0, static_cast<Index>(validation_.size())), config_.eval_batch_size);
  }

  Model<float>& model() override { return model_.decoder; }
  ParamSet<float>* extra_parameters() override { return &model_.encoder; }

  Index begin_epoch(int) override {
    epoch_start_ = Clock::now();
    epoch_cpu_start_ = thread_cpu_seconds();
    std::vector<Index> order = index_range(0, static_cast<Index>(train_.size()));
    shuffle(order, data_rng_);
    batches_ = length_batches(train_, order, batch_size_);
    shuffle(batches_, data_rng_);
    next_ = 0;
    return static_cast<Index>(batches_.size());
  }

  TrainingStep next_batch(Trainer<float>& trainer) override {
    batch_ = batch_of(model_, data_.train, train_, batches_[next_++], true);
    model_.draw_dropout(batch_, dropout_rng_);
    const Index tokens = batch_.batch.size * batch_.batch.length;
    trained_tokens_ += tokens;
    return {&batch_.batch, model_.training_hooks(batch_, trainer), static_cast<double>(tokens)};
  }

  std::vector<double> validate() override {
    train_seconds_ += seconds_since(epoch_start_);
    train_cpu_seconds_ += thread_cpu_seconds() - epoch_cpu_start_;
    const double val_ce = evaluate_set(model_, data_.validation, validation_, validation_batches_, eval_ws_);
    return {val_ce, val_ce / std::log(2.0)};
  }

  void save_best() override { best_.take(model_); }
  void restore_best() override { best_.restore(model_); }

  // The batches are drawn again at each epoch's start; the batch-norm averages are buffers, not parameters.
  void save_state(RunState& state) const override {
    state.put_rng("data_rng", data_rng_);
    state.put_rng("dropout_rng", dropout_rng_);
    state.put_floats("running_mean", model_.running_mean);
    state.put_floats("running_var", model_.running_var);
    best_.save(state, "best/");
    state.put_integer("trained_tokens", trained_tokens_);
    state.put_real("train_seconds", train_seconds_);
    state.put_real("train_cpu_seconds", train_cpu_seconds_);
  }
  void restore_state(const RunState& state) override {
    state.get_rng("data_rng", data_rng_);
    state.get_rng("dropout_rng", dropout_rng_);
    model_.running_mean = state.floats("running_mean", model_.running_mean.size());
    model_.running_var = state.floats("running_var", model_.running_var.size());
    best_.load(state, "best/", model_);
    trained_tokens_ = state.integer("trained_tokens");
    train_seconds_ = state.real("train_seconds");
    train_cpu_seconds_ = state.real("train_cpu_seconds");
  }

  void test(RunRecord& r) override;

  EncoderHead<float> encoder_head() const { return model_.encoder_head(); }

 private:
  static std::vector<std::vector<std::string>> tokenized(const CaptionSet& set) {
    std::vector<std::vector<std::string>> tokens;
    for (const auto& captions : set.captions)
      for (const auto& c : captions) tokens.push_back(tokenize(c));
    return tokens;
  }
  static CaptionModelConfig model_config(const CaptionRunConfig& task_config, const ExperimentConfig& config,
                                         const CaptionData& data, const Vocabulary& vocabulary, bool frozen_encoder) {
    CaptionModelConfig c = task_config.caption;
    c.decoder = config.model;
    c.frozen_encoder = frozen_encoder;
    c.feature_size = data.train.feature_size();
    c.vocabulary_size = vocabulary.size();
    return c;
  }

  const CaptionRunConfig& config_;
  const CaptionData& data_;
  Vocabulary vocabulary_;
  CaptionModel<float> model_;
  Index batch_size_;
  Rng data_rng_, dropout_rng_;
  std::vector<EncodedCaption> train_, validation_, test_;
  std::vector<std::vector<Index>> validation_batches_, batches_;
  std::size_t next_ = 0;
  CaptionBatch<float> batch_;
  TbpttWorkspace<float> eval_ws_;
  Snapshot best_;
  Clock::time_point epoch_start_;
  double epoch_cpu_start_ = 0.0, train_seconds_ = 0.0, train_cpu_seconds_ = 0.0;
  Index trained_tokens_ = 0;
};

void CaptionRun::test(RunRecord& r) {
  const std::vector<double>& val_bpw = r.curves.at("val_bpw");
  const int best_epoch = static_cast<int>(r.scalars.at("best_epoch"));
  r.scalars["final_train_ce"] = r.curves.at("train_ce").back();
  r.scalars["best_val_bpw"] = val_bpw[static_cast<std::size_t>(best_epoch - 1)];
  r.scalars["train_tokens_per_second"] = train_seconds_ > 0 ? static_cast<double>(trained_tokens_) / train_seconds_ : 0.0;
  r.scalars["train_tokens"] = static_cast<double>(trained_tokens_);
  r.scalars["train_cpu_seconds"] = train_cpu_seconds_;

  // Length bins: images by the mean word count of their references, captions by their own word count.
  const CaptionSet& test_set = data_.test;
  std::vector<double> image_words, caption_words;
  for (const auto& captions : test_set.captions) {
    double sum = 0.0;
    for (const auto& c : captions) {
      caption_words.push_back(static_cast<double>(words_only(tokenize(c)).size()));
      sum += caption_words.back();
    }
    image_words.push_back(sum / static_cast<double>(captions.size()));
  }
  const CaptionLengthBins bins = config_.bins.resolve(image_words);
  std::array<double, 3> ce_by_length{};
  std::array<Index, 3> captions_by_length{};
  const auto test_batches = length_batches(test_, index_range(0, static_cast<Index>(test_.size())), config_.eval_batch_size);
  const double test_ce = evaluate_set(model_, test_set, test_, test_batches, eval_ws_, &bins, &caption_words,
                                      &ce_by_length, &captions_by_length);
  r.scalars["test_ce"] = test_ce;
  r.scalars["test_bpw"] = test_ce / std::log(2.0);

  DecodeWorkspace<float> decode_ws;
  std::vector<GeneratedCaption> generated;
  std::vector<Tokens> candidates;
  std::vector<std::vector<Tokens>> references;
  std::array<std::vector<Tokens>, 3> bin_candidates;
  std::array<std::vector<std::vector<Tokens>>, 3> bin_references;
  Index emitted = 0;
  double decode_seconds = 0.0, decode_cpu_seconds = 0.0;
  for (Index begin = 0; begin < test_set.size(); begin += config_.eval_batch_size) {
    const Index b = std::min(config_.eval_batch_size, test_set.size() - begin);
    const Matrix<float> features = test_set.features.middleCols(begin, b);
    const auto decode_start = Clock::now();
    const double decode_cpu_start = thread_cpu_seconds();
    const auto ids = model_.greedy_decode(features, config_.max_tokens, decode_ws);
    decode_seconds += seconds_since(decode_start);
    decode_cpu_seconds += thread_cpu_seconds() - decode_cpu_start;
    for (Index j = 0; j < b; ++j) {
      const size_t i = static_cast<size_t>(begin + j);
      emitted += static_cast<Index>(ids[static_cast<size_t>(j)].size());
      const Tokens tokens = vocabulary_.decode(ids[static_cast<size_t>(j)]);
      generated.push_back({test_set.image_ids[i], join_tokens(tokens)});
      std::vector<Tokens> refs;
      for (const auto& ref : test_set.captions[i]) refs.push_back(words_only(tokenize(ref)));
      const int bin = bins.bin(image_words[i]);
      candidates.push_back(words_only(tokens));
      references.push_back(refs);
      bin_candidates[static_cast<size_t>(bin)].push_back(candidates.back());
      bin_references[static_cast<size_t>(bin)].push_back(std::move(refs));
    }
  }
  r.scalars["decode_tokens_per_second"] = decode_seconds > 0 ? static_cast<double>(emitted) / decode_seconds : 0.0;
  r.scalars["decode_tokens"] = static_cast<double>(emitted);
  r.scalars["decode_cpu_seconds"] = decode_cpu_seconds;
  const BleuScore bleu = corpus_bleu(candidates, references);
  for (int n = 0; n < 4; ++n) r.scalars["bleu" + std::to_string(n + 1)] = bleu.bleu[static_cast<std::size_t>(n)];
  r.scalars["brevity_penalty"] = bleu.brevity_penalty;
  for (size_t k = 0; k < 3; ++k) {
    const std::string bin = CaptionLengthBins::names[k];
    const BleuScore by_length = corpus_bleu(bin_candidates[k], bin_references[k]);
    for (int n = 0; n < 4; ++n) r.scalars["bleu" + std::to_string(n + 1) + "_" + bin] = by_length.bleu[static_cast<std::size_t>(n)];
    r.scalars["test_bpw_" + bin] = ce_by_length[k] / std::log(2.0);
    r.scalars["test_images_" + bin] = static_cast<double>(bin_candidates[k].size());
    r.scalars["test_captions_" + bin] = static_cast<double>(captions_by_length[k]);
  }
  r.scalars["length_short_below"] = bins.short_below;
  r.scalars["length_long_from"] = bins.long_from;

  std::vector<std::string> texts;
  std::vector<std::int64_t> ids;
  for (const auto& c : generated) {
    texts.push_back(c.caption);
    ids.push_back(c.image_id);
  }
  r.arrays["captions"] = ResultArray::strings(texts);
  r.arrays["caption_image_ids"] = ResultArray::integers(ids);
  r.arrays["vocabulary"] = ResultArray::strings(vocabulary_.words());
  r.side_files.push_back({"captions.json", [generated](const std::string& path, bool overwrite) {
                            write_coco_results(path, generated, overwrite);
                          }});
}

/// The pre-trained encoder of the frozen-pretrained protocol: the caption model trained as the bptt model
/// (no cerebellum, full BPTT: one window per caption) with the encoder learning (batch statistics), on
/// the training split, for encoder_pretrain_epochs epochs from `seed`; its last epoch's projection, batch
/// norm and running averages.
EncoderHead<float> pretrain_encoder(const CaptionRunConfig& task_config, const CaptionData& data,
                                    ExperimentConfig bptt_config, std::uint64_t seed) {
  CaptionRunConfig learning = task_config;
  learning.encoder = CaptionEncoder::trained;
  CaptionRun run(learning, data, bptt_config, seed);
  Trainer<float> trainer(run.model(), bptt_config.trainer);
  trainer.attach_parameters(*run.extra_parameters());
  RunRecorder no_recordings(RecordingConfig{});
  for (int epoch = 1; epoch <= task_config.encoder_pretrain_epochs; ++epoch)
    (void)train_epoch(run, trainer, no_recordings, epoch, seed);
  return run.encoder_head();
}

class CaptionTask final : public Task {
 public:
  CaptionTask(const CaptionRunConfig& config, std::shared_ptr<const CaptionData> data)
      : config_(config), data_(std::move(data)), data_given_(data_ != nullptr) {
    Settings& s = settings_;
    bind_model_settings(s, config_);
    s.add("embedding", &config_.caption.embedding_size, "word-embedding (and projected feature) size");
    s.add("dropout", &config_.caption.dropout, "dropout on the decoder's inputs during training");
    s.add_choice("encoder", &config_.encoder, parse_caption_encoder, [](CaptionEncoder e) { return to_string(e); },
                 "image projection + batch norm: frozen-pretrained (the reference: pre-trained with a full-BPTT "
                 "decoder on the training split, then fixed, batch norm with its running averages, the same for "
                 "every model of a seed) or trained (learns from scratch with batch statistics; docs/algorithm-notes.md)");
    s.add("encoder_pretrain_epochs", &config_.encoder_pretrain_epochs,
          "frozen-pretrained: epochs of the encoder's pre-training");
    s.add("encoder_seed", &config_.encoder_seed,
          "frozen-pretrained: seed of the encoder's pre-training; 0 = each run's seed (the reference shared one "
          "encoder among all its seeds: give one seed for that)");
    bind_training_settings(s, config_, {.step_per_window = false, .bp_lambda = false});  // and no recordings: not bound
    s.section("Data");
    if (!data_given_) {
      CaptionFiles& f = config_.files;
      s.add("train_json", &f.train_json, "COCO captions JSON of the training split (empty: built-in scenes)");
      s.add("train_features", &f.train_features, "feature HDF5 of the training split");
      s.add("val_json", &f.validation_json, "COCO captions JSON of the validation split");
      s.add("val_features", &f.validation_features, "feature HDF5 of the validation split");
      s.add("test_json", &f.test_json, "COCO captions JSON of the test split");
      s.add("test_features", &f.test_features, "feature HDF5 of the test split");
      s.add("skip_missing_features", &config_.load.skip_missing_features,
            "skip (and count) captioned images without features instead of failing");
    }
    s.add("vocab_threshold", &config_.vocabulary_threshold, "words seen at least this often in training captions form the vocabulary");
    if (!data_given_) {
      SceneCaptionConfig& sc = config_.scenes;
      s.add("scene_train", &sc.train_images, "built-in scenes: training images");
      s.add("scene_val", &sc.validation_images, "built-in scenes: validation images");
      s.add("scene_test", &sc.test_images, "built-in scenes: test images");
      s.add("captions_per_image", &sc.captions_per_image, "built-in scenes: captions per image (1-8)");
      s.add("feature_size", &sc.feature_size, "built-in scenes: feature vector width");
      s.add("feature_noise", &sc.feature_noise, "built-in scenes: std of the feature noise");
      s.add("data_seed", &sc.seed, "built-in scenes: the data set's seed (the same for every run)");
    }
    s.add("max_tokens", &config_.max_tokens, "greedy decoding: at most this many tokens per caption");
  }

  std::string name() const override { return "caption"; }
  std::string summary() const override {
    return "Caption generation (Boven et al. 2023): image features -> projection + batch norm (pre-trained and\n"
           "fixed by default, see --encoder) -> an LSTM decoder over word embeddings, trained with windows of T\n"
           "tokens and an optimizer step per window; the ccRNN's cerebellum predicts the gradients beyond each\n"
           "window. Validation bits per word every epoch; the best epoch's model is tested: bits per word, greedy\n"
           "captions and corpus BLEU-1..4 by caption length.\n"
           "Without --train-json the data is ccrnn's built-in procedural scenes (docs/caption-data.md).";
  }
  ExperimentConfig& experiment() override { return config_; }

  void prepare(const std::vector<ModelKind>& models) override {
    validate_experiment(settings_, config_, models);
    if (config_.recording.every > 0)
      throw SettingError("--record-every: recordings need one optimizer step per batch; captioning steps per window");
    require_at_least("embedding", static_cast<double>(config_.caption.embedding_size), 1);
    if (!(config_.caption.dropout >= 0 && config_.caption.dropout < 1)) throw SettingError("--dropout must be in [0, 1)");
    require_at_least("vocab_threshold", static_cast<double>(config_.vocabulary_threshold), 1);
    require_at_least("max_tokens", static_cast<double>(config_.max_tokens), 1);
    require_at_least("eval_batch_size", static_cast<double>(config_.eval_batch_size), 1);
    if (config_.encoder == CaptionEncoder::trained) {
      for (const char* name : {"encoder_pretrain_epochs", "encoder_seed"})
        if (settings_.given(name)) throw SettingError("--" + Settings::dashed(name) + " applies to --encoder frozen-pretrained");
    }
    require_at_least("encoder_pretrain_epochs", config_.encoder_pretrain_epochs, 1);
    require_at_least("encoder_seed", static_cast<double>(config_.encoder_seed), 0);
    if (!data_given_) load();
  }

  ExperimentConfig run_config(std::optional<ModelKind> kind) const override {
    // bptt: a window longer than any caption.
    ExperimentConfig c = kind ? for_model(config_, *kind, Index{1} << 20) : static_cast<const ExperimentConfig&>(config_);
    c.trainer.tbptt.loss = LossKind::cross_entropy;
    c.trainer.tbptt.input_grads = true;
    c.trainer.step_per_window = true;
    return c;
  }

  std::unique_ptr<TaskRun> start(const ExperimentConfig& config, std::uint64_t seed) const override {
    if (!data_) throw std::logic_error("caption: prepare() has not loaded the data");
    const CaptionData& d = *data_;
    if (config_.eval_batch_size < 1) throw std::invalid_argument("captioning: batch sizes must be >= 1");
    if (d.train.size() < 1 || d.validation.size() < 1 || d.test.size() < 1)
      throw std::invalid_argument("captioning: every split needs at least one image");
    const Index width = d.train.feature_size();
    if (d.validation.feature_size() != width || d.test.feature_size() != width)
      throw std::invalid_argument("captioning: the splits' feature widths differ");
    if (config_.encoder == CaptionEncoder::trained) return std::make_unique<CaptionRun>(config_, d, config, seed);
    return std::make_unique<CaptionRun>(config_, d, config, seed, pretrained_encoder(seed));
  }

  std::string train_curve() const override { return "train_ce"; }
  std::vector<std::string> validation_curves() const override { return {"val_ce", "val_bpw"}; }
  std::string selection_curve() const override { return "val_ce"; }
  std::vector<std::string> side_file_suffixes() const override { return {"captions.json"}; }

  void write_task_data(io::Group& root) const override {
    std::vector<std::vector<std::string>> tokens;
    for (const auto& captions : data_->train.captions)
      for (const auto& c : captions) tokens.push_back(tokenize(c));
    Vocabulary::build(tokens, config_.vocabulary_threshold).save(root.create_group("vocabulary"));
    root.set_attr("train_images", static_cast<std::int64_t>(data_->train.size()));
    root.set_attr("validation_images", static_cast<std::int64_t>(data_->validation.size()));
    root.set_attr("test_images", static_cast<std::int64_t>(data_->test.size()));
    root.set_attr("data_source", data_given_ ? "given" : config_.files.empty() ? "built-in scenes" : "coco:" + config_.files.train_json);
  }

  std::string data_fingerprint() const override {
    Fingerprint f;
    for (const CaptionSet* set : {&data_->train, &data_->validation, &data_->test}) {
      f.add(set->image_ids);
      f.add(static_cast<std::int64_t>(set->features.rows()));
      f.add_bytes(set->features.data(), static_cast<std::size_t>(set->features.size()) * sizeof(float));
      for (const auto& captions : set->captions) f.add(captions);
    }
    return f.hex();
  }

  std::string default_seeds() const override { return "3"; }
  std::string primary_scalar() const override { return "test_bpw"; }
  std::vector<SummaryColumn> summary_columns() const override {
    return {{"best_val_bpw", "best val bits/word"}, {"test_bpw", "test bits/word"}, {"bleu4", "BLEU-4"},
            {"bleu4_long", "BLEU-4 long"}};
  }
  std::string describe_run(const RunRecord& r) const override {
    char line[200];
    std::snprintf(line, sizeof line, "%s seed %llu: test %.4f bits/word, BLEU-4 %.3f (%.1f s)", r.model.c_str(),
                  static_cast<unsigned long long>(r.seed), r.scalars.at("test_bpw"), r.scalars.at("bleu4"), r.seconds);
    return line;
  }

 private:
  void load() {
    const bool built_in = config_.files.empty();
    const SceneCaptionConfig& sc = config_.scenes;
    if (built_in) {
      for (const char* name : {"train_features", "val_json", "val_features", "test_json", "test_features", "skip_missing_features"})
        if (settings_.given(name)) throw SettingError("--" + Settings::dashed(name) + " needs --train-json (the COCO-format data)");
      require_at_least("scene_train", static_cast<double>(sc.train_images), 1);
      require_at_least("scene_val", static_cast<double>(sc.validation_images), 1);
      require_at_least("scene_test", static_cast<double>(sc.test_images), 1);
      require_at_least("captions_per_image", static_cast<double>(sc.captions_per_image), 1);
      if (sc.captions_per_image > 8) throw SettingError("--captions-per-image must be <= 8");
      require_at_least("feature_size", static_cast<double>(sc.feature_size), 1);
      require_at_least("feature_noise", sc.feature_noise, 0);
      require_at_least("data_seed", static_cast<double>(sc.seed), 1);
    } else {
      for (const char* name : {"scene_train", "scene_val", "scene_test", "captions_per_image", "feature_size", "feature_noise", "data_seed"})
        if (settings_.given(name))
          throw SettingError("--" + Settings::dashed(name) + " applies to the built-in scenes, but --train-json is given");
      const CaptionFiles& f = config_.files;
      if (f.train_features.empty() || f.validation_json.empty() || f.validation_features.empty() || f.test_json.empty() ||
          f.test_features.empty())
        throw SettingError("COCO-format data needs all six files: --train-json/--train-features, --val-json/--val-features, "
                           "--test-json/--test-features");
    }
    const CaptionFiles& f = config_.files;
    const std::string key =
        built_in ? "scenes " + std::to_string(sc.seed) + " " + std::to_string(sc.train_images) + " " +
                       std::to_string(sc.validation_images) + " " + std::to_string(sc.test_images) + " " +
                       std::to_string(sc.captions_per_image) + " " + std::to_string(sc.max_objects) + " " +
                       std::to_string(sc.feature_size) + " " + std::to_string(sc.feature_noise)
                 : "coco " + f.train_json + "|" + f.train_features + "|" + f.validation_json + "|" + f.validation_features +
                       "|" + f.test_json + "|" + f.test_features + "|" + std::to_string(config_.load.skip_missing_features);
    data_ = shared_data<CaptionData>(key, [&] {
      std::array<CaptionLoadReport, 3> reports;
      CaptionData data = load_caption_data(config_, &reports);
      if (!built_in) {
        const char* names[] = {"train", "validation", "test"};
        for (int i = 0; i < 3; ++i)
          std::fprintf(stderr, "caption data, %s: %s\n", names[i], reports[static_cast<std::size_t>(i)].summary().c_str());
      }
      return data;
    });
  }

  /// The frozen-pretrained encoder of a run's seed: pre-trained once per pre-training seed and settings
  /// (runs of other models of the seed, in parallel or later, wait for or reuse it).
  std::shared_ptr<const EncoderHead<float>> pretrained_encoder(std::uint64_t run_seed) const {
    const std::uint64_t seed = config_.encoder_seed > 0 ? static_cast<std::uint64_t>(config_.encoder_seed) : run_seed;
    std::string key = std::to_string(seed);
    for (const Setting& setting : settings_.all()) key += "|" + setting.name + "=" + setting.get();
    std::shared_ptr<EncoderSlot> slot;
    {
      std::lock_guard<std::mutex> lock(encoders_mutex_);
      auto& held = encoders_[key];
      if (!held) held = std::make_shared<EncoderSlot>();
      slot = held;
    }
    std::call_once(slot->once, [&] {
      slot->head = std::make_shared<const EncoderHead<float>>(
          pretrain_encoder(config_, *data_, run_config(ModelKind::bptt), seed));
    });
    return slot->head;
  }

  struct EncoderSlot {
    std::once_flag once;
    std::shared_ptr<const EncoderHead<float>> head;
  };

  CaptionRunConfig config_;
  std::shared_ptr<const CaptionData> data_;
  bool data_given_;
  mutable std::mutex encoders_mutex_;
  mutable std::map<std::string, std::shared_ptr<EncoderSlot>> encoders_;
};

}  // namespace

std::unique_ptr<Task> make_caption_task(const CaptionRunConfig& config, std::shared_ptr<const CaptionData> data) {
  return std::make_unique<CaptionTask>(config, std::move(data));
}

}  // namespace ccrnn::tasks
