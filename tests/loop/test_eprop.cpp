// e-prop for the loop's cortex (loop/eprop.hpp): the exact identity with BPTT when the only recurrence is
// the leak (W_hh = 0), the update against a per-synapse hand loop written from Bellec et al. 2020 and the
// reference's rnn_eprop (traces per synapse, learning signal W_rdt^T dE/dz_t), and the trainer's use of it.
#include <catch2/catch.hpp>

#include <ccrnn/loop/eprop.hpp>
#include <ccrnn/loop/loop.hpp>
#include <ccrnn/loop/loop_trainer.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support/small_loops.hpp"

using namespace ccrnn;
using namespace ccrnn::testing::small_loops;

namespace {

/// The cortex's gradients (W_ih, W_hh) of one loop trial under a rule, and the rest of the gradient vector.
Vector<double> gradients(Model<double>& model, const Batch<double>& batch, LossKind loss, CorticalRule rule,
                         LoopTrace<double>& trace) {
  LoopSettings settings;
  settings.loss = loss;
  settings.cortical_rule = rule;
  model.params.zero_grad();
  accumulate_loop_gradients(model, batch, settings, trace, true, true);
  Vector<double> g = model.params.grads();
  model.params.zero_grad();
  return g;
}

Batch<double> batch_for(const ModelConfig& c, LossKind loss) {
  Batch<double> batch = loop_batch(c, loss, 21);
  if (loss == LossKind::cross_entropy) batch.supervised = {0, 0, 0, 1, 1, 1};  // a label over the last steps
  return batch;
}

}  // namespace

TEST_CASE("e-prop: with W_hh = 0 (the leak the only recurrence) it is the BPTT gradient; with W_hh it is not",
          "[loop][eprop]") {
  for (const Variant v : {Variant{LossKind::mse, false, false, true}, Variant{LossKind::cross_entropy}}) {
    DYNAMIC_SECTION(v.name()) {
      const ModelConfig c = loop_config(v);
      Model<double> model = loop_model(c, 17);
      const Batch<double> batch = batch_for(c, v.loss);
      const int w_ih = model.params.id("cortex.weight_ih_l0"), w_hh = model.params.id("cortex.weight_hh_l0");
      const Range cortex = model.cortex_range();
      LoopTrace<double> trace;

      const Vector<double> recurrent_bptt = gradients(model, batch, v.loss, CorticalRule::bptt, trace);
      const Vector<double> recurrent_eprop = gradients(model, batch, v.loss, CorticalRule::eprop, trace);
      // With recurrent weights e-prop drops the recurrence: a different, truncated gradient.
      CHECK((recurrent_bptt.segment(cortex.begin, cortex.size()) - recurrent_eprop.segment(cortex.begin, cortex.size()))
                .cwiseAbs()
                .maxCoeff() > 1e-3);

      model.params.value(w_hh).setZero();
      const Vector<double> bptt = gradients(model, batch, v.loss, CorticalRule::bptt, trace);
      const Vector<double> eprop = gradients(model, batch, v.loss, CorticalRule::eprop, trace);
      for (const int id : {w_ih, w_hh}) {
        const ParamSlot& slot = model.params.slot(id);
        INFO(slot.name);
        const auto a = bptt.segment(slot.offset, slot.size()), b = eprop.segment(slot.offset, slot.size());
        CHECK(a.cwiseAbs().maxCoeff() > 1e-3);
        CHECK((a - b).cwiseAbs().maxCoeff() <= 1e-12 * a.cwiseAbs().maxCoeff());
      }
      // The readout's and the cerebellum's gradients do not depend on the cortical rule.
      CHECK(bptt.segment(cortex.end, bptt.size() - cortex.end) == eprop.segment(cortex.end, eprop.size() - cortex.end));
    }
  }
}

