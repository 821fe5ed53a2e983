// Line drawing through the loop, its model-feature options (tasks/loop_drawing_task.hpp): the switching
// task's arcs, task switching between cerebellar modules, consolidation after training, the readout-feedback
// control and cortical-unit ablation, each in short runs.
#include <ccrnn/tasks/loop_drawing_task.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "support/small_loop_drawing.hpp"
#include "support/setting_message.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

const std::vector<double>& reals(const RunRecord& r, const std::string& name) {
  return std::get<std::vector<double>>(r.arrays.at(name).values);
}

}  // namespace

TEST_CASE("loop line drawing: the arcs are right-bulging semicircles at constant angular speed", "[tasks][loop]") {
  LoopDrawingConfig config;
  config.arcs = true;
  const LoopDrawing arcs(config);
  CHECK(arcs.target(0).cwiseAbs().maxCoeff() == 0.0);
  const double step = M_PI / 19.0;
  for (int k = 1; k < LoopDrawing::lines; ++k) {
    const Eigen::MatrixXd& p = arcs.target(k);
    const double angle = 72.0 * (k - 1) * M_PI / 180.0;
    const Eigen::Vector2d e(std::sin(angle), std::cos(angle)), centre = e / 2;
    CHECK(p.col(0).norm() < 1e-15);
    CHECK((p.col(19) - e).norm() < 1e-15);
    for (Index t = 0; t < 20; ++t) {
      const Eigen::Vector2d from_centre = p.col(t) - centre;
      CHECK(from_centre.norm() == Approx(0.5));                                  // radius 1/2 around e/2
      if (t > 0 && t < 19) CHECK(e.x() * p(1, t) - e.y() * p(0, t) < 0.0);   // right of the travel direction
      if (t > 0) {
        const Eigen::Vector2d before = p.col(t - 1) - centre;
        CHECK(std::acos(before.dot(from_centre) / 0.25) == Approx(step));      // constant angular speed
      }
    }
  }
}

TEST_CASE("loop line drawing: task switching trains a fresh module on the arcs and switches back", "[tasks][loop]") {
  LoopDrawingRunConfig config = testing::small_loop_drawing();
  config.switch_epochs = 2;
  config.switch_freeze_readout = true;
  const auto task = make_loop_drawing_task(config);
  task->prepare({ModelKind::ccrnn});
  const RunRecord r = run_task(*task, ModelKind::ccrnn, 2);
  CHECK(r.curves.at("train_error").size() == 5);  // 3 epochs of lines, then 2 of arcs
  CHECK(r.scalars.at("arcs_test_error") != r.scalars.at("arcs_test_error_module0"));
  // Cortex fixed, readout frozen during the arcs, module 0 back: the lines are drawn exactly as before.
  CHECK(r.scalars.at("test_error") == r.scalars.at("lines_test_error_before_switch"));

  // Without switching nothing of the lines' run changes; with the readout learning (the reference) the
  // lines after switching back differ from before.
  const auto plain = make_loop_drawing_task(testing::small_loop_drawing());
  plain->prepare({ModelKind::ccrnn});
  const RunRecord lines_only = run_task(*plain, ModelKind::ccrnn, 2);
  CHECK(lines_only.scalars.at("test_error") == r.scalars.at("lines_test_error_before_switch"));
  CHECK(lines_only.scalars.count("arcs_test_error") == 0);
  config.switch_freeze_readout = false;
  const auto learning = make_loop_drawing_task(config);
  learning->prepare({ModelKind::ccrnn});
  const RunRecord r2 = run_task(*learning, ModelKind::ccrnn, 2);
  CHECK(r2.scalars.at("test_error") != r2.scalars.at("lines_test_error_before_switch"));
}

