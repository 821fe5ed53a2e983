// The cerebellum (ALGORITHM.md section 3): parameter gradients against finite differences (k = 1, 2;
// dense and sparse mossy fibres; with and without a context input), the zero output layer at
// initialisation, and the sparse fibre mask (m ones per row, masked weights exactly zero after
// initialisation and after training, deterministic by seed).
#include <catch2/catch.hpp>

#include <ccrnn/cerebellum/cerebellum.hpp>
#include <ccrnn/core/random.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/testing/gradcheck.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support/random_matrices.hpp"

using namespace ccrnn;
using ccrnn::testing::normal_matrix;
using ccrnn::testing::GradCheckOptions;
using ccrnn::testing::GradCheckReport;

namespace {

/// A cerebellum with a hand-set (non-zero) output layer, inputs, optional context, and loss weights R
/// for the first c of n columns.
struct CerebellumProblem {
  static constexpr Index kInput = 8, kHidden = 7, kColumns = 16, kUsed = 12, kContext = 3;

  CerebellumConfig config;
  Cerebellum<double> cerebellum;
  ParamSet<double> params;
  Matrix<double> inputs, context, R;
  bool with_context;

  static CerebellumConfig make_config(Index layers, Index fibres, bool context) {
    CerebellumConfig c;
    c.input_size = kInput;
    c.hidden_size = kHidden;
    c.layers = layers;
    c.fibres = fibres;
    c.context_size = context ? kContext : 0;
    return c;
  }

  CerebellumProblem(Index layers, Index fibres, bool with_ctx, std::uint64_t seed)
      : config(make_config(layers, fibres, with_ctx)), cerebellum(config), with_context(with_ctx) {
    cerebellum.register_parameters(params);
    Rng init(seed, Stream::cerebellum_init), fibre(seed, Stream::fibres), rng(seed, Stream::data);
    cerebellum.initialise(params, init, fibre);
    // The output layer starts at zero: set every layer by hand (N(0, 0.5^2), keeping the fibre mask),
    // so that gradients reach the granule layers and (almost) no granule unit is silent on all inputs.
    for (const ParamSlot& s : params.slots()) {
      const int id = params.id(s.name);
      params.value(id) = normal_matrix(rng, s.rows, s.cols, 0.5);
    }
    if (layers > 0) {  // (k = 0: layer 0 is the output layer, no fibres)
      auto w0 = params.value(params.id("cerebellum.layers.0.weight"));
      w0 = w0.cwiseProduct(cerebellum.fibre_mask());
    }
    inputs = normal_matrix(rng, kInput, kColumns);
    context = normal_matrix(rng, kContext, kColumns);
    R = normal_matrix(rng, kInput, kUsed);
  }

  const Matrix<double>* context_ptr() const { return with_context ? &context : nullptr; }

  /// The granule layers' pre-activations on the first kUsed columns, computed here independently.
  std::vector<Matrix<double>> preactivations() const {
    std::vector<Matrix<double>> z;
    Matrix<double> below = inputs.leftCols(kUsed);
    for (Index i = 0; i < config.layers; ++i) {
      const std::string name = "cerebellum.layers." + std::to_string(i);
      Matrix<double> zi = params.value(params.id(name + ".weight")) * below;
      if (i == 0 && with_context) zi += params.value(params.id("cerebellum.context.weight")) * context.leftCols(kUsed);
      zi.colwise() += params.value(params.id(name + ".bias")).col(0);
      below = zi.cwiseMax(0.0);
      z.push_back(std::move(zi));
    }
    return z;
  }
  /// Well-conditioned for finite differences: every granule unit is active on some used column and no
  /// pre-activation is within 1e-2 of the ReLU kink.
  bool well_conditioned() const {
    for (const Matrix<double>& zi : preactivations()) {
      if ((zi.array() > 0).cast<double>().rowwise().sum().minCoeff() == 0) return false;
      if (zi.cwiseAbs().minCoeff() < 1e-2) return false;
    }
    return true;
  }

