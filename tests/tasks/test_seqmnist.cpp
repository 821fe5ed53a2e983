// The sequential-MNIST tasks (ALGORITHM.md section 7): targets, batch layout, feedback, and short runs.
#include <ccrnn/tasks/digit_templates.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <optional>
#include <variant>

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

/// n images whose pixels encode (image index, row, col) so the batch layout can be checked exactly, and a
/// digit-dependent bright column in every row so that the tasks are learnable at any truncation:
/// label i % 10, column 2 + 2*label set to 1.
DigitImages marked_images(Index n) {
  DigitImages images;
  images.pixels.resize(static_cast<std::size_t>(n * 28 * 28));
  for (Index i = 0; i < n; ++i) {
    const int label = static_cast<int>(i % 10);
    images.labels.push_back(static_cast<std::uint8_t>(label));
    for (Index r = 0; r < 28; ++r)
      for (Index c = 0; c < 28; ++c)
        images.pixels[static_cast<std::size_t>((i * 28 + r) * 28 + c)] =
            c == 2 + 2 * label ? 1.0f : static_cast<float>(((i * 31 + r * 7 + c * 3) % 97) / 400.0);
  }
  return images;
}

MnistSplits marked_splits(Index train, Index validation, Index test) {
  MnistSplits s;
  s.train = marked_images(train);
  s.validation = marked_images(validation);
  s.test = marked_images(test);
  s.source = "test";
  return s;
}

/// One run of the configuration as set on the given data, as run_seqmnist did.
RunRecord run_seqmnist(const SeqMnistRunConfig& config, const std::shared_ptr<const MnistSplits>& data, std::uint64_t seed) {
  return run_task(*make_seqmnist_task(config, data), std::nullopt, seed);
}

}  // namespace

TEST_CASE("seqMNIST line targets go from the origin to radius 10 at 36 degrees per digit", "[tasks]") {
  const SeqMnist task(SeqMnistConfig{SeqMnistTarget::line, 4, 10.0});
  CHECK(task.output_size() == 2);
  CHECK(task.loss() == LossKind::mse);
  for (int d = 0; d < 10; ++d) {
    const auto& line = task.target(d);
    REQUIRE(line.rows() == 2);
    REQUIRE(line.cols() == 28);
    CHECK(line.col(0).isZero(0.0));
    const double angle = d * 36.0 * M_PI / 180.0;
    CHECK(line(0, 27) == Approx(10.0 * std::sin(angle)).margin(1e-12));
    CHECK(line(1, 27) == Approx(10.0 * std::cos(angle)).margin(1e-12));
    for (int t = 1; t < 28; ++t) CHECK((line.col(t) - line.col(t - 1)).norm() == Approx(10.0 / 27.0));
  }
  CHECK_THROWS(task.target(10));
}

TEST_CASE("seqMNIST digit targets start and end at their template's first and last vertex", "[tasks]") {
  CHECK(SeqMnistConfig{}.digit_templates == DigitTemplates::reference);  // the reference's by default
  for (DigitTemplates set : {DigitTemplates::reference, DigitTemplates::ccrnn}) {
    SeqMnistConfig config{SeqMnistTarget::digit, 4, 10.0};
    config.digit_templates = set;
    const SeqMnist task(config);
    INFO(to_string(set));
    for (int d = 0; d < 10; ++d) {
      const auto& target = task.target(d);
      const auto& vertices = set == DigitTemplates::reference ? reference_digit_template(d) : digit_template(d);
      REQUIRE(target.cols() == 28);
      CHECK((target.col(0) - vertices.front()).norm() < 1e-12);
      CHECK((target.col(27) - vertices.back()).norm() < 1e-12);
      CHECK(target.minCoeff() >= 0.0);  // on the unit square
      CHECK(target.maxCoeff() <= 1.0);
    }
    // Different digits are different drawings.
    for (int a = 0; a < 10; ++a)
      for (int b = a + 1; b < 10; ++b) CHECK((task.target(a) - task.target(b)).norm() > 0.1);
  }
}