TEST_CASE("loop line drawing: consolidation reports its sessions and leaves the trained run untouched", "[tasks][loop]") {
  LoopDrawingRunConfig config = testing::small_loop_drawing();
  config.loop.record = true;  // recorded after the sessions: they must see the trained weights again
  const auto plain = make_loop_drawing_task(config);
  plain->prepare({ModelKind::ccrnn});
  const RunRecord trained = run_task(*plain, ModelKind::ccrnn, 3);
  config.loop.sleep.sessions = 4;
  const auto task = make_loop_drawing_task(config);
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  const RunRecord r = run_task(*task, ModelKind::ccrnn, 3);
  CHECK(r.scalars.at("test_error") == trained.scalars.at("test_error"));
  CHECK(reals(r, "trajectories") == reals(trained, "trajectories"));
  CHECK(std::get<std::vector<float>>(r.arrays.at("recording_cortex").values) ==
        std::get<std::vector<float>>(trained.arrays.at("recording_cortex").values));

  const auto& error = reals(r, "sleep_error");
  const auto& ablated = reals(r, "sleep_ablated_error");
  const auto& norm = reals(r, "sleep_cerebellar_norm");
  REQUIRE(error.size() == 5);
  REQUIRE(reals(r, "sleep_cosine").size() == 4);
  CHECK(error.front() == r.scalars.at("test_error"));
  CHECK(ablated.front() == r.scalars.at("ablated_test_error"));
  CHECK(ablated.back() == r.scalars.at("sleep_ablated_test_error"));
  for (std::size_t s = 1; s < norm.size(); ++s) CHECK(norm[s] == Approx(0.9 * norm[s - 1]).epsilon(1e-6));
  // The ablated model gets the transferred drive: its error moves toward the intact one.
  CHECK(std::abs(ablated.back() - error.back()) < std::abs(ablated.front() - error.front()));
  // The cRNN (cerebellum silenced) has nothing to consolidate.
  const RunRecord crnn = run_task(*task, ModelKind::crnn, 3);
  CHECK(crnn.arrays.count("sleep_error") == 0);
}

TEST_CASE("loop line drawing: the readout-feedback control and cortical-unit ablation", "[tasks][loop]") {
  LoopDrawingRunConfig config = testing::small_loop_drawing();
  config.loop.training.trial.feedback = LoopFeedback::readout;
  config.loop.ablate_units = 6;
  const auto task = make_loop_drawing_task(config);
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  const RunRecord readout = run_task(*task, ModelKind::ccrnn, 1);
  const RunRecord none = run_task(*task, ModelKind::crnn, 1);
  // The cerebellum is not taught: its final weights are the initial ones, as the cRNN's of the same seed.
  for (const char* name : {"forward_cerebellum.layers.0.weight", "forward_cerebellum.layers.1.weight"})
    CHECK(readout.weights.at("final").at(name).values == none.weights.at("final").at(name).values);
  CHECK(readout.weights.at("final").at("readout.weight").values != none.weights.at("final").at("readout.weight").values);
  CHECK(readout.scalars.at("test_error") != none.scalars.at("test_error"));
  CHECK(readout.scalars.at("unit_ablated_test_error") != readout.scalars.at("test_error"));
}

TEST_CASE("loop line drawing: bad feature settings are refused with the option's name", "[tasks][loop]") {
  const auto message = [](const std::string& name, const std::string& value) {
    return testing::setting_message("loopdraw", name, value);
  };
  CHECK(message("sleep-rate", "0").find("--sleep-rate") != std::string::npos);
  CHECK(message("sleep-sessions", "-1").find("--sleep-sessions") != std::string::npos);
  CHECK(message("sleep-rule", "bio").find("--sleep-rule") != std::string::npos);
  CHECK(message("switch-freeze-readout", "1").find("--switch-epochs") != std::string::npos);
  CHECK(message("ablate-units", "51").find("--ablate-units") != std::string::npos);
  CHECK(message("lr-cortex", "-1").find("--lr-cortex") != std::string::npos);
  CHECK(message("feedback", "motor").find("--feedback") != std::string::npos);
  CHECK(message("sleep-rule", "local") == "accepted");
}