  double loss(CerebellumTrace<double>& trace) const {
    cerebellum.forward(params, inputs, context_ptr(), trace);
    return R.cwiseProduct(trace.output.leftCols(kUsed)).sum();
  }

  Vector<double> analytic() {
    CerebellumTrace<double> trace;
    cerebellum.forward(params, inputs, context_ptr(), trace);
    params.zero_grad();
    cerebellum.backward(params, inputs, context_ptr(), R, trace);
    return params.grads();
  }
};

}  // namespace

TEST_CASE("cerebellum: parameter gradients match finite differences", "[gradcheck][cerebellum]") {
  // The loss sum(R o C(x)) is piecewise LINEAR in any single parameter (ReLU MLP), so a central difference
  // is exact up to rounding as long as no ReLU unit changes side. We take the first seed of a fixed scan
  // whose pre-activations all stay >= 1e-2 away from the kink (a +-1e-4 step moves them by < 1e-3) and
  // whose granule units are all active somewhere; the loss function also checks that every perturbed
  // evaluation has the unperturbed activation pattern. With h = 1e-4 the rounding error is
  // ~ eps |f| / h ~ 1e-11. Tolerance: |a-n| / max(|a|+|n|, 1e-5) < 1e-6.
  // k = 0 is the linear cerebellum (BP(lambda)'s synthesiser): dense, without context.
  for (Index layers : {Index{0}, Index{1}, Index{2}}) {
    for (Index fibres : {Index{0}, Index{3}}) {
      for (bool with_context : {false, true}) {
        if (layers == 0 && (fibres > 0 || with_context)) continue;
        DYNAMIC_SECTION("k=" << layers << " fibres=" << fibres << (with_context ? " with context" : "")) {
          // The first seed (of a fixed, deterministic scan) whose problem is well conditioned.
          std::uint64_t seed = 300 + static_cast<std::uint64_t>(layers * 10 + fibres + (with_context ? 100 : 0)) * 1000;
          while (!CerebellumProblem(layers, fibres, with_context, seed).well_conditioned()) ++seed;
          CerebellumProblem problem(layers, fibres, with_context, seed);
          INFO("seed " << seed);
          const Vector<double> analytic = problem.analytic();

          CerebellumTrace<double> base;
          (void)problem.loss(base);
          std::vector<Matrix<double>> pattern;
          for (const auto& h : base.hidden) pattern.push_back((h.array() > 0).cast<double>().matrix());
          bool crossed = false;
          CerebellumTrace<double> trace;
          const auto loss = [&] {
            const double f = problem.loss(trace);
            for (size_t i = 0; i < pattern.size(); ++i)
              if (((trace.hidden[i].array() > 0).cast<double>().matrix() - pattern[i]).cwiseAbs().sum() != 0)
                crossed = true;
            return f;
          };
          GradCheckOptions options;
          options.step = 1e-4;
          options.floor = 1e-5;
          const GradCheckReport report = ccrnn::testing::check_gradients(problem.params, analytic, loss, options);
          INFO(ccrnn::testing::to_string(report));
          REQUIRE_FALSE(crossed);
          REQUIRE(report.checked == problem.params.size());

          // With fibres, the first layer's absent connections get exactly zero gradient (they never
          // learn); the finite difference sees their mathematical gradient, which the mask removes.
          const int w0 = problem.params.id("cerebellum.layers.0.weight");
          const ParamSlot& slot = problem.params.slot(w0);
          const Matrix<double>& mask = problem.cerebellum.fibre_mask();
          Vector<double> expected = report.numeric;
          for (Index j = 0; j < slot.size() && layers > 0; ++j)  // (k = 0: layer 0 is the output layer)
            if (mask(j % slot.rows, j / slot.rows) == 0) {
              CHECK(analytic[slot.offset + j] == 0.0);
              expected[slot.offset + j] = 0.0;
            }
          double worst = 0.0;
          for (Index i = 0; i < expected.size(); ++i) {
            const double a = analytic[i], n = expected[i];
            worst = std::max(worst, std::abs(a - n) / std::max(std::abs(a) + std::abs(n), 1e-5));
          }
          INFO("worst relative error after masking: " << worst);
          CHECK(worst < 1e-6);
          if (fibres == 0) CHECK(report.max_rel_error < 1e-6);  // dense: the plain report must pass as is
          else CHECK(report.max_rel_error > 1e-2);  // and the masked entries really had a non-zero FD gradient

          // Every parameter tensor takes part (the hand-set output layer passes gradients down).
          for (const ParamSlot& s : problem.params.slots()) {
            INFO(s.name);
            CHECK(analytic.segment(s.offset, s.size()).cwiseAbs().maxCoeff() > 1e-3);
          }
          if (with_context) CHECK(problem.params.find("cerebellum.context.weight") >= 0);
        }
      }
    }
  }
}

