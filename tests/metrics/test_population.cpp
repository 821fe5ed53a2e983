// Population statistics (metrics/population.hpp) and cosine similarity (metrics/similarity.hpp) against
// values computed by hand on small matrices.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/metrics/population.hpp>
#include <ccrnn/metrics/similarity.hpp>

#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "support/random_matrices.hpp"

using namespace ccrnn;

namespace {

/// Three zero-mean, mutually orthogonal patterns over 4 samples (rows of a Hadamard matrix).
Eigen::MatrixXd hadamard_rows() {
  Eigen::MatrixXd p(3, 4);
  p << 1, -1, 1, -1,
       1, 1, -1, -1,
       1, -1, -1, 1;
  return p;
}

}  // namespace

TEST_CASE("population: perfectly correlated units", "[metrics][population]") {
  // Rows a, 2a, -3a + 1 with a = (1, 2, 3, 4, 6): one shared direction (rank-one covariance).
  // var(a) = 14.8 / 4 = 3.7 (deviations -2.2 -1.2 -0.2 0.8 2.8), so the trace is (1 + 4 + 9) * 3.7 = 51.8.
  Eigen::MatrixXd x(3, 5);
  x.row(0) << 1, 2, 3, 4, 6;
  x.row(1) = 2 * x.row(0);
  x.row(2) = (-3 * x.row(0).array() + 1).matrix();
  CHECK(population_correlation(x) == Approx(1.0).epsilon(1e-12));
  CHECK(mean_abs_correlation(x) == Approx(1.0).epsilon(1e-12));
  CHECK(coding_space(x) == Approx(51.8).epsilon(1e-12));
  const Eigen::MatrixXd r = correlation_matrix(x);
  CHECK(r(0, 1) == Approx(1.0));
  CHECK(r(0, 2) == Approx(-1.0));
  CHECK(covariance(x)(1, 1) == Approx(4 * 3.7));

  // A silent (constant) unit: excluded from mean |r|, kept in the covariance (adds a zero eigenvalue and
  // counts in N), adds nothing to the coding space.
  Eigen::MatrixXd y(4, 5);
  y.topRows(3) = x;
  y.row(3).setConstant(0.1);  // 0.1 is inexact: the mean-subtracted row would not be exactly zero
  CHECK(mean_abs_correlation(y) == Approx(1.0).epsilon(1e-12));
  CHECK(population_correlation(y) == Approx(1.0).epsilon(1e-12));
  CHECK(coding_space(y) == Approx(51.8).epsilon(1e-12));
  CHECK(std::isnan(correlation_matrix(y)(3, 0)));
  CHECK(covariance(y).row(3).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("population: independent orthogonal patterns", "[metrics][population]") {
  const Eigen::MatrixXd p = hadamard_rows();
  // Equal variances: isotropic covariance (4/3) I: population correlation 0, no pairwise correlation.
  CHECK(population_correlation(p) == Approx(0.0).margin(1e-12));
  CHECK(mean_abs_correlation(p) == Approx(0.0).margin(1e-12));
  CHECK(coding_space(p) == Approx(4.0).epsilon(1e-12));  // 3 * 4/3

  // Scaled 1, 2, 3: covariance diag(4/3, 16/3, 36/3), sqrt(eigenvalues) proportional to 1, 2, 3:
  // max/sum = 1/2, population correlation = 3/2 * (1/2 - 1/3) = 1/4. Coding space (4 + 16 + 36)/3.
  Eigen::MatrixXd s = p;
  s.row(1) *= 2;
  s.row(2) *= 3;
  CHECK(population_correlation(s) == Approx(0.25).epsilon(1e-12));
  CHECK(mean_abs_correlation(s) == Approx(0.0).margin(1e-12));
  CHECK(coding_space(s) == Approx(56.0 / 3.0).epsilon(1e-12));

  // Two units, scales 1 and 2: sqrt(eigenvalues) 1 : 2, max/sum = 2/3, 2 * (2/3 - 1/2) = 1/3.
  Eigen::MatrixXd two(2, 4);
  two.row(0) = p.row(0);
  two.row(1) = 2 * p.row(1);
  CHECK(population_correlation(two) == Approx(1.0 / 3.0).epsilon(1e-12));

  // A rotation of the units mixes them (pairwise correlations appear) but keeps the covariance's
  // eigenvalues, the population correlation and the coding space.
  const double c = std::cos(0.7), sn = std::sin(0.7);
  Eigen::MatrixXd rot(3, 3);
  rot << c, -sn, 0,
         sn, c, 0,
         0, 0, 1;
  const Eigen::MatrixXd mixed = rot * s;
  CHECK(population_correlation(mixed) == Approx(0.25).epsilon(1e-12));
  CHECK(coding_space(mixed) == Approx(56.0 / 3.0).epsilon(1e-12));
  CHECK(mean_abs_correlation(mixed) > 0.1);
}

TEST_CASE("population: Pearson r by hand and the cortex-granule cross-correlation", "[metrics][population]") {
  // a = (1, 2, 3, 4), b = (1, 3, 2, 4): deviations (-1.5, -0.5, 0.5, 1.5) and (-1.5, 0.5, -0.5, 1.5);
  // covariance sum 2.25 - 0.25 - 0.25 + 2.25 = 4, each squared-deviation sum 5: r = 0.8.
  Eigen::MatrixXd ab(2, 4);
  ab << 1, 2, 3, 4,
        1, 3, 2, 4;
  CHECK(mean_abs_correlation(ab) == Approx(0.8).epsilon(1e-14));

  Eigen::MatrixXd cortex(1, 4);
  cortex << 1, 2, 3, 4;
  Eigen::MatrixXd granule(3, 4);
  granule << 1, 3, 2, 4,   // r = 0.8
             4, 3, 2, 1,   // r = -1
             5, 5, 5, 5;   // constant: excluded
  const Eigen::MatrixXd r = cross_correlation_matrix(cortex, granule);
  REQUIRE(r.rows() == 1);
  REQUIRE(r.cols() == 3);
  CHECK(r(0, 0) == Approx(0.8));
  CHECK(r(0, 1) == Approx(-1.0));
  CHECK(std::isnan(r(0, 2)));
  CHECK(mean_abs_cross_correlation(cortex, granule) == Approx(0.9).epsilon(1e-14));
  // Symmetric in its arguments.
  CHECK(mean_abs_cross_correlation(granule, cortex) == Approx(0.9).epsilon(1e-14));
  const Eigen::MatrixXd wrong = Eigen::MatrixXd::Ones(2, 5);
  CHECK_THROWS_AS(mean_abs_cross_correlation(cortex, wrong), std::invalid_argument);
  CHECK_THROWS_AS(cross_correlation_matrix(cortex, wrong), std::invalid_argument);
  CHECK(std::isnan(mean_abs_cross_correlation(cortex, Eigen::MatrixXd::Ones(2, 4))));  // no granule unit varies
}

TEST_CASE("population: rank-deficient covariance and undefined cases", "[metrics][population]") {
  // More units than samples: the covariance has rank <= 2 and rounding may give tiny negative eigenvalues.
  Rng rng(1, Stream::validation);
  const Eigen::MatrixXd wide = ccrnn::testing::normal_matrix(rng, 12, 3);
  const double rho = population_correlation(wide);
  CHECK(std::isfinite(rho));
  CHECK(rho >= 0.0);
  CHECK(rho <= 1.0);

  const double nan_check = population_correlation(Eigen::MatrixXd::Ones(1, 5));  // N = 1
  CHECK(std::isnan(nan_check));
  CHECK(std::isnan(population_correlation(Eigen::MatrixXd::Ones(3, 1))));    // one sample
  CHECK(std::isnan(population_correlation(Eigen::MatrixXd::Ones(3, 4))));    // nothing varies
  CHECK(std::isnan(mean_abs_correlation(Eigen::MatrixXd::Ones(3, 4))));
  CHECK(coding_space(Eigen::MatrixXd::Ones(3, 4)) == 0.0);
  CHECK(std::isnan(coding_space(Eigen::MatrixXd::Ones(3, 1))));
  CHECK_THROWS_AS(covariance(Eigen::MatrixXd::Ones(3, 1)), std::invalid_argument);
}

TEST_CASE("population: Treves-Rolls sparsity", "[metrics][population]") {
  Eigen::VectorXd one_hot = Eigen::VectorXd::Zero(5);
  one_hot(2) = 0.7;
  CHECK(treves_rolls(one_hot) == Approx(1.0 / 5.0).epsilon(1e-14));
  CHECK(treves_rolls(Eigen::VectorXd::Constant(4, 2.5)) == Approx(1.0).epsilon(1e-14));
  Eigen::VectorXd half(4);
  half << 1, 1, 0, 0;
  CHECK(treves_rolls(half) == Approx(0.5).epsilon(1e-14));
  Eigen::VectorXd ramp(3);
  ramp << 1, 2, 3;  // mean 2, mean square 14/3: 4 / (14/3) = 6/7
  CHECK(treves_rolls(ramp) == Approx(6.0 / 7.0).epsilon(1e-14));
  Eigen::VectorXd signs(4);
  signs << 1, -1, 0, 0;  // magnitudes: as (1, 1, 0, 0)
  CHECK(treves_rolls(signs) == Approx(0.5).epsilon(1e-14));
  Eigen::VectorXd tiny = half * 1e-200;  // no underflow
  CHECK(treves_rolls(tiny) == Approx(0.5).epsilon(1e-14));
  CHECK(std::isnan(treves_rolls(Eigen::VectorXd::Zero(3))));
  CHECK(std::isnan(treves_rolls(Eigen::VectorXd())));

  // Population (per sample, over units) vs lifetime (per unit, over samples), silent ones excluded.
  // Columns: (1,0,0) -> 1/3, (1,1,0) -> 2/3, (0,0,0) silent: population 1/2.
  // Rows: (1,1,0) -> 2/3, (0,1,0) -> 1/3, (0,0,0) silent: lifetime 1/2; without the silent column
  // the rows are (1,1) -> 1 and (0,1) -> 1/2: lifetime 3/4.
  Eigen::MatrixXd a(3, 3);
  a << 1, 1, 0,
       0, 1, 0,
       0, 0, 0;
  CHECK(population_sparsity(a) == Approx(0.5).epsilon(1e-14));
  CHECK(lifetime_sparsity(a) == Approx(0.5).epsilon(1e-14));
  CHECK(lifetime_sparsity(a.leftCols(2)) == Approx(0.75).epsilon(1e-14));
  CHECK(population_sparsity(a.leftCols(2)) == Approx(0.5).epsilon(1e-14));
  CHECK(std::isnan(population_sparsity(Eigen::MatrixXd::Zero(2, 3))));
  CHECK(std::isnan(lifetime_sparsity(Eigen::MatrixXd::Zero(2, 3))));
}

TEST_CASE("cosine similarity basics", "[metrics][similarity]") {
  Eigen::Vector3d a(1, 2, 3), b(-2, 1, 0);
  CHECK(cosine_similarity(a, a) == Approx(1.0));
  CHECK(cosine_similarity(a, -a) == Approx(-1.0));
  CHECK(cosine_similarity(a, b) == Approx(0.0).margin(1e-15));
  CHECK(cosine_similarity(a, 7.5 * a) == Approx(1.0));
  Eigen::Vector3d c(1, 0, 0);
  CHECK(cosine_similarity(a, c) == Approx(1.0 / std::sqrt(14.0)));
  // Zero vectors: 0 by convention, never NaN.
  CHECK(cosine_similarity(a, Eigen::Vector3d::Zero()) == 0.0);
  CHECK(cosine_similarity(Eigen::Vector3d::Zero(), Eigen::Vector3d::Zero()) == 0.0);
  // Extreme magnitudes do not under- or overflow.
  CHECK(cosine_similarity(1e200 * a, 1e200 * c) == Approx(1.0 / std::sqrt(14.0)));
  CHECK(cosine_similarity(1e-200 * a, 1e-200 * a) == Approx(1.0));
  // float inputs, computed in double.
  Eigen::Vector3f af(1, 2, 3);
  CHECK(cosine_similarity(af, a) == Approx(1.0).epsilon(1e-7));
  // Matrices are taken as flat vectors.
  Eigen::Matrix2d m, n;
  m << 1, 0, 0, 1;
  n << 0, 1, 1, 0;
  CHECK(cosine_similarity(m, n) == Approx(0.0).margin(1e-15));
  CHECK(cosine_similarity(m, m) == Approx(1.0));
  // NaN propagates; shapes must match.
  Eigen::Vector3d bad(1, std::numeric_limits<double>::quiet_NaN(), 0);
  CHECK(std::isnan(cosine_similarity(a, bad)));
  CHECK_THROWS_AS(cosine_similarity(a, Eigen::Vector2d(1, 0)), std::invalid_argument);
}
