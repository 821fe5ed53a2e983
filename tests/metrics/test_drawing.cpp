#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "ccrnn/metrics/drawing.hpp"

using ccrnn::DrawingMetrics;
using ccrnn::drawing_metrics;
using ccrnn::endpoint_error;
using ccrnn::mean_squared_error;
using ccrnn::path_bend;
using ccrnn::path_length;

namespace {

// 2 x L trajectory from a list of (x, y) points.
Eigen::MatrixXd traj(std::initializer_list<std::pair<double, double>> points) {
  Eigen::MatrixXd m(2, static_cast<Eigen::Index>(points.size()));
  Eigen::Index t = 0;
  for (const auto& [x, y] : points) {
    m(0, t) = x;
    m(1, t) = y;
    ++t;
  }
  return m;
}

// Straight line from the origin to (x, y), sampled at L evenly spaced points (the line-drawing target).
Eigen::MatrixXd line_to(double x, double y, int L) {
  Eigen::MatrixXd m(2, L);
  for (int t = 0; t < L; ++t) {
    const double s = static_cast<double>(t) / (L - 1);
    m(0, t) = s * x;
    m(1, t) = s * y;
  }
  return m;
}

}  // namespace

TEST_CASE("path_length", "[metrics][drawing]") {
  // Straight line from the origin to (3, 4) in 10 steps: length 5 whatever the sampling.
  CHECK(path_length(line_to(3, 4, 10)) == Approx(5.0));
  CHECK(path_length(line_to(3, 4, 2)) == Approx(5.0));
  // Zig-zag (0,0) (1,1) (2,0) (3,1) (4,0): four segments of sqrt(2).
  CHECK(path_length(traj({{0, 0}, {1, 1}, {2, 0}, {3, 1}, {4, 0}})) == Approx(4.0 * std::sqrt(2.0)));
  // Going out and back counts both ways: (0,0) -> (0,2) -> (0,0) is 4.
  CHECK(path_length(traj({{0, 0}, {0, 2}, {0, 0}})) == Approx(4.0));
  // Stationary and degenerate trajectories.
  CHECK(path_length(Eigen::MatrixXd::Zero(2, 10)) == 0.0);
  CHECK(path_length(traj({{1, 2}})) == 0.0);
  CHECK(path_length(Eigen::MatrixXd(2, 0)) == 0.0);
  // Works on a block view (columns 1..3 of the zig-zag: (1,1) (2,0) (3,1), two segments).
  const Eigen::MatrixXd zz = traj({{0, 0}, {1, 1}, {2, 0}, {3, 1}, {4, 0}});
  CHECK(path_length(zz.middleCols(1, 3)) == Approx(2.0 * std::sqrt(2.0)));
  CHECK_THROWS_AS(path_length(Eigen::MatrixXd::Zero(3, 4)), std::invalid_argument);
}

TEST_CASE("endpoint_error and mean_squared_error", "[metrics][drawing]") {
  // Final points (3, 0) and (0, 4): distance 5.
  const Eigen::MatrixXd drawn = traj({{0, 0}, {1, 0}, {3, 0}});
  const Eigen::MatrixXd target = traj({{0, 0}, {0, 2}, {0, 4}});
  CHECK(endpoint_error(drawn, target) == Approx(5.0));
  // Squared distances per step: 0, 1 + 4 = 5, 9 + 16 = 25; mean 30/3 = 10.
  CHECK(mean_squared_error(drawn, target) == Approx(10.0));
  // A constant offset of (1, -2) at every step: squared distance 5 everywhere.
  const Eigen::MatrixXd line = line_to(6, 8, 7);
  Eigen::MatrixXd shifted = line;
  shifted.row(0).array() += 1.0;
  shifted.row(1).array() -= 2.0;
  CHECK(mean_squared_error(shifted, line) == Approx(5.0));
  CHECK(endpoint_error(shifted, line) == Approx(std::sqrt(5.0)));
  CHECK(mean_squared_error(line, line) == 0.0);
  CHECK(endpoint_error(line, line) == 0.0);
  // Shape errors.
  CHECK_THROWS_AS(mean_squared_error(line_to(1, 1, 5), line_to(1, 1, 4)), std::invalid_argument);
  CHECK_THROWS_AS(endpoint_error(line_to(1, 1, 5), line_to(1, 1, 4)), std::invalid_argument);
  CHECK_THROWS_AS(endpoint_error(Eigen::MatrixXd(2, 0), Eigen::MatrixXd(2, 0)), std::invalid_argument);
  CHECK_THROWS_AS(mean_squared_error(Eigen::MatrixXd::Zero(3, 2), Eigen::MatrixXd::Zero(3, 2)),
                  std::invalid_argument);
}

