#pragma once
// One complete caption-generation run (one model, one seed): training with an optimizer step per window,
// validation cross-entropy and bits per word every epoch, the best checkpoint (lowest validation CE)
// restored for the test metrics: test CE / bits per word, greedy captions of every test image, corpus
// BLEU-1..4 overall and by caption length. Definitions: docs/caption-data.md.
#include <ccrnn/tasks/caption/bleu.hpp>
#include <ccrnn/tasks/caption/data.hpp>
#include <ccrnn/tasks/caption/model.hpp>
#include <ccrnn/tasks/caption/scenes.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>
#include <ccrnn/tasks/line_drawing_run.hpp>  // DivergenceError

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ccrnn::tasks {

/// The three COCO-format splits (caption JSON + feature HDF5 each). Empty train_json: built-in scenes.
struct CaptionFiles {
  std::string train_json, train_features;
  std::string validation_json, validation_features;
  std::string test_json, test_features;
  bool empty() const { return train_json.empty(); }
};

/// Length bins by reference length in words (punctuation excluded). A test image's length is the mean
/// word count of its reference captions (BLEU by length); a test caption's length is its own word count
/// (cross-entropy by length). short: length < short_below; long: length >= long_from; else medium.
/// With both thresholds 0 (the default) they are the terciles of the test images' lengths: with the
/// image lengths sorted, m[n/3] and m[2n/3] (integer division), so each bin holds about a third of the
/// images on any data set; the thresholds used are reported in CaptionRunResult::length_thresholds.
struct CaptionLengthBins {
  double short_below = 0.0;
  double long_from = 0.0;
  static constexpr std::array<const char*, 3> names = {"short", "medium", "long"};
  bool automatic() const { return short_below == 0.0 && long_from == 0.0; }
  /// The terciles of these image lengths as described above (automatic bins), else *this.
  CaptionLengthBins resolve(std::vector<double> image_lengths) const;
  /// 0 short, 1 medium, 2 long.
  int bin(double length) const;
};

/// The papers' captioning settings (ALGORITHM.md section 5): T = 4, Adam(0.9, 0.999) eps 1e-8, lr 1e-3,
/// no clipping, an optimizer step per window, cross-entropy (vectorised: the vocabulary is large), input
/// gradients on (the encoder learns).
TrainerConfig caption_trainer_defaults();

struct CaptionRunConfig {
  SceneCaptionConfig scenes;      // the built-in data (when files is empty)
  CaptionFiles files;             // COCO-format data
  CaptionLoadOptions load;        // for the files (feature_size is taken from the training features)
  std::int64_t vocabulary_threshold = 4;
  CaptionModelConfig model;       // feature_size and vocabulary_size come from the data
  TrainerConfig trainer = caption_trainer_defaults();  // loss, step_per_window and input_grads are forced
  int epochs = 10;
  Index batch_size = 100;         // captions per training batch (all of one length)
  Index eval_batch_size = 100;    // captions (validation, test CE) and images (decoding) per batch
  Index max_tokens = 20;          // greedy decoding: at most this many tokens per caption
  CaptionLengthBins bins;
};

struct CaptionRunResult {
  std::uint64_t seed = 0;
  std::vector<double> train_ce;   // per epoch: token-weighted mean training cross-entropy (nats), computed
                                  // window by window during training (dropout on)
  std::vector<double> val_ce;     // per epoch: validation cross-entropy per token (nats), no dropout, no truncation
  std::vector<double> val_bpw;    // per epoch: val_ce / ln 2
  int best_epoch = 0;             // 1-based epoch with the lowest val_ce: its parameters give the test metrics
  double test_ce = 0.0, test_bpw = 0.0;
  BleuScore bleu;                          // greedy captions of the test images vs their references
  std::array<BleuScore, 3> bleu_by_length; // CaptionLengthBins order (short, medium, long)
  std::array<Index, 3> images_by_length{};
  CaptionLengthBins length_thresholds;     // the bins used (terciles resolved)
  std::array<double, 3> test_ce_by_length{};   // per-token test cross-entropy of the captions of each bin
  std::array<Index, 3> test_captions_by_length{};
  std::vector<GeneratedCaption> captions;  // one per test image, test-set order
  Vocabulary vocabulary;
  Index train_captions = 0, train_tokens_per_epoch = 0;
  double train_tokens_per_second = 0.0;    // target tokens of training batches / training wall time
  double decode_tokens_per_second = 0.0;   // tokens emitted by greedy decoding (<end> included) / its wall time
  Index train_tokens = 0, decode_tokens = 0;       // the token counts of those rates
  double train_cpu_seconds = 0.0, decode_cpu_seconds = 0.0;  // CPU time of this thread in the same spans
                                                              // (rates that a busy machine disturbs less)
  double seconds = 0.0;
};

/// Called after every epoch with (epoch, train_ce, val_ce, val_bpw); returns true to go on, false to stop
/// training there (the best checkpoint so far is then tested as usual).
using CaptionEpochCallback = std::function<bool(int, double, double, double)>;

/// The data of a run: the built-in scenes or the files (reports of the three loads in *reports, if given).
CaptionData load_caption_data(const CaptionRunConfig& config, std::array<CaptionLoadReport, 3>* reports = nullptr);

/// Runs training for one seed in float on already loaded data. Deterministic: depends only on data,
/// config and seed (initial weights, batch order and dropout masks come from the seed's streams).
/// Throws DivergenceError on a non-finite loss.
CaptionRunResult run_captioning(const CaptionData& data, const CaptionRunConfig& config, std::uint64_t seed,
                                const CaptionEpochCallback& on_epoch = {});
/// load_caption_data, then the above.
CaptionRunResult run_captioning(const CaptionRunConfig& config, std::uint64_t seed,
                                const CaptionEpochCallback& on_epoch = {});

}  // namespace ccrnn::tasks
