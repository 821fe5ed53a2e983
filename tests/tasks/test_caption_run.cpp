// Complete caption-generation runs (caption/run.hpp) on small built-in data: the validation loss falls,
// the result is complete and deterministic, the same run from exported COCO files is identical, and the
// length bins.
#include <catch2/catch.hpp>

#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/run_loop.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tasks/caption_test_support.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

CaptionRunConfig small_run(bool cerebellum) {
  CaptionRunConfig c;
  c.scenes.train_images = 300;
  c.scenes.validation_images = 40;
  c.scenes.test_images = 40;
  c.scenes.feature_size = 32;
  c.caption.embedding_size = 24;
  c.model.hidden_size = 24;
  c.model.cerebellum = cerebellum;
  c.model.cerebellar.hidden_size = 32;
  c.batch_size = 50;
  c.epochs = 3;
  c.trainer.optimizer.lr = 3e-3;
  return c;
}

/// One run of the configuration as set on already loaded data (as run_captioning(data, config, ...) did).
RunRecord run_captioning(const CaptionData& data, const CaptionRunConfig& config, std::uint64_t seed,
                         const EpochCallback& on_epoch = {}) {
  const auto task = make_caption_task(config, std::make_shared<const CaptionData>(data));
  task->prepare({});
  return run_task(*task, std::nullopt, seed, on_epoch);
}

/// The task loads its data itself (as run_captioning(config, ...) did).
RunRecord run_captioning(const CaptionRunConfig& config, std::uint64_t seed) {
  const auto task = make_caption_task(config);
  task->prepare({});
  return run_task(*task, std::nullopt, seed);
}

/// The vocabulary a run builds from the training captions.
Vocabulary vocabulary_of(const CaptionData& data, const CaptionRunConfig& config) {
  std::vector<std::vector<std::string>> tokens;
  for (const auto& captions : data.train.captions)
    for (const auto& c : captions) tokens.push_back(tokenize(c));
  return Vocabulary::build(tokens, config.vocabulary_threshold);
}

const std::vector<std::string>& captions_of(const RunRecord& r) {
  return std::get<std::vector<std::string>>(r.arrays.at("captions").values);
}

}  // namespace

TEST_CASE("caption length bins: fixed thresholds and terciles", "[caption]") {
  CaptionLengthBins fixed;
  fixed.short_below = 9;
  fixed.long_from = 12;
  CHECK(fixed.bin(8.9) == 0);
  CHECK(fixed.bin(9.0) == 1);
  CHECK(fixed.bin(11.99) == 1);
  CHECK(fixed.bin(12.0) == 2);
  CHECK(fixed.resolve({1, 2, 3}).short_below == 9);
  const CaptionLengthBins auto_bins;
  CHECK(auto_bins.automatic());
  const CaptionLengthBins t = auto_bins.resolve({9, 3, 8, 1, 7, 2, 6, 4, 5});  // sorted 1..9: m[3] = 4, m[6] = 7
  CHECK(t.short_below == 4.0);
  CHECK(t.long_from == 7.0);
  CHECK_THROWS_AS(auto_bins.resolve({}), std::invalid_argument);
  fixed.long_from = 5;
  CHECK_THROWS_AS(fixed.resolve({1.0}), std::invalid_argument);
}

