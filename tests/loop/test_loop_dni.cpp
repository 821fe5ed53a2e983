// The DNI cerebellum and the forward cerebellum in one model: the loop's windowed cortical rules
// (--cortical-rule tbptt and dni, loop/loop.hpp accumulate_windowed_gradients).
//
// The independent reference is the truncated objective itself, by finite differences: with the trial's
// cortical inputs [x_t; c_t] fixed (no gradient crosses the loop), each window's task loss run from its start
// state s0 (fixed: no gradient crosses a window's start), plus gamma * <P, s_end> with P = C_dni(s_end) fixed
// (support/windowed_objective.hpp). Its gradient w.r.t. the cortex and readout is the cortex's truncated
// gradient; w.r.t. s0 it is the DNI's bootstrapped target of that window (ALGORITHM.md section 4).
#include <catch2/catch.hpp>

#include <ccrnn/loop/loop.hpp>
#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/testing/gradcheck.hpp>

#include <string>
#include <vector>

#include "support/setting_message.hpp"
#include "support/small_loops.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using namespace ccrnn::testing::small_loops;
using ccrnn::testing::gather;
using ccrnn::testing::normal_matrix;
using ccrnn::testing::setting_message;
using ccrnn::testing::window_objective;

namespace {

/// The small loop with a DNI cerebellum of one granule layer; with dni_output > 0 its zero-initialised output
/// layer is drawn N(0, dni_output^2) so that its predictions are not zero.
Model<double> dni_loop_model(LossKind loss, std::uint64_t seed, double dni_output) {
  Variant v;
  v.loss = loss;
  ModelConfig c = loop_config(v);
  c.cerebellum = true;
  c.cerebellar.hidden_size = 4;
  c.cerebellar.layers = 1;
  Model<double> model = loop_model(c, seed);
  if (dni_output > 0) {
    Rng rng(seed, Stream::noise);
    for (const char* name : {"cerebellum.layers.1.weight", "cerebellum.layers.1.bias"}) {
      auto value = model.params.value(model.params.id(name));
      value = normal_matrix(rng, value.rows(), value.cols(), dni_output);
    }
  }
  return model;
}

Batch<double> batch_for(LossKind loss) {
  Variant v;
  v.loss = loss;
  Batch<double> batch = loop_batch(loop_config(v), loss, 31);
  if (loss == LossKind::cross_entropy) batch.supervised = {0, 1, 0, 0, 1, 1};  // windows with and without labels
  return batch;
}

LoopSettings rule_settings(LossKind loss, CorticalRule rule, Index truncation, double sg_scale, bool final_injection) {
  LoopSettings s;
  s.loss = loss;
  s.cortical_rule = rule;
  s.windows.truncation = truncation;
  s.windows.sg_scale = sg_scale;
  s.windows.final_injection = final_injection;
  return s;
}

/// One trial's gradients (everything: cortex, readout, DNI, forward cerebellum) under the settings.
Vector<double> trial_gradients(Model<double>& model, const Batch<double>& batch, const LoopSettings& settings,
                               LoopTrace<double>& trace) {
  model.params.zero_grad();
  accumulate_loop_gradients(model, batch, settings, trace, true, true);
  Vector<double> g = model.params.grads();
  model.params.zero_grad();
  return g;
}

/// The truncated objective's pieces, taken from the analytic pass's forward trace: the batch with the cortex's
/// inputs [x_t; c_t], each window's start state and the prediction injected at its end (empty: none).
struct Windows {
  Batch<double> fixed;
  std::vector<Index> starts, ends;
  std::vector<Matrix<double>> s0, injected;
};

Windows windows_of(const Model<double>& model, const Batch<double>& batch, const LoopSettings& settings,
                   const LoopTrace<double>& trace) {
  Windows w;
  w.fixed = batch;
  w.fixed.inputs = trace.cortex_inputs;
  const Index length = batch.length, t = settings.windows.truncation;
  for (Index t0 = 0; t0 < length; t0 += t) {
    const Index t1 = std::min(t0 + t, length);
    w.starts.push_back(t0);
    w.ends.push_back(t1);
    w.s0.push_back(gather(model.cortex, trace.cortex, t0));
    Matrix<double> p;
    if (settings.cortical_rule == CorticalRule::dni && (t1 < length || settings.windows.final_injection)) {
      CerebellumTrace<double> c;
      model.cerebellum->forward(model.params, gather(model.cortex, trace.cortex, t1), nullptr, c);
      p = c.output;
    }
    w.injected.push_back(p);
  }
  return w;
}

double truncated_objective(const Model<double>& model, const Windows& w, LossKind loss, double gamma) {
  double f = 0.0;
  for (std::size_t k = 0; k < w.starts.size(); ++k)
    f += window_objective(model, w.fixed, loss, w.starts[k], w.ends[k], w.s0[k], w.injected[k], gamma);
  return f;
}

}  // namespace

