// Recordings during a whole run: they change nothing, come at the requested iterations, and their
// per-epoch summaries have one value per epoch.
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/run_loop.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <optional>

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {
LineDrawingRunConfig small_run(bool cerebellum) {
  LineDrawingRunConfig c;
  c.model.cerebellum = cerebellum;
  c.model.cerebellar.hidden_size = 40;
  c.epochs = 3;
  c.train_size = 100;  // 2 iterations per epoch
  c.validation_size = 20;
  c.test_repeats = 1;
  return c;
}

RunRecord run_small_line_drawing(const LineDrawingRunConfig& config, std::uint64_t seed) {
  return run_task(*make_line_drawing_task(config), std::nullopt, seed);
}
}  // namespace

TEST_CASE("recording a run leaves its training bit for bit unchanged", "[tasks][recording]") {
  for (bool cerebellum : {false, true}) {
    LineDrawingRunConfig plain = small_run(cerebellum), recorded = small_run(cerebellum);
    recorded.recording = {1, true};
    const auto a = run_small_line_drawing(plain, 5);
    const auto b = run_small_line_drawing(recorded, 5);
    CHECK(a.curves.at("train_error") == b.curves.at("train_error"));
    CHECK(a.curves.at("val_error") == b.curves.at("val_error"));
    // The recording curves live beside the learning curves: none without recordings.
    for (const auto& name : recording_curve_names()) {
      INFO(name);
      CHECK(a.curves.count(name) == 0u);
      CHECK(b.curves.count(name) == 1u);
    }
    CHECK(a.curves.size() == 2u);  // train_error and val_error only
    CHECK(a.recordings.empty());
    REQUIRE(b.recordings.size() == 6u);  // every iteration of 3 epochs x 2 batches
  }
}

TEST_CASE("recordings come every n-th iteration with one summary value per epoch", "[tasks][recording]") {
  LineDrawingRunConfig config = small_run(true);
  config.recording = {4, true};
  const auto result = run_small_line_drawing(config, 2);
  REQUIRE(result.recordings.size() == 2u);  // iterations 0 and 4 of 0..5
  CHECK(result.recordings[0].iteration == 0);
  CHECK(result.recordings[1].iteration == 4);
  const auto& rec = result.recordings[1];
  CHECK(rec.states.rows() == 100);                 // [h; c] of N = 50
  CHECK(rec.states.cols() == 50 * 11);             // B x (W + 1), T = 1, L = 10
  CHECK(rec.true_gradients.cols() == 50 * 11);
  CHECK(rec.targets.cols() == 50 * 10);
  REQUIRE(rec.granule.size() == 2u);
  CHECK(rec.granule[0].rows() == 40);
  for (const auto& name : recording_curve_names()) {
    INFO(name);
    REQUIRE(result.curves.count(name) == 1u);
    REQUIRE(result.curves.at(name).size() == 3u);
  }
  const auto& alignment = result.curves.at("alignment_prediction");
  CHECK(std::isfinite(alignment[0]));   // iteration 0 is in epoch 1
  CHECK(std::isnan(alignment[1]));      // epoch 2 (iterations 2, 3) records nothing
  CHECK(std::isfinite(alignment[2]));   // iteration 4
  for (double a : {alignment[0], alignment[2]}) CHECK(std::abs(a) <= 1.0);
  const double sparsity = result.curves.at("granule_sparsity")[0];
  CHECK(sparsity > 0.0);
  CHECK(sparsity <= 1.0);
}

TEST_CASE("a cRNN recording has the truncated alignment but no cerebellar curves", "[tasks][recording]") {
  LineDrawingRunConfig config = small_run(false);
  config.recording = {1, false};
  const auto result = run_small_line_drawing(config, 3);
  CHECK(result.recordings.empty());  // arrays not requested
  REQUIRE(result.curves.count("alignment_truncated") == 1u);
  for (double a : result.curves.at("alignment_truncated")) {
    CHECK(std::isfinite(a));
    CHECK(std::abs(a) <= 1.0);
  }
  for (double a : result.curves.at("alignment_prediction")) CHECK(std::isnan(a));
  for (double a : result.curves.at("granule_sparsity")) CHECK(std::isnan(a));
  for (double a : result.curves.at("cortex_coding_space")) CHECK(a > 0.0);
}