TEST_CASE("e-prop: the update equals a per-synapse hand loop of traces and learning signals", "[loop][eprop]") {
  for (const Variant v : {Variant{LossKind::mse}, Variant{LossKind::cross_entropy}}) {
    DYNAMIC_SECTION(v.name()) {
      const ModelConfig c = loop_config(v);
      Model<double> model = loop_model(c, 23);
      const Batch<double> batch = batch_for(c, v.loss);
      LoopTrace<double> trace;
      const Vector<double> analytic = gradients(model, batch, v.loss, CorticalRule::eprop, trace);

      // Everything below reads only the weights, the batch and the cortex's inputs [x_t; c_t] of the trial
      // (constants for the cortex: no gradient crosses the loop).
      const ParamSet<double>& p = model.params;
      const auto w_ih = p.value(p.id("cortex.weight_ih_l0")), w_hh = p.value(p.id("cortex.weight_hh_l0"));
      const auto w_out = p.value(p.id("readout.weight")), b_out = p.value(p.id("readout.bias"));
      const Matrix<double>& x = trace.cortex_inputs;
      const Index n = kHidden, in = x.rows(), o = c.output_size, b = kBatch, steps = kLength;
      const double alpha = c.leak;
      Index supervised_pairs = 0;
      for (Index t = 0; t < steps; ++t) supervised_pairs += batch.supervised[static_cast<std::size_t>(t)] ? b : 0;
      Matrix<double> g_ih = Matrix<double>::Zero(n, in), g_hh = Matrix<double>::Zero(n, n);
      for (Index s = 0; s < b; ++s) {
        std::vector<double> u(n, 0.0), f(n, 0.0);
        std::vector<std::vector<double>> e_ih(n, std::vector<double>(in, 0.0)), e_hh(n, std::vector<double>(n, 0.0));
        for (Index t = 0; t < steps; ++t) {
          const Index col = t * b + s;
          std::vector<double> u_new(n), f_new(n);
          for (Index i = 0; i < n; ++i) {
            double drive = alpha * u[i];
            for (Index j = 0; j < n; ++j) drive += w_hh(i, j) * f[j];
            for (Index j = 0; j < in; ++j) drive += w_ih(i, j) * x(j, col);
            u_new[i] = drive;
            f_new[i] = std::tanh(drive);
          }
          for (Index i = 0; i < n; ++i) {  // the traces: each synapse's own leaky sum of its presynaptic input
            for (Index j = 0; j < in; ++j) e_ih[i][j] = alpha * e_ih[i][j] + x(j, col);
            for (Index j = 0; j < n; ++j) e_hh[i][j] = alpha * e_hh[i][j] + f[j];
          }
          std::vector<double> z(o), dz(o, 0.0);
          for (Index k = 0; k < o; ++k) {
            z[k] = b_out(k, 0);
            for (Index i = 0; i < n; ++i) z[k] += w_out(k, i) * f_new[i];
          }
          if (batch.supervised[static_cast<std::size_t>(t)]) {
            if (v.loss == LossKind::mse) {  // torch's mse_loss: mean over the supervised pairs and outputs
              for (Index k = 0; k < o; ++k)
                dz[k] = 2.0 * (z[k] - batch.targets(k, col)) / static_cast<double>(supervised_pairs * o);
            } else {  // cross-entropy: mean over the supervised pairs
              double norm = 0.0;
              for (Index k = 0; k < o; ++k) norm += std::exp(z[k]);
              for (Index k = 0; k < o; ++k)
                dz[k] = (std::exp(z[k]) / norm - (batch.labels[static_cast<std::size_t>(col)] == k ? 1.0 : 0.0)) /
                        static_cast<double>(supervised_pairs);
            }
          }
          for (Index i = 0; i < n; ++i) {
            double learning_signal = 0.0;  // symmetric feedback through the readout
            for (Index k = 0; k < o; ++k) learning_signal += w_out(k, i) * dz[k];
            const double psi = 1.0 - f_new[i] * f_new[i];
            for (Index j = 0; j < in; ++j) g_ih(i, j) += learning_signal * psi * e_ih[i][j];
            for (Index j = 0; j < n; ++j) g_hh(i, j) += learning_signal * psi * e_hh[i][j];
          }
          u = u_new;
          f = f_new;
        }
      }
      const auto slot_of = [&](const char* name) {
        const ParamSlot& slot = p.slot(p.id(name));
        return Eigen::Map<const Matrix<double>>(analytic.data() + slot.offset, slot.rows, slot.cols);
      };
      CHECK(g_ih.cwiseAbs().maxCoeff() > 1e-3);
      CHECK(g_hh.cwiseAbs().maxCoeff() > 1e-3);
      CHECK((slot_of("cortex.weight_ih_l0") - g_ih).cwiseAbs().maxCoeff() <= 1e-12 * g_ih.cwiseAbs().maxCoeff());
      CHECK((slot_of("cortex.weight_hh_l0") - g_hh).cwiseAbs().maxCoeff() <= 1e-12 * g_hh.cwiseAbs().maxCoeff());
    }
  }
}

