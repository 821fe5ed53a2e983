// The true (full-BPTT) and truncated boundary gradients of dni/true_gradient.hpp: the pass changes nothing
// in the model, its parameter gradient is full BPTT's, its boundary gradients are the derivatives of the
// windowed loss w.r.t. the state at each boundary (finite differences), and its truncated gradients are the
// bootstrapped targets of a TBPTT pass without injection.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/testing/gradcheck.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

#include "support/random_matrices.hpp"
#include "support/small_models.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

namespace {

/// initialise(seed); cortex weights doubled (less linear); a ccRNN gets a non-zero cerebellar output layer.
template <class S>
void prepare_doubled_model(Model<S>& model, std::uint64_t seed) {
  model.initialise(seed);
  model.params.values().head(model.cortex_range().end) *= S(2);
  if (!model.cerebellum) return;
  Rng rng(seed, Stream::noise);
  const std::string out = "cerebellum.layers." + std::to_string(model.config().cerebellar.layers);
  for (const std::string& name : {out + ".weight", out + ".bias"}) {
    auto v = model.params.value(model.params.id(name));
    v = normal_matrix(rng, v.rows(), v.cols(), 0.5).template cast<S>();
  }
}

template <class S>
bool bitwise_equal(const Vector<S>& a, const Vector<S>& b) {
  return a.size() == b.size() && (a.array() == b.array()).all();
}

template <class S>
void check_changes_nothing() {
  const ModelConfig config = small_config(CellType::lstm, true, LossKind::mse, 2);
  Model<S> model(config);
  prepare_doubled_model(model, 5);
  Rng rng(6, Stream::validation);
  model.params.grads() = normal_matrix(rng, model.params.size(), 1).template cast<S>();  // some non-zero gradients
  const Vector<S> values = model.params.values(), grads = model.params.grads();
  const Batch<S> batch = random_batch<S>(config, LossKind::mse, 3, 5, 7);
  BoundaryGradientOptions options;
  options.truncation = 2;
  options.truncated = true;
  options.parameter_gradient = true;
  BoundaryGradientWorkspace<S> ws;
  BoundaryGradients<S> out;
  compute_boundary_gradients(model, batch, options, ws, out);
  CHECK(bitwise_equal(model.params.values(), values));
  CHECK(bitwise_equal(model.params.grads(), grads));
  // ... while the pass did compute something.
  REQUIRE(out.parameters.size() == model.params.size());
  CHECK(out.parameters.cwiseAbs().maxCoeff() > 0);
  CHECK(out.full.cwiseAbs().maxCoeff() > 0);
  // The cerebellum plays no part in the task loss: its entries of dF/dtheta are zero.
  const Range c = model.cerebellum_range();
  CHECK(out.parameters.segment(c.begin, c.size()).cwiseAbs().maxCoeff() == S(0));
  // windowed_task_loss leaves the model alone too.
  (void)windowed_task_loss(model, batch, 2, LossKind::mse, ws);
  CHECK(bitwise_equal(model.params.values(), values));
  CHECK(bitwise_equal(model.params.grads(), grads));
}

}  // namespace

TEST_CASE("true gradient: the pass changes no parameter and no gradient, bitwise", "[true_gradient]") {
  SECTION("double") { check_changes_nothing<double>(); }
  SECTION("float") { check_changes_nothing<float>(); }
}

TEST_CASE("true gradient: its parameter gradient is full BPTT's (T = L, cRNN)", "[true_gradient]") {
  const Index B = 3, L = 5;
  for (CellType cell : kCells) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      for (Index layers : {Index{1}, Index{2}}) {
        DYNAMIC_SECTION(to_string(cell) << ", " << loss_name(kind) << ", " << layers << " layer(s)") {
          const ModelConfig config = small_config(cell, false, kind, layers);
          Model<double> model(config);
          prepare_doubled_model(model, 11 + static_cast<std::uint64_t>(cell) + 3 * static_cast<std::uint64_t>(layers));
          const Batch<double> batch = random_batch<double>(config, kind, B, L, 12);
          TbpttSettings settings;
          settings.truncation = L;
          settings.loss = kind;
          TbpttWorkspace<double> tws;
          model.params.zero_grad();
          const BatchStats stats = accumulate_batch_gradients(model, batch, settings, tws);
          const Vector<double> bptt = model.params.grads();
          model.params.zero_grad();

          BoundaryGradientOptions options;
          options.truncation = L;
          options.loss = kind;
          options.parameter_gradient = true;
          const BoundaryGradients<double> out = boundary_gradients(model, batch, options);
          REQUIRE(out.windows == 1);
          const double scale = bptt.cwiseAbs().maxCoeff();
          REQUIRE(scale > 0);
          CHECK(max_abs(out.parameters - bptt) <= 1e-14 * scale);
          CHECK(out.loss == Approx(stats.task_loss).epsilon(1e-14));
          // One window: the truncated and the true gradient at its start coincide; the end's is zero.
          CHECK(max_abs(out.truncated - out.full.leftCols(B)) == 0.0);
          CHECK(max_abs(out.full.rightCols(B)) == 0.0);
          CHECK(max_abs(out.full.leftCols(B)) > 0.0);
        }
      }
    }
  }
}

