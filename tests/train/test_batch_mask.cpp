// A batch's per-trial feedback mask (train/batch.hpp): the supervised flags it implies, its pairs and runs,
// and validate_batch, which rejects a mask of the wrong size and flags that disagree with the mask.
#include <catch2/catch.hpp>

#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/train/batch.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/small_models.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

namespace {

/// B = 3, L = 4, MSE: step 0 all samples, step 1 none, step 2 samples 0 and 2, step 3 sample 1.
Batch<double> three_trials(const ModelConfig& config) {
  Batch<double> batch = random_batch(config, LossKind::mse, 3, 4, 1);
  batch.mask = {1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0};
  set_supervised_from_mask(batch);
  return batch;
}

std::vector<std::pair<Index, Index>> runs_of(const Batch<double>& batch, Index t) {
  std::vector<std::pair<Index, Index>> runs;
  for (const auto [begin, end] : SupervisedRuns<double>(batch, t)) runs.emplace_back(begin, end);
  return runs;
}

std::string message_of(const Batch<double>& batch, const ModelConfig& config) {
  try {
    validate_batch(batch, config.input_size, config.output_size, LossKind::mse);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("batch mask: flags, pairs and runs follow the mask", "[batch][mask]") {
  const ModelConfig config = small_config(CellType::tanh, false, LossKind::mse);
  Batch<double> batch = three_trials(config);
  CHECK(batch.supervised == std::vector<unsigned char>{1, 0, 1, 1});
  CHECK(supervised_pairs(batch, 0, 4) == 6);
  CHECK(supervised_pairs(batch, 1, 3) == 2);
  CHECK(column_supervised(batch, 8));
  CHECK_FALSE(column_supervised(batch, 7));
  CHECK(runs_of(batch, 0) == std::vector<std::pair<Index, Index>>{{0, 3}});
  CHECK(runs_of(batch, 1).empty());
  CHECK(runs_of(batch, 2) == std::vector<std::pair<Index, Index>>{{6, 7}, {8, 9}});
  CHECK(runs_of(batch, 3) == std::vector<std::pair<Index, Index>>{{10, 11}});
  // Without a mask every sample follows the flags.
  batch.mask.clear();
  CHECK(supervised_pairs(batch, 0, 4) == 9);
  CHECK(column_supervised(batch, 8));
  CHECK_FALSE(column_supervised(batch, 3));
  CHECK(runs_of(batch, 2) == std::vector<std::pair<Index, Index>>{{6, 9}});
  CHECK(runs_of(batch, 1) == std::vector<std::pair<Index, Index>>{{3, 6}});
}

TEST_CASE("batch mask: validate_batch rejects a mask of the wrong size and flags that disagree with it",
          "[batch][mask]") {
  const ModelConfig config = small_config(CellType::tanh, true, LossKind::mse);
  const Batch<double> good = three_trials(config);
  CHECK(message_of(good, config).empty());

  Batch<double> batch = good;
  batch.mask.pop_back();  // B*L - 1 entries
  CHECK(message_of(batch, config) == "batch: the mask must be empty or have one entry per column (B*L)");
  CHECK_THROWS_AS(set_supervised_from_mask(batch), std::invalid_argument);

  batch = good;
  batch.supervised[1] = 1;  // flagged, but no sample is supervised at step 1
  CHECK(message_of(batch, config).find("step 1 differs") != std::string::npos);
  batch = good;
  batch.supervised[3] = 0;  // sample 1 is supervised at step 3, but the step is not flagged
  CHECK(message_of(batch, config).find("step 3 differs") != std::string::npos);

  // The training pass and the true-gradient pass both check it.
  Model<double> model(config);
  model.initialise(1);
  TbpttWorkspace<double> ws;
  CHECK_THROWS_AS(accumulate_batch_gradients(model, batch, TbpttSettings{}, ws), std::invalid_argument);
  CHECK_THROWS_AS(boundary_gradients(model, batch, BoundaryGradientOptions{}), std::invalid_argument);
  CHECK_NOTHROW(accumulate_batch_gradients(model, good, TbpttSettings{}, ws));
  CHECK_NOTHROW(boundary_gradients(model, good, BoundaryGradientOptions{}));
}

TEST_CASE("batch: validate_batch's other rules", "[batch]") {
  const ModelConfig config = small_config(CellType::tanh, false, LossKind::mse);
  const Batch<double> good = random_batch(config, LossKind::mse, 2, 3, 1);
  CHECK(message_of(good, config).empty());
  Batch<double> batch = good;
  batch.length = 0;
  CHECK(message_of(batch, config) == "batch: empty batch");
  batch = good;
  batch.inputs.resize(3, 6);
  CHECK(message_of(batch, config) == "batch: inputs must be 2 x 6, got 3 x 6");
  batch = good;
  batch.supervised.pop_back();
  CHECK(message_of(batch, config) == "batch: supervised flags must have one entry per step");
  batch = good;
  batch.targets.resize(2, 5);
  CHECK(message_of(batch, config) == "batch: regression or binary targets must be output_size x B*L");
  CHECK_THROWS_WITH(validate_batch(batch, config.input_size, config.output_size, LossKind::binary_cross_entropy),
                    "batch: regression or binary targets must be output_size x B*L");
  CHECK_THROWS_WITH(validate_batch(good, config.input_size, config.output_size, LossKind::cross_entropy),
                    "batch: labels must have one entry per column (B*L)");
}
