// Evidence accumulation and delayed association through the loop (evidence_accumulation*.hpp,
// delayed_association*.hpp): the data against hand-computed cases and the reference's definitions, the
// settings checks, and short runs (crnn = cerebellum silenced, so seeds are paired; same seed, same numbers).
#include <ccrnn/core/parallel.hpp>
#include <ccrnn/tasks/delayed_association_task.hpp>
#include <ccrnn/tasks/evidence_accumulation_task.hpp>
#include <ccrnn/tasks/loop_task_run.hpp>
#include <ccrnn/tasks/model_store.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "support/scratch_dir.hpp"
#include "support/stored_runs.hpp"
#include "support/setting_message.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

TEST_CASE("evidence accumulation: labels, puffs and layout as the reference", "[tasks][loop]") {
  Eigen::MatrixXd puffs = Eigen::MatrixXd::Zero(2, 6);
  CHECK(EvidenceAccumulation::label(puffs) == 0);  // 0 : 0 is a tie
  puffs(0, 1) = puffs(0, 3) = puffs(1, 2) = 1;
  CHECK(EvidenceAccumulation::label(puffs) == 1);  // 2 : 1, channel 0
  puffs(1, 4) = puffs(1, 0) = 1;
  CHECK(EvidenceAccumulation::label(puffs) == 2);  // 2 : 3, channel 1
  puffs(0, 5) = 1;
  CHECK(EvidenceAccumulation::label(puffs) == 0);  // 3 : 3

  EvidenceAccumulationConfig config;
  config.length = 6;
  config.delay = 2;
  const EvidenceAccumulation task(config);
  CHECK(task.classes() == 3);
  const Batch<double> clean = task.make_batch<double>({puffs, Eigen::MatrixXd::Zero(2, 6)}, nullptr);
  CHECK(clean.inputs.rows() == 2);
  CHECK(clean.inputs.col(1 * 2 + 0) == puffs.col(1));  // step 1 of sample 0 (time-major columns)
  CHECK(clean.labels == std::vector<int>{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0});
  CHECK(clean.supervised == std::vector<unsigned char>{0, 0, 0, 0, 0, 1});

  // Drawn puffs: at most one channel per step, none in the last `delay` steps, density 0.3 on the others.
  EvidenceAccumulationConfig defaults;
  const EvidenceAccumulation reference(defaults);
  Rng rng(2, Stream::data);
  const auto trials = reference.draw_puffs(rng, 400);
  double puffed = 0;
  int ties = 0;
  for (const auto& p : trials) {
    CHECK(p.rightCols(5).cwiseAbs().maxCoeff() == 0.0);
    CHECK(p.colwise().sum().maxCoeff() <= 1.0);
    puffed += p.sum();
    ties += EvidenceAccumulation::label(p) == 0;
  }
  CHECK(puffed / (400.0 * 45) == Approx(0.3).epsilon(0.05));
  CHECK(ties > 0);
  const Batch<double> noisy = reference.make_batch<double>({trials[0]}, &rng);
  const Batch<double> plain = reference.make_batch<double>({trials[0]}, nullptr);
  const Eigen::MatrixXd noise = noisy.inputs - plain.inputs;
  CHECK(std::sqrt(noise.squaredNorm() / static_cast<double>(noise.size())) == Approx(0.1).epsilon(0.2));
  CHECK(noise.cwiseAbs().minCoeff() > 0.0);  // every entry, every step, the silent ones included
}

TEST_CASE("delayed association: cues at t = 0, the label over the last window", "[tasks][loop]") {
  DelayedAssociationConfig config;
  config.length = 4;
  config.window = 2;
  const DelayedAssociation task(config);
  const Batch<double> batch = task.make_batch<double>({1, 0}, nullptr);
  // 990 = 0b1111011110, 833 = 0b1101000001: the reference's RandomState(123) cues
  Eigen::VectorXd c0(10), c1(10);
  c0 << 1, 1, 0, 1, 0, 0, 0, 0, 0, 1;
  c1 << 1, 1, 1, 1, 0, 1, 1, 1, 1, 0;
  CHECK(batch.inputs.col(0) == c1);
  CHECK(batch.inputs.col(1) == c0);
  CHECK(batch.inputs.rightCols(6).cwiseAbs().maxCoeff() == 0.0);
  CHECK(batch.labels == std::vector<int>{-1, -1, -1, -1, 1, 0, 1, 0});
  CHECK(batch.supervised == std::vector<unsigned char>{0, 0, 1, 1});
  CHECK_THROWS(task.make_batch<double>({2}, nullptr));
}