TEST_CASE("true gradient: boundary gradients equal central differences of the windowed loss", "[true_gradient][gradcheck]") {
  // T = 2, L = 5: boundaries at steps 0, 2, 4, 5 (the last window is partial). G_j against the five-point
  // derivative of F with the state entering step t_j replaced (the forward continues from the perturbed
  // state). MSE feedback at EVERY step, so the readout of step t_j - 1, which reads the same h, is
  // supervised: it must not count in G_j (it belongs to the previous window).
  const Index B = 2, L = 5, T = 2;
  struct Variant {
    CellType cell;
    Index layers;
  };
  for (const Variant v : {Variant{CellType::lstm, 1}, Variant{CellType::tanh, 1}, Variant{CellType::gru, 1},
                          Variant{CellType::lstm, 2}, Variant{CellType::gru, 2}}) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      DYNAMIC_SECTION(to_string(v.cell) << ", " << v.layers << " layer(s), " << loss_name(kind)) {
        const ModelConfig config = small_config(v.cell, false, kind, v.layers);
        Model<double> model(config);
        const std::uint64_t seed = 20 + 4 * static_cast<std::uint64_t>(v.cell) + static_cast<std::uint64_t>(v.layers);
        prepare_doubled_model(model, seed);
        const Batch<double> batch = random_batch<double>(config, kind, B, L, seed + 100, 1);
        BoundaryGradientOptions options;
        options.truncation = T;
        options.loss = kind;
        BoundaryGradientWorkspace<double> ws;
        BoundaryGradients<double> out;
        compute_boundary_gradients(model, batch, options, ws, out);
        REQUIRE(out.windows == 3);
        REQUIRE(out.full.cols() == B * 4);
        REQUIRE(out.truncated.cols() == B * 3);
        CHECK(out.step(0) == 0);
        CHECK(out.step(2) == 4);
        CHECK(out.step(3) == 5);
        CHECK(max_abs(out.full.rightCols(B)) == 0.0);

        BoundaryGradientWorkspace<double> fd;
        for (Index j = 0; j <= out.windows; ++j) {
          const Index t = out.step(j);
          (void)windowed_task_loss(model, batch, T, kind, fd);
          Matrix<double> s(model.state_size(), B);
          model.cortex.gather_state(fd.cortex, t, s);
          // Re-running from the unperturbed state reproduces F.
          CHECK(windowed_task_loss(model, batch, T, kind, fd, t, &s) == Approx(out.loss).epsilon(1e-13));
          const auto F = [&] { return windowed_task_loss(model, batch, T, kind, fd, t, &s); };
          GradCheckOptions o;
          o.order = 4;
          o.step = 1e-3;
          o.floor = 1e-5;
          const Matrix<double> analytic = out.full.middleCols(j * B, B);
          const GradCheckReport r = ccrnn::testing::check_matrix_gradient(s, analytic, F, o, "state");
          INFO("boundary " << j << " (step " << t << "): " << ccrnn::testing::to_string(r));
          CHECK(r.checked == model.state_size() * B);
          CHECK(r.max_rel_error < 1e-6);
          if (j < out.windows) CHECK(r.max_abs_gradient > 1e-3);  // a real gradient, not 0 == 0
        }
        // Truncation matters here: the first window's truncated gradient is not the true one.
        CHECK(relative_difference(out.truncated.leftCols(B), out.full.leftCols(B)) > 1e-3);
        // ... but the last window has no future: there the two coincide.
        CHECK(max_abs(out.truncated.rightCols(B) - out.full.middleCols(2 * B, B)) == 0.0);
      }
    }
  }
}

