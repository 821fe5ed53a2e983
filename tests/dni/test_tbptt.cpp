// Windowed truncated BPTT with the cerebellum as a decoupled neural interface (ALGORITHM.md sections 4-6):
// gradient checks of the whole ccRNN iteration, exact identities (full BPTT, ccRNN == cRNN with a silent
// cerebellum, a hand-computed bootstrap, per-window == whole-segment), the optimizers and clipping
// against hand-computed values, and the lesion schedule of the Trainer.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/testing/gradcheck.hpp>
#include <ccrnn/train/loss.hpp>
#include <ccrnn/train/optimizers.hpp>
#include <ccrnn/train/trainer.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "support/random_matrices.hpp"
#include "support/small_models.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

namespace {

/// Untruncated loss: the whole sequence as one window from the zero state (full BPTT's objective).
double untruncated_loss(const Model<double>& model, const Batch<double>& batch, LossKind kind) {
  TbpttWorkspace<double> ws;
  predict(model, batch, ws);
  Matrix<double> grads = Matrix<double>::Zero(ws.outputs.rows(), ws.outputs.cols());
  return window_loss<double>(kind, ws.outputs, batch, 0, batch.length, grads);
}

}  // namespace

// --------------------------------------------------------------------------------------------------------
// The whole windowed ccRNN iteration against finite differences.
// --------------------------------------------------------------------------------------------------------
TEST_CASE("tbptt: ccRNN gradients equal finite differences of the windowed objective", "[gradcheck][tbptt]") {
  // T = 2, L = 5: windows [0,2) [2,4) [4,5) (the last is partial), feedback every 2nd step (MSE) or a label at
  // the last step (cross-entropy), and a non-zero cerebellar output layer, so the injection and the bootstrap
  // both matter.
  //   cortex + readout: F(theta) = sum_w [ window_loss_w(theta; s0_w) + gamma <P_w, s1_w(theta)> ]
  //                     with s0_w and P_w = C(s1_w) held at their unperturbed values;
  //   cerebellum:       G(phi) = sum_w || C_phi(s0_w) - target_w ||^2 with the targets held fixed;
  //   targets:          target_w = dF_w / ds0_w.
  // Variants: 1 or 2 cortical layers, and (1 layer) a cerebellar context input (one column per sample).
  const Index B = 2, L = 5, T = 2, kContext = 2;
  const double gamma = 0.1;
  struct Variant {
    Index layers;
    bool context;
  };
  for (CellType cell : kCells) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      for (const Variant variant : {Variant{1, false}, Variant{2, false}, Variant{1, true}}) {
        const Index layers = variant.layers;
        DYNAMIC_SECTION(to_string(cell) << ", " << loss_name(kind) << ", " << layers << " layer(s)"
                                        << (variant.context ? ", context" : "")) {
          ModelConfig config = small_config(cell, true, kind, layers);
          if (variant.context) config.cerebellar.context_size = kContext;
          Model<double> model(config);
          const std::uint64_t seed = 40 + static_cast<std::uint64_t>(cell) * 8 + (kind == LossKind::mse ? 0 : 4) +
                                     static_cast<std::uint64_t>(layers) + (variant.context ? 2 : 0);
          prepare_model(model, seed, 0.5);
          model.params.values().head(model.cortex_range().end) *= 2.0;  // U(-2/sqrt(N), ..): less linear
          Batch<double> batch = random_batch(config, kind, B, L, seed);
          if (variant.context) {
            Rng rng(seed, Stream::validation);
            batch.context = normal_matrix(rng, kContext, B);
          }
          const TbpttSettings settings = make_settings(T, kind);
          TbpttWorkspace<double> ws;
          model.params.zero_grad();
          const BatchStats stats = accumulate_batch_gradients(model, batch, settings, ws);
          const Vector<double> analytic = model.params.grads();
          REQUIRE(ws.windows == 3);

          std::vector<Matrix<double>> s0, P;
          for (Index w = 0; w < ws.windows; ++w) {
            s0.push_back(gather(model.cortex, ws.cortex, w * T));
            P.push_back(ws.predictions.middleCols((w + 1) * B, B));
          }
          REQUIRE(max_abs(P.back()) > 0.05);  // the injection is really there
          CHECK(max_abs(s0.front()) == 0.0);   // every batch starts from zero

          const auto F = [&] {
            double f = 0.0;
            for (Index w = 0; w < ws.windows; ++w)
              f += window_objective(model, batch, kind, w * T, std::min((w + 1) * T, L), s0[static_cast<size_t>(w)],
                                    P[static_cast<size_t>(w)], gamma);
            return f;
          };
          // The task part of F at the unperturbed point is the reported task loss.
          double task = 0.0;
          for (Index w = 0; w < ws.windows; ++w)
            task += window_objective(model, batch, kind, w * T, std::min((w + 1) * T, L), s0[static_cast<size_t>(w)],
                                     Matrix<double>(), gamma);
          CHECK(stats.task_loss == Approx(task).epsilon(1e-13));

          const GradCheckReport cortex_report =
              ccrnn::testing::check_gradients(model.params, analytic, F, smooth_options(model.cortex_range()));
          INFO("cortex + readout: " << ccrnn::testing::to_string(cortex_report));
          CHECK(cortex_report.checked == model.cortex_range().size());
          CHECK(cortex_report.max_rel_error < 1e-6);

          // Targets: the total gradient arriving at each window start.
          for (Index w = 0; w < ws.windows; ++w) {
            const Index t0 = w * T, t1 = std::min(t0 + T, L);
            Matrix<double> start = s0[static_cast<size_t>(w)];
            const Matrix<double> target = ws.targets.middleCols(w * B, B);
            const auto Fw = [&] {
              return window_objective(model, batch, kind, t0, t1, start, P[static_cast<size_t>(w)], gamma);
            };
            GradCheckOptions o = smooth_options(ccrnn::testing::all_parameters);
            const GradCheckReport r = ccrnn::testing::check_matrix_gradient(start, target, Fw, o, "target");
            INFO("window " << w << ": " << ccrnn::testing::to_string(r));
            CHECK(r.max_rel_error < 1e-6);
          }

          // Cerebellum: G is piecewise quadratic in each parameter, so a central difference is exact up to
          // rounding (~ eps |G| / h ~ 1e-11 for h = 1e-4) unless a ReLU unit changes side, which the loss
          // below detects.
          Matrix<double> starts(model.state_size(), B * ws.windows);
          for (Index w = 0; w < ws.windows; ++w) starts.middleCols(w * B, B) = s0[static_cast<size_t>(w)];
          const Matrix<double> targets = ws.targets;
          Matrix<double> context;  // the batch's context, once per window start
          const Matrix<double>* context_ptr = nullptr;
          if (variant.context) {
            context.resize(kContext, B * ws.windows);
            for (Index w = 0; w < ws.windows; ++w) context.middleCols(w * B, B) = batch.context;
            context_ptr = &context;
          }
          CerebellumTrace<double> ctrace;
          model.cerebellum->forward(model.params, starts, context_ptr, ctrace);
          CHECK(relative_difference(ctrace.output, ws.predictions.leftCols(B * ws.windows)) <= 1e-14);  // other blocking
          CHECK(stats.cerebellar_loss == Approx((ctrace.output - targets).squaredNorm()).epsilon(1e-13));
          std::vector<Matrix<double>> pattern;
          for (const auto& h : ctrace.hidden) pattern.push_back((h.array() > 0).cast<double>().matrix());
          bool crossed = false;
          const auto G = [&] {
            model.cerebellum->forward(model.params, starts, context_ptr, ctrace);
            for (size_t i = 0; i < pattern.size(); ++i)
              if ((ctrace.hidden[i].array() > 0).cast<double>().matrix() != pattern[i]) crossed = true;
            return (ctrace.output - targets).squaredNorm();
          };
          GradCheckOptions o;
          o.step = 1e-4;
          o.floor = 1e-5;
          o.range = model.cerebellum_range();
          const GradCheckReport cereb_report = ccrnn::testing::check_gradients(model.params, analytic, G, o);
          INFO("cerebellum: " << ccrnn::testing::to_string(cereb_report));
          REQUIRE_FALSE(crossed);
          CHECK(cereb_report.checked == model.cerebellum_range().size());
          CHECK(cereb_report.max_rel_error < 1e-6);
          CHECK(cereb_report.max_abs_gradient > 1e-2);
          if (variant.context) {
            const int id = model.params.id("cerebellum.context.weight");
            CHECK(analytic.segment(model.params.slot(id).offset, model.params.slot(id).size()).cwiseAbs().maxCoeff() > 1e-3);
          }
        }
      }
    }
  }
}

