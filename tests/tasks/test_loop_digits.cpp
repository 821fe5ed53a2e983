// Digit drawing through the loop ("loopdigits"; tasks/loop_drawing.hpp): the targets and cues against the
// loop reference's definitions (ccLoops draw_numbers.py, fit_points, RandomState(123)), the task's settings
// checks and short runs (crnn = cerebellum silenced).
#include <ccrnn/tasks/loop_drawing_task.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "support/setting_message.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

LoopDrawingConfig digits(int n) {
  LoopDrawingConfig c;
  c.digits = n;
  return c;
}

}  // namespace

TEST_CASE("loop digit drawing: the loop reference's digits 0-5 over 20 steps, its cues", "[tasks][loop]") {
  const LoopDrawing task(digits(6));
  REQUIRE(task.conditions() == 6);
  // Digit 1 is the plain vertical stroke (0.5, 1) -> (0.5, 0) in 19 equal steps (the DNI reference's 1 has
  // a flag instead).
  for (Index t = 0; t < 20; ++t) {
    CHECK(task.target(1)(0, t) == 0.5);
    CHECK(task.target(1)(1, t) == Approx(1.0 - static_cast<double>(t) / 19).margin(1e-15));
  }
  // Digit 4: 8 vertices, 7 segments of 20 // 7 = 2 samples, the first 20 % 7 - 1 = 5 of them one more: down
  // the stem (0.5, 1) -> (0.5, 0) -> back up to (0.5, 1), then (0, 0.5), (0.5, 0.5) and (1, 0.5) last.
  const Eigen::MatrixXd& four = task.target(4);
  const auto at = [&four](Index t) { return Eigen::Vector2d(four(0, t), four(1, t)); };
  CHECK(at(0) == Eigen::Vector2d(0.5, 1.0));
  CHECK(at(1).isApprox(Eigen::Vector2d(0.5, 1.0 - 0.5 / 3)));
  CHECK(at(6) == Eigen::Vector2d(0.5, 0.0));
  CHECK(at(12) == Eigen::Vector2d(0.5, 1.0));
  CHECK(at(15) == Eigen::Vector2d(0.0, 0.5));
  CHECK(at(17) == Eigen::Vector2d(0.5, 0.5));
  CHECK(at(18) == Eigen::Vector2d(0.75, 0.5));
  CHECK(at(19) == Eigen::Vector2d(1.0, 0.5));
  // Digit 0 starts top left and goes round counter-clockwise back to it; digit 5 ends bottom left.
  CHECK(task.target(0).col(0) == Eigen::Vector2d(0, 1));
  CHECK(task.target(0).col(19) == Eigen::Vector2d(0, 1));
  // 8 segments, 20 % 8 = 4: the first 3 get 3 samples, the others 2; so vertex 3 (0.5, 0) is step 9.
  CHECK(task.target(0).col(6) == Eigen::Vector2d(0, 0));
  CHECK(task.target(0).col(9) == Eigen::Vector2d(0.5, 0));
  CHECK(task.target(5).col(19) == Eigen::Vector2d(0, 0));
  // The first six cues are line drawing's; the ten digits' continue RandomState(123).choice(1024, 10):
  // 890 = 0b1101111010, 1010 = 0b1111110010.
  Eigen::VectorXd c6(10), c9(10);
  c6 << 1, 1, 0, 1, 1, 1, 1, 0, 1, 0;
  c9 << 1, 1, 1, 1, 1, 1, 0, 0, 1, 0;
  CHECK(LoopDrawing::cue(6) == c6);
  CHECK(LoopDrawing::cue(9) == c9);
  CHECK_THROWS_AS(LoopDrawing::cue(10), std::out_of_range);
  CHECK_THROWS_AS(task.target(6), std::out_of_range);

  const Batch<double> batch = task.make_batch<double>({4, 1}, nullptr);
  CHECK(batch.inputs.col(0) == LoopDrawing::cue(4));
  CHECK(batch.targets.col(2 * 12) == four.col(12));  // time-major: step 12 of sample 0
}

TEST_CASE("loop digit drawing: N digits are N conditions drawn uniformly; bad counts are refused", "[tasks][loop]") {
  const LoopDrawing ten(digits(10));
  Rng rng(2, Stream::data);
  const std::vector<int> drawn = ten.random_conditions(rng, 400);
  CHECK(std::set<int>(drawn.begin(), drawn.end()) == std::set<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Line drawing keeps its 6 conditions (and its stream of draws).
  const LoopDrawing lines(LoopDrawingConfig{});
  CHECK(lines.conditions() == LoopDrawing::lines);
  CHECK_THROWS_AS(LoopDrawing(digits(1)), std::invalid_argument);
  CHECK_THROWS_AS(LoopDrawing(digits(11)), std::invalid_argument);
  LoopDrawingConfig short_trials = digits(6);
  short_trials.length = 10;  // digit 5 has 11 vertices
  CHECK_THROWS_WITH(LoopDrawing(short_trials), Catch::Contains("digit 5") && Catch::Contains("11 vertices"));
}

TEST_CASE("loop digit drawing: the task's defaults, settings checks and a short run", "[tasks][loop]") {
  const auto message = [](const std::string& name, const std::string& value) {
    return testing::setting_message("loopdigits", name, value);
  };
  CHECK(message("digits", "11").find("--digits") != std::string::npos);
  CHECK(message("digits", "1").find("--digits") != std::string::npos);
  CHECK(message("length", "10").find("--length") != std::string::npos);
  CHECK(message("digits", "3") == "accepted");
  CHECK_FALSE(make_task("loopdigits")->settings().find("switch_epochs"));  // switching is line drawing's

  LoopDigitsRunConfig config;
  CHECK(config.model.leak == 0.9);  // the reference's digit-drawing alpha
  CHECK(config.epochs == 30);
  CHECK(config.task.digits == 6);
  config.model.hidden_size = 12;
  config.model.forward.hidden_size = 40;
  config.epochs = 3;
  config.train_size = 30;
  config.validation_size = 12;
  config.test_size = 12;
  const auto task = make_loop_digits_task(config);
  CHECK(task->name() == "loopdigits");
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  const RunRecord crnn = run_task(*task, ModelKind::crnn, 1);
  const RunRecord ccrnn = run_task(*task, ModelKind::ccrnn, 1);
  CHECK(crnn.scalars.at("test_error") == crnn.scalars.at("ablated_test_error"));
  CHECK(ccrnn.scalars.at("test_error") != ccrnn.scalars.at("ablated_test_error"));
  CHECK(ccrnn.curves.at("val_cerebellar_loss").back() < ccrnn.curves.at("val_cerebellar_loss").front());
  CHECK(ccrnn.arrays.at("trajectories").shape == std::vector<std::size_t>{6, 20, 2});  // one per digit
  const RunRecord again = run_task(*task, ModelKind::ccrnn, 1);
  CHECK(again.curves.at("train_error") == ccrnn.curves.at("train_error"));
  CHECK(again.scalars.at("test_error") == ccrnn.scalars.at("test_error"));
}
