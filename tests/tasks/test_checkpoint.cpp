// Checkpoints and exact resume (tasks/checkpoint.hpp, run_state.hpp): a run stopped after some epochs and
// resumed from its checkpoint gives the record of an uninterrupted run bit for bit, in every task; a
// checkpoint of another run, or a damaged one, is refused with a message naming the file and the difference.
#include <ccrnn/core/interrupt.hpp>
#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/delayed_association_task.hpp>
#include <ccrnn/tasks/evidence_accumulation_task.hpp>
#include <ccrnn/tasks/copy_repeat_task.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/loop_drawing_task.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>
#include <ccrnn/tasks/trials/task.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "support/error_of.hpp"
#include "support/same_bits.hpp"
#include "support/scratch_dir.hpp"
#include "tasks/caption_test_support.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

LineDrawingRunConfig small_line_drawing(int epochs) {
  LineDrawingRunConfig c;
  c.model.hidden_size = 20;
  c.model.cerebellar.hidden_size = 30;
  c.epochs = epochs;
  c.train_size = 100;  // 2 iterations per epoch
  c.validation_size = 20;
  c.test_repeats = 1;
  c.task.noise = 0.1;  // Gaussian input noise: the data stream's cached Box-Muller spare matters
  return c;
}

/// A prepared seqMNIST task on procedural digits (train_count training images drawn with data_seed).
std::unique_ptr<Task> small_seqmnist(int epochs, Index batch, std::uint64_t data_seed, Index train_count) {
  SeqMnistRunConfig config;
  config.model.hidden_size = 8;
  config.epochs = epochs;
  config.batch_size = batch;
  auto task = make_seqmnist_task(config, std::make_shared<const MnistSplits>(procedural_mnist(data_seed, train_count, 20)));
  task->prepare({ModelKind::crnn});
  return task;
}

CheckpointOptions checkpoint_at(const std::string& path, int every) {
  CheckpointOptions options;
  options.path = path;
  options.every = every;
  return options;
}

bool timing(const std::string& scalar) {
  return scalar.find("seconds") != std::string::npos || scalar.find("per_second") != std::string::npos;
}

using ccrnn::testing::same_bits;

bool same_bits(const ResultArray& a, const ResultArray& b) {
  if (a.shape != b.shape || a.values.index() != b.values.index()) return false;
  if (const auto* texts = std::get_if<std::vector<std::string>>(&a.values))
    return *texts == std::get<std::vector<std::string>>(b.values);
  return std::visit([&](const auto& x) {
    using V = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<V, std::vector<std::string>>) return false;
    else return same_bits(x, std::get<V>(b.values));
  }, a.values);
}

/// Everything but the wall-clock numbers, bit for bit.
void check_same_record(const RunRecord& a, const RunRecord& b) {
  CHECK(a.epochs_run == b.epochs_run);
  REQUIRE(a.curves.size() == b.curves.size());
  for (const auto& [name, curve] : a.curves) {
    INFO(name);
    CHECK(same_bits(curve, b.curves.at(name)));
  }
  REQUIRE(a.scalars.size() == b.scalars.size());
  for (const auto& [name, value] : a.scalars)
    if (!timing(name)) {
      INFO(name);
      CHECK(same_bits(std::vector<double>{value}, std::vector<double>{b.scalars.at(name)}));
    }
  REQUIRE(a.arrays.size() == b.arrays.size());
  for (const auto& [name, array] : a.arrays) {
    INFO(name);
    CHECK(same_bits(array, b.arrays.at(name)));
  }
  REQUIRE(a.weights.size() == b.weights.size());
  for (const auto& [which, parameters] : a.weights)
    for (const auto& [name, array] : parameters) {
      INFO(which << " " << name);
      CHECK(same_bits(array, b.weights.at(which).at(name)));
    }
}

