// The inferior-olive lesion and the clipping norm (TrainerConfig::io_lesion_clip): `include` is the
// reference's behaviour (neuralml/ccDNI src/training/engine.py: `del optimizer.param_groups[1]` at the lesion
// epoch, clip_grad_norm_(model.parameters()) every iteration, optimizer.zero_grad() over the remaining group
// only), checked against a hand-written clipped SGD update in double precision.
#include <catch2/catch.hpp>

#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/optimizers.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cmath>

#include "support/small_models.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

namespace {

constexpr double kClip = 0.05, kLr = 0.1;

TrainerConfig frozen_from_start(IoLesionClip mode) {
  TrainerConfig tc;
  tc.tbptt.truncation = 2;
  tc.tbptt.loss = LossKind::mse;
  tc.optimizer.kind = OptimizerKind::sgd;  // p -= lr * g: the update is written out by hand below
  tc.optimizer.lr = kLr;
  tc.optimizer.momentum = 0.0;
  tc.clip = kClip;
  tc.io_lesion_epoch = 1;
  tc.io_lesion_clip = mode;
  return tc;
}

/// One batch's gradients at the model's parameters with an injecting cerebellum: the cortex's and readout's,
/// and the cerebellum's own when it trains.
Vector<double> gradients(Model<double>& model, const Batch<double>& batch, bool train_cerebellum = true) {
  TbpttSettings s = make_settings(2, LossKind::mse);
  s.inject = true;
  s.train_cerebellum = train_cerebellum;
  TbpttWorkspace<double> ws;
  model.params.zero_grad();
  (void)accumulate_batch_gradients(model, batch, s, ws);
  return model.params.grads();
}

double sum_of_squares(const Vector<double>& v, Range r) {
  double sum = 0.0;
  for (Index i = r.begin; i < r.end; ++i) sum += v[i] * v[i];
  return sum;
}

}  // namespace

