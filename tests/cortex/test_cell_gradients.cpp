// Gradient checks of the cortex's hand-written backward pass (LSTM, tanh RNN, GRU, linear RNN, leaky tanh RNN with
// alpha = 0.3; 1 and 2 layers)
// against finite differences in double, and the splitting property of the windowed backward.
//
// Loss: f(theta, s0) = sum(R o top-layer outputs h_1..h_L) + sum(Q o stacked state s_L), with random R, Q,
// random inputs, random parameters and a random initial state s0. The analytic gradient is
// cortex.backward(output_grads = R, state_grad = Q, [0, L), need_start_grad) + accumulate_gradients; the
// returned state gradient is df/ds0.
//
// Tolerance. We use the five-point central stencil with h = 1e-3: truncation error ~ h^4 |f^(5)|/30 ~ 1e-13
// for these smooth O(1) functions, rounding ~ 1.5 eps |f| / h ~ 2e-12 for |f| ~ 5; so every numeric
// derivative is good to ~1e-11 absolute. We require relative error (|a-n| / max(|a|+|n|, 1e-5)) < 1e-6:
// above a gradient magnitude of 1e-5 that is 1e-6 relative; below it, an absolute bound of 1e-11, which
// is what the arithmetic allows. A wrong term in a backward pass gives errors of order 1e-2..1.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/cortex/cortex.hpp>
#include <ccrnn/testing/gradcheck.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support/random_matrices.hpp"

using namespace ccrnn;
using ccrnn::testing::normal_matrix;
using ccrnn::testing::GradCheckOptions;
using ccrnn::testing::GradCheckReport;

namespace {

GradCheckOptions precise_options() {
  GradCheckOptions options;
  options.order = 4;
  options.step = 1e-3;
  options.floor = 1e-5;
  return options;
}

constexpr double kTolerance = 1e-6;

/// A cortex with random parameters, inputs, initial state and loss weights R, Q.
struct CellProblem {
  static constexpr Index kInput = 3, kHidden = 4, kBatch = 2, kLength = 5;

  Cortex<double> cortex;
  ParamSet<double> params;
  Matrix<double> inputs, s0, R, Q;
  std::vector<Index> offsets;  // first row of each layer in the stacked state

  static constexpr double kLeak = 0.3;  // the leaky tanh cell's alpha (the other cells ignore it)

  CellProblem(CellType cell, Index layers, std::uint64_t seed) : cortex(cell, kInput, kHidden, layers, kLeak) {
    cortex.register_parameters(params);
    Rng init(seed, Stream::cortex_init);
    cortex.initialise(params, init);
    params.values() *= 2.0;  // U(-1, 1): far enough from the linear regime to exercise every term
    Rng rng(seed, Stream::data);
    inputs = normal_matrix(rng, kInput, kBatch * kLength);
    s0.resize(cortex.state_size(), kBatch);
    Index offset = 0;
    for (Index l = 0; l < layers; ++l) {
      offsets.push_back(offset);
      // h in (-0.9, 0.9); an LSTM's c and a leaky cell's u in (-1.5, 1.5)
      for (Index c = 0; c < kBatch; ++c)
        for (Index r = 0; r < cortex.layer(l).state_size(); ++r)
          s0(offset + r, c) = r < kHidden ? rng.uniform(-0.9, 0.9) : rng.uniform(-1.5, 1.5);
      offset += cortex.layer(l).state_size();
    }
    R = normal_matrix(rng, kHidden, kBatch * kLength);
    Q = normal_matrix(rng, cortex.state_size(), kBatch);
  }

  /// prepare + initial state s (stacked) written into block 0 of every layer's trace.
  void start(CortexTrace<double>& trace, const Matrix<double>& s) const {
    cortex.prepare(trace, kBatch, kLength);
    for (Index l = 0; l < cortex.num_layers(); ++l)
      trace.layers[static_cast<size_t>(l)].states.leftCols(kBatch) =
          s.middleRows(offsets[static_cast<size_t>(l)], cortex.layer(l).state_size());
  }

  double loss() const {
    CortexTrace<double> trace;
    start(trace, s0);
    cortex.forward(params, inputs, trace, 0, kLength);
    Matrix<double> final_state(cortex.state_size(), kBatch);
    cortex.gather_state(trace, kLength, final_state);
    return R.cwiseProduct(Matrix<double>(cortex.outputs(trace))).sum() + Q.cwiseProduct(final_state).sum();
  }

