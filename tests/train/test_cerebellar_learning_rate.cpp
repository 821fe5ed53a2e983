// The cerebellum's own learning rate (TrainerConfig::lr_cerebellum, --lr-cerebellum) in the DNI and
// BP(lambda) trainer, in double precision: it scales only the cerebellum's update (the cortex's first step
// is the default run's, bit for bit), a rate equal to --lr gives the numbers of one optimizer bit for bit,
// and a negative rate is refused.
#include <catch2/catch.hpp>

#include <ccrnn/model.hpp>
#include <ccrnn/train/trainer.hpp>

#include "support/small_models.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

namespace {

struct Algorithm {
  const char* name;
  bool online;  // BP(lambda) (T = 1) or the DNI windows (T = 2)
};
constexpr Algorithm kAlgorithms[] = {{"DNI, T = 2", false}, {"BP(lambda)", true}};

ModelConfig linear_cerebellum_config() {
  ModelConfig c = small_config(CellType::tanh, true, LossKind::mse);
  c.cerebellar.layers = 0;  // BP(lambda)'s synthesiser
  return c;
}

TrainerConfig trainer_config(const Algorithm& algorithm, OptimizerKind kind) {
  TrainerConfig tc;
  tc.tbptt = make_settings(algorithm.online ? 1 : 2, LossKind::mse);
  tc.bp_lambda.online = algorithm.online;
  tc.bp_lambda.lambda = 0.5;
  tc.clip = 0;
  tc.optimizer.kind = kind;
  tc.optimizer.momentum = 0.0;  // SGD: each parameter moves by -lr * gradient
  tc.optimizer.lr = 0.1;
  return tc;
}

/// The parameters after training a fresh model (seed 5, a non-zero cerebellar output layer) on `batches`
/// batches.
Vector<double> trained(const TrainerConfig& tc, int batches) {
  const ModelConfig config = linear_cerebellum_config();
  Model<double> model(config);
  prepare_model(model, 5, 0.3);
  Trainer<double> trainer(model, tc);
  for (int b = 0; b < batches; ++b)
    trainer.train_batch(random_batch(config, LossKind::mse, 3, 6, 40 + static_cast<std::uint64_t>(b)));
  return model.params.values();
}

Vector<double> initial() {
  Model<double> model(linear_cerebellum_config());
  prepare_model(model, 5, 0.3);
  return model.params.values();
}

}  // namespace

TEST_CASE("lr_cerebellum: it scales only the cerebellum's update, and the cortex's first step is the default run's",
          "[trainer][lr_cerebellum]") {
  Model<double> shape(linear_cerebellum_config());
  const Range cortex = shape.cortex_range(), cerebellum = shape.cerebellum_range();
  const Vector<double> start = initial();
  for (const Algorithm& algorithm : kAlgorithms) {
    INFO(algorithm.name);
    TrainerConfig tc = trainer_config(algorithm, OptimizerKind::sgd);
    const Vector<double> base = trained(tc, 1) - start;
    tc.lr_cerebellum = 0.025;  // a quarter of --lr
    const Vector<double> own = trained(tc, 1) - start;
    const auto seg = [](const Vector<double>& v, Range r) { return v.segment(r.begin, r.size()); };
    REQUIRE(seg(base, cerebellum).cwiseAbs().maxCoeff() > 0);
    REQUIRE(seg(base, cortex).cwiseAbs().maxCoeff() > 0);
    CHECK((seg(own, cortex).array() == seg(base, cortex).array()).all());
    CHECK((seg(own, cerebellum) - 0.25 * seg(base, cerebellum)).cwiseAbs().maxCoeff() <
          1e-12 * seg(base, cerebellum).cwiseAbs().maxCoeff());
    // From the second batch on the cortex feels the cerebellum's different predictions.
    tc.lr_cerebellum = 0.0;
    const Vector<double> base2 = trained(tc, 2);
    tc.lr_cerebellum = 0.025;
    const Vector<double> own2 = trained(tc, 2);
    CHECK((seg(own2, cortex) - seg(base2, cortex)).cwiseAbs().maxCoeff() > 0);
  }
}

TEST_CASE("lr_cerebellum: equal to --lr, two optimizers give one optimizer's numbers bit for bit (Adam)",
          "[trainer][lr_cerebellum]") {
  for (const Algorithm& algorithm : kAlgorithms) {
    INFO(algorithm.name);
    TrainerConfig tc = trainer_config(algorithm, OptimizerKind::adam);
    const Vector<double> one = trained(tc, 3);
    tc.lr_cerebellum = tc.optimizer.lr;
    const Vector<double> two = trained(tc, 3);
    CHECK((one.array() == two.array()).all());
    tc.lr_cerebellum = 2 * tc.optimizer.lr;
    CHECK((trained(tc, 3).array() != one.array()).any());
  }
}

TEST_CASE("lr_cerebellum: a negative rate is refused, and a cerebellar optimizer exists only with a rate of its own",
          "[trainer][lr_cerebellum]") {
  Model<double> model(linear_cerebellum_config());
  TrainerConfig tc = trainer_config(kAlgorithms[0], OptimizerKind::adam);
  CHECK(Trainer<double>(model, tc).cerebellar_optimizer() == nullptr);
  tc.lr_cerebellum = 1e-5;
  Trainer<double> own(model, tc);
  REQUIRE(own.cerebellar_optimizer() != nullptr);
  CHECK(own.cerebellar_optimizer()->config().lr == 1e-5);
  CHECK(own.optimizer().config().lr == 0.1);
  tc.lr_cerebellum = -1e-3;
  CHECK_THROWS_WITH(Trainer<double>(model, tc), Catch::Contains("cerebellum's learning rate must be >= 0"));
}
