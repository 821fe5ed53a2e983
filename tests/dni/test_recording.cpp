// Recording at the truncation boundaries (dni/recording.hpp): what a recorded iteration holds, compared with
// an identical twin model that recomputes every quantity with the pre-update parameters; the lesion states;
// the refused modes; should_record; and the gradient-alignment summaries.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/recording.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "support/random_matrices.hpp"
#include "support/small_models.hpp"

using namespace ccrnn;
using ccrnn::testing::max_abs;
using ccrnn::testing::normal_matrix;
using ccrnn::testing::relative_difference;

namespace {

constexpr Index kB = 3, kL = 5, kT = 2;  // W = 3 windows, boundaries at steps 0, 2, 4, 5

ModelConfig config_for(bool cerebellum, CellType cell = CellType::lstm) {
  ModelConfig c;
  c.cell = cell;
  c.input_size = 2;
  c.hidden_size = 3;
  c.layers = 1;
  c.output_size = 2;
  c.cerebellum = cerebellum;
  c.cerebellar.hidden_size = 5;
  c.cerebellar.layers = 2;
  return c;
}

template <class S>
void prepare_model(Model<S>& model, std::uint64_t seed) {
  model.initialise(seed);
  if (!model.cerebellum) return;
  Rng rng(seed, Stream::noise);
  const std::string out = "cerebellum.layers." + std::to_string(model.config().cerebellar.layers);
  for (const std::string& name : {out + ".weight", out + ".bias"}) {
    auto v = model.params.value(model.params.id(name));
    v = normal_matrix(rng, v.rows(), v.cols(), 0.5).template cast<S>();
  }
}

template <class S>
Batch<S> make_batch(const ModelConfig& config, std::uint64_t seed) {
  Rng rng(seed, Stream::data);
  Batch<S> b;
  b.size = kB;
  b.length = kL;
  b.inputs = normal_matrix(rng, config.input_size, kB * kL).template cast<S>();
  b.targets = normal_matrix(rng, config.output_size, kB * kL).template cast<S>();
  b.supervised = sparse_feedback(kL, 2);
  return b;
}

TrainerConfig trainer_config() {
  TrainerConfig c;
  c.tbptt.truncation = kT;
  c.optimizer.lr = 0.05;  // a visible step
  return c;
}

}  // namespace