// --------------------------------------------------------------------------------------------------------
// Identities.
// --------------------------------------------------------------------------------------------------------
TEST_CASE("tbptt: a cRNN that skips windows without feedback has the windowed objective's gradients",
          "[gradcheck][tbptt]") {
  // L = 7, feedback at steps 1, 2 and 5 only. At T = 1 the windows that run form the runs {1, 2} and {5};
  // at T = 2 the windows [0,2) [2,4) [4,6) run and [6,7) is skipped. The cortex's weight gradients are
  // accumulated per run, so both the skipping and the run bookkeeping are checked here.
  const Index B = 2, L = 7;
  for (CellType cell : kCells) {
    for (Index T : {Index{1}, Index{2}}) {
      DYNAMIC_SECTION(to_string(cell) << ", T=" << T) {
        const ModelConfig config = small_config(cell, false, LossKind::mse);
        Model<double> model(config);
        prepare_model(model, 60 + static_cast<std::uint64_t>(cell), 0.0);
        model.params.values() *= 2.0;  // less linear
        Batch<double> batch = random_batch(config, LossKind::mse, B, L, 61);
        batch.supervised = {0, 1, 1, 0, 0, 1, 0};
        TbpttWorkspace<double> ws;
        model.params.zero_grad();
        (void)accumulate_batch_gradients(model, batch, make_settings(T, LossKind::mse), ws);
        const Vector<double> analytic = model.params.grads();
        const Index windows = ws.windows;
        std::vector<Matrix<double>> s0;
        for (Index w = 0; w < windows; ++w) s0.push_back(gather(model.cortex, ws.cortex, w * T));
        const auto F = [&] {
          double f = 0.0;
          for (Index w = 0; w < windows; ++w)
            f += window_objective(model, batch, LossKind::mse, w * T, std::min((w + 1) * T, L),
                                  s0[static_cast<size_t>(w)], Matrix<double>(), 0.0);
          return f;
        };
        const GradCheckReport r = ccrnn::testing::check_gradients(model.params, analytic, F,
                                                                  smooth_options(Range{0, model.params.size()}));
        INFO(ccrnn::testing::to_string(r));
        CHECK(r.checked == model.params.size());
        CHECK(r.max_rel_error < 1e-6);
        CHECK(r.max_abs_gradient > 1e-2);
      }
    }
  }
}

