// Consolidation (loop/consolidation.hpp): the fitted transfer checked from the test's own forward pass, with
// its own pairing of r = f(u_{s-1}) and u = W_Ch c_s.
#include <catch2/catch.hpp>

#include <ccrnn/loop/consolidation.hpp>

#include <Eigen/Cholesky>

#include <cmath>

#include "support/random_matrices.hpp"

using namespace ccrnn;
using ccrnn::testing::normal_matrix;

namespace {

constexpr Index kInputs = 2, kHidden = 6, kOutputs = 2, kGranules = 8;

Model<double> sleep_model(std::uint64_t seed) {
  ModelConfig c;
  c.cell = CellType::leaky_tanh;
  c.leak = 0.2;
  c.input_size = kInputs;
  c.hidden_size = kHidden;
  c.output_size = kOutputs;
  c.forward.enabled = true;
  c.forward.hidden_size = kGranules;
  c.forward.pons[PonsOrigin::input] = PonsConfig::copy;  // so c_t differs from C(0) at every step
  Model<double> m(c);
  m.initialise(seed);
  m.params.values() *= 2.0;  // strong cerebellar drive
  return m;
}

Batch<double> sleep_batch(Index size, Index length, std::uint64_t seed) {
  Rng rng(seed, Stream::data);
  Batch<double> b;
  b.size = size;
  b.length = length;
  b.inputs = normal_matrix(rng, kInputs, size * length);
  b.targets = Matrix<double>::Zero(kOutputs, size * length);  // unused by consolidation
  b.supervised.assign(static_cast<std::size_t>(length), 1);
  return b;
}

Eigen::MatrixXd w_hh_of(const Model<double>& m) { return m.params.value(m.params.id("cortex.weight_hh_l0")); }
Eigen::MatrixXd w_ch_of(const Model<double>& m) { return m.params.value(m.params.id("cortex.weight_ih_l0")).rightCols(kOutputs); }

/// The session's pairs from the test's own forward pass (steps s >= 1, time-major): r = f(u_{s-1}) (N x P)
/// and c_s (C x P).
void pairs_of(const Model<double>& model, const Batch<double>& batch, Eigen::MatrixXd& r, Eigen::MatrixXd& c) {
  LoopTrace<double> trace;
  loop_forward(model, batch, LoopSettings{}, trace);
  const Index pairs = batch.size * (batch.length - 1);
  r = model.cortex.outputs(trace.cortex).leftCols(pairs);
  c = trace.cortex_inputs.bottomRows(kOutputs).rightCols(pairs);
}

}  // namespace

TEST_CASE("consolidation: least squares with rate 1 moves the whole cerebellar drive into W_hh", "[loop][consolidation]") {
  // 2 trials x 2 paired steps = 4 pairs < N = 6: the fit is exact, so without its cerebellum the cortex gets
  // the loop's drive W_hh r + W_Ch c of every fitted pair.
  Model<double> model = sleep_model(5);
  const Batch<double> batch = sleep_batch(2, 3, 6);
  Eigen::MatrixXd r, c;
  pairs_of(model, batch, r, c);
  const Eigen::MatrixXd u = w_ch_of(model) * c, drive = w_hh_of(model) * r + u;
  REQUIRE(u.norm() > 0.5);

  ConsolidationConfig config;
  config.sessions = 1;
  config.rate = 1.0;
  Consolidation<double> sleep(model, config);
  const SleepSessionStats stats = sleep.session(batch, LoopSettings{});
  CHECK(stats.pairs == 4);
  CHECK(w_ch_of(model).norm() == 0.0);
  CHECK((w_hh_of(model) * r - drive).norm() < 1e-10 * drive.norm());
}