/// Runs `epochs_first` epochs with a checkpoint, then the same run again from the checkpoint, and checks
/// that the resumed record is the uninterrupted one; the resumed run trains only the remaining epochs.
void check_resume(const Task& task, ModelKind kind, std::uint64_t seed, int epochs_first, int epochs) {
  testing::ScratchDir dir;
  const RunRecord full = run_task(task, kind, seed);
  REQUIRE(full.epochs_run == epochs);
  CheckpointOptions checkpoint = checkpoint_at(dir.file("run.h5"), 1);
  const RunRecord stopped = run_task(task, kind, seed, [&](const EpochReport& r) { return r.epoch < epochs_first; }, checkpoint);
  REQUIRE(stopped.epochs_run == epochs_first);
  REQUIRE(std::filesystem::exists(checkpoint.path));
  int resumed_after = -1;
  std::vector<int> trained;
  checkpoint.on_resume = [&](int epoch) { resumed_after = epoch; };
  const RunRecord resumed = run_task(task, kind, seed, [&](const EpochReport& r) {
    trained.push_back(r.epoch);
    return true;
  }, checkpoint);
  CHECK(resumed_after == epochs_first);
  CHECK(trained.front() == epochs_first + 1);
  CHECK(trained.size() == static_cast<std::size_t>(epochs - epochs_first));
  check_same_record(resumed, full);
}

}  // namespace

TEST_CASE("rng: a stream's state, cached normal spare included, brings back the same numbers", "[checkpoint]") {
  Rng rng(5, Stream::noise);
  rng.normal();  // leaves a spare cached
  const RngState saved = rng.state();
  const double a = rng.normal(), b = rng.normal(), c = rng.uniform();
  Rng other(6);
  other.set_state(saved);
  CHECK(other.normal() == a);  // the spare
  CHECK(other.normal() == b);
  CHECK(other.uniform() == c);
}

TEST_CASE("checkpoint: line drawing resumes bit for bit (cRNN, ccRNN, lesion, recordings, cerebellar rate)", "[checkpoint]") {
  LineDrawingRunConfig config = small_line_drawing(5);
  SECTION("plain") {}
  SECTION("lesion at epoch 4 and recordings every iteration") {
    config.trainer.lesion_epoch = 4;
    config.recording.every = 1;
  }
  SECTION("the cerebellum's own learning rate (its own optimizer state)") { config.trainer.lr_cerebellum = 3e-3; }
  SECTION("BP(lambda) with recordings every iteration (its learning-signal curves start at the first recording)") {
    config.trainer.tbptt.truncation = 1;
    config.trainer.bp_lambda.online = true;
    config.recording.every = 1;
  }
  const auto task = make_line_drawing_task(config);
  for (ModelKind kind : {ModelKind::crnn, ModelKind::ccrnn}) {
    INFO(to_string(kind));
    check_resume(*task, kind, 7, 2, 5);
  }
}

TEST_CASE("checkpoint: sequential MNIST (class and line targets) and trials resume bit for bit", "[checkpoint]") {
  const auto data = std::make_shared<const MnistSplits>(procedural_mnist(1, 120, 20));
  SeqMnistRunConfig config;
  config.model.hidden_size = 16;
  config.model.cerebellar.hidden_size = 20;
  config.epochs = 3;
  config.batch_size = 25;
  SECTION("class") { config.task.target = SeqMnistTarget::classify; }
  SECTION("line") { config.task.target = SeqMnistTarget::line; }
  const auto task = make_seqmnist_task(config, data);
  task->prepare({ModelKind::ccrnn});
  check_resume(*task, ModelKind::ccrnn, 3, 1, 3);

  // The same data set as trials: the trials task's own stream and order.
  TrialsRunConfig trials_config;
  trials_config.model = config.model;
  trials_config.epochs = 3;
  trials_config.batch_size = 25;
  const auto trials = make_trials_task(trials_config, std::make_shared<const TrialsData>(task->export_trials()));
  trials->prepare({ModelKind::ccrnn});
  check_resume(*trials, ModelKind::ccrnn, 3, 2, 3);
}