TEST_CASE("true gradient: dF/dtheta with T < L equals finite differences of the windowed loss", "[true_gradient][gradcheck]") {
  const Index B = 2, L = 5, T = 2;
  for (CellType cell : kCells) {
    DYNAMIC_SECTION(to_string(cell)) {
      const ModelConfig config = small_config(cell, false, LossKind::mse);
      Model<double> model(config);
      prepare_doubled_model(model, 60 + static_cast<std::uint64_t>(cell));
      const Batch<double> batch = random_batch<double>(config, LossKind::mse, B, L, 61);
      BoundaryGradientOptions options;
      options.truncation = T;
      options.parameter_gradient = true;
      const BoundaryGradients<double> out = boundary_gradients(model, batch, options);
      BoundaryGradientWorkspace<double> fd;
      const auto F = [&] { return windowed_task_loss(model, batch, T, LossKind::mse, fd); };
      GradCheckOptions o;
      o.order = 4;
      o.step = 1e-3;
      o.floor = 1e-5;
      o.range = model.cortex_range();
      const GradCheckReport r = ccrnn::testing::check_gradients(model.params, out.parameters, F, o);
      INFO(ccrnn::testing::to_string(r));
      CHECK(r.checked == model.params.size());
      CHECK(r.max_rel_error < 1e-6);

      // It is not the truncated TBPTT gradient of the same windows.
      TbpttSettings settings;
      settings.truncation = T;
      TbpttWorkspace<double> tws;
      model.params.zero_grad();
      (void)accumulate_batch_gradients(model, batch, settings, tws);
      CHECK(relative_difference(model.params.grads(), out.parameters) > 1e-3);
    }
  }
}

TEST_CASE("true gradient: the truncated gradient is the bootstrapped target of a no-injection TBPTT pass", "[true_gradient]") {
  const Index B = 3, L = 5;
  for (CellType cell : kCells) {
    for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
      for (Index T : {Index{1}, Index{2}, Index{3}}) {
        DYNAMIC_SECTION(to_string(cell) << ", " << loss_name(kind) << ", T=" << T) {
          const ModelConfig config = small_config(cell, true, kind, 2);
          Model<double> model(config);
          prepare_doubled_model(model, 80 + static_cast<std::uint64_t>(cell) + static_cast<std::uint64_t>(T));
          const Batch<double> batch = random_batch<double>(config, kind, B, L, 81);
          TbpttSettings settings;
          settings.truncation = T;
          settings.loss = kind;
          settings.inject = false;
          settings.train_cerebellum = true;
          TbpttWorkspace<double> tws;
          model.params.zero_grad();
          (void)accumulate_batch_gradients(model, batch, settings, tws);

          BoundaryGradientOptions options;
          options.truncation = T;
          options.loss = kind;
          const BoundaryGradients<double> out = boundary_gradients(model, batch, options);
          REQUIRE(out.truncated.rows() == tws.targets.rows());
          REQUIRE(out.truncated.cols() == tws.targets.cols());
          REQUIRE(max_abs(tws.targets) > 0);
          CHECK(relative_difference(out.truncated, tws.targets) <= 1e-14);

          // With injection the targets are different (bootstrapped), so the comparison above is selective.
          settings.inject = true;
          model.params.zero_grad();
          (void)accumulate_batch_gradients(model, batch, settings, tws);
          CHECK(relative_difference(out.truncated, tws.targets) > 1e-6);
        }
      }
    }
  }
}

TEST_CASE("true gradient: invalid arguments", "[true_gradient]") {
  const ModelConfig config = small_config(CellType::tanh, false, LossKind::mse);
  Model<double> model(config);
  model.initialise(1);
  Batch<double> batch = random_batch<double>(config, LossKind::mse, 2, 4, 2);
  BoundaryGradientOptions options;
  options.truncation = 0;
  CHECK_THROWS_AS(boundary_gradients(model, batch, options), std::invalid_argument);
  options.truncation = 2;
  CHECK_NOTHROW(boundary_gradients(model, batch, options));
  BoundaryGradientWorkspace<double> ws;
  const Matrix<double> wrong = Matrix<double>::Zero(model.state_size() + 1, 2);
  CHECK_THROWS_AS(windowed_task_loss(model, batch, 2, LossKind::mse, ws, 1, &wrong), std::invalid_argument);
  const Matrix<double> right = Matrix<double>::Zero(model.state_size(), 2);
  CHECK_THROWS_AS(windowed_task_loss(model, batch, 2, LossKind::mse, ws, 5, &right), std::invalid_argument);
  CHECK_NOTHROW(windowed_task_loss(model, batch, 2, LossKind::mse, ws, 4, &right));
  CHECK_THROWS_AS(boundary_gradients(model, batch, [] {
                    BoundaryGradientOptions o;
                    o.loss = LossKind::cross_entropy;  // the batch has no labels
                    return o;
                  }()),
                  std::invalid_argument);
  batch.inputs.resize(3, 8);
  CHECK_THROWS_AS(boundary_gradients(model, batch, options), std::invalid_argument);
}