TEST_CASE("tbptt: with T >= L the gradients are full BPTT's", "[gradcheck][tbptt]") {
  const Index B = 3, L = 5;
  for (CellType cell : kCells) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      for (Index T : {L, L + 3}) {
        DYNAMIC_SECTION(to_string(cell) << ", " << loss_name(kind) << ", T=" << T) {
          const ModelConfig config = small_config(cell, false, kind);
          Model<double> model(config);
          prepare_model(model, 7 + static_cast<std::uint64_t>(cell), 0.0);
          const Batch<double> batch = random_batch(config, kind, B, L, 8);
          TbpttWorkspace<double> ws;
          model.params.zero_grad();
          const BatchStats stats = accumulate_batch_gradients(model, batch, make_settings(T, kind), ws);
          REQUIRE(ws.windows == 1);
          const Vector<double> analytic = model.params.grads();
          const auto loss = [&] { return untruncated_loss(model, batch, kind); };
          CHECK(stats.task_loss == Approx(loss()).epsilon(1e-13));
          const GradCheckReport r =
              ccrnn::testing::check_gradients(model.params, analytic, loss, smooth_options(model.cortex_range()));
          INFO(ccrnn::testing::to_string(r));
          CHECK(r.checked == model.params.size());
          CHECK(r.max_rel_error < 1e-6);
        }
      }
    }
  }
}

TEST_CASE("tbptt: truncation really cuts the gradient (T < L differs from full BPTT)", "[gradcheck][tbptt]") {
  const ModelConfig config = small_config(CellType::lstm, false, LossKind::mse);
  Model<double> model(config);
  prepare_model(model, 3, 0.0);
  const Batch<double> batch = random_batch(config, LossKind::mse, 2, 5, 4);
  TbpttWorkspace<double> ws;
  model.params.zero_grad();
  (void)accumulate_batch_gradients(model, batch, make_settings(1, LossKind::mse), ws);
  const Vector<double> truncated = model.params.grads();
  const auto report = ccrnn::testing::check_gradients(model.params, truncated,
                                                      [&] { return untruncated_loss(model, batch, LossKind::mse); },
                                                      smooth_options(model.cortex_range()));
  CHECK(report.max_rel_error > 1e-2);
}

TEST_CASE("tbptt: a ccRNN with a silent cerebellum has exactly the cRNN's gradients", "[tbptt]") {
  // Fresh initialise: the cerebellum's output layer is exactly zero, so the injected gradient is zero and
  // the cortex/readout gradients must be bitwise those of the cRNN (same cortex/readout parameters).
  const Index B = 3, L = 5;
  for (CellType cell : kCells) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      for (Index T : {Index{1}, Index{2}, Index{3}}) {
        DYNAMIC_SECTION(to_string(cell) << ", " << loss_name(kind) << ", T=" << T) {
          Model<double> crnn(small_config(cell, false, kind)), ccrnn(small_config(cell, true, kind));
          crnn.initialise(21);
          ccrnn.initialise(21);
          const Range cortex = crnn.cortex_range();
          REQUIRE(ccrnn.cortex_range().end == cortex.end);
          REQUIRE((ccrnn.params.values().head(cortex.end).array() == crnn.params.values().head(cortex.end).array()).all());
          const Batch<double> batch = random_batch(crnn.config(), kind, B, L, 22);
          TbpttWorkspace<double> ws_c, ws_cc;
          crnn.params.zero_grad();
          ccrnn.params.zero_grad();
          const BatchStats a = accumulate_batch_gradients(crnn, batch, make_settings(T, kind), ws_c);
          const BatchStats b = accumulate_batch_gradients(ccrnn, batch, make_settings(T, kind), ws_cc);
          CHECK((ccrnn.params.grads().head(cortex.end).array() == crnn.params.grads().head(cortex.end).array()).all());
          CHECK(crnn.params.grads().cwiseAbs().maxCoeff() > 0.0);
          CHECK(a.task_loss == b.task_loss);
          CHECK(a.training_error == b.training_error);
          CHECK((ws_cc.outputs.array() == ws_c.outputs.array()).all());
          // The cerebellum still learns (its targets are the plain truncated gradients at window starts).
          CHECK(max_abs(ws_cc.predictions) == 0.0);
          CHECK(b.cerebellar_loss == Approx(ws_cc.targets.squaredNorm()).epsilon(1e-14));
        }
      }
    }
  }
}