TEST_CASE("last_step_error: the fraction of wrong argmaxes at the last step", "[tasks][loop]") {
  Batch<float> batch;
  batch.size = 3;
  batch.length = 2;
  batch.labels = {-1, -1, -1, 0, 2, 1};
  Matrix<float> outputs = Matrix<float>::Zero(3, 6);
  outputs(1, 0) = 5;  // step 0: not scored
  outputs(0, 3) = 1;  // right
  outputs(1, 4) = 1;  // wrong (label 2)
  outputs(1, 5) = 1;  // right
  CHECK(last_step_error(outputs, batch) == Approx(1.0 / 3.0));
}

TEST_CASE("evidence and association: bad settings are refused with the option's name", "[tasks][loop]") {
  const auto message = [](const std::string& task_name, const std::string& name, const std::string& value,
                          ModelKind kind = ModelKind::ccrnn) {
    return testing::setting_message(task_name, name, value, kind);
  };
  for (const char* name : {"evidence", "association"}) {
    INFO(name);
    CHECK(message(name, "", "") == "accepted");
    CHECK(message(name, "", "", ModelKind::bptt).find("--model bptt") != std::string::npos);
    CHECK(message(name, "temporal-basis", "1").find("--temporal-basis") != std::string::npos);
    CHECK(message(name, "noise", "-1").find("--noise") != std::string::npos);
    CHECK(message(name, "ablate-from", "50").find("--ablate-from") != std::string::npos);
  }
  CHECK(message("evidence", "density", "1.5").find("--density") != std::string::npos);
  CHECK(message("evidence", "delay", "50").find("--delay") != std::string::npos);
  CHECK(message("evidence", "channels", "1").find("--channels") != std::string::npos);
  CHECK(message("association", "window", "15").find("--window") != std::string::npos);
  CHECK(message("association", "window", "0").find("--window") != std::string::npos);
  CHECK(message("association", "cortical-rule", "rtrl").find("--cortical-rule") != std::string::npos);
  {  // e-prop is for one leaky tanh layer (a fixed cortex learns by no rule, so any is accepted there)
    auto task = make_task("association");
    task->settings().assign("cortical-rule", "eprop");
    task->settings().assign("layers", "2");
    CHECK_THROWS_WITH(task->prepare({ModelKind::ccrnn}), Catch::Contains("--cortical-rule eprop"));
    task->settings().assign("cortical-plasticity", "fixed");
    CHECK_NOTHROW(task->prepare({ModelKind::ccrnn}));
  }
}

namespace {

template <class Config>
Config small_loop(Config c) {
  c.model.hidden_size = 12;
  c.model.forward.hidden_size = 40;
  c.epochs = 3;
  c.train_size = 40;
  c.validation_size = 20;
  c.test_size = 40;
  return c;
}

void check_paired_and_deterministic(const Task& task) {
  const RunRecord crnn = run_task(task, ModelKind::crnn, 1);
  const RunRecord ccrnn = run_task(task, ModelKind::ccrnn, 1);
  // Without cerebellar feedback, ablating the cerebellum changes nothing; with it, it does.
  CHECK(crnn.scalars.at("test_error") == crnn.scalars.at("ablated_test_error"));
  CHECK(ccrnn.curves.at("val_error") != ccrnn.curves.at("val_ablated_error"));
  CHECK(ccrnn.curves.at("val_cerebellar_loss").back() < ccrnn.curves.at("val_cerebellar_loss").front());
  CHECK(crnn.weights.at("final").at("cortex.weight_hh_l0").values ==
        ccrnn.weights.at("final").at("cortex.weight_hh_l0").values);  // same start, recurrent weights never learn
  const RunRecord again = run_task(task, ModelKind::ccrnn, 1);
  CHECK(again.curves.at("train_error") == ccrnn.curves.at("train_error"));
  CHECK(again.scalars.at("test_error") == ccrnn.scalars.at("test_error"));
}

}  // namespace

