// BP(lambda) (dni/bp_lambda.hpp), in double precision: the state Jacobians against central differences;
// the forward-view identity (the summed online updates are minus the gradient of the lambda-return
// regression, computed here independently by backward recursion through the cortex's one-step backward
// pass and the cerebellum's own backward); the exact future gradient as synthesiser gives full BPTT;
// lambda = 0 with ccrnn's conventions is the DNI at T = 1; the traces' size; the Trainer's online mode.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/bp_lambda.hpp>
#include <ccrnn/dni/recording.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/loss.hpp>
#include <ccrnn/train/trainer.hpp>

#include <string>

#include "support/random_matrices.hpp"
#include "support/small_models.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

namespace {

/// The exact state Jacobian of every cell BP(lambda) uses, with the linear one of the reference's toy task.
constexpr CellType kBpLambdaCells[] = {CellType::lstm, CellType::tanh, CellType::gru, CellType::linear};

/// small_config with a cerebellum of k hidden layers (k = 0: linear, BP(lambda)'s default).
ModelConfig bp_config(CellType cell, Index cerebellar_layers, LossKind kind = LossKind::mse, Index layers = 1) {
  ModelConfig c = small_config(cell, true, kind, layers);
  c.cerebellar.layers = cerebellar_layers;
  return c;
}

TbpttSettings online_settings(LossKind kind, double sg_scale, bool final_injection) {
  TbpttSettings s = make_settings(1, kind);
  s.sg_scale = sg_scale;
  s.final_injection = final_injection;
  return s;
}

/// Runs BP(lambda) over the whole batch with fixed parameters; returns the accumulated gradients.
Vector<double> online_gradients(Model<double>& model, const Batch<double>& batch, const TbpttSettings& settings,
                                const BpLambdaSettings& bp, BpLambdaWorkspace<double>& online) {
  TbpttWorkspace<double> ws;
  model.params.zero_grad();
  begin_online_batch(model, batch, settings, bp, ws, online);
  accumulate_online(model, batch, settings, bp, ws, online, 0, batch.length);
  Vector<double> grads = model.params.grads();
  model.params.zero_grad();
  return grads;
}

/// The cerebellum's output-layer gradients (weight then bias) out of a full gradient vector.
Vector<double> output_layer(const Model<double>& model, const Vector<double>& grads) {
  const ParamSlot& w = model.params.slot(model.cerebellum->output_weight());
  const ParamSlot& b = model.params.slot(model.cerebellum->output_bias());
  Vector<double> out(w.size() + b.size());
  out << grads.segment(w.offset, w.size()), grads.segment(b.offset, b.size());
  return out;
}

/// The expected sum of the online updates, independently: minus the gradient w.r.t. the cerebellum's
/// parameters of sum_{k >= k0} c || P_k - sg[G^lambda_k] ||^2 (c = 1/2 mean over samples or sum over samples),
/// with G^lambda by backward recursion G^lambda_k = J_k^T (l'_k + gamma [(1 - lambda) P_{k+1} +
/// lambda G^lambda_{k+1}]) through the cortex's one-step backward, G^lambda_L = P_L (0 without final_injection).
Vector<double> lambda_return_gradient(Model<double>& model, const Batch<double>& batch, const TbpttSettings& settings,
                                      const BpLambdaSettings& bp) {
  const Index b = batch.size, length = batch.length, n = model.state_size();
  TbpttWorkspace<double> ws;
  begin_batch(model, batch, make_settings(length, settings.loss), ws);
  predict(model, batch, ws);
  for (Index t = 0; t < length; ++t) window_loss<double>(settings.loss, ws.outputs, batch, t, t + 1, ws.output_grads);
  model.readout.backward(model.params, ws.output_grads, ws.hidden_grads);
  // The predictions at every boundary, in one pass of the cerebellum.
  Matrix<double> states(n, b * (length + 1));
  for (Index k = 0; k <= length; ++k) model.cortex.gather_state(ws.cortex, k, states.middleCols(k * b, b));
  CerebellumTrace<double> trace;
  model.cerebellum->forward(model.params, states, nullptr, trace);
  const Matrix<double> predictions = trace.output;
  // G^lambda, backward.
  Matrix<double> g_lambda(n, b * (length + 1));
  g_lambda.rightCols(b) = settings.final_injection ? Matrix<double>(predictions.rightCols(b)) : Matrix<double>::Zero(n, b);
  Matrix<double> grad(n, b);
  for (Index k = length - 1; k >= 0; --k) {
    const auto p_next = settings.final_injection || k + 1 < length ? Matrix<double>(predictions.middleCols((k + 1) * b, b))
                                                                    : Matrix<double>::Zero(n, b);
    grad = bp.gamma * ((1 - bp.lambda) * p_next + bp.lambda * g_lambda.middleCols((k + 1) * b, b));
    model.cortex.backward(model.params, ws.hidden_grads, grad, ws.cortex, k, k + 1, true);
    g_lambda.middleCols(k * b, b) = grad;
  }
  // The regression's gradient through the cerebellum's backward pass (first columns = trained boundaries).
  const Index k0 = bp.train_initial_state ? 0 : 1, cols = (length - k0) * b;
  const double c = bp.reduction == TdReduction::mean ? 1.0 / static_cast<double>(b) : 2.0;
  const Matrix<double> trained = states.middleCols(k0 * b, cols);
  model.cerebellum->forward(model.params, trained, nullptr, trace);
  const Matrix<double> residual = c * (predictions.middleCols(k0 * b, cols) - g_lambda.middleCols(k0 * b, cols));
  model.params.zero_grad();
  model.cerebellum->backward(model.params, trained, nullptr, residual, trace);
  Vector<double> grads = model.params.grads();
  model.params.zero_grad();
  return grads;
}

}  // namespace