TEST_CASE("drawing_metrics over a set of trials", "[metrics][drawing]") {
  std::vector<Eigen::MatrixXd> drawn, target;
  // Trial 1: target (0,0) (1.5,2) (3,4), length 5; drawn overshoots along the same line to (6,8), length 10.
  //   ratio - 1 = 1; squared errors 0, 1.5^2 + 2^2 = 6.25, 3^2 + 4^2 = 25 -> mse 31.25/3; endpoint 5.
  target.push_back(line_to(3, 4, 3));
  drawn.push_back(line_to(6, 8, 3));
  // Trial 2: target (0,0) (0,-1) (0,-2), length 2; drawn zig-zags (0,0) (1,-1) (0,-2), length 2 sqrt(2).
  //   ratio - 1 = sqrt(2) - 1; squared errors 0, 1, 0 -> mse 1/3; endpoint 0.
  target.push_back(line_to(0, -2, 3));
  drawn.push_back(traj({{0, 0}, {1, -1}, {0, -2}}));
  // Trial 3: stationary target (all zeros); drawn (0,0) (3,4) (3,0), length 5 + 4 = 9.
  //   squared errors 0, 25, 9 -> mse 34/3; endpoint 3.
  target.push_back(Eigen::MatrixXd::Zero(2, 3));
  drawn.push_back(traj({{0, 0}, {3, 4}, {3, 0}}));

  const DrawingMetrics m = drawing_metrics(drawn, target);
  // test_error = (31.25/3 + 1/3 + 34/3) / 3 = 66.25/9.
  CHECK(m.test_error == Approx(66.25 / 9.0));
  // dysmetria over the two moving targets: (1 + (sqrt(2) - 1)) / 2 = sqrt(2)/2.
  CHECK(m.dysmetria == Approx(std::sqrt(2.0) / 2.0));
  CHECK(m.stationary_path_length == Approx(9.0));
  // endpoint_error = (5 + 0 + 3) / 3.
  CHECK(m.endpoint_error == Approx(8.0 / 3.0));
  // irregularity over the two moving targets (straight, bend 0): trial 1 is drawn straight (bend 0),
  // trial 2's zig-zag has ends 2 apart over a length of 2 sqrt(2): bend 1 - 1/sqrt(2). Mean (1 - 1/sqrt 2) / 2.
  CHECK(m.irregularity == Approx((1.0 - 1.0 / std::sqrt(2.0)) / 2.0));
}

TEST_CASE("path_bend", "[metrics][drawing]") {
  CHECK(path_bend(line_to(3, 4, 10)) == Approx(0.0).margin(1e-15));
  // A right angle (0,0) (3,0) (3,4): ends 5 apart over a length of 7.
  CHECK(path_bend(traj({{0, 0}, {3, 0}, {3, 4}})) == Approx(1.0 - 5.0 / 7.0));
  // A closed square returns to its start: bend 1.
  CHECK(path_bend(traj({{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}})) == Approx(1.0));
  // Going out and back along a line also ends where it began.
  CHECK(path_bend(traj({{0, 0}, {2, 0}, {0, 0}})) == Approx(1.0));
  // A path that does not move counts as straight; so does a single point.
  CHECK(path_bend(Eigen::MatrixXd::Zero(2, 6)) == 0.0);
  CHECK(path_bend(traj({{1, 2}})) == 0.0);
  // Independent of scale and direction.
  const Eigen::MatrixXd bent = traj({{0, 0}, {1, 2}, {4, 2}, {5, 5}});
  CHECK(path_bend(-3.0 * bent) == Approx(path_bend(bent)));
  CHECK_THROWS_AS(path_bend(Eigen::MatrixXd::Zero(3, 4)), std::invalid_argument);
}