TEST_CASE("evidence accumulation: crnn is the loop silenced, ccrnn's cerebellum learns; runs are deterministic",
          "[tasks][loop]") {
  EvidenceAccumulationRunConfig config = small_loop(EvidenceAccumulationRunConfig{});
  config.task.length = 15;
  const auto task = make_evidence_accumulation_task(config);
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  check_paired_and_deterministic(*task);
}

TEST_CASE("delayed association: crnn is the loop silenced, ccrnn's cerebellum learns; runs are deterministic",
          "[tasks][loop]") {
  DelayedAssociationRunConfig config = small_loop(DelayedAssociationRunConfig{});
  config.train_size = 100;
  config.trainer.optimizer.lr = 5e-3;  // fixed mossy fibres: a few iterations need a larger step
  const auto task = make_delayed_association_task(config);
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  check_paired_and_deterministic(*task);
}

TEST_CASE("delayed association with e-prop: paired, deterministic, and not the BPTT run", "[tasks][loop][eprop]") {
  DelayedAssociationRunConfig config = small_loop(DelayedAssociationRunConfig{});
  config.train_size = 100;
  config.trainer.optimizer.lr = 5e-3;
  const auto bptt = make_delayed_association_task(config);
  config.loop.training.trial.cortical_rule = CorticalRule::eprop;
  const auto eprop = make_delayed_association_task(config);
  for (Task* task : {bptt.get(), eprop.get()}) task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  check_paired_and_deterministic(*eprop);
  const RunRecord by_eprop = run_task(*eprop, ModelKind::ccrnn, 1), by_bptt = run_task(*bptt, ModelKind::ccrnn, 1);
  CHECK(by_eprop.weights.at("final").at("cortex.weight_ih_l0").values !=
        by_bptt.weights.at("final").at("cortex.weight_ih_l0").values);
}

TEST_CASE("loop tasks: the ablation profile is the test error ablated from each step, the last column intact",
          "[tasks][loop]") {
  DelayedAssociationRunConfig config = small_loop(DelayedAssociationRunConfig{});
  config.loop.ablation_profile = true;
  const auto task = make_delayed_association_task(config);
  task->prepare({ModelKind::ccrnn});
  const RunRecord r = run_task(*task, ModelKind::ccrnn, 2);
  const ResultArray& profile = r.arrays.at("ablation_profile");
  REQUIRE(profile.shape == std::vector<std::size_t>{2, 9});  // k = 0, 2, ..., 14 and 15 (L = 15)
  const auto& values = std::get<std::vector<double>>(profile.values);
  CHECK(values[0] == 0.0);
  CHECK(values[1] == 2.0);
  CHECK(values[8] == 15.0);
  CHECK(values[9] == r.scalars.at("ablated_test_error"));  // from step 0 = --ablate-from 0
  CHECK(values[17] == r.scalars.at("test_error"));         // never ablated
}

TEST_CASE("evidence accumulation: a stored model loads back with its loop configuration", "[tasks][loop][model_store]") {
  EvidenceAccumulationRunConfig config = small_loop(EvidenceAccumulationRunConfig{});
  config.task.length = 10;
  const auto task = make_evidence_accumulation_task(config);
  task->prepare({ModelKind::ccrnn});
  const RunRecord r = run_task(*task, ModelKind::ccrnn, 3);
  const testing::ScratchDir dir;
  const std::string path = testing::store_runs(dir, "evidence.h5", {r});
  const auto loaded = load_model(path, "ccrnn", 3);
  REQUIRE(loaded->forward_cerebellum);
  CHECK(loaded->config().input_size == 2);
  CHECK(loaded->config().output_size == 3);
  CHECK(loaded->forward_cerebellum->output_size() == 3);
  const auto named = named_parameters(loaded->params);
  CHECK(named.at("forward_cerebellum.layers.1.weight").values ==
        r.weights.at("final").at("forward_cerebellum.layers.1.weight").values);
}

