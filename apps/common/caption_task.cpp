// Caption generation (ALGORITHM.md sections 5 and 7) behind ccrnn-caption and ccrnn-sweep --task caption:
// COCO-format captions + image features, or ccrnn's built-in procedural scenes.
#include "shared_data.hpp"
#include "task_registry.hpp"
#include "training_options.hpp"

#include <ccrnn/tasks/caption/run.hpp>

#include <cmath>
#include <memory>

namespace ccrnn::apps {

namespace {

class CaptionTask final : public Task {
 public:
  CaptionTask() {
    // The papers' captioning constants (ALGORITHM.md section 5).
    training_.hidden = 256;
    training_.cerebellum_hidden = 1024;
    training_.cerebellum_layers = 2;
    training_.truncation = 4;
    training_.epochs = 10;
    training_.batch = 100;
    training_.lr = 1e-3;
    training_.beta1 = 0.9;
    training_.beta2 = 0.999;
    training_.eps = 1e-8;
    training_.clip = 0.0;
    training_.step_per_window = true;
  }

  std::string name() const override { return "caption"; }
  std::string summary() const override {
    return "Caption generation (Boven et al. 2023): image features -> projection + batch norm -> an LSTM decoder\n"
           "over word embeddings, trained with windows of T tokens and an optimizer step per window; the ccRNN's\n"
           "cerebellum predicts the gradients beyond each window. Validation bits per word every epoch; the best\n"
           "epoch's model is tested: bits per word, greedy captions and corpus BLEU-1..4 by caption length.\n"
           "Without --train-json the data is ccrnn's built-in procedural scenes (docs/caption-data.md).";
  }

  po::options_description options() override {
    po::options_description model = training_.describe_model();
    model.add_options()
        ("embedding", option_with_default(&embedding_), "word-embedding (and projected feature) size")
        ("dropout", option_with_default(&dropout_), "dropout on the decoder's inputs during training");
    po::options_description data("Data");
    data.add_options()
        ("train-json", option_with_default(&files_.train_json), "COCO captions JSON of the training split (empty: built-in scenes)")
        ("train-features", option_with_default(&files_.train_features), "feature HDF5 of the training split")
        ("val-json", option_with_default(&files_.validation_json), "COCO captions JSON of the validation split")
        ("val-features", option_with_default(&files_.validation_features), "feature HDF5 of the validation split")
        ("test-json", option_with_default(&files_.test_json), "COCO captions JSON of the test split")
        ("test-features", option_with_default(&files_.test_features), "feature HDF5 of the test split")
        ("skip-missing-features", po::bool_switch(&skip_missing_), "skip (and count) captioned images without features instead of failing")
        ("vocab-threshold", option_with_default(&vocab_threshold_), "words seen at least this often in training captions form the vocabulary")
        ("scene-train", option_with_default(&scenes_.train_images), "built-in scenes: training images")
        ("scene-val", option_with_default(&scenes_.validation_images), "built-in scenes: validation images")
        ("scene-test", option_with_default(&scenes_.test_images), "built-in scenes: test images")
        ("captions-per-image", option_with_default(&scenes_.captions_per_image), "built-in scenes: captions per image (1-8)")
        ("feature-size", option_with_default(&scenes_.feature_size), "built-in scenes: feature vector width")
        ("feature-noise", option_with_default(&scenes_.feature_noise), "built-in scenes: std of the feature noise")
        ("data-seed", option_with_default(&data_seed_), "built-in scenes: the data set's seed (the same for every run)")
        ("max-tokens", option_with_default(&max_tokens_), "greedy decoding: at most this many tokens per caption");
    po::options_description all;
    all.add(model).add(training_.describe_training()).add(data).add(training_.describe_recording());
    return all;
  }