TEST_CASE("checkpoint: the loop tasks resume bit for bit (the LoopTrainer's optimizers and data stream)", "[checkpoint][loop]") {
  // Small loop models; the lesion from epoch 3 changes what learns mid-run, the profile adds test arrays;
  // distinct per-group rates make each group's optimizer matter, consolidation adds the sleep stream.
  bool lesion = false, groups_and_sleep = false, eprop = false, cerebellar_readout = false;
  SECTION("lesion") { lesion = true; }
  SECTION("the cerebellar readout, input plasticity (its dropout stream)") { cerebellar_readout = true; }
  SECTION("no lesion") {}
  SECTION("per-group rates, input plasticity, consolidation") { groups_and_sleep = true; }
  SECTION("every cortical weight by e-prop") { eprop = true; }  // its traces start afresh every trial
  const auto shrink = [&groups_and_sleep, &eprop, &cerebellar_readout](auto config) {
    config.model.hidden_size = 10;
    config.model.forward.hidden_size = 30;
    config.epochs = 4;
    config.train_size = 20;
    config.validation_size = 10;
    config.test_size = 10;
    config.loop.ablation_profile = !cerebellar_readout;  // nothing to ablate in that control
    if (cerebellar_readout) {
      config.loop.training.trial.feedback = LoopFeedback::cerebellar_readout;
      config.loop.training.cortex = CorticalPlasticity::input;
    }
    if (groups_and_sleep) {
      config.loop.training.cortex = CorticalPlasticity::input;
      config.loop.training.lr_cortex = 2.5e-3;
      config.loop.training.lr_readout = 5e-4;
      config.trainer.lr_cerebellum = 2e-3;
      config.loop.sleep.sessions = 2;
    }
    if (eprop) {
      config.loop.training.cortex = CorticalPlasticity::all;
      config.loop.training.trial.cortical_rule = CorticalRule::eprop;
    }
    return config;
  };
  LoopDrawingRunConfig draw = shrink(LoopDrawingRunConfig{});
  draw.loop.record = true;
  if (lesion) draw.trainer.lesion_epoch = 3;
  EvidenceAccumulationRunConfig evidence = shrink(EvidenceAccumulationRunConfig{});
  evidence.task.length = 12;
  const std::unique_ptr<Task> tasks[] = {make_loop_drawing_task(draw), make_evidence_accumulation_task(evidence),
                                         make_delayed_association_task(shrink(DelayedAssociationRunConfig{}))};
  for (const auto& task : tasks) {
    task->prepare({ModelKind::crnn, ModelKind::ccrnn});
    for (ModelKind kind : {ModelKind::crnn, ModelKind::ccrnn}) {
      INFO(task->name() << " " << to_string(kind));
      check_resume(*task, kind, 5, 2, 4);
    }
  }
}

TEST_CASE("checkpoint: a task-switching loopdraw run resumes bit for bit before, at and after the switch", "[checkpoint][loop]") {
  // 2 epochs of lines with module 0, then 3 of arcs with the fresh module 1: stopped after epoch 1 (lines),
  // 2 (the switch comes with the next epoch) or 4 (mid-arcs: module 0, the scores taken at the switch, the
  // phase and the arcs' cerebellar optimizer must come back). Distinct per-group rates make each optimizer
  // matter; with the readout frozen after the switch the phase also decides what learns.
  LoopDrawingRunConfig config;
  config.model.hidden_size = 10;
  config.model.forward.hidden_size = 30;
  config.epochs = 2;
  config.switch_epochs = 3;
  config.train_size = 20;
  config.validation_size = 10;
  config.test_size = 10;
  config.loop.training.lr_readout = 5e-4;
  config.trainer.lr_cerebellum = 2e-3;
  SECTION("the readout learns on") {}
  SECTION("the readout frozen after the switch") { config.switch_freeze_readout = true; }
  const auto task = make_loop_drawing_task(config);
  task->prepare({ModelKind::ccrnn});
  for (int stop : {1, 2, 4}) {
    INFO("stopped after epoch " << stop);
    check_resume(*task, ModelKind::ccrnn, 5, stop, 5);
  }
}

TEST_CASE("checkpoint: copy-repeat resumes bit for bit, its curriculum's level and history included", "[checkpoint][copyrepeat]") {
  CopyRepeatRunConfig config;
  config.model.hidden_size = 8;
  config.batch_size = 4;
  config.batches_per_epoch = 2;
  config.epochs = 4;
  config.validation_size = 3;
  config.test_size = 3;
  config.task.threshold_bits = 100.0;  // one level per batch: the level after a resume matters
  SECTION("DNI") {}
  SECTION("BP(lambda)") { config.trainer.bp_lambda.online = true; }
  SECTION("BP(lambda), the cerebellum's own learning rate") {
    config.trainer.bp_lambda.online = true;
    config.trainer.lr_cerebellum = 1e-5;
  }
  const auto task = make_copy_repeat_task(config);
  task->prepare({ModelKind::ccrnn});
  check_resume(*task, ModelKind::ccrnn, 6, 2, 4);
}

