// The cortico-cerebellar loop (loop/loop.hpp): its forward wiring written out by hand, the inferior olive's
// timing, and the hand-written gradients against central differences in double.
//
// What the gradients are: no gradient crosses the loop (the reference detaches the cerebellum's input and
// output), so the finite-difference objectives hold the crossing quantities fixed at their values in the
// analytic pass: the task loss as a function of the cortex and readout weights with the cortical inputs
// [x_t; c_t] fixed; the cerebellar loss as a function of the cerebellum's weights with its pons inputs fixed.
// Tolerances: the cortex as in test_cell_gradients.cpp (five-point stencil, h = 1e-3, relative error
// < 1e-6); the cerebellum (ReLU kinks) by central differences with h = 1e-6 (see there).
#include <catch2/catch.hpp>

#include <ccrnn/loop/loop.hpp>
#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/testing/gradcheck.hpp>
#include <ccrnn/train/loss.hpp>

#include <cmath>
#include <string>

#include "support/small_loops.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using ccrnn::testing::GradCheckOptions;
using ccrnn::testing::normal_matrix;

using namespace ccrnn::testing::small_loops;

TEST_CASE("loop: the forward pass is c_t = C(pons_t), fed at step t; the pons reads f(h_{t-1}), z_{t-1}, x_t, y_{t-1}",
          "[loop]") {
  for (const LossKind loss : {LossKind::mse, LossKind::cross_entropy}) {
    Variant v;
    v.loss = loss;
    v.all_origins = true;
    const ModelConfig c = loop_config(v);
    Model<double> model = loop_model(c, 3);
    const Batch<double> batch = loop_batch(c, loss, 4);
    LoopSettings settings;
    settings.loss = loss;
    LoopTrace<double> trace;
    loop_forward(model, batch, settings, trace);

    // The same pass written out with plain Eigen from the parameters.
    const auto& p = model.params;
    const Matrix<double> w_ih = p.value(p.id("cortex.weight_ih_l0")), w_hh = p.value(p.id("cortex.weight_hh_l0"));
    const Matrix<double> w_r = p.value(p.id("readout.weight")), b_r = p.value(p.id("readout.bias"));
    const Matrix<double> w_mf = p.value(p.id("forward_cerebellum.layers.0.weight"));
    const Matrix<double> w_pf = p.value(p.id("forward_cerebellum.layers.1.weight"));
    const Pons<double>& pons = model.forward_cerebellum->pons();
    Matrix<double> u = Matrix<double>::Zero(kHidden, kBatch), f = u, z = Matrix<double>::Zero(c.output_size, kBatch);
    Matrix<double> y_prev = Matrix<double>::Zero(c.output_size, kBatch);
    for (Index t = 0; t < kLength; ++t) {
      const Matrix<double> x = batch.inputs.middleCols(t * kBatch, kBatch);
      Matrix<double> pons_t(kHidden + 2 + kInputs + 3, kBatch);
      pons_t << f, pons.projection(PonsOrigin::readout) * z, x, pons.projection(PonsOrigin::target) * y_prev;
      CHECK((trace.pons.middleCols(t * kBatch, kBatch) - pons_t).cwiseAbs().maxCoeff() < 1e-13);
      const Matrix<double> granules = (w_mf * pons_t).cwiseMax(0.0);
      Matrix<double> c_t = w_pf * granules;
      CHECK((trace.cerebellum.output.middleCols(t * kBatch, kBatch) - c_t).cwiseAbs().maxCoeff() < 1e-13);
      CHECK((trace.cerebellum.hidden[0].middleCols(t * kBatch, kBatch) - granules).cwiseAbs().maxCoeff() < 1e-13);
      if (loss == LossKind::cross_entropy)
        for (Index j = 0; j < kBatch; ++j) c_t.col(j) = c_t.col(j).array().exp() / c_t.col(j).array().exp().sum();
      Matrix<double> in(kInputs + c.output_size, kBatch);
      in << x, c_t;
      u = (0.3 * u + w_hh * f + w_ih * in).eval();
      f = u.array().tanh().matrix();
      z = (w_r * f).colwise() + b_r.col(0);
      CHECK((trace.outputs.middleCols(t * kBatch, kBatch) - z).cwiseAbs().maxCoeff() < 1e-13);
      y_prev.setZero();
      for (Index j = 0; j < kBatch; ++j) {
        if (loss == LossKind::mse) y_prev.col(j) = batch.targets.col(t * kBatch + j);
        else y_prev(batch.labels[t * kBatch + j], j) = 1.0;
      }
    }
  }
}

