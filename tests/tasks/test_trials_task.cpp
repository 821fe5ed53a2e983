// The trials task (tasks/trials/task.hpp): a built-in task's data exported as trials and trained through the
// trials path gives the built-in task's curves bit for bit (one mask shared by all trials reduces exactly to
// the task's feedback); masks that differ per trial; a generator of fresh trials; the file round trip.
#include <ccrnn/core/random.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>
#include <ccrnn/tasks/trials/file.hpp>
#include <ccrnn/tasks/trials/task.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "support/scratch_dir.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

/// The seqMNIST papers' model and training on a small procedural set, for target `target`.
std::unique_ptr<Task> small_seqmnist(SeqMnistTarget target, const std::shared_ptr<const MnistSplits>& data) {
  SeqMnistRunConfig c;
  c.task.target = target;
  c.epochs = 2;
  c.validation_size = 100;
  c.eval_batch = 64;  // several evaluation chunks
  return make_seqmnist_task(c, data);
}

/// The trials task with the same model and training settings as `like`.
std::unique_ptr<Task> trials_like(const Task& like, const TrialsData& data) {
  TrialsRunConfig c;
  static_cast<ExperimentConfig&>(c) = like.experiment();
  c.eval_batch = 64;
  return make_trials_task(c, std::make_shared<const TrialsData>(data));
}

void check_same_run(const RunRecord& a, const RunRecord& b) {
  REQUIRE(a.curves.size() == b.curves.size());
  for (const auto& [name, curve] : a.curves) {
    INFO(name);
    CHECK(b.curves.at(name) == curve);  // bitwise
  }
  for (const char* scalar : {"final_train_error", "test_error"}) {
    INFO(scalar);
    CHECK(b.scalars.at(scalar) == a.scalars.at(scalar));
  }
}

}  // namespace

TEST_CASE("trials: seqMNIST exported as trials trains bit for bit like seqMNIST", "[tasks][trials]") {
  const auto data = std::make_shared<const MnistSplits>(procedural_mnist(2, 700, 120));
  for (SeqMnistTarget target : {SeqMnistTarget::classify, SeqMnistTarget::digit}) {
    INFO(to_string(target));
    const auto seqmnist = small_seqmnist(target, data);
    seqmnist->prepare({ModelKind::crnn, ModelKind::ccrnn});
    const TrialsData exported = seqmnist->export_trials();
    CHECK(exported.train.size() == data->train.count());
    CHECK(exported.validation->size() == 100);
    CHECK(exported.test->size() == data->test.count());
    CHECK(exported.classes == (target == SeqMnistTarget::classify ? 10 : 0));
    const auto trials = trials_like(*seqmnist, exported);
    trials->prepare({ModelKind::crnn, ModelKind::ccrnn});
    for (ModelKind kind : {ModelKind::crnn, ModelKind::ccrnn}) {
      INFO(to_string(kind));
      const RunRecord expected = run_task(*seqmnist, kind, 4);
      const RunRecord got = run_task(*trials, kind, 4);
      check_same_run(expected, got);
      if (target == SeqMnistTarget::classify) CHECK(got.scalars.at("test_accuracy") == expected.scalars.at("test_accuracy"));
    }
  }
}

TEST_CASE("trials: the exported file trains like the exported arrays", "[tasks][trials]") {
  const testing::ScratchDir dir;
  const auto data = std::make_shared<const MnistSplits>(procedural_mnist(3, 400, 60));
  const auto seqmnist = small_seqmnist(SeqMnistTarget::line, data);
  seqmnist->prepare({ModelKind::ccrnn});
  const TrialsData exported = seqmnist->export_trials();
  const std::string path = dir.file("line.h5");
  write_trials(path, exported);
  const auto from_file = make_trials_task([&] {
    TrialsRunConfig c;
    static_cast<ExperimentConfig&>(c) = seqmnist->experiment();
    c.eval_batch = 64;
    return c;
  }());
  from_file->settings().assign("trials", path);
  from_file->prepare({ModelKind::ccrnn});
  check_same_run(run_task(*trials_like(*seqmnist, exported), ModelKind::ccrnn, 2), run_task(*from_file, ModelKind::ccrnn, 2));
}