TEST_CASE("bp_lambda: state Jacobians equal central differences of one step", "[bp_lambda][gradcheck]") {
  const Index B = 2, L = 4;
  for (CellType cell : kBpLambdaCells) {
    for (Index layers : {1, 2}) {
      CAPTURE(to_string(cell), layers);
      const ModelConfig config = small_config(cell, false, LossKind::mse, layers);
      Model<double> model(config);
      prepare_model(model, 3, 0.0);
      model.params.values() *= 2.0;  // further from linear
      const Batch<double> batch = random_batch(config, LossKind::mse, B, L, 4);
      TbpttWorkspace<double> ws;
      predict(model, batch, ws);
      const Index n = model.state_size();
      const double eps = 1e-6;
      for (Index t : {Index(1), L - 1}) {
        BpLambdaWorkspace<double> online;
        Matrix<double> jacobians;
        state_jacobians(model, ws, online, t, jacobians);
        Matrix<double> s(n, B), plus(n, B), minus(n, B);
        model.cortex.gather_state(ws.cortex, t, s);
        CortexTrace<double> probe;
        model.cortex.prepare(probe, B, L);
        Matrix<double> numeric(n, n * B);
        for (Index j = 0; j < n; ++j) {
          for (const double sign : {1.0, -1.0}) {
            Matrix<double> perturbed = s;
            perturbed.row(j).array() += sign * eps;
            scatter_state<double>(model.cortex, probe, t, perturbed);
            model.cortex.forward(model.params, batch.inputs, probe, t, t + 1);
            model.cortex.gather_state(probe, t + 1, sign > 0 ? plus : minus);
          }
          for (Index k = 0; k < B; ++k) numeric.col(k * n + j) = (plus.col(k) - minus.col(k)) / (2 * eps);
        }
        CHECK(max_abs(numeric) > 0.1);
        CHECK(relative_difference(jacobians, numeric) < 1e-8);
      }
    }
  }
}

