// One caption-generation run (caption/run.hpp).
#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/train/cross_entropy.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
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

TrainerConfig caption_trainer_defaults() {
  TrainerConfig c;
  c.truncation = 4;
  c.sg_scale = 0.1;
  c.loss = LossKind::cross_entropy;
  c.optimizer.kind = OptimizerKind::adam;
  c.optimizer.lr = 1e-3;
  c.optimizer.beta1 = 0.9;
  c.optimizer.beta2 = 0.999;
  c.optimizer.eps = 1e-8;
  c.clip = 0.0;
  c.step_per_window = true;
  c.input_grads = true;
  c.vectorised_cross_entropy = true;
  return c;
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

template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[static_cast<size_t>(rng.uniform_int(0, static_cast<std::int64_t>(i) - 1))]);
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

std::vector<Index> iota_indices(size_t n) {
  std::vector<Index> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<Index>(i);
  return v;
}

struct Snapshot {
  Vector<float> decoder, encoder, running_mean, running_var;
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

CaptionRunResult run_captioning(const CaptionRunConfig& config, std::uint64_t seed, const CaptionEpochCallback& on_epoch) {
  return run_captioning(load_caption_data(config), config, seed, on_epoch);
}

CaptionRunResult run_captioning(const CaptionData& data, const CaptionRunConfig& config, std::uint64_t seed,
                                const CaptionEpochCallback& on_epoch) {
  if (config.epochs < 1) throw std::invalid_argument("captioning: epochs must be >= 1");
  if (config.batch_size < 1 || config.eval_batch_size < 1) throw std::invalid_argument("captioning: batch sizes must be >= 1");
  if (data.train.size() < 1 || data.validation.size() < 1 || data.test.size() < 1)
    throw std::invalid_argument("captioning: every split needs at least one image");
  const Index width = data.train.feature_size();
  if (data.validation.feature_size() != width || data.test.feature_size() != width)
    throw std::invalid_argument("captioning: the splits' feature widths differ");
  const auto start = Clock::now();

  CaptionRunResult result;
  result.seed = seed;
  std::vector<std::vector<std::string>> train_tokens;
  for (const auto& captions : data.train.captions)
    for (const auto& c : captions) train_tokens.push_back(tokenize(c));
  result.vocabulary = Vocabulary::build(train_tokens, config.vocabulary_threshold);
  const Vocabulary& vocabulary = result.vocabulary;

  CaptionModelConfig model_config = config.model;
  model_config.feature_size = width;
  model_config.vocabulary_size = vocabulary.size();
  CaptionModel<float> model(model_config);
  model.initialise(seed);
  TrainerConfig trainer_config = config.trainer;
  trainer_config.loss = LossKind::cross_entropy;
  trainer_config.step_per_window = true;
  trainer_config.input_grads = true;
  Trainer<float> trainer(model.decoder, trainer_config);
  trainer.attach_parameters(model.encoder);

  const std::vector<EncodedCaption> train = encode_captions(data.train, vocabulary);
  const std::vector<EncodedCaption> validation = encode_captions(data.validation, vocabulary);
  const std::vector<EncodedCaption> test = encode_captions(data.test, vocabulary);
  const auto validation_batches = length_batches(validation, iota_indices(validation.size()), config.eval_batch_size);
  const auto test_batches = length_batches(test, iota_indices(test.size()), config.eval_batch_size);
  result.train_captions = static_cast<Index>(train.size());
  for (const auto& c : train) result.train_tokens_per_epoch += static_cast<Index>(c.ids.size()) + 2;

  Rng data_rng(seed, Stream::data), dropout_rng(seed, Stream::noise);
  TbpttWorkspace<float> eval_ws;
  Snapshot best;
  double best_ce = 0.0, train_seconds = 0.0;
  Index trained_tokens = 0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    trainer.set_epoch(epoch);
    const auto epoch_start = Clock::now();
    const double epoch_cpu_start = thread_cpu_seconds();
    std::vector<Index> order = iota_indices(train.size());
    shuffle(order, data_rng);
    auto batches = length_batches(train, order, config.batch_size);
    shuffle(batches, data_rng);
    double ce_sum = 0.0;
    Index tokens = 0;
    for (const auto& members : batches) {
      check_interrupt();
      CaptionBatch<float> cb = batch_of(model, data.train, train, members, true);
      model.draw_dropout(cb, dropout_rng);
      const BatchStats stats = trainer.train_batch_with_hooks(cb.batch, model.training_hooks(cb, trainer));
      if (!std::isfinite(stats.training_error))
        throw DivergenceError("captioning: seed " + std::to_string(seed) + " diverged at epoch " + std::to_string(epoch) +
                              " (training cross-entropy " + std::to_string(stats.training_error) + "); try a smaller lr");
      const Index n = cb.batch.size * cb.batch.length;
      ce_sum += stats.training_error * static_cast<double>(n);
      tokens += n;
    }
    train_seconds += seconds_since(epoch_start);
    result.train_cpu_seconds += thread_cpu_seconds() - epoch_cpu_start;
    trained_tokens += tokens;
    const double train_ce = ce_sum / static_cast<double>(tokens);
    const double val_ce = evaluate_set(model, data.validation, validation, validation_batches, eval_ws);
    if (!std::isfinite(val_ce))
      throw DivergenceError("captioning: seed " + std::to_string(seed) + " diverged at epoch " + std::to_string(epoch) +
                            " (validation cross-entropy " + std::to_string(val_ce) + "); try a smaller lr");
    result.train_ce.push_back(train_ce);
    result.val_ce.push_back(val_ce);
    result.val_bpw.push_back(val_ce / std::log(2.0));
    if (epoch == 1 || val_ce < best_ce) {
      best_ce = val_ce;
      result.best_epoch = epoch;
      best.take(model);
    }
    if (on_epoch && !on_epoch(epoch, train_ce, val_ce, val_ce / std::log(2.0))) break;
  }
  result.train_tokens_per_second = train_seconds > 0 ? static_cast<double>(trained_tokens) / train_seconds : 0.0;
  result.train_tokens = trained_tokens;