TEST_CASE("recording: an active ccRNN iteration, against a twin model", "[recording]") {
  const ModelConfig config = config_for(true);
  Model<double> model(config), twin(config);
  prepare_model(model, 3);
  prepare_model(twin, 3);
  const Batch<double> batch = make_batch<double>(config, 4);
  Trainer<double> trainer(model, trainer_config());
  Recorder<double> recorder;
  BoundaryRecording<double> rec;
  const BatchStats stats = recorder.train_and_record(trainer, model, batch, rec, 7);

  const Index W = 3, state = model.state_size(), cols = kB * (W + 1);
  // Shapes.
  CHECK(rec.iteration == 7);
  CHECK(rec.batch == kB);
  CHECK(rec.length == kL);
  CHECK(rec.truncation == kT);
  CHECK(rec.windows == W);
  CHECK(rec.boundaries() == W + 1);
  CHECK(rec.cerebellum == CerebellumState::active);
  CHECK(rec.steps == std::vector<Index>{0, 2, 4, 5});
  CHECK(rec.states.rows() == state);
  CHECK(rec.states.cols() == cols);
  REQUIRE(rec.granule.size() == 2);
  for (const auto& g : rec.granule) {
    CHECK(g.rows() == 5);
    CHECK(g.cols() == cols);
  }
  CHECK(rec.predictions.rows() == state);
  CHECK(rec.predictions.cols() == cols);
  CHECK(rec.targets.rows() == state);
  CHECK(rec.targets.cols() == kB * W);
  CHECK(rec.true_gradients.rows() == state);
  CHECK(rec.true_gradients.cols() == cols);
  CHECK(rec.truncated_gradients.rows() == state);
  CHECK(rec.truncated_gradients.cols() == kB * W);
  CHECK(rec.task_loss == Approx(stats.task_loss).epsilon(1e-13));

  // The training step happened (so the quantities below really had to be captured before it).
  REQUIRE(max_abs(model.params.values() - twin.params.values()) > 1e-3);

  // States: the twin's untruncated forward pass.
  TbpttWorkspace<double> pws;
  predict(twin, batch, pws);
  for (Index j = 0; j <= W; ++j) {
    Matrix<double> s(state, kB);
    twin.cortex.gather_state(pws.cortex, rec.steps[static_cast<size_t>(j)], s);
    CHECK(max_abs(rec.states.middleCols(j * kB, kB) - s) == 0.0);
  }
  CHECK(max_abs(rec.states.leftCols(kB)) == 0.0);
  CHECK(max_abs(rec.states.rightCols(kB)) > 0.0);

  // Predictions and every granule layer: the twin's cerebellum on the recorded states.
  CerebellumTrace<double> ctrace;
  twin.cerebellum->forward(twin.params, rec.states, nullptr, ctrace);
  CHECK(relative_difference(rec.predictions, ctrace.output) <= 1e-14);
  for (size_t i = 0; i < rec.granule.size(); ++i) {
    INFO("granule layer " << i);
    CHECK(relative_difference(rec.granule[i], ctrace.hidden[i]) <= 1e-14);
    CHECK(max_abs(rec.granule[i]) > 0.0);
  }

  // Targets: the twin's TBPTT pass with the same settings.
  TbpttWorkspace<double> tws;
  twin.params.zero_grad();
  (void)accumulate_batch_gradients(twin, batch, trainer.settings(), tws);
  CHECK(relative_difference(rec.targets, tws.targets) <= 1e-14);
  CHECK(max_abs(rec.targets) > 0.0);

  // True and truncated gradients: the twin's separate pass.
  BoundaryGradientOptions options;
  options.truncation = kT;
  const BoundaryGradients<double> g = boundary_gradients(twin, batch, options);
  CHECK(max_abs(rec.true_gradients - g.full) == 0.0);
  CHECK(max_abs(rec.truncated_gradients - g.truncated) == 0.0);
  CHECK(max_abs(rec.true_gradients) > 0.0);

  // The updated model gives other true gradients: recording after the step would be wrong.
  const BoundaryGradients<double> after = boundary_gradients(model, batch, options);
  CHECK(relative_difference(after.full, g.full) > 1e-6);
}

TEST_CASE("recording: the cerebellar fields follow the cerebellum's state", "[recording]") {
  SECTION("cRNN: no cerebellar field") {
    const ModelConfig config = config_for(false);
    Model<double> model(config);
    prepare_model(model, 5);
    Trainer<double> trainer(model, trainer_config());
    Recorder<double> recorder;
    BoundaryRecording<double> rec;
    const Batch<double> batch = make_batch<double>(config, 6);
    (void)recorder.train_and_record(trainer, model, batch, rec);
    CHECK(rec.cerebellum == CerebellumState::absent);
    CHECK(rec.granule.empty());
    CHECK(rec.predictions.size() == 0);
    CHECK(rec.targets.size() == 0);
    CHECK(rec.states.cols() == kB * 4);
    CHECK(rec.true_gradients.cols() == kB * 4);
    CHECK(rec.truncated_gradients.cols() == kB * 3);
    CHECK_THROWS_AS(prediction_alignment(rec), std::invalid_argument);
    CHECK_NOTHROW(truncated_alignment(rec));
  }
  SECTION("lesioned: no cerebellar field, although the workspace still holds old predictions") {
    const ModelConfig config = config_for(true);
    Model<double> model(config);
    prepare_model(model, 5);
    TrainerConfig tc = trainer_config();
    tc.lesion_epoch = 2;
    Trainer<double> trainer(model, tc);
    Recorder<double> recorder;
    BoundaryRecording<double> rec;
    const Batch<double> batch = make_batch<double>(config, 6);
    (void)recorder.train_and_record(trainer, model, batch, rec);  // epoch 1: active
    CHECK(rec.predictions.size() > 0);
    trainer.set_epoch(2);
    (void)recorder.train_and_record(trainer, model, batch, rec);
    CHECK(rec.cerebellum == CerebellumState::lesioned);
    CHECK(trainer.workspace().predictions.size() > 0);  // stale, must not be recorded
    CHECK(rec.granule.empty());
    CHECK(rec.predictions.size() == 0);
    CHECK(rec.targets.size() == 0);
  }
  SECTION("frozen (inferior-olive lesion): predictions and granule activity, no targets") {
    const ModelConfig config = config_for(true);
    Model<double> model(config);
    prepare_model(model, 5);
    TrainerConfig tc = trainer_config();
    tc.io_lesion_epoch = 1;
    Trainer<double> trainer(model, tc);
    Recorder<double> recorder;
    BoundaryRecording<double> rec;
    const Batch<double> batch = make_batch<double>(config, 6);
    (void)recorder.train_and_record(trainer, model, batch, rec);
    CHECK(rec.cerebellum == CerebellumState::frozen);
    CHECK(rec.granule.size() == 2);
    CHECK(rec.predictions.cols() == kB * 4);
    CHECK(rec.targets.size() == 0);
    CHECK_NOTHROW(prediction_alignment(rec));
  }
  SECTION("granule recording can be switched off") {
    const ModelConfig config = config_for(true);
    Model<double> model(config);
    prepare_model(model, 5);
    Trainer<double> trainer(model, trainer_config());
    RecordingOptions options;
    options.granule = false;
    options.truncated = false;
    Recorder<double> recorder(options);
    BoundaryRecording<double> rec;
    const Batch<double> batch = make_batch<double>(config, 6);
    (void)recorder.train_and_record(trainer, model, batch, rec);
    CHECK(rec.granule.empty());
    CHECK(rec.truncated_gradients.size() == 0);
    CHECK(rec.predictions.cols() == kB * 4);
    CHECK_THROWS_AS(truncated_alignment(rec), std::invalid_argument);
  }
}

