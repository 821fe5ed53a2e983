// Captioning's encoder protocols (CaptionRunConfig::encoder): frozen-pretrained, the default and the
// reference's (a pre-trained projection + batch norm, fixed during the cRNN/ccRNN comparison and the same
// for every model of a seed), and trained (ccrnn's earlier protocol).
#include <catch2/catch.hpp>

#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/model_store.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/run_recording.hpp>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "support/error_of.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

CaptionRunConfig small_config() {
  CaptionRunConfig c;
  c.scenes.train_images = 60;
  c.scenes.validation_images = 20;
  c.scenes.test_images = 20;
  c.scenes.feature_size = 12;
  c.caption.embedding_size = 8;
  c.model.hidden_size = 10;
  c.model.cerebellar.hidden_size = 16;
  c.batch_size = 25;
  c.epochs = 1;
  c.encoder_pretrain_epochs = 2;
  return c;
}

const char* const kHead[] = {"encoder.linear.weight", "encoder.linear.bias", "encoder.bn.weight", "encoder.bn.bias"};

Matrix<float> value_of(const ParamSet<float>& params, const std::string& name) { return params.value(params.id(name)); }

std::vector<float> floats_of(const ResultArray& a) { return std::get<std::vector<float>>(a.values); }

}  // namespace

TEST_CASE("caption encoder: frozen-pretrained gives every model of a seed the same pre-trained, fixed encoder", "[caption]") {
  const CaptionRunConfig config = small_config();
  REQUIRE(CaptionRunConfig{}.encoder == CaptionEncoder::frozen_pretrained);  // the default
  const auto data = std::make_shared<const CaptionData>(load_caption_data(config));
  const auto task = make_caption_task(config, data);
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  const auto crnn = task->start(task->run_config(ModelKind::crnn), 1);
  const auto ccrnn = task->start(task->run_config(ModelKind::ccrnn), 1);
  const auto other_seed = task->start(task->run_config(ModelKind::crnn), 2);

  // The encoder as it would start untrained (the trained protocol's initial values).
  CaptionRunConfig trained_config = config;
  trained_config.encoder = CaptionEncoder::trained;
  const auto trained_task = make_caption_task(trained_config, data);
  trained_task->prepare({ModelKind::crnn});
  const auto untrained = trained_task->start(trained_task->run_config(ModelKind::crnn), 1);

  for (const char* name : kHead) {
    INFO(name);
    CHECK(value_of(*crnn->extra_parameters(), name) == value_of(*ccrnn->extra_parameters(), name));  // bitwise
    CHECK(value_of(*crnn->extra_parameters(), name) != value_of(*other_seed->extra_parameters(), name));
  }
  // Pre-trained: not the initial projection.
  CHECK((value_of(*crnn->extra_parameters(), kHead[0]) - value_of(*untrained->extra_parameters(), kHead[0])).cwiseAbs().maxCoeff() > 1e-3);
  // The embedding is not pre-trained: it starts from the seed as in the trained protocol.
  CHECK(value_of(*crnn->extra_parameters(), "decoder.embed.weight") ==
        value_of(*untrained->extra_parameters(), "decoder.embed.weight"));

  // The pre-training is the bptt model of the seed with a learning encoder, for encoder_pretrain_epochs epochs:
  // its final projection and batch norm are the frozen encoder's, bit for bit.
  trained_config.epochs = config.encoder_pretrain_epochs;
  const auto bptt_task = make_caption_task(trained_config, data);
  bptt_task->prepare({ModelKind::bptt});
  const RunRecord bptt = run_task(*bptt_task, ModelKind::bptt, 1);
  for (const char* name : kHead) {
    INFO(name);
    // Stored as PyTorch's (rows, cols) tensors, row-major.
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> frozen = value_of(*crnn->extra_parameters(), name);
    CHECK(floats_of(bptt.weights.at("final").at(name)) == std::vector<float>(frozen.data(), frozen.data() + frozen.size()));
  }

  // Training the ccRNN leaves the encoder's head unchanged, bitwise, while the embedding learns.
  const ParamSet<float> before = *ccrnn->extra_parameters();
  Trainer<float> trainer(ccrnn->model(), task->run_config(ModelKind::ccrnn).trainer);
  trainer.attach_parameters(*ccrnn->extra_parameters());
  RunRecorder none(RecordingConfig{});
  (void)train_epoch(*ccrnn, trainer, none, 1, 1);
  for (const char* name : kHead) CHECK(value_of(*ccrnn->extra_parameters(), name) == value_of(before, name));
  CHECK((value_of(*ccrnn->extra_parameters(), "decoder.embed.weight") - value_of(before, "decoder.embed.weight"))
            .cwiseAbs()
            .maxCoeff() > 1e-5);

  // One pre-training seed for all runs (as the reference's single encoder file): seeds 1 and 2 share it.
  CaptionRunConfig shared = config;
  shared.encoder_seed = 7;
  const auto shared_task = make_caption_task(shared, data);
  shared_task->prepare({ModelKind::crnn});
  const auto s1 = shared_task->start(shared_task->run_config(ModelKind::crnn), 1);
  const auto s2 = shared_task->start(shared_task->run_config(ModelKind::crnn), 2);
  CHECK(value_of(*s1->extra_parameters(), kHead[0]) == value_of(*s2->extra_parameters(), kHead[0]));
}

TEST_CASE("caption encoder: the options by name, and pre-training options refused with --encoder trained", "[caption]") {
  CHECK(parse_caption_encoder("frozen-pretrained") == CaptionEncoder::frozen_pretrained);
  CHECK(parse_caption_encoder("trained") == CaptionEncoder::trained);
  CHECK(std::string(to_string(CaptionEncoder::frozen_pretrained)) == "frozen-pretrained");
  CHECK_THROWS_WITH(parse_caption_encoder("frozen"), Catch::Contains("expected frozen-pretrained or trained"));

  const CaptionRunConfig config = small_config();
  const auto data = std::make_shared<const CaptionData>(load_caption_data(config));
  auto task = make_caption_task(config, data);
  task->settings().assign("encoder", "trained");
  task->settings().assign("encoder-pretrain-epochs", "3");
  CHECK_THAT(ccrnn::testing::error_of<SettingError>([&] { task->prepare({ModelKind::crnn}); }),
             Catch::Contains("--encoder-pretrain-epochs applies to --encoder frozen-pretrained"));
  task = make_caption_task(config, data);
  task->settings().assign("encoder_pretrain_epochs", "0");
  CHECK_THAT(ccrnn::testing::error_of<SettingError>([&] { task->prepare({ModelKind::crnn}); }), Catch::Contains("--encoder-pretrain-epochs"));
  CHECK_THAT(ccrnn::testing::error_of<SettingError>([&] { make_caption_task(config, data)->settings().assign("encoder", "fixed"); }),
             Catch::Contains("--encoder"));
}