TEST_CASE("tbptt: the bootstrapped target on a two-window toy equals the hand computation", "[tbptt]") {
  // tanh cell, N = I = B = 1, L = 2, T = 1, both steps supervised (MSE), output size 1, cerebellum k = 1,
  // M = 1: C(s) = a relu(w s + bb) + c. Windows [0,1) and [1,2), starts s0 = 0 and h1.
  ModelConfig config;
  config.cell = CellType::tanh;
  config.input_size = 1;
  config.hidden_size = 1;
  config.output_size = 1;
  config.cerebellum = true;
  config.cerebellar.hidden_size = 1;
  config.cerebellar.layers = 1;
  Model<double> model(config);
  model.initialise(1);
  const double u = 0.7, v = -1.3, b1 = 0.2, b2 = -0.05, r = 1.5, q = 0.1;  // cortex and readout
  const double w = 0.8, bb = -0.1, a = -0.6, c = 0.25;                      // cerebellum
  const double x0 = 0.9, x1 = -1.4, y0 = 0.5, y1 = -0.3, gamma = 0.1;
  const auto set = [&](const std::string& name, double value) { model.params.value(model.params.id(name))(0, 0) = value; };
  set("cortex.weight_ih_l0", u);
  set("cortex.weight_hh_l0", v);
  set("cortex.bias_ih_l0", b1);
  set("cortex.bias_hh_l0", b2);
  set("readout.weight", r);
  set("readout.bias", q);
  set("cerebellum.layers.0.weight", w);
  set("cerebellum.layers.0.bias", bb);
  set("cerebellum.layers.1.weight", a);
  set("cerebellum.layers.1.bias", c);

  Batch<double> batch;
  batch.size = 1;
  batch.length = 2;
  batch.inputs.resize(1, 2);
  batch.inputs << x0, x1;
  batch.targets.resize(1, 2);
  batch.targets << y0, y1;
  batch.supervised = {1, 1};
  TbpttWorkspace<double> ws;
  model.params.zero_grad();
  const BatchStats stats = accumulate_batch_gradients(model, batch, make_settings(1, LossKind::mse), ws);

  // By hand.
  const auto relu = [](double z) { return z > 0 ? z : 0.0; };
  const auto C = [&](double s) { return a * relu(w * s + bb) + c; };
  const double h1 = std::tanh(u * x0 + v * 0.0 + b1 + b2);
  const double h2 = std::tanh(u * x1 + v * h1 + b1 + b2);
  const double o0 = r * h1 + q, o1 = r * h2 + q;
  const double g1 = 2 * (o0 - y0) * r + gamma * C(h1);  // total gradient at h1 (end of window 0)
  const double g2 = 2 * (o1 - y1) * r + gamma * C(h2);  // total gradient at h2 (end of window 1)
  const double dz0 = g1 * (1 - h1 * h1), dz1 = g2 * (1 - h2 * h2);
  const double delta0 = dz0 * v;  // target at s0 = 0 (window 0's start)
  const double delta1 = dz1 * v;  // target at h1 (window 1's start)
  // The constants exercise both sides of the ReLU: the granule unit is silent at s = 0 and h2, active at h1.
  CHECK(w * 0.0 + bb < 0);
  CHECK(w * h1 + bb > 0);
  CHECK(w * h2 + bb < 0);

  const auto near = [](double x) { return Approx(x).epsilon(1e-13).margin(1e-15); };
  REQUIRE(ws.windows == 2);
  CHECK(ws.cortex.layers[0].states(0, 1) == near(h1));
  CHECK(ws.cortex.layers[0].states(0, 2) == near(h2));
  CHECK(ws.predictions(0, 0) == near(C(0.0)));
  CHECK(ws.predictions(0, 1) == near(C(h1)));
  CHECK(ws.predictions(0, 2) == near(C(h2)));
  CHECK(ws.targets(0, 0) == near(delta0));
  CHECK(ws.targets(0, 1) == near(delta1));
  CHECK(stats.task_loss == near((o0 - y0) * (o0 - y0) + (o1 - y1) * (o1 - y1)));
  CHECK(stats.cerebellar_loss == near((C(0.0) - delta0) * (C(0.0) - delta0) + (C(h1) - delta1) * (C(h1) - delta1)));
  CHECK(stats.training_error == near(((o0 - y0) * (o0 - y0) + (o1 - y1) * (o1 - y1)) / 2));

  const auto grad = [&](const std::string& name) { return model.params.grad(model.params.id(name))(0, 0); };
  CHECK(grad("cortex.weight_ih_l0") == near(dz0 * x0 + dz1 * x1));
  CHECK(grad("cortex.weight_hh_l0") == near(dz0 * 0.0 + dz1 * h1));
  CHECK(grad("cortex.bias_ih_l0") == near(dz0 + dz1));
  CHECK(grad("cortex.bias_hh_l0") == near(dz0 + dz1));
  CHECK(grad("readout.weight") == near(2 * (o0 - y0) * h1 + 2 * (o1 - y1) * h2));
  CHECK(grad("readout.bias") == near(2 * (o0 - y0) + 2 * (o1 - y1)));
  // Cerebellar loss sum_w (C(s0_w) - delta_w)^2 over starts s0_0 = 0, s0_1 = h1.
  const double e0 = 2 * (C(0.0) - delta0), e1 = 2 * (C(h1) - delta1);
  const double on0 = w * 0.0 + bb > 0 ? 1.0 : 0.0, on1 = w * h1 + bb > 0 ? 1.0 : 0.0;
  CHECK(grad("cerebellum.layers.1.weight") == near(e0 * relu(w * 0.0 + bb) + e1 * relu(w * h1 + bb)));
  CHECK(grad("cerebellum.layers.1.bias") == near(e0 + e1));
  CHECK(grad("cerebellum.layers.0.weight") == near(e0 * a * on0 * 0.0 + e1 * a * on1 * h1));
  CHECK(grad("cerebellum.layers.0.bias") == near(e0 * a * on0 + e1 * a * on1));
}