  void prepare(const po::variables_map& vm, const std::vector<std::string>& models) override {
    training_.validate(vm, models);
    if (training_.record_every > 0)
      throw UsageError("--record-every: recordings need one optimizer step per batch; captioning steps per window");
    if (given(vm, "step-per-window") && !training_.step_per_window)
      throw UsageError("captioning always takes an optimizer step per window");
    require_at_least("embedding", embedding_, 1);
    if (!(dropout_ >= 0 && dropout_ < 1)) throw UsageError("--dropout must be in [0, 1)");
    require_at_least("vocab-threshold", vocab_threshold_, 1);
    require_at_least("max-tokens", max_tokens_, 1);
    const bool built_in = files_.empty();
    if (built_in) {
      for (const char* name : {"train-features", "val-json", "val-features", "test-json", "test-features", "skip-missing-features"})
        if (given(vm, name)) throw UsageError(std::string("--") + name + " needs --train-json (the COCO-format data)");
      require_at_least("scene-train", static_cast<double>(scenes_.train_images), 1);
      require_at_least("scene-val", static_cast<double>(scenes_.validation_images), 1);
      require_at_least("scene-test", static_cast<double>(scenes_.test_images), 1);
      require_at_least("captions-per-image", static_cast<double>(scenes_.captions_per_image), 1);
      if (scenes_.captions_per_image > 8) throw UsageError("--captions-per-image must be <= 8");
      require_at_least("feature-size", static_cast<double>(scenes_.feature_size), 1);
      require_at_least("feature-noise", scenes_.feature_noise, 0);
      require_at_least("data-seed", data_seed_, 1);
      scenes_.seed = static_cast<std::uint64_t>(data_seed_);
    } else {
      for (const char* name : {"scene-train", "scene-val", "scene-test", "captions-per-image", "feature-size", "feature-noise", "data-seed"})
        if (given(vm, name)) throw UsageError(std::string("--") + name + " applies to the built-in scenes, but --train-json is given");
      if (files_.train_features.empty() || files_.validation_json.empty() || files_.validation_features.empty() ||
          files_.test_json.empty() || files_.test_features.empty())
        throw UsageError("COCO-format data needs all six files: --train-json/--train-features, --val-json/--val-features, "
                         "--test-json/--test-features");
    }
    config_.scenes = scenes_;
    config_.files = files_;
    config_.load.skip_missing_features = skip_missing_;
    config_.vocabulary_threshold = vocab_threshold_;
    config_.model.embedding_size = embedding_;
    config_.model.dropout = dropout_;
    config_.epochs = training_.epochs;
    config_.batch_size = training_.batch;
    config_.max_tokens = max_tokens_;
    const auto& sc = scenes_;
    const std::string key =
        built_in ? "scenes " + std::to_string(sc.seed) + " " + std::to_string(sc.train_images) + " " +
                       std::to_string(sc.validation_images) + " " + std::to_string(sc.test_images) + " " +
                       std::to_string(sc.captions_per_image) + " " + std::to_string(sc.max_objects) + " " +
                       std::to_string(sc.feature_size) + " " + std::to_string(sc.feature_noise)
                 : "coco " + files_.train_json + "|" + files_.train_features + "|" + files_.validation_json + "|" +
                       files_.validation_features + "|" + files_.test_json + "|" + files_.test_features + "|" +
                       std::to_string(skip_missing_);
    data_ = shared_data<tasks::CaptionData>(key, [&] {
      std::array<tasks::CaptionLoadReport, 3> reports;
      tasks::CaptionData data = tasks::load_caption_data(config_, &reports);
      if (!built_in) {
        const char* names[] = {"train", "validation", "test"};
        for (int i = 0; i < 3; ++i)
          std::fprintf(stderr, "caption data, %s: %s\n", names[i], reports[static_cast<std::size_t>(i)].summary().c_str());
      }
      return data;
    });
  }

  int epochs() const override { return training_.epochs; }