TEST_CASE("loop dni: with T >= the trial the windowed rules' gradients are the bptt rule's", "[loop][dni]") {
  for (const LossKind loss : {LossKind::mse, LossKind::cross_entropy}) {
    DYNAMIC_SECTION((loss == LossKind::mse ? "mse" : "cross-entropy")) {
      const Batch<double> batch = batch_for(loss);
      LoopTrace<double> trace;
      // A DNI whose output is zero (its initialisation) injects nothing, also at the trial's end; a non-zero
      // one injects nothing without the final injection.
      for (const double dni_output : {0.0, 0.5}) {
        Model<double> model = dni_loop_model(loss, 41, dni_output);
        const Range cortex = model.cortex_range(), forward = model.forward_cerebellum_range();
        const Vector<double> bptt = trial_gradients(model, batch, rule_settings(loss, CorticalRule::bptt, 1, 0.1, true), trace);
        REQUIRE(bptt.segment(cortex.begin, cortex.size()).cwiseAbs().maxCoeff() > 1e-3);
        for (const Index t : {kLength, kLength + 3}) {
          for (const CorticalRule rule : {CorticalRule::tbptt, CorticalRule::dni}) {
            INFO("DNI output scale " << dni_output << ", T " << t << ", rule " << to_string(rule));
            const Vector<double> g = trial_gradients(model, batch, rule_settings(loss, rule, t, 0.1, dni_output == 0), trace);
            CHECK(g.segment(cortex.begin, cortex.size()) == bptt.segment(cortex.begin, cortex.size()));
            CHECK(g.segment(forward.begin, forward.size()) == bptt.segment(forward.begin, forward.size()));
          }
        }
      }
    }
  }
}

TEST_CASE("loop dni: the cortical gradient is the truncated objective's, with and without synthetic gradients",
          "[loop][dni]") {
  for (const LossKind loss : {LossKind::mse, LossKind::cross_entropy}) {
    for (const Index t : {Index{1}, Index{2}, Index{4}}) {
      // sg scale 0 and a zero DNI: plain truncated BPTT (P plays no part); a non-zero DNI: with injection.
      struct Case {
        const char* name;
        CorticalRule rule;
        double dni_output, gamma;
        bool final_injection;
      };
      for (const Case k : {Case{"tbptt", CorticalRule::tbptt, 0.5, 0.1, true},
                           Case{"dni, sg scale 0", CorticalRule::dni, 0.5, 0.0, true},
                           Case{"dni, zero output", CorticalRule::dni, 0.0, 0.1, true},
                           Case{"dni", CorticalRule::dni, 0.5, 0.1, true},
                           Case{"dni, no final injection", CorticalRule::dni, 0.5, 0.1, false}}) {
        DYNAMIC_SECTION((loss == LossKind::mse ? "mse" : "cross-entropy") << ", T " << t << ", " << k.name) {
          Model<double> model = dni_loop_model(loss, 43, k.dni_output);
          const Batch<double> batch = batch_for(loss);
          const LoopSettings settings = rule_settings(loss, k.rule, t, k.gamma, k.final_injection);
          LoopTrace<double> trace;
          const Vector<double> analytic = trial_gradients(model, batch, settings, trace);
          const Windows w = windows_of(model, batch, settings, trace);
          const auto report = ccrnn::testing::check_gradients(
              model.params, analytic, [&] { return truncated_objective(model, w, loss, k.gamma); },
              ccrnn::testing::smooth_options(model.cortex_range()));
          INFO(to_string(report));
          CHECK(report.max_abs_gradient > 1e-3);
          CHECK(report.max_rel_error < 1e-6);

          // Against full BPTT: truncation (and the injection) change the gradient.
          const Vector<double> bptt =
              trial_gradients(model, batch, rule_settings(loss, CorticalRule::bptt, 1, 0.1, true), trace);
          const Range cortex = model.cortex_range();
          CHECK((bptt - analytic).segment(cortex.begin, cortex.size()).cwiseAbs().maxCoeff() > 1e-4);
        }
      }
    }
  }
}