TEST_CASE("tbptt: window-by-window accumulation equals one segment", "[tbptt]") {
  // accumulate_windows over [w, w+1) for every w, with no parameter change in between, is the same
  // mathematics as one segment over all windows. Only the blocking of the wide products differs (one
  // product over all windows vs one per window), so we allow 1e-13 of the gradients' scale.
  const Index B = 3, L = 5;
  for (CellType cell : kCells) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      for (Index T : {Index{1}, Index{2}, Index{3}}) {
        DYNAMIC_SECTION(to_string(cell) << ", " << loss_name(kind) << ", T=" << T) {
          const ModelConfig config = small_config(cell, true, kind, 2);
          Model<double> whole(config), windows(config);
          prepare_model(whole, 31, 0.5);
          prepare_model(windows, 31, 0.5);
          const Batch<double> batch = random_batch(config, kind, B, L, 32);
          const TbpttSettings settings = make_settings(T, kind);
          TbpttWorkspace<double> ws_whole, ws_windows;
          whole.params.zero_grad();
          windows.params.zero_grad();
          const BatchStats s_whole = accumulate_batch_gradients(whole, batch, settings, ws_whole);
          begin_batch(windows, batch, settings, ws_windows);
          double task = 0.0, cerebellar = 0.0;
          for (Index w = 0; w < ws_windows.windows; ++w) {
            const BatchStats s = accumulate_windows(windows, batch, settings, ws_windows, w, w + 1);
            task += s.task_loss;
            cerebellar += s.cerebellar_loss;
          }
          const double scale = whole.params.grads().cwiseAbs().maxCoeff();
          CHECK(scale > 0.0);
          CHECK(max_abs(windows.params.grads() - whole.params.grads()) <= 1e-13 * scale);
          CHECK(relative_difference(ws_windows.targets, ws_whole.targets) <= 1e-13);
          CHECK(relative_difference(ws_windows.predictions, ws_whole.predictions) <= 1e-13);
          CHECK(relative_difference(ws_windows.outputs, ws_whole.outputs) <= 1e-14);  // input projection blocked per window
          CHECK(task == Approx(s_whole.task_loss).epsilon(1e-13));
          CHECK(cerebellar == Approx(s_whole.cerebellar_loss).epsilon(1e-12));
        }
      }
    }
  }
}

// --------------------------------------------------------------------------------------------------------
// Optimizers and clipping against hand-computed values.
// --------------------------------------------------------------------------------------------------------
TEST_CASE("optimizers: Adam's first step is p - lr g / (|g| + eps)", "[optimizers]") {
  OptimizerConfig config;
  config.kind = OptimizerKind::adam;
  config.lr = 1e-2;
  config.beta1 = 0.9;
  config.beta2 = 0.98;
  config.eps = 1e-9;
  Vector<double> p(6), g(6);
  p << 0.5, -1.0, 2.0, 0.0, 3.0, -0.25;
  g << 0.3, -2.0, 1e-9, 0.0, 7.0, 5.0;
  const Vector<double> p0 = p;
  Optimizer<double> opt(config, 6);
  const std::vector<Range> ranges = {Range{0, 4}, Range{5, 6}};  // element 4 is not trained
  opt.step(p, g, ranges);
  // Bias correction makes m_hat = g and v_hat = g^2 on the first step.
  for (Index i : {0, 1, 2, 3, 5}) {
    INFO("element " << i);
    const double expected = p0[i] - config.lr * g[i] / (std::abs(g[i]) + config.eps);
    CHECK(p[i] == Approx(expected).epsilon(0).margin(1e-15));
  }
  CHECK(p[4] == p0[4]);
  CHECK(p[3] == p0[3]);                               // zero gradient: no move
  CHECK(p[2] == Approx(p0[2] - config.lr * 0.5).margin(1e-15));  // |g| = eps: half a step

  // Second step with the textbook bias-corrected formulas.
  Vector<double> g2(6);
  g2 << -0.1, 0.5, 2.0, 1.0, 1.0, 5.0;
  const Vector<double> p1 = p;
  opt.step(p, g2, ranges);
  for (Index i : {0, 1, 2, 3, 5}) {
    INFO("element " << i);
    const double m = 0.9 * (0.1 * g[i]) + 0.1 * g2[i];
    const double v = 0.98 * (0.02 * g[i] * g[i]) + 0.02 * g2[i] * g2[i];
    const double m_hat = m / (1 - 0.9 * 0.9), v_hat = v / (1 - 0.98 * 0.98);
    CHECK(p[i] == Approx(p1[i] - config.lr * m_hat / (std::sqrt(v_hat) + config.eps)).epsilon(0).margin(1e-15));
  }
  CHECK(p[4] == p0[4]);
  CHECK(opt.steps() == 2);
}

