// The loop paper's cerebellar-readout control (loop/cerebellar_readout.hpp, LoopFeedback::cerebellar_readout):
// its forward pass written out in plain Eigen, its dropout (the seed's stream, the reference's rate, none in
// evaluation), its hand-written backward pass against central differences in double with the dropout
// factors held fixed, and what the trainer lets learn.
#include <catch2/catch.hpp>

#include <ccrnn/loop/loop.hpp>
#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/testing/gradcheck.hpp>
#include <ccrnn/train/loss.hpp>

#include "support/small_loops.hpp"

using namespace ccrnn;
using namespace ccrnn::testing::small_loops;

namespace {

constexpr Index kReadoutHidden = 7;

ModelConfig readout_config(LossKind loss, double dropout) {
  Variant v;
  v.loss = loss;
  ModelConfig c = loop_config(v);
  c.cerebellar_readout.enabled = true;
  c.cerebellar_readout.hidden_size = kReadoutHidden;
  c.cerebellar_readout.dropout = dropout;
  return c;
}

LoopSettings readout_settings(LossKind loss, Rng* dropout) {
  LoopSettings s;
  s.loss = loss;
  s.feedback = LoopFeedback::cerebellar_readout;
  s.dropout = dropout;
  return s;
}

}  // namespace

TEST_CASE("cerebellar readout: no feedback reaches the cortex and z = W_2 ReLU(W_1 f(u)) in evaluation", "[loop]") {
  const ModelConfig c = readout_config(LossKind::mse, 0.2);
  const Model<double> model = loop_model(c, 3);
  const Batch<double> batch = loop_batch(c, LossKind::mse, 4);
  LoopTrace<double> trace;
  loop_forward(model, batch, readout_settings(LossKind::mse, nullptr), trace);
  CHECK(trace.cortex_inputs.bottomRows(model.forward_cerebellum->output_size()).cwiseAbs().maxCoeff() == 0.0);
  CHECK(trace.cerebellum.output.cwiseAbs().maxCoeff() > 0.0);  // the cerebellum runs but does not feed

  // The cortex by hand: u_t = alpha u_{t-1} + W_hh tanh(u_{t-1}) + W_ih [x_t; 0]; the readout by hand.
  const auto& p = model.params;
  const Matrix<double> w_ih = p.value(p.id("cortex.weight_ih_l0")), w_hh = p.value(p.id("cortex.weight_hh_l0"));
  const Matrix<double> w1 = p.value(p.id("cerebellar_readout.layers.0.weight"));
  const Matrix<double> w2 = p.value(p.id("cerebellar_readout.layers.1.weight"));
  REQUIRE(w1.rows() == kReadoutHidden);
  Matrix<double> u = Matrix<double>::Zero(kHidden, kBatch);
  double worst = 0.0;
  for (Index t = 0; t < kLength; ++t) {
    const Matrix<double> x = batch.inputs.middleCols(t * kBatch, kBatch);
    u = (c.leak * u + w_hh * u.array().tanh().matrix() + w_ih.leftCols(kInputs) * x).eval();
    const Matrix<double> z = w2 * (w1 * u.array().tanh().matrix()).cwiseMax(0.0);
    worst = std::max(worst, (z - trace.outputs.middleCols(t * kBatch, kBatch)).cwiseAbs().maxCoeff());
  }
  CHECK(worst < 1e-12);
}

