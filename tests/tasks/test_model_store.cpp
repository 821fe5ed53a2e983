// Trained models in results files (tasks/model_store.hpp): PyTorch names and shapes, the model's
// configuration, and load_model giving back a model whose forward pass reproduces the run bit for bit.
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/model_store.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/trajectories.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "support/scratch_dir.hpp"
#include "support/stored_runs.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

LineDrawingRunConfig model_store_line_drawing() {
  LineDrawingRunConfig c;
  c.model.hidden_size = 12;
  c.model.cerebellar.hidden_size = 20;
  c.model.cerebellar.fibres = 5;
  c.epochs = 3;
  c.train_size = 100;
  c.validation_size = 20;
  c.test_repeats = 1;
  return c;
}

std::string write_records(const testing::ScratchDir& dir, const std::vector<RunRecord>& records, bool with_weights) {
  return testing::store_runs(dir, with_weights ? "with.h5" : "without.h5", records, with_weights);
}

}  // namespace

TEST_CASE("model store: parameters under PyTorch's names and shapes", "[tasks][model_store]") {
  const auto task = make_line_drawing_task(model_store_line_drawing());
  const RunRecord r = run_task(*task, ModelKind::ccrnn, 3);
  REQUIRE(r.model_config);
  CHECK(r.model_config->cerebellum);
  CHECK(r.model_config->input_size == 1);
  REQUIRE(r.weights.count("final") == 1);
  CHECK(r.weights.count("best") == 0);  // line drawing tests the last epoch
  const auto& w = r.weights.at("final");
  CHECK(w.at("cortex.weight_ih_l0").shape == std::vector<std::size_t>{48, 1});
  CHECK(w.at("cortex.weight_hh_l0").shape == std::vector<std::size_t>{48, 12});
  CHECK(w.at("cortex.bias_ih_l0").shape == std::vector<std::size_t>{48});
  CHECK(w.at("readout.weight").shape == std::vector<std::size_t>{2, 12});
  CHECK(w.at("cerebellum.layers.0.weight").shape == std::vector<std::size_t>{20, 24});
}

TEST_CASE("model store: a loaded model draws the run's trajectories bit for bit", "[tasks][model_store]") {
  const testing::ScratchDir dir;
  const auto task = make_line_drawing_task(model_store_line_drawing());
  std::vector<RunRecord> records = {run_task(*task, ModelKind::crnn, 2), run_task(*task, ModelKind::ccrnn, 2),
                                    run_task(*task, ModelKind::ccrnn, 5)};
  const std::string path = write_records(dir, records, true);
  for (const RunRecord& r : records) {
    INFO(r.model << " seed " << r.seed);
    const auto model = load_model(path, r.model, r.seed);
    CHECK(model->config().cerebellum == (r.model == "ccrnn"));
    const LineDrawing drawing(model_store_line_drawing().task);
    const Batch<float> cues = drawing.make_batch<float>(LineDrawing::cues(), nullptr, true);
    TbpttWorkspace<float> ws;
    predict(*model, cues, ws);
    std::vector<Eigen::MatrixXd> drawn;
    for (Index j = 0; j < cues.size; ++j) drawn.push_back(trajectory_of(ws.outputs, cues.size, cues.length, j));
    CHECK(stack_trajectories(drawn) == std::get<std::vector<double>>(r.arrays.at("trajectories").values));
  }
  CHECK_THROWS_WITH(load_model(path, "bptt", 2), Catch::Contains(path) && Catch::Contains("no run of model 'bptt'"));
  CHECK_THROWS_WITH(load_model(path, "ccrnn", 9), Catch::Contains("with seed 9"));
  CHECK_THROWS_WITH(load_model(path, "ccrnn", 2, "best"), Catch::Contains("no 'best' weights (it has: final)"));
  const std::string without = write_records(dir, records, false);
  CHECK_THROWS_WITH(load_model(without, "ccrnn", 2), Catch::Contains("holds no weights"));
}

TEST_CASE("model store: captioning keeps the final and the best epoch's weights, encoder included", "[tasks][model_store]") {
  CaptionRunConfig c;
  c.scenes.train_images = 60;
  c.scenes.validation_images = 10;
  c.scenes.test_images = 10;
  c.scenes.feature_size = 16;
  c.model.hidden_size = 16;
  c.caption.embedding_size = 8;
  c.epochs = 2;
  c.batch_size = 20;
  const auto data = std::make_shared<const CaptionData>(load_caption_data(c));
  const auto task = make_caption_task(c, data);
  const RunRecord r = run_task(*task, ModelKind::crnn, 1);
  REQUIRE(r.weights.count("final") == 1);
  REQUIRE(r.weights.count("best") == 1);
  CHECK(r.weights.at("best").count("encoder.linear.weight") == 1);
  CHECK(r.weights.at("best").count("decoder.embed.weight") == 1);
  CHECK(r.weights.at("best").count("cortex.weight_hh_l0") == 1);
  CHECK(r.model_config->input_size == 8);
}