TEST_CASE("optimizers: RMSprop and SGD with momentum, two steps by hand", "[optimizers]") {
  Vector<double> g1(3), g2(3);
  g1 << 0.4, -1.5, 0.02;
  g2 << -0.7, -0.5, 0.3;
  const std::vector<Range> all = {Range{0, 3}};

  SECTION("RMSprop (alpha 0.99, eps 1e-10, momentum 0.9)") {
    OptimizerConfig c;
    c.kind = OptimizerKind::rmsprop;
    c.lr = 1e-3;
    c.alpha = 0.99;
    c.eps = 1e-10;
    c.momentum = 0.9;
    Vector<double> p(3);
    p << 1.0, -2.0, 0.5;
    const Vector<double> p0 = p;
    Optimizer<double> opt(c, 3);
    opt.step(p, g1, all);
    opt.step(p, g2, all);
    for (Index i = 0; i < 3; ++i) {
      const double v1 = 0.01 * g1[i] * g1[i];
      const double buf1 = g1[i] / (std::sqrt(v1) + 1e-10);
      const double v2 = 0.99 * v1 + 0.01 * g2[i] * g2[i];
      const double buf2 = 0.9 * buf1 + g2[i] / (std::sqrt(v2) + 1e-10);
      const double expected = p0[i] - 1e-3 * buf1 - 1e-3 * buf2;
      INFO("element " << i);
      CHECK(p[i] == Approx(expected).epsilon(0).margin(1e-14));
    }
  }
  SECTION("SGD (momentum 0.9, no dampening)") {
    OptimizerConfig c;
    c.kind = OptimizerKind::sgd;
    c.lr = 0.1;
    c.momentum = 0.9;
    Vector<double> p(3);
    p << 1.0, -2.0, 0.5;
    const Vector<double> p0 = p;
    Optimizer<double> opt(c, 3);
    opt.step(p, g1, all);
    for (Index i = 0; i < 3; ++i) CHECK(p[i] == Approx(p0[i] - 0.1 * g1[i]).epsilon(0).margin(1e-15));
    opt.step(p, g2, all);
    for (Index i = 0; i < 3; ++i)
      CHECK(p[i] == Approx(p0[i] - 0.1 * g1[i] - 0.1 * (0.9 * g1[i] + g2[i])).epsilon(0).margin(1e-15));
  }
  SECTION("SGD without momentum") {
    OptimizerConfig c;
    c.kind = OptimizerKind::sgd;
    c.lr = 0.1;
    c.momentum = 0.0;
    Vector<double> p = Vector<double>::Zero(3);
    Optimizer<double> opt(c, 3);
    opt.step(p, g1, all);
    opt.step(p, g2, all);
    for (Index i = 0; i < 3; ++i) CHECK(p[i] == Approx(-0.1 * (g1[i] + g2[i])).epsilon(0).margin(1e-15));
  }
}

TEST_CASE("optimizers: clip_global_norm scales by max/(norm+1e-6) and leaves small gradients alone",
          "[optimizers]") {
  Vector<double> g(5);
  g << 3.0, 4.0, 100.0, 0.0, 12.0;
  const std::vector<Range> ranges = {Range{0, 2}, Range{3, 5}};  // norm over 3, 4, 0, 12 = 13
  CHECK(global_norm(g, ranges) == Approx(13.0).epsilon(1e-15));
  Vector<double> clipped = g;
  const double norm = clip_global_norm(clipped, ranges, 1.0);
  CHECK(norm == Approx(13.0).epsilon(1e-15));
  const double coef = 1.0 / (13.0 + 1e-6);
  CHECK(clipped[0] == Approx(3.0 * coef).epsilon(1e-15));
  CHECK(clipped[1] == Approx(4.0 * coef).epsilon(1e-15));
  CHECK(clipped[2] == 100.0);  // outside the ranges: untouched
  CHECK(clipped[3] == 0.0);
  CHECK(clipped[4] == Approx(12.0 * coef).epsilon(1e-15));
  CHECK(global_norm(clipped, ranges) == Approx(13.0 / (13.0 + 1e-6)).epsilon(1e-14));  // just under max

  Vector<double> small(3);
  small << 0.3, -0.4, 0.0;  // norm 0.5 < 1
  const Vector<double> before = small;
  const std::vector<Range> all = {Range{0, 3}};
  CHECK(clip_global_norm(small, all, 1.0) == Approx(0.5).epsilon(1e-15));
  CHECK((small.array() == before.array()).all());  // bitwise unchanged

  // Exactly at the threshold torch still multiplies by max/(norm+1e-6) < 1.
  Vector<double> edge(2);
  edge << 0.6, 0.8;  // norm 1
  const std::vector<Range> both = {Range{0, 2}};
  clip_global_norm(edge, both, 1.0);
  CHECK(edge[0] == Approx(0.6 / (1.0 + 1e-6)).epsilon(1e-15));
}