TEST_CASE("seqMNIST batches feed one image row per step, time-major", "[tasks]") {
  const DigitImages images = marked_images(12);
  const std::vector<Index> indices = {7, 0, 11};
  for (auto target : {SeqMnistTarget::line, SeqMnistTarget::digit, SeqMnistTarget::classify}) {
    const SeqMnist task(SeqMnistConfig{target, 4, 10.0});
    const auto batch = task.make_batch<double>(images, indices, false);
    REQUIRE(batch.size == 3);
    REQUIRE(batch.length == 28);
    REQUIRE(batch.inputs.rows() == 28);
    REQUIRE(batch.inputs.cols() == 3 * 28);
    for (Index j = 0; j < 3; ++j)
      for (Index t = 0; t < 28; ++t)
        for (Index c = 0; c < 28; ++c)
          REQUIRE(batch.inputs(c, t * 3 + j) == images.image(indices[static_cast<std::size_t>(j)])[t * 28 + c]);
    if (target == SeqMnistTarget::classify) {
      CHECK(task.output_size() == 10);
      CHECK(task.loss() == LossKind::cross_entropy);
      REQUIRE(batch.labels.size() == 3u * 28u);
      for (Index t = 0; t < 28; ++t) {
        CHECK(static_cast<int>(batch.supervised[static_cast<std::size_t>(t)]) == (t == 27 ? 1 : 0));
        for (Index j = 0; j < 3; ++j)
          CHECK(batch.labels[static_cast<std::size_t>(t * 3 + j)] ==
                (t == 27 ? images.labels[static_cast<std::size_t>(indices[static_cast<std::size_t>(j)])] : -1));
      }
    } else {
      for (Index t = 0; t < 28; ++t) {
        CHECK(static_cast<int>(batch.supervised[static_cast<std::size_t>(t)]) == (t % 4 == 0 ? 1 : 0));
        for (Index j = 0; j < 3; ++j) {
          const int label = images.labels[static_cast<std::size_t>(indices[static_cast<std::size_t>(j)])];
          CHECK(batch.targets(0, t * 3 + j) == task.target(label)(0, t));
          CHECK(batch.targets(1, t * 3 + j) == task.target(label)(1, t));
        }
      }
      const auto dense = task.make_batch<double>(images, indices, true);
      for (auto flag : dense.supervised) CHECK(flag == 1);
    }
  }
}

TEST_CASE("seqMNIST rejects images of the wrong size and indices out of range", "[tasks]") {
  const SeqMnist task(SeqMnistConfig{});
  DigitImages small;
  small.rows = small.cols = 14;
  small.pixels.assign(14 * 14, 0.0f);
  small.labels = {1};
  CHECK_THROWS_WITH(task.make_batch<float>(small, {0}, false), Catch::Contains("28x28"));
  CHECK_THROWS_AS(task.make_batch<float>(marked_images(3), {3}, false), std::out_of_range);
  CHECK_THROWS_WITH(parse_seqmnist_target("lines"), Catch::Contains("unknown target"));
}

TEST_CASE("seqMNIST short runs: the training error falls for every target", "[tasks]") {
  const auto data = std::make_shared<const MnistSplits>(marked_splits(400, 100, 100));
  for (auto target : {SeqMnistTarget::line, SeqMnistTarget::digit, SeqMnistTarget::classify}) {
    for (bool cerebellum : {false, true}) {
      SeqMnistRunConfig config;
      config.task.target = target;
      config.task.feedback_interval = 1;  // dense, so that the dense validation error follows the training error
      config.model.hidden_size = 30;
      config.model.cerebellum = cerebellum;
      config.model.cerebellar.hidden_size = 100;
      config.model.cerebellar.layers = 1;
      config.trainer.tbptt.truncation = 3;
      config.trainer.optimizer.lr = 1e-2;
      config.epochs = 8;
      config.batch_size = 20;
      const auto result = run_seqmnist(config, data, 1);
      INFO("target " << to_string(target) << ", cerebellum " << cerebellum);
      const auto& train_error = result.curves.at("train_error");
      const auto& val_error = result.curves.at("val_error");
      REQUIRE(train_error.size() == 8u);
      CHECK(train_error.back() < 0.7 * train_error.front());
      CHECK(val_error.back() < val_error.front());
      if (target == SeqMnistTarget::classify) {
        CHECK(result.scalars.at("test_accuracy") > 0.3);  // chance is 0.1
        CHECK(result.scalars.at("uncertainty") > 0.0);
        CHECK(result.scalars.at("uncertainty") < 0.9);
      } else {
        REQUIRE(result.arrays.at("trajectories").shape.at(0) == 30u);  // 3 per class
        const auto& images = std::get<std::vector<std::int64_t>>(result.arrays.at("trajectory_images").values);
        REQUIRE(images.size() == 30u);
        CHECK(data->test.labels[static_cast<std::size_t>(images[0])] == 0);
        CHECK(data->test.labels[static_cast<std::size_t>(images[29])] == 9);
      }
    }
  }
}

TEST_CASE("seqMNIST runs are deterministic by seed", "[tasks]") {
  const auto data = std::make_shared<const MnistSplits>(marked_splits(100, 20, 20));
  SeqMnistRunConfig config;
  config.model.cerebellum = true;
  config.model.cerebellar.hidden_size = 50;
  config.model.cerebellar.layers = 1;
  config.epochs = 2;
  config.batch_size = 20;
  const auto a = run_seqmnist(config, data, 3);
  const auto b = run_seqmnist(config, data, 3);
  const auto c = run_seqmnist(config, data, 4);
  CHECK(a.curves.at("train_error") == b.curves.at("train_error"));
  CHECK(a.curves.at("val_error") == b.curves.at("val_error"));
  CHECK(a.curves.at("train_error") != c.curves.at("train_error"));
}
