#pragma once
// Caption generation as a plug-in (task name "caption"): training with an optimizer step per window,
// validation cross-entropy and bits per word every epoch, the best epoch's model (lowest validation CE)
// tested: test CE / bits per word, greedy captions of every test image, corpus BLEU-1..4 overall and by
// caption length. Definitions: docs/caption-data.md.
#include <ccrnn/tasks/caption/bleu.hpp>
#include <ccrnn/tasks/caption/data.hpp>
#include <ccrnn/tasks/caption/model.hpp>
#include <ccrnn/tasks/caption/scenes.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>
#include <ccrnn/tasks/task.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
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
/// images on any data set; the thresholds used are reported as the scalars length_short_below and length_long_from.
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

/// How a run gets its image encoder (projection + batch norm; the word embedding always learns with the decoder).
/// frozen_pretrained (the reference's protocol, our reading in docs/algorithm-notes.md): before the run, the
/// encoder is trained jointly with a full-BPTT decoder (the bptt model: no cerebellum, T = the caption) on
/// the training split for encoder_pretrain_epochs epochs from encoder_seed (0: the run's own seed); its
/// projection, batch norm and running averages are then fixed for the run (CaptionModelConfig::frozen_encoder),
/// the same for every model of that seed. trained: the encoder starts from the seed and learns with the
/// decoder, batch statistics in training, the truncated and synthetic gradients reaching it (ccrnn's earlier
/// protocol).
enum class CaptionEncoder { frozen_pretrained, trained };
/// "frozen-pretrained" or "trained"; throws std::invalid_argument otherwise.
CaptionEncoder parse_caption_encoder(const std::string& name);
const char* to_string(CaptionEncoder encoder);

struct CaptionRunConfig : ExperimentConfig {
  /// The papers' settings (ALGORITHM.md section 5): the decoder (`model`) an LSTM of N = 256 units with a
  /// cerebellum of 2 x 1024 granule units; T = 4, Adam(0.9, 0.999) eps 1e-8, lr 1e-3, no clipping, 10
  /// epochs of batches of 100 captions; an optimizer step per window, cross-entropy (vectorised: the
  /// vocabulary is large) and input gradients (the encoder learns) are forced by the task.
  CaptionRunConfig();
  SceneCaptionConfig scenes;      // the built-in data (when files is empty)
  CaptionFiles files;             // COCO-format data
  CaptionLoadOptions load;        // for the files (feature_size is taken from the training features)
  std::int64_t vocabulary_threshold = 4;
  CaptionModelConfig caption;     // embedding, dropout, batch norm; feature_size and vocabulary_size come
                                  // from the data and the decoder is `model` (values given there are ignored)
  Index eval_batch_size = 100;    // captions (validation, test CE) and images (decoding) per batch
  Index max_tokens = 20;          // greedy decoding: at most this many tokens per caption
  CaptionLengthBins bins;
  CaptionEncoder encoder = CaptionEncoder::frozen_pretrained;
  int encoder_pretrain_epochs = 5;  // the reference's encoder-5-3000: 5 epochs of its pre-training script
  std::int64_t encoder_seed = 0;    // seed of the pre-training; 0 = each run's seed
};

/// The data of a run: the built-in scenes or the files (reports of the three loads in *reports, if given).
CaptionData load_caption_data(const CaptionRunConfig& config, std::array<CaptionLoadReport, 3>* reports = nullptr);

/// The task with this configuration (task name "caption"). With `data`, runs use it (prepare loads
/// nothing). A run's record: curves train_ce, val_ce, val_bpw; the best epoch's model (lowest val_ce) is
/// tested: test bits per word, greedy captions and corpus BLEU by caption length.
std::unique_ptr<Task> make_caption_task(const CaptionRunConfig& config = {}, std::shared_ptr<const CaptionData> data = nullptr);

}  // namespace ccrnn::tasks