  // Test metrics with the best checkpoint. Length bins: images by the mean word count of their
  // references, captions by their own word count.
  best.restore(model);
  const CaptionSet& test_set = data.test;
  std::vector<double> image_words, caption_words;
  for (const auto& captions : test_set.captions) {
    double sum = 0.0;
    for (const auto& c : captions) {
      caption_words.push_back(static_cast<double>(words_only(tokenize(c)).size()));
      sum += caption_words.back();
    }
    image_words.push_back(sum / static_cast<double>(captions.size()));
  }
  const CaptionLengthBins bins = config.bins.resolve(image_words);
  result.length_thresholds = bins;
  result.test_ce = evaluate_set(model, data.test, test, test_batches, eval_ws, &bins, &caption_words,
                                &result.test_ce_by_length, &result.test_captions_by_length);
  result.test_bpw = result.test_ce / std::log(2.0);

  DecodeWorkspace<float> decode_ws;
  std::vector<Tokens> candidates;
  std::vector<std::vector<Tokens>> references;
  std::array<std::vector<Tokens>, 3> bin_candidates;
  std::array<std::vector<std::vector<Tokens>>, 3> bin_references;
  Index emitted = 0;
  double decode_seconds = 0.0;
  for (Index begin = 0; begin < test_set.size(); begin += config.eval_batch_size) {
    const Index b = std::min(config.eval_batch_size, test_set.size() - begin);
    const Matrix<float> features = test_set.features.middleCols(begin, b);
    const auto decode_start = Clock::now();
    const double decode_cpu_start = thread_cpu_seconds();
    const auto ids = model.greedy_decode(features, config.max_tokens, decode_ws);
    decode_seconds += seconds_since(decode_start);
    result.decode_cpu_seconds += thread_cpu_seconds() - decode_cpu_start;
    for (Index j = 0; j < b; ++j) {
      const size_t i = static_cast<size_t>(begin + j);
      emitted += static_cast<Index>(ids[static_cast<size_t>(j)].size());
      const Tokens tokens = vocabulary.decode(ids[static_cast<size_t>(j)]);
      result.captions.push_back({test_set.image_ids[i], join_tokens(tokens)});
      std::vector<Tokens> refs;
      for (const auto& r : test_set.captions[i]) refs.push_back(words_only(tokenize(r)));
      const int bin = bins.bin(image_words[i]);
      candidates.push_back(words_only(tokens));
      references.push_back(refs);
      bin_candidates[static_cast<size_t>(bin)].push_back(candidates.back());
      bin_references[static_cast<size_t>(bin)].push_back(std::move(refs));
    }
  }
  result.decode_tokens_per_second = decode_seconds > 0 ? static_cast<double>(emitted) / decode_seconds : 0.0;
  result.decode_tokens = emitted;
  result.bleu = corpus_bleu(candidates, references);
  for (size_t k = 0; k < 3; ++k) {
    result.images_by_length[k] = static_cast<Index>(bin_candidates[k].size());
    result.bleu_by_length[k] = corpus_bleu(bin_candidates[k], bin_references[k]);
  }
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace ccrnn::tasks