TEST_CASE("cerebellum: gradients use only the first c columns", "[cerebellum]") {
  // Columns beyond c (here: the window-end boundary states) must not contribute.
  CerebellumProblem problem(2, 0, true, 42);
  const Vector<double> g1 = problem.analytic();
  problem.inputs.rightCols(CerebellumProblem::kColumns - CerebellumProblem::kUsed).setRandom();
  problem.context.rightCols(CerebellumProblem::kColumns - CerebellumProblem::kUsed).setRandom();
  const Vector<double> g2 = problem.analytic();
  CHECK((g1.array() == g2.array()).all());
}

TEST_CASE("cerebellum: output layer is exactly zero after initialise", "[cerebellum]") {
  for (Index layers : {Index{1}, Index{2}, Index{3}}) {
    for (Index fibres : {Index{0}, Index{3}}) {
      CerebellumConfig config = CerebellumProblem::make_config(layers, fibres, true);
      Cerebellum<double> cerebellum(config);
      ParamSet<double> params;
      cerebellum.register_parameters(params);
      params.values().setConstant(7.0);  // initialise must overwrite everything
      Rng init(9, Stream::cerebellum_init), fibre(9, Stream::fibres);
      cerebellum.initialise(params, init, fibre);
      const std::string out = "cerebellum.layers." + std::to_string(layers);
      INFO("k=" << layers << " fibres=" << fibres);
      CHECK((params.value(params.id(out + ".weight")).array() == 0.0).all());
      CHECK((params.value(params.id(out + ".bias")).array() == 0.0).all());
      // Hidden layers: PyTorch's default bound 1/sqrt(fan_in), not all zero.
      for (Index i = 0; i < layers; ++i) {
        const auto w = params.value(params.id("cerebellum.layers." + std::to_string(i) + ".weight"));
        const double bound = 1.0 / std::sqrt(static_cast<double>(w.cols()));
        CHECK(w.cwiseAbs().maxCoeff() <= bound);
        CHECK(w.cwiseAbs().maxCoeff() > 0.0);
      }
      // So its predictions are exactly zero, whatever the input.
      Rng rng(3, Stream::data);
      const Matrix<double> x = normal_matrix(rng, config.input_size, 5);
      const Matrix<double> ctx = normal_matrix(rng, config.context_size, 5);
      CerebellumTrace<double> trace;
      cerebellum.forward(params, x, &ctx, trace);
      CHECK((trace.output.array() == 0.0).all());
    }
  }
}

