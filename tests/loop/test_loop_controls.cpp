// The loop paper's controls and training options (loop/loop.hpp, loop_trainer.hpp): readout feedback and
// cortical-unit ablation against the forward pass written out in plain Eigen; per-group learning rates and a
// restarted cerebellar optimizer against their update formulas.
#include <catch2/catch.hpp>

#include <ccrnn/loop/loop.hpp>
#include <ccrnn/loop/loop_trainer.hpp>

#include <cmath>

#include "support/random_matrices.hpp"

using namespace ccrnn;
using ccrnn::testing::normal_matrix;

namespace {

constexpr Index kControlInputs = 2, kControlHidden = 4, kControlOutputs = 2, kControlBatch = 3, kControlLength = 5,
                kControlGranules = 6;

ModelConfig control_config() {
  ModelConfig c;
  c.cell = CellType::leaky_tanh;
  c.leak = 0.3;
  c.input_size = kControlInputs;
  c.hidden_size = kControlHidden;
  c.output_size = kControlOutputs;
  c.forward.enabled = true;
  c.forward.hidden_size = kControlGranules;
  c.forward.tau = 2;
  return c;
}

Model<double> control_model(std::uint64_t seed) {
  Model<double> m(control_config());
  m.initialise(seed);
  m.params.values() *= 2.0;
  return m;
}

Batch<double> control_batch(std::uint64_t seed) {
  Rng rng(seed, Stream::data);
  Batch<double> b;
  b.size = kControlBatch;
  b.length = kControlLength;
  b.inputs = normal_matrix(rng, kControlInputs, kControlBatch * kControlLength);
  b.targets = normal_matrix(rng, kControlOutputs, kControlBatch * kControlLength);
  b.supervised.assign(kControlLength, 1);
  return b;
}

}  // namespace

TEST_CASE("loop controls: readout feedback feeds z_{t-1}, unit ablation zeroes f(u) of the first units", "[loop]") {
  const Model<double> model = control_model(3);
  const Batch<double> batch = control_batch(4);
  const auto& p = model.params;
  const Matrix<double> w_ih = p.value(p.id("cortex.weight_ih_l0")), w_hh = p.value(p.id("cortex.weight_hh_l0"));
  const Matrix<double> w_r = p.value(p.id("readout.weight")), b_r = p.value(p.id("readout.bias"));
  const Matrix<double> w_mf = p.value(p.id("forward_cerebellum.layers.0.weight"));
  const Matrix<double> w_pf = p.value(p.id("forward_cerebellum.layers.1.weight"));
  for (const bool readout_feedback : {false, true}) {
    for (const Index units : {Index{0}, Index{2}}) {
      DYNAMIC_SECTION((readout_feedback ? "readout feedback" : "cerebellar feedback") << ", " << units << " units ablated") {
        LoopSettings settings;
        settings.feedback = readout_feedback ? LoopFeedback::readout : LoopFeedback::cerebellum;
        settings.ablate_units = units;
        LoopTrace<double> trace;
        loop_forward(model, batch, settings, trace);
        Matrix<double> u = Matrix<double>::Zero(kControlHidden, kControlBatch), f = u,
                       z = Matrix<double>::Zero(kControlOutputs, kControlBatch);
        for (Index t = 0; t < kControlLength; ++t) {
          const Matrix<double> c_t = w_pf * (w_mf * f).cwiseMax(0.0);  // the pons copies f(u_{t-1})
          Matrix<double> in(kControlInputs + kControlOutputs, kControlBatch);
          in << batch.inputs.middleCols(t * kControlBatch, kControlBatch), (readout_feedback ? z : c_t);
          u = (0.3 * u + w_hh * f + w_ih * in).eval();
          f = u.array().tanh().matrix();
          f.topRows(units).setZero();
          z = (w_r * f).colwise() + b_r.col(0);
          CHECK((trace.outputs.middleCols(t * kControlBatch, kControlBatch) - z).cwiseAbs().maxCoeff() < 1e-13);
        }
      }
    }
  }
  LoopSettings bad;
  bad.ablate_units = kControlHidden + 1;
  LoopTrace<double> trace;
  CHECK_THROWS_WITH(loop_forward(model, batch, bad, trace), Catch::Contains("ablated cortical units"));
}