TEST_CASE("e-prop: the trainer applies the e-prop gradient to the plastic cortical weights", "[loop][eprop]") {
  const ModelConfig c = loop_config(Variant{});
  const Batch<double> batch = loop_batch(c, LossKind::mse, 31);
  TrainerConfig tc;
  tc.clip = 0;
  tc.optimizer.kind = OptimizerKind::sgd;  // plain SGD: the step is -lr times the gradient
  tc.optimizer.lr = 0.1;
  tc.optimizer.momentum = 0.0;
  for (const CorticalPlasticity plasticity : {CorticalPlasticity::input, CorticalPlasticity::all}) {
    DYNAMIC_SECTION(to_string(plasticity)) {
      Model<double> model = loop_model(c, 29);
      Model<double> probe = loop_model(c, 29);  // the same weights
      LoopTrace<double> trace;
      const Vector<double> expected = gradients(probe, batch, LossKind::mse, CorticalRule::eprop, trace);
      const Vector<double> bptt = gradients(probe, batch, LossKind::mse, CorticalRule::bptt, trace);
      LoopTrainerConfig lc;
      lc.cortex = plasticity;
      lc.trial.cortical_rule = CorticalRule::eprop;
      LoopTrainer<double> trainer(model, tc, lc);
      const ParamSet<double> before = model.params;
      trainer.train_batch(batch);
      for (const char* name : {"cortex.weight_ih_l0", "cortex.weight_hh_l0"}) {
        INFO(name);
        const ParamSlot& slot = model.params.slot(model.params.id(name));
        const bool plastic = plasticity == CorticalPlasticity::all || std::string(name) == "cortex.weight_ih_l0";
        const Vector<double> step = model.params.values().segment(slot.offset, slot.size()) -
                                    before.values().segment(slot.offset, slot.size());
        const Vector<double> want = plastic ? Vector<double>(-0.1 * expected.segment(slot.offset, slot.size()))
                                            : Vector<double>::Zero(slot.size());
        CHECK((step - want).cwiseAbs().maxCoeff() <= 1e-12);
        if (plastic) CHECK((step + 0.1 * bptt.segment(slot.offset, slot.size())).cwiseAbs().maxCoeff() > 1e-4);
      }
    }
  }
}

TEST_CASE("e-prop: a cortex that is not one leaky_tanh layer is refused by the trainer", "[loop][eprop]") {
  LoopTrainerConfig lc;
  lc.cortex = CorticalPlasticity::input;
  lc.trial.cortical_rule = CorticalRule::eprop;
  for (const bool two_layers : {false, true}) {
    ModelConfig c = loop_config(Variant{});
    if (two_layers) c.layers = 2;
    else c.cell = CellType::tanh;
    Model<double> model(c);
    model.initialise(1);
    CHECK_THROWS_WITH(LoopTrainer<double>(model, TrainerConfig{}, lc), Catch::Contains("e-prop"));
  }
  // A fixed cortex learns nothing by either rule: any cortex is accepted.
  lc.cortex = CorticalPlasticity::fixed;
  ModelConfig c = loop_config(Variant{});
  c.layers = 2;
  Model<double> model(c);
  model.initialise(1);
  CHECK_NOTHROW(LoopTrainer<double>(model, TrainerConfig{}, lc));
  CHECK(parse_cortical_rule("eprop") == CorticalRule::eprop);
  CHECK_THROWS_WITH(parse_cortical_rule("rtrl"), Catch::Contains("bptt, eprop, tbptt or dni"));
}
