// Copy-repeat and its curriculum (tasks/copy_repeat.hpp, copy_repeat_task.hpp): the data layout against
// the task's definition, the curriculum's levels and threshold, the task's runs deterministic and the
// curriculum wired to the training errors, and bad settings refused naming the option.
#include <ccrnn/tasks/copy_repeat_task.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <catch2/catch.hpp>

#include <cmath>

#include "support/error_of.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

CopyRepeatRunConfig small_copy_repeat() {
  CopyRepeatRunConfig c;
  c.model.hidden_size = 8;
  c.batch_size = 4;
  c.batches_per_epoch = 3;
  c.epochs = 2;
  c.validation_size = 5;
  c.test_size = 6;
  return c;
}

}  // namespace

TEST_CASE("copy-repeat: a batch is the start flag, the pattern, the repeat count, then the pattern R times and the end flag",
          "[copyrepeat]") {
  CopyRepeatConfig config;
  config.bits = 3;
  const CopyRepeat task(config);
  const CopyRepeatLevel level{2, 3};  // N = 2, R = 3
  const Index B = 5, L = 4 * 2 + 3;
  REQUIRE(level.length() == L);
  Rng rng(1, Stream::data);
  const Batch<double> batch = task.sample_batch<double>(rng, level, B);
  REQUIRE(batch.length == L);
  REQUIRE(batch.inputs.rows() == 5);
  REQUIRE(batch.targets.rows() == 4);
  for (Index t = 0; t < L; ++t) CHECK(batch.supervised[static_cast<size_t>(t)] == (t >= 4 ? 1 : 0));
  bool differ = false;
  for (Index j = 0; j < B; ++j) {
    const auto in = [&](Index row, Index t) { return batch.inputs(row, t * B + j); };
    const auto out = [&](Index row, Index t) { return batch.targets(row, t * B + j); };
    CHECK(in(3, 0) == 1.0);
    CHECK(in(4, 3) == Approx(0.3));
    for (Index t = 0; t < L; ++t) {
      for (Index i = 0; i < 5; ++i) {
        const bool pattern = i < 3 && t >= 1 && t <= 2, flag = (i == 3 && t == 0) || (i == 4 && t == 3);
        if (pattern) CHECK((in(i, t) == 0.0 || in(i, t) == 1.0));
        else if (!flag) CHECK(in(i, t) == 0.0);
      }
      for (Index i = 0; i < 4; ++i) {
        double expected = 0.0;
        if (i < 3 && t >= 4 && t < L - 1) expected = in(i, 1 + (t - 4) % 2);  // the pattern, played back
        if (i == 3 && t == L - 1) expected = 1.0;
        CHECK(out(i, t) == expected);
      }
    }
    if (j > 0 && !(batch.inputs.middleCols(B, 2 * B).col(j) == batch.inputs.middleCols(B, 2 * B).col(0))) differ = true;
  }
  CHECK(differ);  // the patterns are random, not all the same
  // The same stream state gives the same batch.
  Rng again(1, Stream::data);
  CHECK(task.sample_batch<double>(again, level, B).inputs == batch.inputs);
}

TEST_CASE("copy-repeat: the curriculum moves R up to N, then N, one level per batch under the threshold",
          "[copyrepeat]") {
  CopyRepeatConfig config;
  config.max_pattern = 3;
  const CopyRepeat task(config);
  const double below = 0.149 * std::log(2.0), at = 0.15 * std::log(2.0);
  CopyRepeatLevel level;
  CHECK(level == CopyRepeatLevel{1, 1});
  CHECK(level.number() == 1);
  CHECK(task.after_batch(level, at) == level);  // not below
  CHECK(task.after_batch(level, std::nan("")) == level);
  const CopyRepeatLevel expected[] = {{2, 1}, {2, 2}, {3, 2}, {3, 3}, {3, 3}};  // capped at N = R = 3
  Index number = 1;
  for (const CopyRepeatLevel& next : expected) {
    level = task.after_batch(level, below);
    CHECK(level == next);
    CHECK(level.number() == std::min<Index>(++number, 5));
  }
  CHECK(task.max_length() == 4 * 3 + 3);
}

TEST_CASE("copy-repeat: runs are deterministic and the curriculum follows the training errors", "[copyrepeat][task]") {
  CopyRepeatRunConfig config = small_copy_repeat();
  SECTION("threshold never reached") {
    config.task.threshold_bits = 0.0;
    const auto task = make_copy_repeat_task(config);
    task->prepare({ModelKind::ccrnn});
    const RunRecord r = run_task(*task, ModelKind::ccrnn, 3);
    CHECK(r.scalars.at("final_level") == 1.0);
    CHECK(std::get<std::vector<std::int64_t>>(r.arrays.at("level_by_iteration").values) ==
          std::vector<std::int64_t>(6, 1));
  }
  SECTION("every batch under the threshold: one level per iteration, up to the cap; BP(lambda) online") {
    config.task.threshold_bits = 100.0;
    config.task.max_pattern = 2;
    config.trainer.bp_lambda.online = true;
    const auto task = make_copy_repeat_task(config);
    task->prepare({ModelKind::ccrnn});
    const RunRecord a = run_task(*task, ModelKind::ccrnn, 3), b = run_task(*task, ModelKind::ccrnn, 3);
    CHECK(std::get<std::vector<std::int64_t>>(a.arrays.at("level_by_iteration").values) ==
          std::vector<std::int64_t>{2, 3, 3, 3, 3, 3});
    CHECK(a.scalars.at("pattern_length") == 2.0);
    CHECK(a.scalars.at("repeats") == 2.0);
    CHECK(a.scalars.at("levels_left") == 0.0);
    CHECK(a.curves.at("level") == std::vector<double>{3.0, 3.0});
    CHECK(a.curves.at("train_error") == b.curves.at("train_error"));
    CHECK(a.scalars.at("test_error_bits") == b.scalars.at("test_error_bits"));
    CHECK(a.weights.at("final").at("cortex.weight_hh_l0").values == b.weights.at("final").at("cortex.weight_hh_l0").values);
  }
  SECTION("cRNN and full BPTT train on the growing sequences too") {
    config.task.threshold_bits = 100.0;
    const auto task = make_copy_repeat_task(config);
    task->prepare({ModelKind::crnn, ModelKind::bptt});
    for (ModelKind kind : {ModelKind::crnn, ModelKind::bptt}) {
      const RunRecord r = run_task(*task, kind, 5);
      CHECK(r.scalars.at("final_level") == 7.0);
      CHECK(std::isfinite(r.scalars.at("test_error_bits")));
    }
  }
}

TEST_CASE("copy-repeat: bad settings are refused naming the option", "[copyrepeat][task]") {
  const auto refused = [](const std::string& name, const std::string& value) {
    const auto task = make_task("copyrepeat");
    task->settings().assign(name, value);
    return testing::error_of<SettingError>([&] { task->prepare({ModelKind::ccrnn}); });
  };
  CHECK_THAT(refused("bits", "0"), Catch::Contains("--bits"));
  CHECK_THAT(refused("max_pattern", "0"), Catch::Contains("--max-pattern"));
  CHECK_THAT(refused("threshold_bits", "-1"), Catch::Contains("--threshold-bits"));
  CHECK_THAT(refused("repeat_norm", "0"), Catch::Contains("--repeat-norm"));
  CHECK_THAT(refused("batches_per_epoch", "0"), Catch::Contains("--batches-per-epoch"));
  CHECK_THAT(refused("val_size", "0"), Catch::Contains("--val-size"));
}