TEST_CASE("loop: ablation from step k silences the cerebellum from k on and changes nothing before", "[loop]") {
  const ModelConfig c = loop_config(Variant{});
  const Model<double> model = loop_model(c, 5);
  const Batch<double> batch = loop_batch(c, LossKind::mse, 6);
  LoopSettings intact, ablated;
  ablated.ablate_from = 3;
  LoopTrace<double> a, b;
  loop_forward(model, batch, intact, a);
  loop_forward(model, batch, ablated, b);
  const Index k = 3 * kBatch, rest = (kLength - 3) * kBatch;
  CHECK((a.outputs.leftCols(k).array() == b.outputs.leftCols(k).array()).all());
  CHECK(b.cortex_inputs.bottomRows(kOutputs).rightCols(rest).cwiseAbs().maxCoeff() == 0.0);
  CHECK(a.cortex_inputs.bottomRows(kOutputs).rightCols(rest).cwiseAbs().maxCoeff() > 0.0);
  CHECK((a.outputs.rightCols(rest) - b.outputs.rightCols(rest)).cwiseAbs().maxCoeff() > 1e-3);
}

TEST_CASE("loop: the inferior olive teaches c_t with the target tau steps ahead", "[loop]") {
  const Index tau = 3;
  const auto taught_steps = [&](IoTiming timing, bool final_learning, bool end_only, bool temporal_basis,
                                std::vector<Index>* source = nullptr) {
    Variant v;
    v.temporal_basis = temporal_basis;
    ModelConfig c = loop_config(v, tau);
    c.forward.timing = timing;
    const Model<double> model = loop_model(c, 1);
    Batch<double> batch = loop_batch(c, LossKind::mse, 2);
    if (end_only) {
      batch.supervised.assign(kLength, 0);
      batch.supervised.back() = 1;
    }
    LoopSettings s;
    s.final_learning = final_learning;
    LoopTrace<double> trace;
    loop_forward(model, batch, s, trace);
    inferior_olive(model, batch, s, trace);
    std::vector<Index> steps;
    for (Index t = 0; t < kLength; ++t) {
      // which target step the newest block of c_t got (the rows of the last block)
      const auto block = trace.io_targets.block((model.forward_cerebellum->blocks() - 1) * kOutputs, t * kBatch, kOutputs, kBatch);
      if (trace.io_taught(trace.io_taught.rows() - 1, t * kBatch) == 0) continue;
      steps.push_back(t);
      for (Index s2 = 0; s2 < kLength; ++s2)
        if ((block - batch.targets.middleCols(s2 * kBatch, kBatch)).cwiseAbs().maxCoeff() == 0.0 && source)
          source->push_back(s2);
    }
    return steps;
  };
  std::vector<Index> source;
  CHECK(taught_steps(IoTiming::reference, false, false, false, &source) == std::vector<Index>{0, 1, 2, 3});
  CHECK(source == std::vector<Index>{2, 3, 4, 5});  // c_t on y_{t-1+tau}
  source.clear();
  CHECK(taught_steps(IoTiming::notebook, false, false, false, &source) == std::vector<Index>{0, 1, 2});
  CHECK(source == std::vector<Index>{3, 4, 5});  // c_t on y_{t+tau}
  source.clear();
  CHECK(taught_steps(IoTiming::reference, true, false, false, &source) == std::vector<Index>{0, 1, 2, 3, 4, 5});
  CHECK(source == std::vector<Index>{2, 3, 4, 5, 5, 5});  // final learning: the rest on y_{L-1}
  CHECK(taught_steps(IoTiming::reference, false, true, false) == std::vector<Index>{kLength - tau});  // end-only label
  source.clear();
  CHECK(taught_steps(IoTiming::reference, false, false, true, &source) == std::vector<Index>{0, 1, 2, 3});
  CHECK(source == std::vector<Index>{2, 3, 4, 5});
}