TEST_CASE("caption run: a short cRNN run lowers the validation loss and reports everything", "[caption]") {
  const CaptionRunConfig config = small_run(false);
  const CaptionData data = load_caption_data(config);
  const Vocabulary vocabulary = vocabulary_of(data, config);
  std::vector<int> epochs_seen;
  const RunRecord r = run_captioning(data, config, 3, [&](const EpochReport& report) {
    epochs_seen.push_back(report.epoch);
    CHECK(std::isfinite(report.train));
    REQUIRE(report.validation.size() == 2);  // val_ce, val_bpw
    CHECK(report.validation[1] == Approx(report.validation[0] / std::log(2.0)));
    return true;
  });
  CHECK(epochs_seen == std::vector<int>{1, 2, 3});
  const auto& val_ce = r.curves.at("val_ce");
  const auto& train_ce = r.curves.at("train_ce");
  const auto& val_bpw = r.curves.at("val_bpw");
  REQUIRE(val_ce.size() == 3);
  REQUIRE(train_ce.size() == 3);
  REQUIRE(val_bpw.size() == 3);
  INFO("validation CE per epoch: " << val_ce[0] << ", " << val_ce[1] << ", " << val_ce[2]);
  CHECK(val_ce.back() < 0.85 * val_ce.front());
  CHECK(train_ce.back() < train_ce.front());
  CHECK(val_ce.back() < std::log(static_cast<double>(vocabulary.size())));  // better than uniform
  CHECK(val_bpw[1] == Approx(val_ce[1] / std::log(2.0)));
  const double best_epoch = r.scalars.at("best_epoch");
  CHECK(best_epoch >= 1);
  CHECK(best_epoch <= 3);
  CHECK(val_ce[static_cast<size_t>(best_epoch - 1)] == Approx(*std::min_element(val_ce.begin(), val_ce.end())));
  const double test_ce = r.scalars.at("test_ce");
  CHECK(std::isfinite(test_ce));
  CHECK(r.scalars.at("test_bpw") == Approx(test_ce / std::log(2.0)));
  CHECK(test_ce < std::log(static_cast<double>(vocabulary.size())));

  const auto& captions = captions_of(r);
  const auto& image_ids = std::get<std::vector<std::int64_t>>(r.arrays.at("caption_image_ids").values);
  REQUIRE(captions.size() == 40);
  REQUIRE(image_ids.size() == 40);
  for (size_t i = 0; i < captions.size(); ++i) {
    CHECK(image_ids[i] == data.test.image_ids[i]);
    CHECK(tokenize(captions[i]).size() <= 20);
  }
  CHECK(r.scalars.at("test_images_short") + r.scalars.at("test_images_medium") + r.scalars.at("test_images_long") == 40);
  CHECK(r.scalars.at("test_captions_short") + r.scalars.at("test_captions_medium") + r.scalars.at("test_captions_long") ==
        200);
  CHECK(r.scalars.at("length_short_below") > 0);
  CHECK(r.scalars.at("length_long_from") >= r.scalars.at("length_short_below"));
  for (int n = 1; n <= 4; ++n) {
    const double b = r.scalars.at("bleu" + std::to_string(n));
    CHECK(b >= 0.0);
    CHECK(b <= 1.0);
  }
  CHECK(r.scalars.at("bleu1") > 0.2);  // even a weak model gets the frequent words right
  // The BLEU scalars are the corpus BLEU of the 40 recorded captions against the test references.
  std::vector<Tokens> candidates;
  std::vector<std::vector<Tokens>> references;
  for (size_t i = 0; i < captions.size(); ++i) {
    candidates.push_back(words_only(tokenize(captions[i])));
    std::vector<Tokens> refs;
    for (const auto& ref : data.test.captions[i]) refs.push_back(words_only(tokenize(ref)));
    references.push_back(refs);
  }
  const BleuScore bleu = corpus_bleu(candidates, references);
  CHECK(bleu.sentences == 40);
  for (int n = 0; n < 4; ++n) CHECK(r.scalars.at("bleu" + std::to_string(n + 1)) == bleu.bleu[static_cast<size_t>(n)]);
  CHECK(r.scalars.at("brevity_penalty") == bleu.brevity_penalty);
  Index train_captions = 0, train_tokens_per_epoch = 0;  // L = n + 2 target tokens per caption
  for (const auto& image : data.train.captions)
    for (const auto& c : image) {
      ++train_captions;
      train_tokens_per_epoch += static_cast<Index>(vocabulary.encode(tokenize(c)).size()) + 2;
    }
  CHECK(train_captions == 1500);
  CHECK(vocabulary.size() > 30);
  CHECK(vocabulary.size() < 80);
  CHECK(r.scalars.at("train_tokens_per_second") > 0);
  CHECK(r.scalars.at("train_tokens") == 3 * train_tokens_per_epoch);
  CHECK(r.scalars.at("train_cpu_seconds") > 0);
  CHECK(r.scalars.at("decode_cpu_seconds") > 0);
  Index emitted = 0;
  for (const auto& c : captions)  // tokens joined by single spaces
    if (!c.empty()) emitted += 1 + static_cast<Index>(std::count(c.begin(), c.end(), ' '));
  CHECK(r.scalars.at("decode_tokens") >= emitted);  // plus the <end> tokens
  CHECK(r.scalars.at("decode_tokens") <= emitted + 40);
  CHECK(r.scalars.at("decode_tokens_per_second") > 0);
  CHECK(r.seconds > 0);
}

TEST_CASE("caption run: deterministic by seed, and the same from exported COCO files (ccRNN)", "[caption]") {
  CaptionRunConfig config = small_run(true);
  config.epochs = 1;
  config.scenes.train_images = 100;
  const CaptionData data = load_caption_data(config);
  const RunRecord a = run_captioning(data, config, 5);
  const RunRecord b = run_captioning(data, config, 5);
  CHECK(a.curves.at("val_ce") == b.curves.at("val_ce"));  // bitwise
  CHECK(a.curves.at("train_ce") == b.curves.at("train_ce"));
  const RunRecord c = run_captioning(data, config, 6);
  CHECK(c.curves.at("val_ce") != a.curves.at("val_ce"));

  caption_test::ScratchDir dir;
  CaptionRunConfig from_files = config;
  from_files.files = {dir.file("train.json"), dir.file("train.h5"), dir.file("val.json"), dir.file("val.h5"),
                      dir.file("test.json"), dir.file("test.h5")};
  export_coco_split(data.train, from_files.files.train_json, from_files.files.train_features);
  export_coco_split(data.validation, from_files.files.validation_json, from_files.files.validation_features);
  export_coco_split(data.test, from_files.files.test_json, from_files.files.test_features);
  std::array<CaptionLoadReport, 3> reports;
  const CaptionData loaded = load_caption_data(from_files, &reports);
  CHECK(reports[0].captions_loaded == 500);
  CHECK(reports[2].images_loaded == 40);
  const RunRecord f = run_captioning(from_files, 5);
  CHECK(f.curves.at("val_ce") == a.curves.at("val_ce"));
  CHECK(f.scalars.at("test_ce") == a.scalars.at("test_ce"));
  REQUIRE(captions_of(f).size() == captions_of(a).size());
  for (size_t i = 0; i < captions_of(f).size(); ++i) CHECK(captions_of(f)[i] == captions_of(a)[i]);

  from_files.files.test_features = dir.file("missing.h5");
  CHECK_THROWS_AS(load_caption_data(from_files), CaptionDataError);
  from_files.files.test_features.clear();
  CHECK_THROWS_AS(load_caption_data(from_files), std::invalid_argument);
}

TEST_CASE("caption run: a diverging run raises DivergenceError", "[caption]") {
  CaptionRunConfig config = small_run(false);
  config.epochs = 1;
  config.scenes.train_images = 60;
  config.trainer.optimizer.lr = 1e38;  // weights overflow to inf within a few steps
  CHECK_THROWS_AS(run_captioning(config, 1), DivergenceError);
}