TEST_CASE("the cerebellar-readout control: refused where it means nothing, runs paired and deterministic, stored",
          "[tasks][loop]") {
  const std::pair<std::string, std::string> variant{"feedback", "cerebellar-readout"};
  for (const char* name : {"evidence", "association", "loopdraw"}) {
    INFO(name);
    CHECK(testing::setting_message(name, {variant}) == "accepted");
    for (const auto& [option, value] : std::vector<std::pair<std::string, std::string>>{
             {"ablate-from", "3"}, {"ablation-profile", "1"}, {"sleep-sessions", "2"}, {"pons-readout", "2"}}) {
      INFO(option);
      const std::string message = testing::setting_message(name, {variant, {option, value}});
      CHECK(message.find("--feedback cerebellar-readout") != std::string::npos);
      CHECK(message.find("--" + option) != std::string::npos);
    }
  }
  CHECK(testing::setting_message("loopdraw", {variant, {"temporal-basis", "1"}}).find("--temporal-basis") !=
        std::string::npos);
  for (const char* rule : {"tbptt", "dni"}) {  // the windows backpropagate through the linear readout only
    const std::string message =
        testing::setting_message("loopdraw", {variant, {"cortical-plasticity", "all"}, {"cortical-rule", rule}});
    CHECK(message.find("--feedback cerebellar-readout") != std::string::npos);
    CHECK(message.find(std::string("--cortical-rule ") + rule) != std::string::npos);
  }
  CHECK(testing::setting_message("loopdraw", {variant, {"switch-epochs", "2"}}).find("--switch-epochs") !=
        std::string::npos);

  EvidenceAccumulationRunConfig config = small_loop(EvidenceAccumulationRunConfig{});
  config.task.length = 10;
  config.loop.training.trial.feedback = LoopFeedback::cerebellar_readout;
  const auto task = make_evidence_accumulation_task(config);
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  const RunRecord crnn = run_task(*task, ModelKind::crnn, 4), ccrnn = run_task(*task, ModelKind::ccrnn, 4);
  const auto& learnt = ccrnn.weights.at("final");
  REQUIRE(learnt.count("cerebellar_readout.layers.0.weight") == 1);
  CHECK(crnn.weights.at("final").count("cerebellar_readout.layers.0.weight") == 0);  // crnn keeps its linear readout
  // Same cortex (fixed), the linear readout and the cerebellum untouched in the variant.
  CHECK(learnt.at("cortex.weight_hh_l0").values == crnn.weights.at("final").at("cortex.weight_hh_l0").values);
  const Model<float> initial = [&] {
    Model<float> m(task->run_config(ModelKind::ccrnn).model);
    m.initialise(4);
    return m;
  }();
  const auto start = named_parameters(initial.params);
  CHECK(learnt.at("readout.weight").values == start.at("readout.weight").values);
  CHECK(learnt.at("forward_cerebellum.layers.1.weight").values == start.at("forward_cerebellum.layers.1.weight").values);
  CHECK(learnt.at("cerebellar_readout.layers.1.weight").values != start.at("cerebellar_readout.layers.1.weight").values);
  CHECK(ccrnn.scalars.at("test_error") == ccrnn.scalars.at("ablated_test_error"));  // no cerebellum to ablate
  // Same seed, same bits, also when two runs go in parallel threads.
  std::vector<RunRecord> parallel(2);
  parallel_for_each_run(2, 2, [&](long i) { parallel[static_cast<std::size_t>(i)] = run_task(*task, ModelKind::ccrnn, 4 + i); });
  CHECK(parallel[0].curves.at("train_error") == ccrnn.curves.at("train_error"));
  CHECK(parallel[0].weights.at("final").at("cerebellar_readout.layers.0.weight").values ==
        learnt.at("cerebellar_readout.layers.0.weight").values);
  CHECK(parallel[1].curves.at("train_error") == run_task(*task, ModelKind::ccrnn, 5).curves.at("train_error"));

  const testing::ScratchDir dir;
  const auto loaded = load_model(testing::store_runs(dir, "readout.h5", {ccrnn}), "ccrnn", 4);
  REQUIRE(loaded->cerebellar_readout);
  CHECK(loaded->cerebellar_readout->config().hidden_size == config.model.forward.hidden_size);
  CHECK(loaded->cerebellar_readout->config().dropout == 0.2);
  CHECK(named_parameters(loaded->params).at("cerebellar_readout.layers.0.weight").values ==
        learnt.at("cerebellar_readout.layers.0.weight").values);
}