TEST_CASE("checkpoint: captioning resumes bit for bit, the selected epoch's model and dropout included", "[checkpoint][caption]") {
  CaptionRunConfig config = caption_test::small_caption();
  config.epochs = 4;
  const auto task = make_caption_task(config, std::make_shared<const CaptionData>(load_caption_data(config)));
  task->prepare({ModelKind::ccrnn});
  check_resume(*task, ModelKind::ccrnn, 2, 2, 4);
}

TEST_CASE("checkpoint: an interruption writes the last completed epoch, and the run resumes there", "[checkpoint]") {
  testing::ScratchDir dir;
  const auto task = make_line_drawing_task(small_line_drawing(5));
  const RunRecord full = run_task(*task, ModelKind::ccrnn, 4);
  const CheckpointOptions checkpoint = checkpoint_at(dir.file("run.h5"), 0);  // no periodic checkpoints: only the interruption's
  const auto interrupt_in_epoch_4 = [](const EpochReport& r) {
    if (r.epoch == 3) set_interrupt_check([] { throw Interrupted(SIGTERM); });
    return true;
  };
  CHECK_THROWS_AS(run_task(*task, ModelKind::ccrnn, 4, interrupt_in_epoch_4, checkpoint), Interrupted);
  set_interrupt_check(nullptr);
  int resumed_after = -1;
  CheckpointOptions resume = checkpoint;
  resume.on_resume = [&](int epoch) { resumed_after = epoch; };
  check_same_record(run_task(*task, ModelKind::ccrnn, 4, {}, resume), full);
  CHECK(resumed_after == 3);
}

TEST_CASE("checkpoint: more epochs continue a finished run; fewer than the checkpoint's are refused", "[checkpoint]") {
  testing::ScratchDir dir;
  const CheckpointOptions checkpoint = checkpoint_at(dir.file("run.h5"), 0);
  run_task(*make_line_drawing_task(small_line_drawing(2)), ModelKind::ccrnn, 5, {}, checkpoint);
  const auto longer = make_line_drawing_task(small_line_drawing(4));
  check_same_record(run_task(*longer, ModelKind::ccrnn, 5, {}, checkpoint), run_task(*longer, ModelKind::ccrnn, 5));
  const std::string message = testing::error_of<CheckpointError>([&] { run_task(*make_line_drawing_task(small_line_drawing(3)), ModelKind::ccrnn, 5, {}, checkpoint); });
  CHECK_THAT(message, Catch::Contains(checkpoint.path) && Catch::Contains("at epoch 4, beyond --epochs 3"));
}

TEST_CASE("checkpoint: one of another run is refused, naming the file and what differs", "[checkpoint]") {
  testing::ScratchDir dir;
  const CheckpointOptions checkpoint = checkpoint_at(dir.file("run.h5"), 1);
  const auto task = make_line_drawing_task(small_line_drawing(2));
  run_task(*task, ModelKind::ccrnn, 5, {}, checkpoint);
  const auto refusal = [&](const Task& t, ModelKind kind, std::uint64_t seed) {
    return testing::error_of<CheckpointError>([&] { run_task(t, kind, seed, {}, checkpoint); });
  };
  CHECK_THAT(refusal(*task, ModelKind::ccrnn, 6), Catch::Contains(checkpoint.path) && Catch::Contains("seed 5 in the checkpoint, 6 now"));
  CHECK_THAT(refusal(*task, ModelKind::crnn, 5), Catch::Contains("model ccrnn in the checkpoint, crnn now"));
  LineDrawingRunConfig other = small_line_drawing(2);
  other.trainer.tbptt.truncation = 2;
  CHECK_THAT(refusal(*make_line_drawing_task(other), ModelKind::ccrnn, 5), Catch::Contains("setting T = 1 in the checkpoint, 2 now"));
  // restart: the checkpoint is not read, and is replaced.
  CheckpointOptions restart = checkpoint;
  restart.restart = true;
  run_task(*make_line_drawing_task(other), ModelKind::ccrnn, 6, {}, restart);
  CHECK_THAT(refusal(*task, ModelKind::ccrnn, 5), Catch::Contains("seed 6 in the checkpoint, 5 now"));
}

TEST_CASE("checkpoint: another data set is refused by its fingerprint", "[checkpoint]") {
  testing::ScratchDir dir;
  const CheckpointOptions checkpoint = checkpoint_at(dir.file("run.h5"), 1);
  const auto task = small_seqmnist(1, 30, 1, 60);
  run_task(*task, ModelKind::crnn, 1, {}, checkpoint);
  const auto other = small_seqmnist(1, 30, 2, 60);
  CHECK(other->data_fingerprint() != task->data_fingerprint());
  const std::string message = testing::error_of<CheckpointError>([&] { run_task(*other, ModelKind::crnn, 1, {}, checkpoint); });
  CHECK_THAT(message, Catch::Contains(checkpoint.path) && Catch::Contains("the data set differs"));
}