namespace {

/// A regression data set (a cue at t = 0, a ramp up or down) whose trials are supervised at different
/// steps: trial i at steps t >= i % L.
TrialsData staggered_regression(Index n, Index length, std::uint64_t seed) {
  Rng rng(seed, Stream::data);
  TrialArrays a;
  a.inputs = {std::vector<float>(static_cast<std::size_t>(length * n * 2)), {length, n, 2}};
  a.targets = TrialArray<float>{std::vector<float>(static_cast<std::size_t>(length * n)), {length, n, 1}};
  a.mask = TrialArray<std::int64_t>{std::vector<std::int64_t>(static_cast<std::size_t>(length * n)), {length, n}};
  for (Index t = 0; t < length; ++t)
    for (Index i = 0; i < n; ++i) {
      const auto c = static_cast<std::size_t>(t * n + i);
      const double sign = i % 2 == 0 ? 1.0 : -1.0;  // the cue at t = 0 says which way to go
      a.inputs.values[2 * c] = static_cast<float>(0.1 * rng.normal());
      a.inputs.values[2 * c + 1] = t == 0 ? static_cast<float>(sign) : 0.0f;
      a.targets->values[c] = static_cast<float>(0.3 * static_cast<double>(t) * sign);
      a.mask->values[c] = t >= i % length ? 1 : 0;
    }
  TrialsData d;
  d.train = TrialSet(a, {"staggered", "/train/"});
  d.validation = d.train;
  d.test = d.train;
  return d;
}

}  // namespace

TEST_CASE("trials: masks that differ per trial train and evaluate only the supervised pairs", "[tasks][trials]") {
  const TrialsData data = staggered_regression(40, 6, 5);
  TrialsRunConfig c;
  c.model.hidden_size = 12;
  c.model.cerebellar.hidden_size = 20;
  c.epochs = 30;
  c.batch_size = 10;
  c.trainer.tbptt.truncation = 2;
  c.trainer.optimizer.lr = 1e-2;
  const auto task = make_trials_task(c, std::make_shared<const TrialsData>(data));
  task->prepare({ModelKind::ccrnn});
  const RunRecord r = run_task(*task, ModelKind::ccrnn, 1);
  const auto& val = r.curves.at("val_error");
  REQUIRE(val.size() == 30);
  CHECK(val.back() < 0.5 * val.front());  // it learns the supervised steps
  CHECK(r.scalars.at("test_error") == val.back());  // the same split, the same model
  // A batch of these trials carries a per-trial mask (their rows differ).
  const Batch<float> batch = data.train.make_batch<float>({0, 1, 2});
  CHECK(batch.mask.size() == 18);
}

TEST_CASE("trials: a generator gives fresh training trials every iteration", "[tasks][trials]") {
  const TrialsData data = staggered_regression(20, 5, 7);
  Index calls = 0;
  TrialsRunConfig c;
  c.model.hidden_size = 8;
  c.epochs = 3;
  c.batch_size = 4;
  c.iterations_per_epoch = 5;
  std::uint64_t next = 100;
  const auto task = make_trials_task(c, std::make_shared<const TrialsData>(data), [&](Index batch_size) {
    ++calls;
    CHECK(batch_size == 4);
    return staggered_regression(batch_size, 5, next++).train;
  });
  task->prepare({ModelKind::crnn});
  const RunRecord r = run_task(*task, ModelKind::crnn, 1);
  CHECK(calls == 15);
  CHECK(r.curves.at("train_error").size() == 3);
  CHECK_THROWS_AS(make_trials_task(c, nullptr, [](Index) { return TrialSet(); }), std::invalid_argument);
}

TEST_CASE("trials: tasks without a fixed data set refuse to export", "[tasks][trials]") {
  const auto task = make_trials_task();
  CHECK_THROWS_WITH(task->prepare({ModelKind::crnn}), Catch::Contains("--trials FILE is required"));
  const auto seqmnist = make_seqmnist_task({}, nullptr);
  CHECK_THROWS_AS(seqmnist->export_trials(), std::logic_error);  // not prepared
}