TEST_CASE("loop: the temporal basis teaches block j of c_t with y_{t-1+j}", "[loop]") {
  Variant v;
  v.temporal_basis = true;
  const ModelConfig c = loop_config(v, 2);
  const Model<double> model = loop_model(c, 1);
  const Batch<double> batch = loop_batch(c, LossKind::mse, 2);
  LoopSettings s;
  LoopTrace<double> trace;
  loop_forward(model, batch, s, trace);
  inferior_olive(model, batch, s, trace);
  REQUIRE(trace.io_targets.rows() == 3 * kOutputs);
  for (Index t = 0; t < kLength; ++t)
    for (Index j = 0; j < 3; ++j) {
      const Index step = t - 1 + j;
      const bool taught = step >= 0 && t - 1 + 2 <= kLength - 1;
      INFO("t " << t << ", block " << j);
      CHECK((trace.io_taught.block(j * kOutputs, t * kBatch, kOutputs, kBatch).array() == (taught ? 1.0 : 0.0)).all());
      if (taught)
        CHECK((trace.io_targets.block(j * kOutputs, t * kBatch, kOutputs, kBatch) -
               batch.targets.middleCols(step * kBatch, kBatch)).cwiseAbs().maxCoeff() == 0.0);
    }
}

TEST_CASE("loop: the cerebellar gradient matches finite differences of the cerebellar loss", "[gradcheck][loop]") {
  for (const Variant v : {Variant{LossKind::mse, false, false, false}, Variant{LossKind::mse, true, false, true},
                          Variant{LossKind::mse, false, true, false}, Variant{LossKind::cross_entropy, false, false, true},
                          Variant{LossKind::cross_entropy, true, false, false}}) {
    DYNAMIC_SECTION(v.name()) {
      const ModelConfig c = loop_config(v);
      Model<double> model = loop_model(c, 7);
      const Batch<double> batch = loop_batch(c, v.loss, 8);
      LoopSettings settings;
      settings.loss = v.loss;
      settings.final_learning = true;
      LoopTrace<double> trace;
      model.params.zero_grad();
      accumulate_loop_gradients(model, batch, settings, trace, false, true);
      const Vector<double> analytic = model.params.grads();
      const Range range = model.forward_cerebellum_range();
      for (int id = 0; id < static_cast<int>(model.params.slots().size()); ++id) {
        const ParamSlot& slot = model.params.slot(id);
        if (slot.offset < range.begin) continue;
        INFO(slot.name);
        CHECK(analytic.segment(slot.offset, slot.size()).cwiseAbs().maxCoeff() > 1e-3);
      }
      const Matrix<double> pons = trace.pons;  // held fixed: no gradient crosses the loop
      LoopTrace<double> replay = trace;
      const auto loss = [&] {
        CerebellumTrace<double> t;
        model.forward_cerebellum->network().forward(model.params, pons, nullptr, t);
        replay.cerebellum.output = t.output;
        return cerebellar_loss(model, batch, settings, replay);
      };
      // The granule ReLUs have kinks that a stencil of +-2e-3 can straddle: central differences with
      // h = 1e-6 (rounding ~ eps |f| / h ~ 1e-9, truncation ~ h^2 ~ 1e-12).
      GradCheckOptions o;
      o.range = range;
      o.step = 1e-6;
      o.floor = 1e-5;
      const auto report = ccrnn::testing::check_gradients(model.params, analytic, loss, o);
      INFO(ccrnn::testing::to_string(report));
      CHECK(report.checked == range.size());
      CHECK(report.max_abs_error < 100 * report.rounding_noise());
      CHECK(report.max_rel_error < 1e-5);
    }
  }
}