  /// Analytic gradients: parameter gradients (flat) and df/ds0, backward split at the given boundaries
  /// (e.g. {0, L} = one range; {0, k, L} = two ranges with the state gradient passed along).
  struct Analytic {
    Vector<double> params;
    Matrix<double> start_grad;
  };
  Analytic analytic(const std::vector<Index>& cuts, bool split_accumulation = false) {
    CortexTrace<double> trace;
    start(trace, s0);
    cortex.forward(params, inputs, trace, 0, kLength);
    Matrix<double> state_grad = Q;
    for (size_t j = cuts.size() - 1; j > 0; --j)
      cortex.backward(params, R, state_grad, trace, cuts[j - 1], cuts[j], /*need_start_grad=*/true);
    params.zero_grad();
    if (split_accumulation) {
      for (size_t j = 0; j + 1 < cuts.size(); ++j)
        cortex.accumulate_gradients(params, inputs, trace, cuts[j], cuts[j + 1]);
    } else {
      cortex.accumulate_gradients(params, inputs, trace, 0, kLength);
    }
    return Analytic{params.grads(), state_grad};
  }
};

double max_abs_difference(const Matrix<double>& a, const Matrix<double>& b) {
  return (a - b).cwiseAbs().maxCoeff();
}

}  // namespace

TEST_CASE("cortex cells: parameter and initial-state gradients match finite differences", "[gradcheck][cortex]") {
  for (CellType cell : {CellType::lstm, CellType::tanh, CellType::gru, CellType::leaky_tanh, CellType::linear}) {
    for (Index layers : {Index{1}, Index{2}}) {
      DYNAMIC_SECTION(to_string(cell) << ", " << layers << " layer(s)") {
        CellProblem problem(cell, layers, 1000 + static_cast<std::uint64_t>(cell) * 10 + layers);
        const auto analytic = problem.analytic({0, CellProblem::kLength});
        const auto loss = [&] { return problem.loss(); };

        // The problem must be non-trivial: every parameter tensor gets a gradient.
        for (const ParamSlot& slot : problem.params.slots()) {
          INFO(slot.name);
          CHECK(analytic.params.segment(slot.offset, slot.size()).cwiseAbs().maxCoeff() > 1e-3);
        }

        const GradCheckReport params_report =
            ccrnn::testing::check_gradients(problem.params, analytic.params, loss, precise_options());
        INFO("parameters: " << ccrnn::testing::to_string(params_report));
        CHECK(params_report.checked == problem.params.size());
        CHECK(params_report.max_rel_error < kTolerance);

        const GradCheckReport state_report = ccrnn::testing::check_matrix_gradient(
            problem.s0, analytic.start_grad, loss, precise_options(), "initial state");
        INFO("initial state: " << ccrnn::testing::to_string(state_report));
        CHECK(state_report.checked == problem.s0.size());
        CHECK(state_report.max_rel_error < kTolerance);
        CHECK(analytic.start_grad.cwiseAbs().minCoeff() > 0.0);  // every state row reaches the loss

        // The default (order 2, h = 1e-6) check agrees too, at its own noise level:
        // rounding ~ eps |f| / h ~ 1e-9, truncation ~ h^2 ~ 1e-12.
        const GradCheckReport plain = ccrnn::testing::check_gradients(problem.params, analytic.params, loss);
        INFO("order 2: " << ccrnn::testing::to_string(plain));
        CHECK(plain.max_abs_error < 100 * plain.rounding_noise());
      }
    }
  }
}

TEST_CASE("cortex cells: the gradient check restores every parameter exactly", "[gradcheck][cortex]") {
  CellProblem problem(CellType::lstm, 2, 77);
  const Vector<double> before = problem.params.values();
  const Matrix<double> s0_before = problem.s0;
  const auto analytic = problem.analytic({0, CellProblem::kLength});
  const auto loss = [&] { return problem.loss(); };
  const double f0 = loss();
  (void)ccrnn::testing::check_gradients(problem.params, analytic.params, loss, precise_options());
  (void)ccrnn::testing::check_matrix_gradient(problem.s0, analytic.start_grad, loss, precise_options());
  CHECK((problem.params.values().array() == before.array()).all());
  CHECK((problem.s0.array() == s0_before.array()).all());
  CHECK(loss() == f0);
}