TEST_CASE("cerebellum: fibre mask has m ones per row and is deterministic by seed", "[cerebellum]") {
  const auto make = [](std::uint64_t seed, Index fibres, ParamSet<double>& params) {
    Cerebellum<double> c(CerebellumProblem::make_config(2, fibres, false));
    c.register_parameters(params);
    Rng init(seed, Stream::cerebellum_init), fibre(seed, Stream::fibres);
    c.initialise(params, init, fibre);
    return c;
  };
  for (Index m : {Index{1}, Index{3}, Index{8}}) {
    INFO("m = " << m);
    ParamSet<double> p1, p2, p3;
    const auto a = make(11, m, p1), b = make(11, m, p2), c = make(12, m, p3);
    const Matrix<double>& mask = a.fibre_mask();
    REQUIRE(mask.rows() == CerebellumProblem::kHidden);
    REQUIRE(mask.cols() == CerebellumProblem::kInput);
    CHECK(((mask.array() == 0.0) || (mask.array() == 1.0)).all());
    for (Index r = 0; r < mask.rows(); ++r) CHECK(mask.row(r).sum() == static_cast<double>(m));
    // Masked weights are exactly zero, the kept ones are not.
    const auto w = p1.value(p1.id("cerebellum.layers.0.weight"));
    CHECK((mask.array() == 0.0).select(w.array().abs(), 0.0).maxCoeff() == 0.0);
    CHECK(((mask.array() == 1.0) && (w.array() == 0.0)).count() == 0);
    // Same seed, same mask and weights; another seed, another mask (unless m = input size).
    CHECK(b.fibre_mask() == mask);
    CHECK(p2.values() == p1.values());
    if (m < CerebellumProblem::kInput) CHECK(c.fibre_mask() != mask);
    else CHECK(c.fibre_mask() == mask);  // dense-equivalent: all ones
  }
  // Dense (fibres = 0): all ones.
  ParamSet<double> p;
  CHECK((make(11, 0, p).fibre_mask().array() == 1.0).all());
}

TEST_CASE("cerebellum: the fibre mask is drawn from the model seed and survives training", "[cerebellum]") {
  ModelConfig config;
  config.cell = CellType::lstm;
  config.input_size = 2;
  config.hidden_size = 4;  // LSTM state [h; c]: 8 inputs to the cerebellum
  config.output_size = 2;
  config.cerebellum = true;
  config.cerebellar.hidden_size = 16;
  config.cerebellar.layers = 2;
  config.cerebellar.fibres = 3;

  Model<double> model(config), twin(config), other(config);
  model.initialise(5);
  twin.initialise(5);
  other.initialise(6);
  REQUIRE(model.state_size() == 8);
  const Matrix<double> mask = model.cerebellum->fibre_mask();
  CHECK(twin.cerebellum->fibre_mask() == mask);
  CHECK(twin.params.values() == model.params.values());
  CHECK(other.cerebellum->fibre_mask() != mask);
  for (Index r = 0; r < mask.rows(); ++r) CHECK(mask.row(r).sum() == 3.0);

  // A few Adam steps on a small regression batch (T = 1 so that every step has a window start).
  Batch<double> batch;
  batch.size = 4;
  batch.length = 6;
  Rng rng(1, Stream::data);
  batch.inputs = normal_matrix(rng, 2, 24);
  batch.targets = normal_matrix(rng, 2, 24);
  batch.supervised = sparse_feedback(6, 2);
  TrainerConfig tc;
  tc.tbptt.truncation = 1;
  tc.optimizer.kind = OptimizerKind::adam;
  tc.optimizer.lr = 1e-2;
  Trainer<double> trainer(model, tc);
  const int w0 = model.params.id("cerebellum.layers.0.weight");
  const Matrix<double> w_before = model.params.value(w0);
  for (int step = 0; step < 8; ++step) (void)trainer.train_batch(batch);
  const Matrix<double> w_after = model.params.value(w0);
  CHECK((mask.array() == 0.0).select(w_after.array().abs(), 0.0).maxCoeff() == 0.0);  // exactly zero
  CHECK((mask.array() == 1.0).select((w_after - w_before).array().abs(), 0.0).maxCoeff() > 1e-4);  // others learnt
  CHECK(model.cerebellum->fibre_mask() == mask);
  const int out = model.params.id("cerebellum.layers.2.weight");
  CHECK(model.params.value(out).cwiseAbs().maxCoeff() > 0.0);  // the output layer left zero
}