TEST_CASE("recording: refused modes and misuse", "[recording]") {
  const ModelConfig config = config_for(true);
  Model<double> model(config);
  prepare_model(model, 9);
  const Batch<double> batch = make_batch<double>(config, 10);
  SECTION("step per window is not supported") {
    TrainerConfig tc = trainer_config();
    tc.step_per_window = true;
    Trainer<double> trainer(model, tc);
    Recorder<double> recorder;
    BoundaryRecording<double> rec;
    CHECK_THROWS_AS(recorder.prepare(model, trainer, batch), std::invalid_argument);
    CHECK_THROWS_AS(recorder.train_and_record(trainer, model, batch, rec), std::invalid_argument);
  }
  SECTION("capture without prepare") {
    Trainer<double> trainer(model, trainer_config());
    Recorder<double> recorder;
    BoundaryRecording<double> rec;
    (void)trainer.train_batch(batch);
    CHECK_THROWS_AS(recorder.capture(model, trainer, batch, rec), std::logic_error);
  }
  SECTION("prepare after the step (other parameters) is detected") {
    Trainer<double> trainer(model, trainer_config());
    Recorder<double> recorder;
    BoundaryRecording<double> rec;
    (void)trainer.train_batch(batch);
    recorder.prepare(model, trainer, batch);  // the parameters have changed since the workspace was filled
    CHECK_THROWS_AS(recorder.capture(model, trainer, batch, rec), std::logic_error);
  }
  SECTION("prepare, then capture twice") {
    Trainer<double> trainer(model, trainer_config());
    Recorder<double> recorder;
    BoundaryRecording<double> rec;
    recorder.prepare(model, trainer, batch);
    (void)trainer.train_batch(batch);
    CHECK_NOTHROW(recorder.capture(model, trainer, batch, rec));
    CHECK_THROWS_AS(recorder.capture(model, trainer, batch, rec), std::logic_error);
  }
}

TEST_CASE("recording: float runs record too", "[recording]") {
  const ModelConfig config = config_for(true, CellType::gru);
  Model<float> model(config);
  prepare_model(model, 12);
  Trainer<float> trainer(model, trainer_config());
  Recorder<float> recorder;
  BoundaryRecording<float> rec;
  const Batch<float> batch = make_batch<float>(config, 13);
  for (long iteration = 0; iteration < 4; ++iteration) {
    if (!should_record(iteration, 3)) {
      (void)trainer.train_batch(batch);
      continue;
    }
    (void)recorder.train_and_record(trainer, model, batch, rec, iteration);
    CHECK(rec.iteration == iteration);
    CHECK(rec.states.cols() == kB * 4);
    CHECK(rec.granule.size() == 2);
    const Alignment a = prediction_alignment(rec);
    CHECK(a.per_sample.rows() == 3);
    CHECK(a.per_sample.cols() == kB);
    CHECK(std::isfinite(a.mean));
  }
  CHECK(rec.iteration == 3);
}