// --------------------------------------------------------------------------------------------------------
// The lesion schedule.
// --------------------------------------------------------------------------------------------------------
TEST_CASE("trainer: set_epoch applies the lesion schedule", "[trainer][lesion]") {
  const ModelConfig cc = small_config(CellType::lstm, true, LossKind::mse);
  Model<double> model(cc);
  model.initialise(1);
  {
    TrainerConfig tc;
    tc.lesion_epoch = 5;
    tc.io_lesion_epoch = 3;
    Trainer<double> trainer(model, tc);
    const std::vector<std::pair<int, CerebellumState>> expected = {
        {1, CerebellumState::active},  {2, CerebellumState::active},   {3, CerebellumState::frozen},
        {4, CerebellumState::frozen},  {5, CerebellumState::lesioned}, {50, CerebellumState::lesioned}};
    CHECK(trainer.cerebellum_state() == CerebellumState::active);  // the constructor applies epoch 1
    for (const auto& [epoch, state] : expected) {
      trainer.set_epoch(epoch);
      INFO("epoch " << epoch << ": " << to_string(trainer.cerebellum_state()));
      CHECK(trainer.cerebellum_state() == state);
      CHECK(trainer.settings().inject == (state == CerebellumState::active || state == CerebellumState::frozen));
      CHECK(trainer.settings().train_cerebellum == (state == CerebellumState::active));
    }
  }
  {
    TrainerConfig tc;
    tc.lesion_epoch = 2;  // the cerebellar lesion wins over a later inferior-olive lesion
    tc.io_lesion_epoch = 4;
    Trainer<double> trainer(model, tc);
    trainer.set_epoch(4);
    CHECK(trainer.cerebellum_state() == CerebellumState::lesioned);
  }
  {
    TrainerConfig tc;  // no lesion
    Trainer<double> trainer(model, tc);
    trainer.set_epoch(1000);
    CHECK(trainer.cerebellum_state() == CerebellumState::active);
  }
  {
    Model<double> crnn(small_config(CellType::lstm, false, LossKind::mse));
    crnn.initialise(1);
    TrainerConfig tc;
    tc.lesion_epoch = 2;
    Trainer<double> trainer(crnn, tc);
    for (int epoch : {1, 2, 3}) {
      trainer.set_epoch(epoch);
      CHECK(trainer.cerebellum_state() == CerebellumState::absent);
    }
  }
  TrainerConfig bad;
  bad.lesion_epoch = -1;
  CHECK_THROWS_AS(Trainer<double>(model, bad), std::invalid_argument);
}

namespace {
TrainerConfig lesion_trainer_config(int lesion, int io_lesion) {
  TrainerConfig tc;
  tc.tbptt.truncation = 2;
  tc.tbptt.loss = LossKind::mse;
  tc.optimizer.kind = OptimizerKind::adam;
  tc.optimizer.lr = 1e-2;
  tc.clip = 1.0;
  tc.lesion_epoch = lesion;
  tc.io_lesion_epoch = io_lesion;
  return tc;
}
}  // namespace

TEST_CASE("trainer: inferior-olive lesion freezes the cerebellum but keeps its injection", "[trainer][lesion]") {
  const Index B = 3, L = 6;
  for (CellType cell : kCells) {
    DYNAMIC_SECTION(to_string(cell)) {
      const ModelConfig cc = small_config(cell, true, LossKind::mse), c = small_config(cell, false, LossKind::mse);
      Model<double> frozen(cc), reference(cc), crnn(c);
      prepare_model(frozen, 61, 0.5);
      prepare_model(reference, 61, 0.5);
      crnn.initialise(61);
      const Range cortex = frozen.cortex_range(), cereb = frozen.cerebellum_range();
      REQUIRE((crnn.params.values().array() == frozen.params.values().head(cortex.end).array()).all());
      const Batch<double> batch = random_batch(cc, LossKind::mse, B, L, 62);

      Trainer<double> trainer(frozen, lesion_trainer_config(0, 1));
      REQUIRE(trainer.cerebellum_state() == CerebellumState::frozen);
      Trainer<double> crnn_trainer(crnn, lesion_trainer_config(0, 1));
      const Vector<double> before = frozen.params.values();
      (void)trainer.train_batch(batch);
      (void)crnn_trainer.train_batch(batch);

      // The cerebellum did not change, bitwise.
      CHECK((frozen.params.values().segment(cereb.begin, cereb.size()).array() ==
             before.segment(cereb.begin, cereb.size()).array())
                .all());
      // The cortex did, and differently from the cRNN's: the injection is still there.
      CHECK(frozen.params.values().head(cortex.end) != before.head(cortex.end));
      CHECK(max_abs(frozen.params.values().head(cortex.end) - crnn.params.values()) > 1e-6);

      // And exactly as by hand: injected gradients, no cerebellar learning, clip and Adam over the cortex only.
      TbpttSettings s = make_settings(2, LossKind::mse);
      s.inject = true;
      s.train_cerebellum = false;
      TbpttWorkspace<double> ws;
      reference.params.zero_grad();
      (void)accumulate_batch_gradients(reference, batch, s, ws);
      CHECK(reference.params.grads().segment(cereb.begin, cereb.size()).cwiseAbs().maxCoeff() == 0.0);
      const std::vector<Range> ranges = {cortex};
      const double norm = clip_global_norm(reference.params.grads(), ranges, 1.0);
      CHECK(trainer.last_grad_norm() == norm);
      Optimizer<double> adam(lesion_trainer_config(0, 1).optimizer, reference.params.size());
      adam.step(reference.params.values(), reference.params.grads(), ranges);
      CHECK((frozen.params.values().array() == reference.params.values().array()).all());
    }
  }
}

