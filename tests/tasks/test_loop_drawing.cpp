// Line drawing through the loop (tasks/loop_drawing.hpp, loop_drawing_task.hpp): the data against the
// reference's definitions, the task's settings checks, and short runs (crnn = cerebellum silenced).
#include <ccrnn/tasks/loop_drawing_task.hpp>
#include <ccrnn/tasks/model_store.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>
#include <ccrnn/tasks/trajectories.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "support/scratch_dir.hpp"
#include "support/small_loop_drawing.hpp"
#include "support/stored_runs.hpp"
#include "support/setting_message.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

TEST_CASE("loop line drawing: cues, slow-fast-slow paths and noise as the reference", "[tasks][loop]") {
  // 833 = 0b1101000001, 235 = 0b0011101011 (numpy RandomState(123).choice(1024, 6, replace=False))
  Eigen::VectorXd c0(10), c3(10);
  c0 << 1, 1, 0, 1, 0, 0, 0, 0, 0, 1;
  c3 << 0, 0, 1, 1, 1, 0, 1, 0, 1, 1;
  CHECK(LoopDrawing::cue(0) == c0);
  CHECK(LoopDrawing::cue(3) == c3);
  for (int a = 0; a < LoopDrawing::lines; ++a)
    for (int b = a + 1; b < LoopDrawing::lines; ++b) CHECK(LoopDrawing::cue(a) != LoopDrawing::cue(b));

  const LoopDrawing task(LoopDrawingConfig{});
  CHECK(task.target(0).cwiseAbs().maxCoeff() == 0.0);  // condition 0 stays at the origin
  for (int k = 1; k < LoopDrawing::lines; ++k) {
    const Eigen::MatrixXd& p = task.target(k);
    const double angle = 72.0 * (k - 1) * M_PI / 180.0;
    CHECK(p.col(0).norm() == 0.0);
    CHECK(p(0, 19) == Approx(std::sin(angle)).margin(1e-15));
    CHECK(p(1, 19) == Approx(std::cos(angle)).margin(1e-15));
    // slow-fast-slow: (1 - cos(pi t / 19)) / 2 of the way at step t
    CHECK(p.col(1).norm() == Approx((1 - std::cos(M_PI / 19)) / 2));
    CHECK(p.col(10).norm() == Approx((1 - std::cos(10 * M_PI / 19)) / 2));
  }

  Rng rng(3, Stream::data);
  const Batch<double> noisy = task.make_batch<double>({2, 5}, &rng);
  const Batch<double> clean = task.make_batch<double>({2, 5}, nullptr);
  CHECK(clean.inputs.col(0) == LoopDrawing::cue(2));
  CHECK(clean.inputs.rightCols(38).cwiseAbs().maxCoeff() == 0.0);
  const Eigen::MatrixXd noise = noisy.inputs - clean.inputs;
  CHECK(std::sqrt(noise.squaredNorm() / static_cast<double>(noise.size())) == Approx(0.1).epsilon(0.15));
  CHECK(noise.cwiseAbs().minCoeff() > 0.0);  // every entry, every step
}

TEST_CASE("loop line drawing: crnn is the loop silenced, ccrnn learns through it; runs are deterministic",
          "[tasks][loop]") {
  const auto task = make_loop_drawing_task(testing::small_loop_drawing());
  task->settings().assign("loop-recordings", "1");
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  const RunRecord crnn = run_task(*task, ModelKind::crnn, 1);
  const RunRecord ccrnn = run_task(*task, ModelKind::ccrnn, 1);
  // Without cerebellar feedback, ablating the cerebellum changes nothing.
  CHECK(crnn.scalars.at("test_error") == crnn.scalars.at("ablated_test_error"));
  CHECK(ccrnn.scalars.at("test_error") != ccrnn.scalars.at("ablated_test_error"));
  CHECK(ccrnn.curves.at("val_cerebellar_loss").size() == 3);
  CHECK(ccrnn.curves.at("val_cerebellar_loss").back() < ccrnn.curves.at("val_cerebellar_loss").front());
  const auto& granules = std::get<std::vector<float>>(ccrnn.arrays.at("recording_granules").values);
  CHECK(ccrnn.arrays.at("recording_granules").shape == std::vector<std::size_t>{6, 20, 40});
  CHECK(granules.size() == 6 * 20 * 40);
  CHECK(ccrnn.arrays.at("recording_cerebellar_output").shape == std::vector<std::size_t>{6, 20, 2});
  // Same seed, same numbers.
  const RunRecord again = run_task(*task, ModelKind::ccrnn, 1);
  CHECK(again.curves.at("train_error") == ccrnn.curves.at("train_error"));
  CHECK(again.scalars.at("test_error") == ccrnn.scalars.at("test_error"));
}

TEST_CASE("loop line drawing: bad settings are refused with the option's name", "[tasks][loop]") {
  const auto message = [](const std::string& name, const std::string& value, ModelKind kind = ModelKind::ccrnn) {
    return testing::setting_message("loopdraw", name, value, kind);
  };
  CHECK(message("", "", ModelKind::bptt).find("--model bptt") != std::string::npos);
  CHECK(message("tau", "20").find("--tau") != std::string::npos);
  CHECK(message("pons-cortex", "0").find("--pons-cortex") != std::string::npos);
  CHECK(message("leak", "1").find("--leak") != std::string::npos);
  CHECK(message("ablate-from", "20").find("--ablate-from") != std::string::npos);
  CHECK(message("io-timing", "late").find("--io-timing") != std::string::npos);
  CHECK(message("cortical-plasticity", "input") == "accepted");
}

TEST_CASE("loop line drawing: a stored loop model loads back and draws the run's trajectories bit for bit",
          "[tasks][loop][model_store]") {
  LoopDrawingRunConfig config = testing::small_loop_drawing();
  config.model.forward.pons[PonsOrigin::readout] = 3;  // a fixed projection, drawn again from the seed
  config.model.forward.tau = 2;
  const auto task = make_loop_drawing_task(config);
  task->prepare({ModelKind::ccrnn});
  const RunRecord r = run_task(*task, ModelKind::ccrnn, 4);
  const testing::ScratchDir dir;
  const std::string path = testing::store_runs(dir, "loop.h5", {r});
  const auto loaded = load_model(path, "ccrnn", 4);
  REQUIRE(loaded->forward_cerebellum);
  CHECK(loaded->config().forward.tau == 2);
  CHECK(loaded->config().leak == 0.1);
  const LoopDrawing data(config.task);
  const Batch<float> cues = data.make_batch<float>({0, 1, 2, 3, 4, 5}, nullptr);
  LoopSettings settings;
  LoopTrace<float> trace;
  loop_forward(*loaded, cues, settings, trace);
  std::vector<double> drawn;
  for (Index j = 0; j < 6; ++j) {
    const Eigen::MatrixXd t = trajectory_of(trace.outputs, 6, cues.length, j);
    for (Index step = 0; step < cues.length; ++step) drawn.insert(drawn.end(), {t(0, step), t(1, step)});
  }
  CHECK(drawn == std::get<std::vector<double>>(r.arrays.at("trajectories").values));
}