TEST_CASE("bp_lambda: summed online updates equal minus the gradient of the lambda-return regression",
          "[bp_lambda]") {
  // lambda in {0, 0.5, 1}, gamma in {1, 0.9}, dense and sparse targets, all four cells; the reference's
  // conventions (no final bootstrap, s_0 untrained, 1/2 mean) and ccrnn's (final bootstrap, s_0 trained, sum),
  // a linear cerebellum and one with a granule layer (only its output layer is traced).
  const Index B = 3, L = 6;
  struct Conventions {
    bool final_injection, initial;
    TdReduction reduction;
    Index cerebellar_layers;
  };
  for (CellType cell : kBpLambdaCells) {
    for (const Conventions conv : {Conventions{false, false, TdReduction::mean, 0},
                                   Conventions{true, true, TdReduction::sum, 1}}) {
      for (Index interval : {1, 3}) {
        for (double lambda : {0.0, 0.5, 1.0}) {
          for (double gamma : {1.0, 0.9}) {
            CAPTURE(to_string(cell), conv.final_injection, conv.cerebellar_layers, interval, lambda, gamma);
            const ModelConfig config = bp_config(cell, conv.cerebellar_layers);
            Model<double> model(config);
            prepare_model(model, 11, 0.5);
            const Batch<double> batch = random_batch(config, LossKind::mse, B, L, 12, interval);
            const TbpttSettings settings = online_settings(LossKind::mse, 0.3, conv.final_injection);
            BpLambdaSettings bp;
            bp.online = true;
            bp.lambda = lambda;
            bp.gamma = gamma;
            bp.train_initial_state = conv.initial;
            bp.reduction = conv.reduction;
            BpLambdaWorkspace<double> online;
            const Vector<double> got = output_layer(model, online_gradients(model, batch, settings, bp, online));
            const Vector<double> expected = output_layer(model, lambda_return_gradient(model, batch, settings, bp));
            CHECK(expected.cwiseAbs().maxCoeff() > 1e-2);
            CHECK(relative_difference(got, expected) < 1e-12);
          }
        }
      }
    }
  }
}

TEST_CASE("bp_lambda: with the exact future gradient as synthesiser the cortex gets full BPTT's gradient",
          "[bp_lambda]") {
  // lambda = gamma = 1, injection scale 1, P_k = dF/ds_k from the true-gradient pass: the one-step updates
  // sum to the untruncated gradient, and every TD error vanishes (the exact gradient is the fixed point).
  const Index B = 3, L = 6;
  for (CellType cell : kBpLambdaCells) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      CAPTURE(to_string(cell), loss_name(kind));
      const ModelConfig config = small_config(cell, false, kind, 2);
      Model<double> model(config);
      prepare_model(model, 21, 0.0);
      model.params.values() *= 1.5;
      const Batch<double> batch = random_batch(config, kind, B, L, 22);
      BoundaryGradientOptions options;
      options.truncation = 1;
      options.loss = kind;
      options.truncated = false;
      options.parameter_gradient = true;
      const BoundaryGradients<double> truth = boundary_gradients(model, batch, options);
      BpLambdaSettings bp;
      bp.online = true;
      BpLambdaWorkspace<double> online;
      online.oracle = [&](Index k, BlockRef<double> out) { out = truth.full.middleCols(k * B, B); };
      const Vector<double> got = online_gradients(model, batch, online_settings(kind, 1.0, true), bp, online);
      CHECK(truth.parameters.cwiseAbs().maxCoeff() > 1e-2);
      CHECK(relative_difference(got, truth.parameters) < 1e-12);
      CHECK(max_abs(online.td_errors) < 1e-12 * max_abs(truth.full));
      // With injection scale 0.5 the sum is no longer BPTT's (the test can fail).
      const Vector<double> half = online_gradients(model, batch, online_settings(kind, 0.5, true), bp, online);
      CHECK(relative_difference(half, truth.parameters) > 1e-3);
    }
  }
}

