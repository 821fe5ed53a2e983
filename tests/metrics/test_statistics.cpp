#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "ccrnn/metrics/statistics.hpp"

using ccrnn::mean;
using ccrnn::paired_t_test;
using ccrnn::sample_std;
using ccrnn::sem;

namespace {

// Paired samples (b = 0) whose differences have sample mean t/sqrt(n) and sample std 1, so the paired
// t statistic is exactly t with n - 1 degrees of freedom. Needs even n: differences are
// t/sqrt(n) +/- sqrt((n-1)/n), half of each sign (their sum of squared deviations is n-1).
void sample_with_t(double t, int n, std::vector<double>& a, std::vector<double>& b) {
  a.clear();
  b.assign(static_cast<std::size_t>(n), 0.0);
  const double m = t / std::sqrt(static_cast<double>(n));
  const double s = std::sqrt(static_cast<double>(n - 1) / n);
  for (int i = 0; i < n; ++i) a.push_back(m + (i % 2 == 0 ? s : -s));
}

}  // namespace

TEST_CASE("mean, sample_std and sem of a small sample", "[metrics][statistics]") {
  // x = {1, 2, 3, 4}: mean 2.5; deviations -1.5 -0.5 0.5 1.5, squares sum to 5;
  // sample variance 5/3, sample std sqrt(5/3) = 1.2909944; sem = sqrt(5/3)/2 = 0.6454972.
  const std::vector<double> x{1, 2, 3, 4};
  CHECK(mean(x) == Approx(2.5));
  CHECK(sample_std(x) == Approx(std::sqrt(5.0 / 3.0)));
  CHECK(sample_std(x) == Approx(1.2909944).epsilon(1e-7));
  CHECK(sem(x) == Approx(0.6454972).epsilon(1e-7));

  // Constant sample: no spread.
  const std::vector<double> c{3.5, 3.5, 3.5};
  CHECK(mean(c) == Approx(3.5));
  CHECK(sample_std(c) == 0.0);
  CHECK(sem(c) == 0.0);

  // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, squared deviations sum to 32, variance 32/7.
  const std::vector<double> y{2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(mean(y) == Approx(5.0));
  CHECK(sample_std(y) == Approx(std::sqrt(32.0 / 7.0)));
  CHECK(sem(y) == Approx(std::sqrt(32.0 / 7.0) / std::sqrt(8.0)));
}

TEST_CASE("small-sample conventions", "[metrics][statistics]") {
  CHECK(std::isnan(mean({})));
  CHECK(sample_std({}) == 0.0);
  CHECK(sem({}) == 0.0);
  const std::vector<double> one{42.0};
  CHECK(mean(one) == 42.0);
  CHECK(sample_std(one) == 0.0);
  CHECK(sem(one) == 0.0);
}

TEST_CASE("paired t-test reproduces t-table critical values", "[metrics][statistics]") {
  // Two-sided critical values from a standard t table (rounded to 3 decimals, hence the tolerance).
  struct Row { double t; int n; double p; };
  const std::vector<Row> table{
      {2.262, 10, 0.05},  // dof 9
      {1.833, 10, 0.10},  // dof 9
      {3.250, 10, 0.01},  // dof 9
      {2.776, 5, 0.05},   // dof 4 (odd n, handled below)
      {2.093, 20, 0.05},  // dof 19
      {2.571, 6, 0.05},   // dof 5
  };
  for (const auto& row : table) {
    std::vector<double> a, b;
    if (row.n % 2 == 0) {
      sample_with_t(row.t, row.n, a, b);
    } else {
      // Odd n: differences m + s*z with z = {-1, 0, 0, 0, 1} * sqrt((n-1)/2), which has sample std 1.
      const double m = row.t / std::sqrt(static_cast<double>(row.n));
      const double s = std::sqrt((row.n - 1) / 2.0);
      b.assign(static_cast<std::size_t>(row.n), 0.0);
      for (int i = 0; i < row.n; ++i) a.push_back(m + (i == 0 ? -s : i == row.n - 1 ? s : 0.0));
    }
    const auto r = paired_t_test(a, b);
    INFO("t = " << row.t << ", n = " << row.n);
    CHECK(r.t == Approx(row.t).epsilon(1e-9));
    CHECK(r.dof == row.n - 1);
    CHECK(r.p_two_sided == Approx(row.p).margin(row.p * 0.01));
  }
}

TEST_CASE("paired t-test: worked example with dof 4", "[metrics][statistics]") {
  // a = {5, 7, 8, 6, 9}, b = {4, 5, 8, 3, 6}: differences d = {1, 2, 0, 3, 3}.
  // mean(d) = 9/5 = 1.8; deviations -0.8 0.2 -1.8 1.2 1.2, squares .64 .04 3.24 1.44 1.44 sum 6.8;
  // var = 6.8/4 = 1.7; se = sqrt(1.7/5) = sqrt(0.34) = 0.5830952; t = 1.8/0.5830952 = 3.0869745.
  // For 4 dof the t CDF has the closed form F(t) = 1/2 + (3/8) x (1 - t^2/(12 u)), u = 1 + t^2/4,
  // x = t/sqrt(u). t^2 = 3.24/0.34 = 9.5294118, u = 3.3823529, x = 1.6785083, 1 - t^2/(12u) = 0.7652174,
  // so p = 2 (1 - F) = 1 - (3/4)(1.6785083)(0.7652174) = 0.036682 (between the 0.05 and 0.02 columns:
  // t_{4, 0.975} = 2.776 < 3.087 < t_{4, 0.99} = 3.747).
  const std::vector<double> a{5, 7, 8, 6, 9};
  const std::vector<double> b{4, 5, 8, 3, 6};
  const auto r = paired_t_test(a, b);
  CHECK(r.mean_difference == Approx(1.8));
  CHECK(r.dof == 4.0);
  CHECK(r.t == Approx(3.0869745).epsilon(1e-7));
  CHECK(r.p_two_sided == Approx(0.036682).epsilon(1e-4));

  // Swapping the samples flips the sign of t and of the mean difference; p is unchanged.
  const auto s = paired_t_test(b, a);
  CHECK(s.mean_difference == Approx(-1.8));
  CHECK(s.t == Approx(-3.0869745).epsilon(1e-7));
  CHECK(s.p_two_sided == Approx(r.p_two_sided).epsilon(1e-12));
}

TEST_CASE("paired t-test: exact closed forms for dof 1 and 2", "[metrics][statistics]") {
  // dof 2: d = {1, 2, 4} (b = 0). mean 7/3; squared deviations (16 + 1 + 25)/9 = 14/3; var 7/3;
  // se^2 = 7/9; t^2 = (49/9)/(7/9) = 7, t = sqrt(7). With F(t) = 1/2 + t/(2 sqrt(2 + t^2)):
  // p = 1 - sqrt(7)/sqrt(9) = 1 - sqrt(7)/3 = 0.1180829.
  {
    const auto r = paired_t_test({1, 2, 4}, {0, 0, 0});
    CHECK(r.t == Approx(std::sqrt(7.0)));
    CHECK(r.dof == 2.0);
    CHECK(r.p_two_sided == Approx(1.0 - std::sqrt(7.0) / 3.0).epsilon(1e-10));
  }
  // dof 1: a = {3, 5}, b = {1, 1}: d = {2, 4}, mean 3, sd sqrt(2), se 1, t = 3. Student t with 1 dof is
  // Cauchy: p = 1 - (2/pi) atan(3) = 0.2048328.
  {
    const auto r = paired_t_test({3, 5}, {1, 1});
    CHECK(r.t == Approx(3.0));
    CHECK(r.dof == 1.0);
    CHECK(r.p_two_sided == Approx(1.0 - 2.0 / M_PI * std::atan(3.0)).epsilon(1e-10));
    CHECK(r.p_two_sided == Approx(0.2048328).epsilon(1e-6));
  }
  // No effect: symmetric differences give t = 0, p = 1.
  {
    const auto r = paired_t_test({1, -1, 2, -2}, {0, 0, 0, 0});
    CHECK(r.t == Approx(0.0).margin(1e-15));
    CHECK(r.p_two_sided == Approx(1.0));
  }
}

TEST_CASE("paired t-test: identical differences", "[metrics][statistics]") {
  // Every difference is exactly +1: t = +inf, p = 0.
  const auto up = paired_t_test({2, 3, 4}, {1, 2, 3});
  CHECK(std::isinf(up.t));
  CHECK(up.t > 0);
  CHECK(up.p_two_sided == 0.0);
  CHECK(up.mean_difference == 1.0);
  CHECK(up.dof == 2.0);
  // Every difference is exactly -0.5: t = -inf, p = 0.
  const auto down = paired_t_test({1.0, 2.0}, {1.5, 2.5});
  CHECK(std::isinf(down.t));
  CHECK(down.t < 0);
  CHECK(down.p_two_sided == 0.0);
  CHECK(down.mean_difference == -0.5);
  // a == b: t = 0, p = 1.
  const auto same = paired_t_test({0.1, 0.2, 0.3}, {0.1, 0.2, 0.3});
  CHECK(same.t == 0.0);
  CHECK(same.p_two_sided == 1.0);
  CHECK(same.mean_difference == 0.0);
}

TEST_CASE("paired t-test: NaN propagates", "[metrics][statistics]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto r = paired_t_test({1, nan, 3}, {0, 0, 0});
  CHECK(std::isnan(r.t));
  CHECK(std::isnan(r.p_two_sided));
}

TEST_CASE("paired t-test: invalid input", "[metrics][statistics]") {
  CHECK_THROWS_AS(paired_t_test({1, 2, 3}, {1, 2}), std::invalid_argument);
  CHECK_THROWS_AS(paired_t_test({1}, {2}), std::invalid_argument);
  CHECK_THROWS_AS(paired_t_test({}, {}), std::invalid_argument);
}