TEST_CASE("loop dni: the DNI's targets are the bootstrapped targets and its gradient their squared error's",
          "[loop][dni]") {
  for (const LossKind loss : {LossKind::mse, LossKind::cross_entropy}) {
    for (const bool final_injection : {true, false}) {
      DYNAMIC_SECTION((loss == LossKind::mse ? "mse" : "cross-entropy") << (final_injection ? "" : ", no final injection")) {
        const double gamma = 0.3;
        const Index t = 2;
        Model<double> model = dni_loop_model(loss, 47, 0.5);
        const Batch<double> batch = batch_for(loss);
        const LoopSettings settings = rule_settings(loss, CorticalRule::dni, t, gamma, final_injection);
        LoopTrace<double> trace;
        const Vector<double> analytic = trial_gradients(model, batch, settings, trace);
        const Windows w = windows_of(model, batch, settings, trace);
        const Index b = batch.size, windows = static_cast<Index>(w.starts.size());
        REQUIRE(trace.windows.targets.cols() == b * windows);

        // (d) The target of window k: d/ds0 [window k's loss from s0 + gamma <C(s_end), s_end>], C(s_end) fixed.
        Matrix<double> targets(model.state_size(), b * windows);
        for (Index k = 0; k < windows; ++k) {
          Matrix<double> s0 = w.s0[static_cast<std::size_t>(k)];
          const Matrix<double> target = trace.windows.targets.middleCols(k * b, b);
          targets.middleCols(k * b, b) = target;
          ccrnn::testing::GradCheckOptions o = ccrnn::testing::smooth_options(ccrnn::testing::all_parameters);
          const auto report = ccrnn::testing::check_matrix_gradient(
              s0, target,
              [&] {
                return window_objective(model, w.fixed, loss, w.starts[static_cast<std::size_t>(k)],
                                        w.ends[static_cast<std::size_t>(k)], s0, w.injected[static_cast<std::size_t>(k)],
                                        gamma);
              },
              o);
          INFO("window " << k << ": " << to_string(report));
          CHECK(report.max_abs_gradient > 1e-3);
          CHECK(report.max_rel_error < 1e-6);
        }

        // (c) The DNI's gradient: of sum over window starts, samples and dims of (C(s0) - target)^2, targets
        // and cortical states fixed (ReLU kinks: central differences with a small step, as the DNI's own checks).
        const auto dni_loss = [&] {
          double f = 0.0;
          for (Index k = 0; k < windows; ++k) {
            CerebellumTrace<double> c;
            model.cerebellum->forward(model.params, w.s0[static_cast<std::size_t>(k)], nullptr, c);
            f += (c.output - targets.middleCols(k * b, b)).squaredNorm();
          }
          return f;
        };
        ccrnn::testing::GradCheckOptions o;
        o.step = 1e-6;
        o.floor = 1e-5;
        o.range = model.cerebellum_range();
        const auto report = ccrnn::testing::check_gradients(model.params, analytic, dni_loss, o);
        INFO(to_string(report));
        CHECK(report.max_abs_gradient > 1e-3);
        CHECK(report.max_rel_error < 1e-5);
      }
    }
  }
}

