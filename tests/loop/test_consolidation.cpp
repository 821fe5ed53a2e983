// Consolidation (loop/consolidation.hpp): the fitted transfer checked from the test's own forward pass, with
// its own pairing of r = f(u_{s-1}) and u = W_Ch c_s for 1 <= s <= L - 2 (the reference's steps t = 2..L-1).
#include <catch2/catch.hpp>

#include <ccrnn/loop/consolidation.hpp>

#include <Eigen/Cholesky>

#include <cmath>

#include "support/random_matrices.hpp"

using namespace ccrnn;
using ccrnn::testing::normal_matrix;

namespace {

constexpr Index kSleepInputs = 2, kSleepHidden = 6, kSleepOutputs = 2, kSleepGranules = 8;

Model<double> sleep_model(std::uint64_t seed) {
  ModelConfig c;
  c.cell = CellType::leaky_tanh;
  c.leak = 0.2;
  c.input_size = kSleepInputs;
  c.hidden_size = kSleepHidden;
  c.output_size = kSleepOutputs;
  c.forward.enabled = true;
  c.forward.hidden_size = kSleepGranules;
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
  b.inputs = normal_matrix(rng, kSleepInputs, size * length);
  b.targets = Matrix<double>::Zero(kSleepOutputs, size * length);  // unused by consolidation
  b.supervised.assign(static_cast<std::size_t>(length), 1);
  return b;
}

Eigen::MatrixXd w_hh_of(const Model<double>& m) { return m.params.value(m.params.id("cortex.weight_hh_l0")); }
Eigen::MatrixXd w_ch_of(const Model<double>& m) { return m.params.value(m.params.id("cortex.weight_ih_l0")).rightCols(kSleepOutputs); }

/// The session's pairs from the test's own forward pass (steps 1 <= s <= L - 2, time-major): r = f(u_{s-1})
/// (N x P) and c_s (C x P).
void pairs_of(const Model<double>& model, const Batch<double>& batch, Eigen::MatrixXd& r, Eigen::MatrixXd& c) {
  LoopTrace<double> trace;
  loop_forward(model, batch, LoopSettings{}, trace);
  const Index pairs = batch.size * (batch.length - 2);
  r = model.cortex.outputs(trace.cortex).leftCols(pairs);
  c = trace.cortex_inputs.bottomRows(kSleepOutputs).middleCols(batch.size, pairs);
}

}  // namespace

TEST_CASE("consolidation: least squares with rate 1 moves the whole cerebellar drive into W_hh", "[loop][consolidation]") {
  // 2 trials x 2 paired steps = 4 pairs < N = 6: the fit is exact, so without its cerebellum the cortex gets
  // the loop's drive W_hh r + W_Ch c of every fitted pair.
  Model<double> model = sleep_model(5);
  const Batch<double> batch = sleep_batch(2, 4, 6);
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
  const Batch<double> batch = sleep_batch(4, 6, 8);  // 16 pairs > N = 6
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
    const Batch<double> batch = sleep_batch(1, 3, 10);
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
  const Batch<double> batch = sleep_batch(3, 5, 12);
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

TEST_CASE("consolidation: the last step's cerebellar input is not paired, as in the reference", "[loop][consolidation]") {
  // The reference pairs c_{t-1} with f(h_{t-2}) at its steps t = 2..L-1, so c_{L-1} never enters the fit:
  // trials that differ only in their last input (which reaches c_{L-1} through the input pons here) give the
  // same fit, and the local rule's rho is (L - 2) / 1.5 (the reference's 13 / 1.5 for L = 15).
  const Batch<double> batch = sleep_batch(3, 5, 21);
  Batch<double> other = batch;
  other.inputs.rightCols(batch.size).array() += 1.0;
  for (const ConsolidationRule rule : {ConsolidationRule::least_squares, ConsolidationRule::local}) {
    ConsolidationConfig config;
    config.rule = rule;
    Model<double> a = sleep_model(22), b = sleep_model(22);
    const Eigen::MatrixXd before = w_hh_of(a);
    Consolidation<double> sleep_a(a, config), sleep_b(b, config);
    CHECK(sleep_a.session(batch, LoopSettings{}).pairs == 3 * 3);
    sleep_b.session(other, LoopSettings{});
    CHECK(sleep_a.last_fit() == sleep_b.last_fit());
    const double ratio = rule == ConsolidationRule::local ? 3.0 / 1.5 : 1.0;
    CHECK((w_hh_of(a) - before - (config.rate / ratio) * sleep_a.last_fit()).norm() < 1e-12 * before.norm());
  }
}

TEST_CASE("consolidation: the residual measures the share of the cerebellar drive the update misses", "[loop][consolidation]") {
  // Least squares with fewer pairs than units fits exactly (residual 0); the local rule over many pairs of
  // different drives does not, and its residual is ||(G / rho) r - u|| / ||u|| computed here from the fit.
  Model<double> exact = sleep_model(31);
  ConsolidationConfig config;
  Consolidation<double> ls(exact, config);
  CHECK(ls.session(sleep_batch(2, 4, 32), LoopSettings{}).residual < 1e-10);

  Model<double> model = sleep_model(33);
  const Batch<double> batch = sleep_batch(4, 6, 34);
  Eigen::MatrixXd r, c;
  pairs_of(model, batch, r, c);
  const Eigen::MatrixXd u = w_ch_of(model) * c;
  config.rule = ConsolidationRule::local;
  Consolidation<double> local(model, config);
  const double residual = local.session(batch, LoopSettings{}).residual;
  const double expected = (local.last_fit() * r / (4.0 / 1.5) - u).norm() / u.norm();
  CHECK(residual == Approx(expected).epsilon(1e-12));
  CHECK(residual > 0.05);
}

TEST_CASE("consolidation: bad configurations are refused", "[loop][consolidation]") {
  Model<double> model = sleep_model(1);
  ConsolidationConfig config;
  config.rate = 0.0;
  CHECK_THROWS_WITH(Consolidation<double>(model, config), Catch::Contains("rate"));
  CHECK_THROWS_WITH(parse_consolidation_rule("bio"), Catch::Contains("least_squares or local"));
}