TEST_CASE("loop: the cortex and readout gradients (BPTT through the trial) match finite differences",
          "[gradcheck][loop]") {
  for (const Variant v : {Variant{LossKind::mse, false, false, true}, Variant{LossKind::cross_entropy, false, false, false}}) {
    DYNAMIC_SECTION(v.name()) {
      const ModelConfig c = loop_config(v);
      Model<double> model = loop_model(c, 9);
      Batch<double> batch = loop_batch(c, v.loss, 10);
      if (v.loss == LossKind::cross_entropy) {  // a label in the last two steps only
        batch.supervised = {0, 0, 0, 0, 1, 1};
      }
      LoopSettings settings;
      settings.loss = v.loss;
      LoopTrace<double> trace;
      model.params.zero_grad();
      accumulate_loop_gradients(model, batch, settings, trace, true, false);
      const Vector<double> analytic = model.params.grads();
      CHECK(analytic.segment(model.forward_cerebellum_range().begin, model.forward_cerebellum_range().size())
                .cwiseAbs().maxCoeff() == 0.0);
      const Range range = model.cortex_range();
      for (const ParamSlot& slot : model.params.slots()) {
        if (slot.offset >= range.end) continue;
        INFO(slot.name);
        CHECK(analytic.segment(slot.offset, slot.size()).cwiseAbs().maxCoeff() > 1e-3);
      }
      const Matrix<double> inputs = trace.cortex_inputs;  // [x_t; c_t] held fixed
      const auto loss = [&] {
        CortexTrace<double> t;
        model.cortex.prepare(t, kBatch, kLength);
        model.cortex.forward(model.params, inputs, t, 0, kLength);
        Matrix<double> out(c.output_size, kBatch * kLength), grads(c.output_size, kBatch * kLength);
        model.readout.forward(model.params, model.cortex.outputs(t), out);
        return window_loss<double>(v.loss, out, batch, 0, kLength, grads);
      };
      const auto report =
          ccrnn::testing::check_gradients(model.params, analytic, loss, ccrnn::testing::smooth_options(range));
      INFO(ccrnn::testing::to_string(report));
      CHECK(report.checked == range.size());
      CHECK(report.max_rel_error < 1e-6);
    }
  }
}

TEST_CASE("loop trainer: each cortical plasticity mode changes exactly the weights it names", "[loop]") {
  struct Case {
    CorticalPlasticity cortex;
    bool mossy_fibres;
    int io_lesion_epoch;
    int lesion_epoch;
  };
  for (const Case k : {Case{CorticalPlasticity::fixed, true, 0, 0}, Case{CorticalPlasticity::input, true, 0, 0},
                       Case{CorticalPlasticity::all, false, 0, 0}, Case{CorticalPlasticity::fixed, true, 1, 0},
                       Case{CorticalPlasticity::fixed, true, 0, 1}}) {
    DYNAMIC_SECTION(to_string(k.cortex) << (k.mossy_fibres ? "" : ", mossy fibres fixed")
                                        << (k.io_lesion_epoch ? ", inferior-olive lesion" : "")
                                        << (k.lesion_epoch ? ", cerebellar lesion" : "")) {
      const ModelConfig c = loop_config(Variant{});
      Model<double> model = loop_model(c, 11);
      const Batch<double> batch = loop_batch(c, LossKind::mse, 12);
      TrainerConfig tc;
      tc.clip = 0;
      tc.io_lesion_epoch = k.io_lesion_epoch;
      tc.lesion_epoch = k.lesion_epoch;
      LoopTrainerConfig lc;
      lc.cortex = k.cortex;
      lc.mossy_fibre_plasticity = k.mossy_fibres;
      LoopTrainer<double> trainer(model, tc, lc);
      const ParamSet<double> before = model.params;
      const BatchStats stats = trainer.train_batch(batch);
      CHECK(stats.cerebellar_loss > 0);
      const auto changed = [&](const std::string& name) {
        const int id = model.params.id(name);
        return (model.params.value(id).array() != before.value(id).array()).any();
      };
      CHECK(changed("readout.weight"));
      CHECK(changed("cortex.weight_ih_l0") == (k.cortex != CorticalPlasticity::fixed));
      CHECK(changed("cortex.weight_hh_l0") == (k.cortex == CorticalPlasticity::all));
      const bool cerebellum_learns = k.io_lesion_epoch == 0 && k.lesion_epoch == 0;
      CHECK(changed("forward_cerebellum.layers.0.weight") == (cerebellum_learns && k.mossy_fibres));
      CHECK(changed("forward_cerebellum.layers.1.weight") == cerebellum_learns);
      if (k.lesion_epoch) CHECK(trainer.trace().cortex_inputs.bottomRows(kOutputs).cwiseAbs().maxCoeff() == 0.0);
    }
  }
}