TEST_CASE("trainer: a cerebellar lesion at epoch 3 stops the cerebellum and its injection", "[trainer][lesion]") {
  const Index B = 3, L = 6;
  for (CellType cell : kCells) {
    DYNAMIC_SECTION(to_string(cell)) {
      const ModelConfig cc = small_config(cell, true, LossKind::mse), c = small_config(cell, false, LossKind::mse);
      Model<double> lesioned(cc), crnn(c);
      prepare_model(lesioned, 71, 0.5);
      crnn.initialise(71);
      const Range cortex = lesioned.cortex_range(), cereb = lesioned.cerebellum_range();
      const Batch<double> batch = random_batch(cc, LossKind::mse, B, L, 72);

      // An active epoch: the cerebellum learns.
      Trainer<double> trainer(lesioned, lesion_trainer_config(3, 0));
      Vector<double> before = lesioned.params.values();
      (void)trainer.train_batch(batch);
      CHECK(lesioned.params.values().segment(cereb.begin, cereb.size()) != before.segment(cereb.begin, cereb.size()));
      // The lesion from epoch 3 on: the gradients are a cRNN's with the same cortex parameters (the
      // optimizers' histories differ, so we compare the gradient norms of one step), and the cerebellum stops.
      trainer.set_epoch(3);
      REQUIRE(trainer.cerebellum_state() == CerebellumState::lesioned);
      crnn.params.values() = lesioned.params.values().head(cortex.end);
      Trainer<double> crnn_trainer(crnn, lesion_trainer_config(3, 0));
      before = lesioned.params.values();
      (void)trainer.train_batch(batch);
      (void)crnn_trainer.train_batch(batch);
      CHECK(trainer.last_grad_norm() == crnn_trainer.last_grad_norm());
      CHECK((lesioned.params.values().segment(cereb.begin, cereb.size()).array() ==
             before.segment(cereb.begin, cereb.size()).array())
                .all());
    }
  }
}

TEST_CASE("trainer: from a lesioned start the ccRNN's updates are bitwise the cRNN's", "[trainer][lesion]") {
  const Index B = 3, L = 6;
  for (CellType cell : kCells) {
    DYNAMIC_SECTION(to_string(cell)) {
      const ModelConfig cc = small_config(cell, true, LossKind::mse), c = small_config(cell, false, LossKind::mse);
      Model<double> lesioned(cc), crnn(c);
      prepare_model(lesioned, 81, 0.5);  // a cerebellum with a non-zero output: it would change the update
      crnn.initialise(81);
      const Range cortex = lesioned.cortex_range(), cereb = lesioned.cerebellum_range();
      REQUIRE((crnn.params.values().array() == lesioned.params.values().head(cortex.end).array()).all());
      const Batch<double> batch = random_batch(cc, LossKind::mse, B, L, 82);
      Trainer<double> trainer(lesioned, lesion_trainer_config(1, 0));
      Trainer<double> crnn_trainer(crnn, lesion_trainer_config(1, 0));
      REQUIRE(trainer.cerebellum_state() == CerebellumState::lesioned);
      const Vector<double> cereb_before = lesioned.params.values().segment(cereb.begin, cereb.size());
      for (int step = 0; step < 3; ++step) {
        (void)trainer.train_batch(batch);
        (void)crnn_trainer.train_batch(batch);
        INFO("step " << step);
        CHECK(trainer.last_grad_norm() == crnn_trainer.last_grad_norm());
        CHECK((lesioned.params.values().head(cortex.end).array() == crnn.params.values().array()).all());
      }
      CHECK((lesioned.params.values().segment(cereb.begin, cereb.size()).array() == cereb_before.array()).all());

      // Control: the same ccRNN without the lesion would have moved differently.
      Model<double> active(cc);
      prepare_model(active, 81, 0.5);
      Trainer<double> active_trainer(active, lesion_trainer_config(0, 0));
      Model<double> crnn2(c);
      crnn2.initialise(81);
      Trainer<double> crnn2_trainer(crnn2, lesion_trainer_config(0, 0));
      (void)active_trainer.train_batch(batch);
      (void)crnn2_trainer.train_batch(batch);
      CHECK(max_abs(active.params.values().head(cortex.end) - crnn2.params.values()) > 1e-6);
    }
  }
}

TEST_CASE("tbptt: without the final injection, a one-window ccRNN has exactly the cRNN's gradients", "[tbptt]") {
  // At T = L there is one window and its only boundary is the sequence end. With final_injection off
  // nothing is injected, so even a cerebellum with a non-zero output layer leaves the cortex and readout
  // gradients bitwise those of the cRNN; with it on (the reference), they differ.
  const Index B = 3, L = 5;
  for (CellType cell : kCells) {
    DYNAMIC_SECTION(to_string(cell)) {
      Model<double> crnn(small_config(cell, false, LossKind::mse)), ccrnn(small_config(cell, true, LossKind::mse));
      prepare_model(crnn, 31, 0.0);
      prepare_model(ccrnn, 31, 0.5);
      const Range cortex = crnn.cortex_range();
      const Batch<double> batch = random_batch(crnn.config(), LossKind::mse, B, L, 32);
      TbpttWorkspace<double> ws_c, ws_cc;
      TbpttSettings settings = make_settings(L, LossKind::mse);
      crnn.params.zero_grad();
      accumulate_batch_gradients(crnn, batch, settings, ws_c);
      settings.final_injection = false;
      ccrnn.params.zero_grad();
      accumulate_batch_gradients(ccrnn, batch, settings, ws_cc);
      CHECK((ccrnn.params.grads().head(cortex.end).array() == crnn.params.grads().head(cortex.end).array()).all());
      CHECK(max_abs(ws_cc.predictions) > 0.0);  // the cerebellum does predict; it is just not injected
      settings.final_injection = true;
      ccrnn.params.zero_grad();
      accumulate_batch_gradients(ccrnn, batch, settings, ws_cc);
      CHECK((ccrnn.params.grads().head(cortex.end) - crnn.params.grads().head(cortex.end)).cwiseAbs().maxCoeff() > 1e-6);
    }
  }
}