TEST_CASE("consolidation: least squares over more pairs than units meets the normal equations", "[loop][consolidation]") {
  Model<double> model = sleep_model(7);
  const Batch<double> batch = sleep_batch(4, 5, 8);  // 16 pairs > N = 6
  Eigen::MatrixXd r, c;
  pairs_of(model, batch, r, c);
  const Eigen::MatrixXd u = w_ch_of(model) * c, before = w_hh_of(model);
  ConsolidationConfig config;
  config.rate = 0.25;
  Consolidation<double> sleep(model, config);
  sleep.session(batch, LoopSettings{});
  // G = (W_hh - W_hh^0) / rate solves G r r^T = u r^T, computed here by Cholesky.
  const Eigen::MatrixXd expected = (r * r.transpose()).llt().solve(r * u.transpose()).transpose();
  const Eigen::MatrixXd g = (w_hh_of(model) - before) / config.rate;
  CHECK((g - expected).norm() < 1e-8 * expected.norm());
  CHECK((sleep.last_fit() - expected).norm() < 1e-8 * expected.norm());
}

TEST_CASE("consolidation: the local rule is exact per pair and converges toward the loop's drive", "[loop][consolidation]") {
  // One trial, one paired step: u sign(r)^T / ||r||_1 maps r to u exactly.
  {
    Model<double> model = sleep_model(9);
    const Batch<double> batch = sleep_batch(1, 2, 10);
    Eigen::MatrixXd r, c;
    pairs_of(model, batch, r, c);
    const Eigen::MatrixXd u = w_ch_of(model) * c;
    ConsolidationConfig config;
    config.rule = ConsolidationRule::local;
    Consolidation<double> sleep(model, config);
    sleep.session(batch, LoopSettings{});
    CHECK((sleep.last_fit() * r - u).norm() < 1e-12 * u.norm());
  }
  // Repeated sessions on the same trials: W_Ch fades as (1 - rate)^sessions and the cortex alone moves
  // toward the original loop's drive W_hh^0 r + W_Ch^0 c on the pairs of the current dynamics. The local
  // rule is not a least-squares fit over several pairs (9 pairs, N = 6 here): it gets part of the way,
  // least squares further.
  const Batch<double> batch = sleep_batch(3, 4, 12);
  const auto consolidate = [&batch](ConsolidationRule rule, double& start, double& end) {
    Model<double> model = sleep_model(11);
    const Eigen::MatrixXd w_hh0 = w_hh_of(model), w_ch0 = w_ch_of(model);
    const auto mismatch = [&] {
      Eigen::MatrixXd r, c;
      pairs_of(model, batch, r, c);
      const Eigen::MatrixXd drive = w_hh0 * r + w_ch0 * c;
      return (w_hh_of(model) * r - drive).norm() / drive.norm();
    };
    ConsolidationConfig config;
    config.rule = rule;
    Consolidation<double> sleep(model, config);
    start = mismatch();
    for (int s = 0; s < 60; ++s) sleep.session(batch, LoopSettings{});
    end = mismatch();
    CHECK(std::abs(sleep.cerebellar_weight_norm() - std::pow(0.9, 60) * w_ch0.norm()) < 1e-9 * w_ch0.norm());
  };
  double local_start = 0, local_end = 0, ls_start = 0, ls_end = 0;
  consolidate(ConsolidationRule::local, local_start, local_end);
  consolidate(ConsolidationRule::least_squares, ls_start, ls_end);
  INFO("mismatch: local " << local_start << " -> " << local_end << ", least squares " << ls_start << " -> " << ls_end);
  CHECK(local_start == ls_start);
  CHECK(local_end < 0.7 * local_start);
  CHECK(ls_end < local_end);
}

TEST_CASE("consolidation: bad configurations are refused", "[loop][consolidation]") {
  Model<double> model = sleep_model(1);
  ConsolidationConfig config;
  config.rate = 0.0;
  CHECK_THROWS_WITH(Consolidation<double>(model, config), Catch::Contains("rate"));
  CHECK_THROWS_WITH(parse_consolidation_rule("bio"), Catch::Contains("least_squares or local"));
}