TEST_CASE("loop dni: the trainer steps the DNI in its own group; the windowed rules are refused where meaningless",
          "[loop][dni]") {
  Model<double> model = dni_loop_model(LossKind::mse, 53, 0.5);
  const Batch<double> batch = batch_for(LossKind::mse);
  TrainerConfig config;
  config.clip = 0;
  config.tbptt.truncation = 2;
  LoopTrainerConfig lc;
  lc.cortex = CorticalPlasticity::all;
  lc.trial.cortical_rule = CorticalRule::dni;
  lc.lr_dni = 1e-2;
  {
    LoopTrainer<double> trainer(model, config, lc);
    REQUIRE(trainer.optimizers().size() == 4);
    CHECK(std::string(LoopTrainer<double>::optimizer_group_name(3)) == "dni");
    const Range dni = model.cerebellum_range();
    const Vector<double> before = model.params.values().segment(dni.begin, dni.size());
    trainer.train_batch(batch);
    // Adam's first step moves every element with a gradient by about its learning rate.
    const Vector<double> moved = (model.params.values().segment(dni.begin, dni.size()) - before).cwiseAbs();
    CHECK(moved.maxCoeff() == Approx(1e-2).epsilon(1e-3));
  }
  LoopTrainerConfig fixed = lc;
  fixed.cortex = CorticalPlasticity::fixed;
  CHECK_THROWS_WITH((LoopTrainer<double>(model, config, fixed)), Catch::Contains("needs a plastic cortex"));
  LoopTrainerConfig tbptt = lc;
  tbptt.trial.cortical_rule = CorticalRule::tbptt;
  CHECK_THROWS_WITH((LoopTrainer<double>(model, config, tbptt)), Catch::Contains("needs the cortical rule dni"));
  Variant v;
  Model<double> without = loop_model(loop_config(v), 53);
  CHECK_THROWS_WITH((LoopTrainer<double>(without, config, lc)), Catch::Contains("needs a model with a DNI cerebellum"));
  CHECK(parse_cortical_rule("dni") == CorticalRule::dni);
  CHECK(parse_cortical_rule("tbptt") == CorticalRule::tbptt);
}

TEST_CASE("loop dni: the task settings refuse the windowed rules and the DNI's options where they mean nothing",
          "[loop][dni]") {
  for (const char* task : {"loopdraw", "association", "evidence", "loopdigits"}) {
    INFO(task);
    CHECK_THAT(setting_message(task, {{"cortical_plasticity", "fixed"}, {"cortical_rule", "dni"}}),
               Catch::Contains("--cortical-rule dni trains the cortex, but --cortical-plasticity is fixed"));
    CHECK_THAT(setting_message(task, {{"cortical_plasticity", "fixed"}, {"cortical_rule", "tbptt"}}),
               Catch::Contains("--cortical-rule tbptt trains the cortex"));
    CHECK_THAT(setting_message(task, {{"cortical_plasticity", "all"}, {"sg_scale", "0.5"}}),
               Catch::Contains("--sg-scale configures the DNI cerebellum, which only --cortical-rule dni has (got bptt)"));
    CHECK_THAT(setting_message(task, {{"cortical_plasticity", "all"}, {"cortical_rule", "tbptt"}, {"dni_hidden", "10"}}),
               Catch::Contains("--dni-hidden configures the DNI cerebellum"));
    CHECK_THAT(setting_message(task, {{"cortical_plasticity", "all"}, {"cortical_rule", "dni"}, {"dni_hidden", "0"}}),
               Catch::Contains("dni-hidden"));
    CHECK_THAT(setting_message(task, {{"cortical_plasticity", "all"}, {"cortical_rule", "dni"}, {"dni_fibres", "1000"}}),
               Catch::Contains("--dni-fibres 1000 exceeds the cortical state size"));
    CHECK(setting_message(task, {{"cortical_plasticity", "all"}, {"cortical_rule", "dni"}, {"T", "2"}, {"sg_scale", "0.5"},
                         {"dni_hidden", "10"}, {"lr_dni", "1e-4"}}) == "accepted");
  }
  // The run configuration has the DNI exactly with the rule dni, for both model kinds.
  auto task = tasks::make_task("loopdraw");
  task->settings().assign("cortical_plasticity", "input");
  task->settings().assign("cortical_rule", "dni");
  task->prepare({tasks::ModelKind::crnn, tasks::ModelKind::ccrnn});
  CHECK(task->run_config(tasks::ModelKind::ccrnn).model.cerebellum);
  CHECK(task->run_config(tasks::ModelKind::crnn).model.cerebellum);
  CHECK_FALSE(tasks::make_task("loopdraw")->run_config(tasks::ModelKind::ccrnn).model.cerebellum);
  CHECK(setting_message("loopdraw", "cortical_rule", "rtrl").find("bptt, eprop, tbptt or dni") != std::string::npos);
}