TEST_CASE("cerebellar readout: dropout factors come from the given stream, at the reference's rate, scaled by 1/(1-p)",
          "[loop]") {
  const ModelConfig c = readout_config(LossKind::mse, 0.2);
  const Model<double> model = loop_model(c, 3);
  const Batch<double> batch = loop_batch(c, LossKind::mse, 4);
  LoopTrace<double> eval, first, second, other;
  loop_forward(model, batch, readout_settings(LossKind::mse, nullptr), eval);
  CHECK_FALSE(eval.readout.dropped);
  Rng a(5, Stream::cerebellar_readout_dropout), b(5, Stream::cerebellar_readout_dropout), d(6, Stream::cerebellar_readout_dropout);
  loop_forward(model, batch, readout_settings(LossKind::mse, &a), first);
  loop_forward(model, batch, readout_settings(LossKind::mse, &b), second);
  loop_forward(model, batch, readout_settings(LossKind::mse, &d), other);
  CHECK(first.readout.dropped);
  CHECK(first.readout.factors == second.readout.factors);  // same stream, same factors
  CHECK(first.outputs == second.outputs);
  CHECK(first.readout.factors != other.readout.factors);
  CHECK(first.outputs != eval.outputs);
  // The training pass's hidden layer is the evaluation's times the factors.
  CHECK((first.readout.hidden - eval.readout.hidden.cwiseProduct(first.readout.factors)).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(((first.readout.factors.array() == 0.0) || (first.readout.factors.array() == 1.25)).all());

  // The rate: over a large draw, the dropped share is p within 4 standard errors.
  CerebellarReadoutConfig wide;
  wide.hidden_size = 1000;
  const CerebellarReadout<double> net(wide, 3, 2);
  CerebellarReadoutTrace<double> t;
  Rng rng(1, Stream::cerebellar_readout_dropout);
  net.draw_dropout(rng, 200, t);
  const double n = static_cast<double>(t.factors.size());
  const double dropped = static_cast<double>((t.factors.array() == 0.0).count()) / n;
  CHECK(std::abs(dropped - 0.2) < 4 * std::sqrt(0.2 * 0.8 / n));
}

TEST_CASE("cerebellar readout: its gradients and the cortex's through it match finite differences (dropout fixed)",
          "[gradcheck][loop]") {
  for (const LossKind loss : {LossKind::mse, LossKind::cross_entropy}) {
    DYNAMIC_SECTION((loss == LossKind::mse ? "mse" : "cross-entropy")) {
      const ModelConfig c = readout_config(loss, 0.5);  // many units dropped: the factors matter
      Model<double> model = loop_model(c, 9);
      const Batch<double> batch = loop_batch(c, loss, 10);
      const std::uint64_t dropout_seed = 11;
      LoopTrace<double> trace;
      model.params.zero_grad();
      {
        Rng dropout(dropout_seed, Stream::cerebellar_readout_dropout);
        accumulate_loop_gradients(model, batch, readout_settings(loss, &dropout), trace, true, false);
      }
      REQUIRE(trace.readout.dropped);
      CHECK((trace.readout.factors.array() == 0.0).any());
      const Vector<double> analytic = model.params.grads();
      // Every weight of the cortex and of the MLP gets a gradient; the unused linear readout and the
      // forward cerebellum none.
      for (const ParamSlot& slot : model.params.slots()) {
        INFO(slot.name);
        const double largest = analytic.segment(slot.offset, slot.size()).cwiseAbs().maxCoeff();
        const bool unused = slot.name.rfind("readout.", 0) == 0 || slot.name.rfind("forward_cerebellum", 0) == 0;
        if (unused) CHECK(largest == 0.0);
        else CHECK(largest > 1e-3);
      }
      // The whole trial's task loss with the same factors: no feedback, so nothing is held fixed but them.
      const auto objective = [&] {
        Rng dropout(dropout_seed, Stream::cerebellar_readout_dropout);
        LoopTrace<double> t;
        loop_forward(model, batch, readout_settings(loss, &dropout), t);
        Matrix<double> grads(t.outputs.rows(), t.outputs.cols());
        return window_loss<double>(loss, t.outputs, batch, 0, kLength, grads);
      };
      // ReLU kinks: central differences with a small step, as the cerebellum's check.
      ccrnn::testing::GradCheckOptions o;
      o.step = 1e-6;
      o.floor = 1e-5;
      const auto report = ccrnn::testing::check_gradients(model.params, analytic, objective, o);
      INFO(ccrnn::testing::to_string(report));
      CHECK(report.checked == model.params.values().size());
      CHECK(report.max_rel_error < 1e-5);
    }
  }
}

TEST_CASE("loop trainer: with the cerebellar readout only the MLP learns (fixed cortex), the cerebellum is untaught",
          "[loop]") {
  const ModelConfig c = readout_config(LossKind::mse, 0.2);
  Model<double> model(c);
  model.initialise(2);
  const Batch<double> batch = loop_batch(c, LossKind::mse, 4);
  TrainerConfig tc;
  tc.optimizer.lr = 1e-2;
  tc.clip = 0;
  Rng dropout(1, Stream::cerebellar_readout_dropout);
  LoopTrainerConfig lc;
  lc.trial = readout_settings(LossKind::mse, &dropout);
  LoopTrainer<double> trainer(model, tc, lc);
  const Vector<double> before = model.params.values();
  const RngState drawn_before = dropout.state();
  trainer.train_batch(batch);
  CHECK(dropout.state().words[0] != drawn_before.words[0]);  // the training pass drew its factors
  const Range mlp = model.cerebellar_readout_range();
  REQUIRE(mlp.end == model.params.size());
  const Vector<double> change = model.params.values() - before;
  CHECK(change.segment(mlp.begin, mlp.size()).cwiseAbs().maxCoeff() > 0.0);
  CHECK(change.head(mlp.begin).cwiseAbs().maxCoeff() == 0.0);  // cortex, linear readout, forward cerebellum
}