TEST_CASE("recording: should_record", "[recording]") {
  CHECK(should_record(0, 1));
  CHECK(should_record(5, 1));
  CHECK(should_record(0, 3));
  CHECK_FALSE(should_record(1, 3));
  CHECK_FALSE(should_record(2, 3));
  CHECK(should_record(3, 3));
  CHECK(should_record(300, 100));
  CHECK_FALSE(should_record(301, 100));
  CHECK_FALSE(should_record(0, 0));
  CHECK_FALSE(should_record(4, -2));
  CHECK_FALSE(should_record(-3, 3));
}

TEST_CASE("recording: alignment summaries by hand", "[recording][alignment]") {
  // B = 2, W = 2: boundaries 0, 1 (window starts) and 2 (end, left out of the summaries).
  BoundaryRecording<double> rec;
  rec.batch = 2;
  rec.windows = 2;
  rec.true_gradients.resize(2, 6);
  rec.true_gradients << 1, 0, 3, 1, 5, 5,
                        0, 2, 4, 1, 5, 5;
  rec.predictions.resize(2, 6);
  rec.predictions << 2, 0, -3, 0, 0, 0,   // sample 0 at j=0: same direction; j=1: opposite
                     0, 0, -4, 0, 0, 0;   // sample 1 at j=0 and j=1: zero vectors
  rec.truncated_gradients.resize(2, 4);
  rec.truncated_gradients << 1, 1, 3, 1,
                             1, 0, 4, -1;
  const Alignment p = prediction_alignment(rec);
  REQUIRE(p.per_sample.rows() == 2);
  REQUIRE(p.per_sample.cols() == 2);
  CHECK(p.per_sample(0, 0) == Approx(1.0));
  CHECK(p.per_sample(0, 1) == 0.0);  // zero prediction: cosine 0 by convention
  CHECK(p.per_sample(1, 0) == Approx(-1.0));
  CHECK(p.per_sample(1, 1) == 0.0);
  CHECK(p.zero_pairs == 2);
  CHECK(p.per_boundary[0] == Approx(0.5));
  CHECK(p.per_boundary[1] == Approx(-0.5));
  CHECK(p.mean == Approx(0.0).margin(1e-15));

  const Alignment t = truncated_alignment(rec);
  CHECK(t.per_sample(0, 0) == Approx(1.0 / std::sqrt(2.0)));  // (1,1) vs (1,0)
  CHECK(t.per_sample(0, 1) == Approx(0.0).margin(1e-15));      // (1,0) vs (0,2): orthogonal, not a zero pair
  CHECK(t.per_sample(1, 0) == Approx(1.0));                    // (3,4) vs (3,4)
  CHECK(t.per_sample(1, 1) == Approx(0.0).margin(1e-15));      // (1,-1) vs (1,1)
  CHECK(t.zero_pairs == 0);
  CHECK(t.mean == Approx((1.0 / std::sqrt(2.0) + 1.0) / 4.0));
}

TEST_CASE("recording: truncated alignment is 1 at the last window start and with T >= L", "[recording][alignment]") {
  const ModelConfig config = config_for(false, CellType::tanh);
  const Batch<double> batch = make_batch<double>(config, 15);
  for (Index T : {Index{2}, kL}) {
    DYNAMIC_SECTION("T=" << T) {
      Model<double> model(config);
      prepare_model(model, 14);
      TrainerConfig tc = trainer_config();
      tc.tbptt.truncation = T;
      Trainer<double> trainer(model, tc);
      Recorder<double> recorder;
      BoundaryRecording<double> rec;
      (void)recorder.train_and_record(trainer, model, batch, rec);
      const Alignment a = truncated_alignment(rec);
      const Index last = rec.windows - 1;
      for (Index s = 0; s < kB; ++s) CHECK(a.per_sample(last, s) == Approx(1.0).epsilon(1e-14));
      if (T == kL) {
        CHECK(a.mean == Approx(1.0).epsilon(1e-14));
      } else {
        CHECK(a.per_boundary[0] < 0.999);  // truncation loses the future's gradient at the first boundary
      }
    }
  }
}