TEST_CASE("irregularity sees a bent path that dysmetria does not", "[metrics][drawing]") {
  // Target: straight from (0,0) to (0,4) in 3 steps (length 4). Drawn: (0,0) (2,2) (0,4), length 4 sqrt 2,
  // and a straight drawing of the same length, overshooting to (0, 4 sqrt 2).
  const std::vector<Eigen::MatrixXd> target{line_to(0, 4, 3)};
  const DrawingMetrics bent = drawing_metrics({traj({{0, 0}, {2, 2}, {0, 4}})}, target);
  const DrawingMetrics straight = drawing_metrics({line_to(0, 4 * std::sqrt(2.0), 3)}, target);
  CHECK(bent.dysmetria == Approx(straight.dysmetria));  // same path length: dysmetria cannot tell them apart
  CHECK(bent.irregularity == Approx(1.0 - 1.0 / std::sqrt(2.0)));
  CHECK(straight.irregularity == Approx(0.0).margin(1e-15));
  // A curved target: the excess over the target's own bend. Drawing the target exactly gives 0.
  const Eigen::MatrixXd arc = traj({{0, 0}, {3, 0}, {3, 4}});
  CHECK(drawing_metrics({arc}, {arc}).irregularity == 0.0);
  CHECK(drawing_metrics({line_to(3, 4, 3)}, {arc}).irregularity == Approx(-(1.0 - 5.0 / 7.0)));
  // No moving target: NaN.
  CHECK(std::isnan(drawing_metrics({line_to(1, 1, 3)}, {Eigen::MatrixXd::Zero(2, 3)}).irregularity));
}

TEST_CASE("drawing_metrics: perfect drawing, undershoot and missing categories", "[metrics][drawing]") {
  // The line-drawing test set: six endpoints on a circle of radius 10 and a stationary cue, L = 10.
  std::vector<Eigen::MatrixXd> target;
  for (int c = -3; c <= 3; ++c) {
    if (c == 0) {
      target.push_back(Eigen::MatrixXd::Zero(2, 10));
    } else {
      const int k = c < 0 ? c + 3 : c + 2;  // 0..5: six distinct directions, 60 degrees apart
      const double angle = k * M_PI / 3.0;
      target.push_back(line_to(10 * std::cos(angle), 10 * std::sin(angle), 10));
    }
  }
  const DrawingMetrics perfect = drawing_metrics(target, target);
  CHECK(perfect.test_error == 0.0);
  CHECK(perfect.dysmetria == Approx(0.0).margin(1e-12));
  CHECK(perfect.stationary_path_length == 0.0);
  CHECK(perfect.endpoint_error == 0.0);

  // Drawing every line at half scale: dysmetria -0.5; the stationary cue is still drawn perfectly.
  // Per moving trial, step t is off by 0.5 * 10 * t/9, so mse = 25/81 * sum t^2 / 10 = 25 * 285 / 810;
  // endpoint error 5; averaged with the stationary trial (0) over 7 trials.
  std::vector<Eigen::MatrixXd> half;
  for (const auto& t : target) half.push_back(0.5 * t);
  const DrawingMetrics h = drawing_metrics(half, target);
  CHECK(h.dysmetria == Approx(-0.5));
  CHECK(h.stationary_path_length == 0.0);
  CHECK(h.endpoint_error == Approx(6.0 * 5.0 / 7.0));
  CHECK(h.test_error == Approx(6.0 * (25.0 * 285.0 / 810.0) / 7.0));

  // Only moving targets: no stationary trial -> NaN.
  const std::vector<Eigen::MatrixXd> moving{target[0], target[1]};
  CHECK(std::isnan(drawing_metrics(moving, moving).stationary_path_length));
  // Only the stationary target: no moving trial -> dysmetria NaN.
  const std::vector<Eigen::MatrixXd> still{target[3]};
  const std::vector<Eigen::MatrixXd> wobble{traj({{0, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 0},
                                                  {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}})};
  const DrawingMetrics s = drawing_metrics(wobble, still);
  CHECK(std::isnan(s.dysmetria));
  CHECK(s.stationary_path_length == Approx(2.0));
  CHECK(s.endpoint_error == 0.0);
  CHECK(s.test_error == Approx(0.1));
}

TEST_CASE("drawing_metrics: invalid input", "[metrics][drawing]") {
  const std::vector<Eigen::MatrixXd> two{line_to(1, 0, 5), line_to(0, 1, 5)};
  const std::vector<Eigen::MatrixXd> one{line_to(1, 0, 5)};
  CHECK_THROWS_AS(drawing_metrics(two, one), std::invalid_argument);
  CHECK_THROWS_AS(drawing_metrics({}, {}), std::invalid_argument);
  const std::vector<Eigen::MatrixXd> shorter{line_to(1, 0, 4)};
  CHECK_THROWS_AS(drawing_metrics(one, shorter), std::invalid_argument);
  const std::vector<Eigen::MatrixXd> three_rows{Eigen::MatrixXd::Zero(3, 5)};
  CHECK_THROWS_AS(drawing_metrics(three_rows, three_rows), std::invalid_argument);
}