  RunRecord run(const std::string& model, std::uint64_t seed, const EpochProgress& on_epoch) const override {
    tasks::CaptionRunConfig config = config_;
    const ModelConfig m = training_.model_config(model);
    config.model.hidden_size = m.hidden_size;
    config.model.layers = m.layers;
    config.model.cell = m.cell;
    config.model.cerebellum = m.cerebellum;
    config.model.cerebellum_hidden = m.cerebellum_hidden;
    config.model.cerebellum_layers = m.cerebellum_layers;
    config.model.fibres = m.fibres;
    const TrainerConfig t = training_.trainer_config(model, 1 << 20);  // bptt: T longer than any caption
    config.trainer.truncation = t.truncation;
    config.trainer.sg_scale = t.sg_scale;
    config.trainer.final_injection = t.final_injection;
    config.trainer.optimizer = t.optimizer;
    config.trainer.clip = t.clip;
    config.trainer.lesion_epoch = t.lesion_epoch;
    config.trainer.io_lesion_epoch = t.io_lesion_epoch;
    const auto result = tasks::run_captioning(*data_, config, seed, [&](int epoch, double, double, double) {
      on_epoch(epoch);
      return true;
    });
    RunRecord r;
    r.model = model;
    r.seed = seed;
    r.curves["train_ce"] = result.train_ce;
    r.curves["val_ce"] = result.val_ce;
    r.curves["val_bpw"] = result.val_bpw;
    r.scalars["final_train_ce"] = result.train_ce.back();
    r.scalars["best_epoch"] = result.best_epoch;
    r.scalars["best_val_bpw"] = result.val_bpw[static_cast<std::size_t>(result.best_epoch - 1)];
    r.scalars["test_ce"] = result.test_ce;
    r.scalars["test_bpw"] = result.test_bpw;
    for (int n = 0; n < 4; ++n) r.scalars["bleu" + std::to_string(n + 1)] = result.bleu.bleu[static_cast<std::size_t>(n)];
    for (int b = 0; b < 3; ++b) {
      const std::string bin = tasks::CaptionLengthBins::names[static_cast<std::size_t>(b)];
      r.scalars["bleu4_" + bin] = result.bleu_by_length[static_cast<std::size_t>(b)].bleu[3];
      r.scalars["test_bpw_" + bin] = result.test_ce_by_length[static_cast<std::size_t>(b)] / std::log(2.0);
      r.scalars["test_images_" + bin] = static_cast<double>(result.images_by_length[static_cast<std::size_t>(b)]);
    }
    r.scalars["length_short_below"] = result.length_thresholds.short_below;
    r.scalars["length_long_from"] = result.length_thresholds.long_from;
    r.scalars["train_tokens_per_second"] = result.train_tokens_per_second;
    r.scalars["decode_tokens_per_second"] = result.decode_tokens_per_second;
    r.seconds = result.seconds;
    std::vector<std::string> texts;
    std::vector<std::int64_t> ids;
    for (const auto& c : result.captions) {
      texts.push_back(c.caption);
      ids.push_back(c.image_id);
    }
    r.write_arrays = [texts, ids](io::Group& g) {
      g.write("captions", texts.empty() ? std::vector<std::string>{""} : texts);
      g.write("caption_image_ids", ids);
    };
    r.side_files.push_back({"captions.json", [captions = result.captions](const std::string& path, bool overwrite) {
                              tasks::write_coco_results(path, captions, overwrite);
                            }});
    return r;
  }

  std::vector<std::string> side_file_suffixes() const override { return {"captions.json"}; }

  void write_task_data(io::Group& root) const override {
    std::vector<std::vector<std::string>> tokens;
    for (const auto& captions : data_->train.captions)
      for (const auto& c : captions) tokens.push_back(tasks::tokenize(c));
    tasks::Vocabulary::build(tokens, vocab_threshold_).save(root.create_group("vocabulary"));
    root.set_attr("train_images", static_cast<std::int64_t>(data_->train.size()));
    root.set_attr("validation_images", static_cast<std::int64_t>(data_->validation.size()));
    root.set_attr("test_images", static_cast<std::int64_t>(data_->test.size()));
    root.set_attr("data_source", files_.empty() ? "built-in scenes" : "coco:" + files_.train_json);
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
  TrainingOptions training_;
  int embedding_ = 256;
  double dropout_ = 0.5;
  tasks::CaptionFiles files_;
  bool skip_missing_ = false;
  std::int64_t vocab_threshold_ = 4;
  tasks::SceneCaptionConfig scenes_;
  int data_seed_ = 1;
  int max_tokens_ = 20;
  tasks::CaptionRunConfig config_;
  std::shared_ptr<const tasks::CaptionData> data_;
};

}  // namespace

std::unique_ptr<Task> make_caption_task() { return std::make_unique<CaptionTask>(); }

}  // namespace ccrnn::apps