TEST_CASE("bp_lambda: lambda = 0 with ccrnn's conventions is the DNI at T = 1", "[bp_lambda]") {
  // gamma = injection scale = sg_scale, s_0 trained, final bootstrap and injection, summed squared error;
  // every other convention breaks the equality. A linear cerebellum (all of it traced) and one with two
  // granule layers (its output layer compared; its granule layers do not learn online).
  const Index B = 3, L = 5;
  for (CellType cell : kBpLambdaCells) {
    for (Index k : {0, 2}) {
      CAPTURE(to_string(cell), k);
      const ModelConfig config = bp_config(cell, k);
      Model<double> model(config);
      prepare_model(model, 31, 0.5);
      const Batch<double> batch = random_batch(config, LossKind::mse, B, L, 32);
      const TbpttSettings settings = online_settings(LossKind::mse, 0.1, true);
      TbpttWorkspace<double> ws;
      model.params.zero_grad();
      accumulate_batch_gradients(model, batch, settings, ws);
      const Vector<double> dni = model.params.grads();
      model.params.zero_grad();

      BpLambdaSettings bp;
      bp.online = true;
      bp.lambda = 0.0;
      bp.gamma = 0.1;
      bp.train_initial_state = true;
      bp.reduction = TdReduction::sum;
      BpLambdaWorkspace<double> online;
      const Vector<double> got = online_gradients(model, batch, settings, bp, online);
      const Index cortex = model.cortex_range().end;
      CHECK(relative_difference(got.head(cortex), dni.head(cortex)) < 1e-12);
      CHECK(relative_difference(output_layer(model, got), output_layer(model, dni)) < 1e-12);
      if (k == 0) CHECK(relative_difference(got, dni) < 1e-12);

      // Each differing convention, alone, breaks it.
      BpLambdaSettings other = bp;
      other.train_initial_state = false;
      CHECK(relative_difference(output_layer(model, online_gradients(model, batch, settings, other, online)),
                                output_layer(model, dni)) > 1e-6);
      other = bp;
      other.reduction = TdReduction::mean;
      CHECK(relative_difference(output_layer(model, online_gradients(model, batch, settings, other, online)),
                                output_layer(model, dni)) > 1e-6);
      CHECK(relative_difference(output_layer(model, online_gradients(model, batch, online_settings(LossKind::mse, 0.1, false), bp, online)),
                                output_layer(model, dni)) > 1e-6);
      other = bp;
      other.lambda = 0.5;
      CHECK(relative_difference(output_layer(model, online_gradients(model, batch, settings, other, online)),
                                output_layer(model, dni)) > 1e-6);
    }
  }
}

TEST_CASE("bp_lambda: traces hold state x state(F+1) numbers per sample", "[bp_lambda]") {
  // Linear cerebellum: F = the state size, so N (N^2 + N) for tanh/GRU (spec section 3), 2N (4N^2 + 2N) for LSTM.
  const Index B = 4, N = 3;
  for (CellType cell : kBpLambdaCells) {
    const ModelConfig config = bp_config(cell, 0);
    Model<double> model(config);
    prepare_model(model, 41, 0.5);
    const Batch<double> batch = random_batch(config, LossKind::mse, B, 5, 42);
    BpLambdaSettings bp;
    bp.online = true;
    BpLambdaWorkspace<double> online;
    online_gradients(model, batch, online_settings(LossKind::mse, 0.1, false), bp, online);
    const Index s = cell == CellType::lstm ? 2 * N : N;
    CHECK(online.traces.size() == B * s * (s * s + s));
    CHECK(online.jacobians.size() == B * s * s);
  }
}

