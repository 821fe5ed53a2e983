// Complete caption-generation runs (caption/run.hpp) on small built-in data: the validation loss falls,
// the result is complete and deterministic, the same run from exported COCO files is identical, and the
// length bins.
#include <catch2/catch.hpp>

#include <ccrnn/tasks/caption/run.hpp>

#include <algorithm>
#include <cmath>
#include <string>
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
  c.model.embedding_size = 24;
  c.model.hidden_size = 24;
  c.model.cerebellum = cerebellum;
  c.model.cerebellum_hidden = 32;
  c.batch_size = 50;
  c.epochs = 3;
  c.trainer.optimizer.lr = 3e-3;
  return c;
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
  std::vector<int> epochs_seen;
  const CaptionRunResult r = run_captioning(data, config, 3, [&](int e, double tr, double v, double bpw) {
    epochs_seen.push_back(e);
    CHECK(std::isfinite(tr));
    CHECK(bpw == Approx(v / std::log(2.0)));
    return true;
  });
  CHECK(epochs_seen == std::vector<int>{1, 2, 3});
  REQUIRE(r.val_ce.size() == 3);
  REQUIRE(r.train_ce.size() == 3);
  INFO("validation CE per epoch: " << r.val_ce[0] << ", " << r.val_ce[1] << ", " << r.val_ce[2]);
  CHECK(r.val_ce.back() < 0.85 * r.val_ce.front());
  CHECK(r.train_ce.back() < r.train_ce.front());
  CHECK(r.val_ce.back() < std::log(static_cast<double>(r.vocabulary.size())));  // better than uniform
  CHECK(r.val_bpw[1] == Approx(r.val_ce[1] / std::log(2.0)));
  CHECK(r.best_epoch >= 1);
  CHECK(r.best_epoch <= 3);
  CHECK(r.val_ce[static_cast<size_t>(r.best_epoch - 1)] == Approx(*std::min_element(r.val_ce.begin(), r.val_ce.end())));
  CHECK(std::isfinite(r.test_ce));
  CHECK(r.test_bpw == Approx(r.test_ce / std::log(2.0)));
  CHECK(r.test_ce < std::log(static_cast<double>(r.vocabulary.size())));

  REQUIRE(r.captions.size() == 40);
  for (size_t i = 0; i < r.captions.size(); ++i) {
    CHECK(r.captions[i].image_id == data.test.image_ids[i]);
    CHECK(tokenize(r.captions[i].caption).size() <= 20);
  }
  CHECK(r.images_by_length[0] + r.images_by_length[1] + r.images_by_length[2] == 40);
  CHECK(r.test_captions_by_length[0] + r.test_captions_by_length[1] + r.test_captions_by_length[2] == 200);
  CHECK(r.length_thresholds.short_below > 0);
  CHECK(r.length_thresholds.long_from >= r.length_thresholds.short_below);
  for (double b : r.bleu.bleu) {
    CHECK(b >= 0.0);
    CHECK(b <= 1.0);
  }
  CHECK(r.bleu.bleu[0] > 0.2);  // even a weak model gets the frequent words right
  CHECK(r.bleu.sentences == 40);
  CHECK(r.train_captions == 1500);
  CHECK(r.vocabulary.size() > 30);
  CHECK(r.vocabulary.size() < 80);
  CHECK(r.train_tokens_per_second > 0);
  CHECK(r.train_tokens == 3 * r.train_tokens_per_epoch);
  CHECK(r.train_cpu_seconds > 0);
  CHECK(r.decode_cpu_seconds > 0);
  Index emitted = 0;
  for (const auto& c : r.captions)  // tokens joined by single spaces
    if (!c.caption.empty()) emitted += 1 + static_cast<Index>(std::count(c.caption.begin(), c.caption.end(), ' '));
  CHECK(r.decode_tokens >= emitted);  // plus the <end> tokens
  CHECK(r.decode_tokens <= emitted + 40);
  CHECK(r.decode_tokens_per_second > 0);
  CHECK(r.seconds > 0);
}

TEST_CASE("caption run: deterministic by seed, and the same from exported COCO files (ccRNN)", "[caption]") {
  CaptionRunConfig config = small_run(true);
  config.epochs = 1;
  config.scenes.train_images = 100;
  const CaptionData data = load_caption_data(config);
  const CaptionRunResult a = run_captioning(data, config, 5);
  const CaptionRunResult b = run_captioning(data, config, 5);
  CHECK(a.val_ce == b.val_ce);  // bitwise
  CHECK(a.train_ce == b.train_ce);
  const CaptionRunResult c = run_captioning(data, config, 6);
  CHECK(c.val_ce != a.val_ce);

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
  const CaptionRunResult f = run_captioning(from_files, 5);
  CHECK(f.val_ce == a.val_ce);
  CHECK(f.test_ce == a.test_ce);
  REQUIRE(f.captions.size() == a.captions.size());
  for (size_t i = 0; i < f.captions.size(); ++i) CHECK(f.captions[i].caption == a.captions[i].caption);

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