TEST_CASE("io lesion clip: include clips with the frozen cerebellum's accumulating gradients, as the reference",
          "[trainer][lesion]") {
  const ModelConfig cc = small_config(CellType::lstm, true, LossKind::mse);
  Model<double> trained(cc), expected(cc);
  prepare_model(trained, 91, 0.5);
  prepare_model(expected, 91, 0.5);
  const Range cortex = trained.cortex_range(), cereb = trained.cerebellum_range();
  REQUIRE(cortex.begin == 0);
  REQUIRE(cereb.begin == cortex.end);
  REQUIRE(cereb.end == trained.params.size());
  const Batch<double> b1 = random_batch(cc, LossKind::mse, 3, 6, 92), b2 = random_batch(cc, LossKind::mse, 3, 6, 93);

  Trainer<double> trainer(trained, frozen_from_start(IoLesionClip::include));
  REQUIRE(trainer.cerebellum_state() == CerebellumState::frozen);
  const Vector<double> cereb_before = trained.params.values().segment(cereb.begin, cereb.size());

  // Iteration 1: norm over everything, every gradient scaled in place, only the cortex stepped.
  const Vector<double> g1 = gradients(expected, b1);
  const double n1 = std::sqrt(sum_of_squares(g1, cortex) + sum_of_squares(g1, cereb));
  REQUIRE(n1 > kClip);  // the clipping acts
  const double c1 = kClip / (n1 + 1e-6);
  expected.params.values().head(cortex.end) -= kLr * c1 * g1.head(cortex.end);
  const Vector<double> kept = c1 * g1.segment(cereb.begin, cereb.size());  // never zeroed again

  (void)trainer.train_batch(b1);
  CHECK(trainer.last_grad_norm() == Approx(n1).epsilon(1e-13));
  CHECK((trained.params.values() - expected.params.values()).cwiseAbs().maxCoeff() < 1e-14);
  // The scaled cerebellar gradients stay in the buffer.
  CHECK((trained.params.grads().segment(cereb.begin, cereb.size()) - kept).cwiseAbs().maxCoeff() < 1e-15);
  CHECK(trained.params.grads().head(cortex.end).cwiseAbs().maxCoeff() == 0.0);

  // Iteration 2: the new cerebellar gradients add to the kept ones, and that sum enters the norm.
  const Vector<double> g2 = gradients(expected, b2);
  const Vector<double> accumulated = kept + g2.segment(cereb.begin, cereb.size());
  const double n2 = std::sqrt(sum_of_squares(g2, cortex) + accumulated.squaredNorm());
  const double n2_exclude = std::sqrt(sum_of_squares(g2, cortex));
  REQUIRE(n2_exclude > kClip);
  REQUIRE(n2 > n2_exclude * 1.01);  // the accumulated gradients make a visible difference
  expected.params.values().head(cortex.end) -= kLr * kClip / (n2 + 1e-6) * g2.head(cortex.end);

  (void)trainer.train_batch(b2);
  CHECK(trainer.last_grad_norm() == Approx(n2).epsilon(1e-13));
  CHECK((trained.params.values() - expected.params.values()).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((trained.params.values().segment(cereb.begin, cereb.size()).array() == cereb_before.array()).all());

  // exclude (the default): the same second step from the same parameters clips with the cortex alone.
  Model<double> clean(cc);
  prepare_model(clean, 91, 0.5);
  Trainer<double> clean_trainer(clean, frozen_from_start(IoLesionClip::exclude));
  clean.params.values() = trained.params.values();
  (void)clean_trainer.train_batch(b2);
  CHECK(TrainerConfig{}.io_lesion_clip == IoLesionClip::exclude);
  CHECK(clean_trainer.settings().train_cerebellum == false);
  CHECK(clean.params.grads().cwiseAbs().maxCoeff() == 0.0);
  Model<double> at_b2(cc);
  at_b2.params.values() = trained.params.values();
  const Vector<double> g_clean = gradients(at_b2, b2, false);
  CHECK(clean_trainer.last_grad_norm() == Approx(std::sqrt(sum_of_squares(g_clean, cortex))).epsilon(1e-13));
}

TEST_CASE("io lesion clip: the accumulation starts at the lesion epoch, and the names parse", "[trainer][lesion]") {
  const ModelConfig cc = small_config(CellType::gru, true, LossKind::mse);
  Model<double> model(cc);
  prepare_model(model, 95, 0.5);
  const Range cereb = model.cerebellum_range();
  TrainerConfig tc = frozen_from_start(IoLesionClip::include);
  tc.io_lesion_epoch = 2;
  Trainer<double> trainer(model, tc);
  const Batch<double> batch = random_batch(cc, LossKind::mse, 3, 6, 96);
  (void)trainer.train_batch(batch);  // epoch 1: active, everything zeroed after the step
  CHECK(trainer.settings().train_cerebellum);
  CHECK(model.params.grads().cwiseAbs().maxCoeff() == 0.0);
  trainer.set_epoch(2);
  REQUIRE(trainer.cerebellum_state() == CerebellumState::frozen);
  CHECK(trainer.settings().train_cerebellum);  // still computes its gradients, as the reference
  const Vector<double> before = model.params.values();
  (void)trainer.train_batch(batch);
  CHECK(model.params.grads().segment(cereb.begin, cereb.size()).cwiseAbs().maxCoeff() > 0.0);
  CHECK((model.params.values().segment(cereb.begin, cereb.size()).array() ==
         before.segment(cereb.begin, cereb.size()).array())
            .all());
  trainer.set_epoch(3);  // staying frozen keeps the accumulated gradients
  CHECK(model.params.grads().segment(cereb.begin, cereb.size()).cwiseAbs().maxCoeff() > 0.0);

  CHECK(parse_io_lesion_clip("include") == IoLesionClip::include);
  CHECK(parse_io_lesion_clip("exclude") == IoLesionClip::exclude);
  CHECK(std::string(to_string(IoLesionClip::include)) == "include");
  CHECK_THROWS_WITH(parse_io_lesion_clip("both"), Catch::Contains("expected exclude or include"));
}