TEST_CASE("bp_lambda: the Trainer's online mode steps, is deterministic and needs T = 1", "[bp_lambda][trainer]") {
  const ModelConfig config = bp_config(CellType::lstm, 0);
  TrainerConfig tc;
  tc.tbptt = online_settings(LossKind::mse, 0.1, false);
  tc.bp_lambda.online = true;
  tc.bp_lambda.lambda = 0.5;
  tc.bp_lambda.gamma = 0.9;
  for (const bool per_step : {false, true}) {
    tc.step_per_window = per_step;
    Model<double> a(config), b(config);
    prepare_model(a, 51, 0.0);
    prepare_model(b, 51, 0.0);
    const Vector<double> initial = a.params.values();
    Trainer<double> ta(a, tc), tb(b, tc);
    for (std::uint64_t s = 0; s < 3; ++s) {
      const Batch<double> batch = random_batch(config, LossKind::mse, 3, 5, 60 + s);
      const BatchStats sa = ta.train_batch(batch), sb = tb.train_batch(batch);
      CHECK(sa.task_loss == sb.task_loss);
      CHECK(sa.cerebellar_loss == sb.cerebellar_loss);
    }
    CHECK((a.params.values().array() == b.params.values().array()).all());
    // The cerebellum's output layer started at zero and has learnt.
    const auto w = a.params.value(a.cerebellum->output_weight());
    CHECK(w.cwiseAbs().maxCoeff() > 0);
    CHECK((a.params.values() - initial).head(a.cortex_range().end).cwiseAbs().maxCoeff() > 0);
  }
  tc.tbptt.truncation = 2;
  Model<double> m(config);
  CHECK_THROWS_WITH(Trainer<double>(m, tc), Catch::Contains("truncation T must be 1"));
}

TEST_CASE("bp_lambda: recordings hold every step's prediction, learning signal, TD error and true gradient",
          "[bp_lambda][recording]") {
  const Index B = 3, L = 5;
  const ModelConfig config = bp_config(CellType::gru, 0);
  Model<double> model(config);
  prepare_model(model, 71, 0.5);
  TrainerConfig tc;
  tc.tbptt = online_settings(LossKind::mse, 0.2, false);
  tc.bp_lambda.online = true;
  tc.bp_lambda.lambda = 0.5;
  Trainer<double> trainer(model, tc);
  const Batch<double> batch = random_batch(config, LossKind::mse, B, L, 72, 2);
  const BoundaryGradients<double> truth = boundary_gradients(model, batch, BoundaryGradientOptions{1, LossKind::mse});
  // The predictions the cerebellum makes at every boundary with the parameters before the update.
  Matrix<double> expected(model.state_size(), B * (L + 1));
  {
    TbpttWorkspace<double> ws;
    predict(model, batch, ws);
    Matrix<double> s(model.state_size(), B);
    CerebellumTrace<double> trace;
    for (Index k = 0; k <= L; ++k) {
      model.cortex.gather_state(ws.cortex, k, s);
      model.cerebellum->forward(model.params, s, nullptr, trace);
      expected.middleCols(k * B, B) = trace.output;
    }
  }
  Recorder<double> recorder;
  BoundaryRecording<double> rec;
  recorder.train_and_record(trainer, model, batch, rec, 0);
  const BpLambdaWorkspace<double>& online = trainer.online_workspace();
  REQUIRE(rec.windows == L);
  CHECK(rec.learning_signals == online.learning_signals);
  CHECK(rec.td_errors == online.td_errors);
  CHECK(max_abs(rec.td_errors.middleCols(B, (L - 1) * B)) > 1e-3);  // formed at boundaries 1..L-1
  CHECK(max_abs(rec.td_errors.leftCols(B)) == 0.0);                   // not at s_0 (bp_initial_state off)
  CHECK(relative_difference(rec.true_gradients, truth.full) < 1e-12);
  CHECK(relative_difference(rec.predictions, expected) < 1e-12);
  // Exact value of the learning signal: l'_t + G_{t+1}; without final injection the last step's is exact.
  const Alignment alignment = learning_signal_alignment(rec);
  CHECK(alignment.per_boundary.back() == Approx(1.0).epsilon(1e-12));
  CHECK(alignment.per_boundary.front() < 0.999);
  CHECK(relative_difference(rec.true_learning_signals.rightCols(B),
                            rec.learning_signals.rightCols(B)) < 1e-12);
}