TEST_CASE("cortex cells: a gradient check catches a wrong gradient", "[gradcheck][cortex]") {
  CellProblem problem(CellType::gru, 1, 5);
  auto analytic = problem.analytic({0, CellProblem::kLength});
  const int id = problem.params.id("cortex.weight_hh_l0");
  const Index flat = problem.params.slot(id).offset + 7;
  analytic.params[flat] *= 1.001;  // a 0.1% error in one element
  const auto report = ccrnn::testing::check_gradients(problem.params, analytic.params,
                                                      [&] { return problem.loss(); }, precise_options());
  CHECK(report.max_rel_error > 1e-4);
  CHECK(report.worst_index == flat);
  CHECK(report.worst_parameter.rfind("cortex.weight_hh_l0(", 0) == 0);
}

TEST_CASE("cortex cells: backward over steps 0..k and k..L with the state gradient passed on equals one range",
          "[gradcheck][cortex]") {
  // The same recursion in the same order: only the blocking of the matrix products may differ, so we
  // allow a few ulps of the gradients' scale (1e-13 relative), far below any real discrepancy.
  const Index L = CellProblem::kLength;
  for (CellType cell : {CellType::lstm, CellType::tanh, CellType::gru, CellType::leaky_tanh, CellType::linear}) {
    for (Index layers : {Index{1}, Index{2}}) {
      DYNAMIC_SECTION(to_string(cell) << ", " << layers << " layer(s)") {
        CellProblem problem(cell, layers, 2000 + static_cast<std::uint64_t>(cell) * 10 + layers);
        const auto whole = problem.analytic({0, L});
        const double scale_p = whole.params.cwiseAbs().maxCoeff();
        const double scale_s = whole.start_grad.cwiseAbs().maxCoeff();
        for (Index k = 1; k < L; ++k) {
          for (bool split_accumulation : {false, true}) {
            INFO("k = " << k << (split_accumulation ? ", accumulation split too" : ""));
            const auto split = problem.analytic({0, k, L}, split_accumulation);
            CHECK(max_abs_difference(split.params, whole.params) <= 1e-13 * scale_p);
            CHECK(max_abs_difference(split.start_grad, whole.start_grad) <= 1e-13 * scale_s);
          }
        }
        // Three ranges, too.
        const auto three = problem.analytic({0, 1, 3, L}, true);
        CHECK(max_abs_difference(three.params, whole.params) <= 1e-13 * scale_p);
        CHECK(max_abs_difference(three.start_grad, whole.start_grad) <= 1e-13 * scale_s);
      }
    }
  }
}

TEST_CASE("leaky tanh cell: the forward pass is u_t = alpha u_{t-1} + W_hh f(u_{t-1}) + W_ih x_t, output f(u_t)",
          "[cortex]") {
  // The equation written out step by step with plain Eigen, against the layer; and no bias parameters.
  const Index input = 3, hidden = 4, batch = 2, length = 4;
  const double alpha = 0.3;
  Cortex<double> cortex(CellType::leaky_tanh, input, hidden, 1, alpha);
  ParamSet<double> params;
  cortex.register_parameters(params);
  REQUIRE(params.slots().size() == 2);
  CHECK(params.find("cortex.weight_ih_l0") >= 0);
  CHECK(params.find("cortex.weight_hh_l0") >= 0);
  CHECK(cortex.state_size() == 2 * hidden);
  Rng rng(11, Stream::cortex_init);
  cortex.initialise(params, rng);
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden));
  CHECK(params.values().cwiseAbs().maxCoeff() <= bound);
  CHECK(params.values().cwiseAbs().maxCoeff() > 0.5 * bound);
  Rng data(12, Stream::data);
  const Matrix<double> x = normal_matrix(data, input, batch * length);
  CortexTrace<double> trace;
  cortex.prepare(trace, batch, length);
  cortex.forward(params, x, trace, 0, length);

  const Matrix<double> w_ih = params.value(params.id("cortex.weight_ih_l0"));
  const Matrix<double> w_hh = params.value(params.id("cortex.weight_hh_l0"));
  Matrix<double> u = Matrix<double>::Zero(hidden, batch), f = u;
  const Matrix<double> outputs = cortex.outputs(trace);
  for (Index t = 0; t < length; ++t) {
    u = (alpha * u + w_hh * f + w_ih * x.middleCols(t * batch, batch)).eval();
    f = u.array().tanh().matrix();
    CHECK(max_abs_difference(outputs.middleCols(t * batch, batch), f) < 1e-14);
    Matrix<double> state(2 * hidden, batch);
    cortex.gather_state(trace, t + 1, state);
    CHECK(max_abs_difference(state.bottomRows(hidden), u) < 1e-14);
  }
}