TEST_CASE("checkpoint: a truncated checkpoint is never resumed from", "[checkpoint]") {
  testing::ScratchDir dir;
  const CheckpointOptions checkpoint = checkpoint_at(dir.file("run.h5"), 1);
  const auto task = make_line_drawing_task(small_line_drawing(2));
  run_task(*task, ModelKind::ccrnn, 5, {}, checkpoint);
  std::filesystem::resize_file(checkpoint.path, std::filesystem::file_size(checkpoint.path) / 2);
  const std::string message = testing::error_of<CheckpointError>([&] { run_task(*task, ModelKind::ccrnn, 5, {}, checkpoint); });
  CHECK_THAT(message, Catch::Contains(checkpoint.path) && Catch::Contains("unreadable checkpoint") && Catch::Contains("--restart"));
}

TEST_CASE("checkpoint: contents that pass the checksum but cannot be resumed from are refused, not run", "[checkpoint]") {
  // Found while writing tests/fuzz/fuzz_checkpoint.cpp, by reading the restore paths its edits of genuine
  // checkpoints (written back with a matching checksum) drive: without these checks an all-zero random
  // stream hung the run (xoshiro256** gives zeros forever), an order that is not a permutation read outside
  // the training set, a negative epoch trained for ever, and curves shorter than the epochs made the test
  // read past an empty curve.
  testing::ScratchDir dir;
  const CheckpointOptions checkpoint = checkpoint_at(dir.file("run.h5"), 1);
  const auto task = small_seqmnist(2, 10, 1, 20);
  run_task(*task, ModelKind::crnn, 1, [](const EpochReport&) { return false; }, checkpoint);  // stops after epoch 1
  const CheckpointIdentity identity = checkpoint_identity(*task, "crnn", 1);
  const RunState genuine = read_checkpoint(checkpoint.path, identity);
  const auto refusal = [&](const std::string& item, ResultArray value) {
    RunState edited = genuine;
    edited.put(item, std::move(value));
    write_checkpoint(checkpoint.path, identity, edited);
    return testing::error_of<CheckpointError>([&] { run_task(*task, ModelKind::crnn, 1, {}, checkpoint); });
  };
  const std::size_t train = genuine.indices("task/order").size();
  REQUIRE(train > 4);
  std::vector<std::int64_t> order(train);
  for (std::size_t i = 0; i < train; ++i) order[i] = static_cast<std::int64_t>(i);
  CHECK_THAT(refusal("task/data_rng", ResultArray::integers({0, 0, 0, 0, 0, 0})),
             Catch::Contains(checkpoint.path) && Catch::Contains("'data_rng' is not a random stream's state"));
  order[3] = static_cast<std::int64_t>(train);  // outside the training set
  CHECK_THAT(refusal("task/order", ResultArray::integers(order)),
             Catch::Contains("'order' is not an order of the " + std::to_string(train) + " training samples"));
  order[3] = 4;  // a repeat
  CHECK_THAT(refusal("task/order", ResultArray::integers(order)), Catch::Contains("not an order"));
  order.pop_back();
  order[3] = 3;
  CHECK_THAT(refusal("task/order", ResultArray::integers(order)), Catch::Contains("not an order"));
  CHECK_THAT(refusal("epoch", ResultArray::integers({-1000000})), Catch::Contains("'epoch' is -1000000"));
  CHECK_THAT(refusal("best_epoch", ResultArray::integers({2})), Catch::Contains("'best_epoch' is 2"));
  CHECK_THAT(refusal("curves/train_error", ResultArray::reals({})), Catch::Contains("curve 'train_error' has 0 values"));
  CHECK_THAT(refusal("epoch", ResultArray::integers({(std::int64_t{1} << 32) + 1})), Catch::Contains("beyond --epochs 2"));
  // The genuine state, written back the same way, still resumes.
  write_checkpoint(checkpoint.path, identity, genuine);
  CHECK(run_task(*task, ModelKind::crnn, 1, {}, checkpoint).epochs_run == 2);
}