TEST_CASE("loop trainer: readout feedback leaves the cerebellum untaught", "[loop]") {
  Model<double> model = control_model(5);
  const Batch<double> batch = control_batch(6);
  LoopTrainerConfig lc;
  lc.trial.feedback = LoopFeedback::readout;
  TrainerConfig tc;
  tc.clip = 0;
  LoopTrainer<double> trainer(model, tc, lc);
  const ParamSet<double> before = model.params;
  trainer.train_batch(batch);
  const Range cb = model.forward_cerebellum_range();
  CHECK(model.params.values().segment(cb.begin, cb.size()) == before.values().segment(cb.begin, cb.size()));
  const int w = model.params.id("readout.weight");
  CHECK((model.params.value(w).array() != before.value(w).array()).any());
}

TEST_CASE("loop trainer: per-group learning rates scale each group's update; a restarted cerebellar optimizer "
          "begins anew", "[loop]") {
  const Batch<double> batch = control_batch(8);
  // Plain SGD (no momentum): each group moves by -lr_group * gradient.
  Model<double> model = control_model(7);
  Model<double> probe = control_model(7);
  LoopTrace<double> trace;
  probe.params.zero_grad();
  accumulate_loop_gradients(probe, batch, LoopSettings{}, trace, true, true);
  const Vector<double> grads = probe.params.grads();

  TrainerConfig tc;
  tc.clip = 0;
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.momentum = 0.0;
  tc.optimizer.lr = 0.1;
  LoopTrainerConfig lc;
  lc.cortex = CorticalPlasticity::all;
  lc.lr_cortex = 0.025;
  tc.lr_cerebellum = 0.5;  // the readout keeps --lr
  LoopTrainer<double> trainer(model, tc, lc);
  const Vector<double> before = model.params.values();
  trainer.train_batch(batch);
  const Vector<double> step = model.params.values() - before;
  const auto& p = model.params;
  const Range cortex = p.range(0, p.id("readout.weight"));
  const Range readout = p.range(p.id("readout.weight"), p.id("readout.bias") + 1);
  const Range cerebellum = model.forward_cerebellum_range();
  for (const auto& [range, lr] : {std::pair{cortex, 0.025}, std::pair{readout, 0.1}, std::pair{cerebellum, 0.5}}) {
    INFO("range " << range.begin << ".." << range.end << ", lr " << lr);
    CHECK((step.segment(range.begin, range.size()) + lr * grads.segment(range.begin, range.size())).cwiseAbs().maxCoeff() < 1e-14);
  }

  // Adam: after steps of a trained module, a restarted optimizer's first step moves each cerebellar weight
  // by lr * g / (|g| + eps), i.e. by about lr, as a new parameter group's first step.
  Model<double> adam_model = control_model(9);
  TrainerConfig adam;
  adam.clip = 0;
  adam.optimizer.lr = 1e-2;
  LoopTrainer<double> adam_trainer(adam_model, adam, LoopTrainerConfig{});
  for (int i = 0; i < 3; ++i) adam_trainer.train_batch(control_batch(20 + i));
  adam_trainer.restart_cerebellar_optimizer();
  adam_model.params.zero_grad();
  Model<double>& m = adam_model;
  accumulate_loop_gradients(m, batch, LoopSettings{}, trace, false, true);
  const Vector<double> g = m.params.grads();
  const Vector<double> start = m.params.values();
  adam_trainer.train_batch(batch);
  const Vector<double> moved = m.params.values() - start;
  Index checked = 0;
  for (Index i = cerebellum.begin; i < cerebellum.end; ++i) {
    if (std::abs(g(i)) < 1e-6) continue;
    CHECK(std::abs(moved(i) + 1e-2 * g(i) / (std::abs(g(i)) + adam.optimizer.eps)) < 1e-12);
    ++checked;
  }
  CHECK(checked > 10);
}
