// The paired t-test (metrics/statistics.hpp) against two-sided critical values of a printed Student-t
// table. Each sample is built so that its paired t statistic is exactly the table's t with n - 1 degrees of
// freedom, for any n (odd or even): differences d_i = t/sqrt(n) + z_i with z zero-mean and of sample
// standard deviation exactly 1, so mean(d) = t/sqrt(n) and sem(d) = 1/sqrt(n).
#include <catch2/catch.hpp>

#include <ccrnn/metrics/statistics.hpp>

#include <cmath>
#include <vector>

using ccrnn::paired_t_test;

namespace {

/// a (with b = 0 or b = an offset) whose paired differences have t statistic `t` and n - 1 dof.
void sample_with_t(double t, int n, double offset, std::vector<double>& a, std::vector<double>& b) {
  // z_i = (i - (n-1)/2) / c: zero mean; sum of squares (n-1) n (n+1) / 12 / c^2 = n - 1 for
  // c^2 = n (n+1) / 12.
  const double c = std::sqrt(n * (n + 1) / 12.0);
  a.clear();
  b.clear();
  for (int i = 0; i < n; ++i) {
    const double z = (i - (n - 1) / 2.0) / c;
    b.push_back(offset * (i + 1));  // an arbitrary baseline: only the differences matter
    a.push_back(b.back() + t / std::sqrt(static_cast<double>(n)) + z);
  }
}

struct Row {
  double t;
  int dof;
  double p;  // two-sided
};

}  // namespace

TEST_CASE("paired t-test: two-sided p against a Student-t table", "[metrics][statistics][t_table]") {
  // Critical values t_{dof, 1 - p/2}, printed to 3 decimals (hence a 1% tolerance on p).
  const std::vector<Row> table{
      {2.228, 10, 0.05},  {3.169, 10, 0.01},  {1.812, 10, 0.10},  {4.587, 10, 0.001},
      {2.262, 9, 0.05},   {3.250, 9, 0.01},   {2.201, 11, 0.05},  {2.086, 20, 0.05},
      {2.845, 20, 0.01},  {2.042, 30, 0.05},  {12.706, 1, 0.05},  {4.303, 2, 0.05},
      {3.182, 3, 0.05},   {1.725, 20, 0.10},
  };
  for (const Row& row : table) {
    for (double sign : {1.0, -1.0}) {
      std::vector<double> a, b;
      sample_with_t(sign * row.t, row.dof + 1, 0.37, a, b);
      const auto r = paired_t_test(a, b);
      INFO("t = " << sign * row.t << ", dof = " << row.dof);
      CHECK(r.t == Approx(sign * row.t).epsilon(1e-10));
      CHECK(r.dof == row.dof);
      CHECK(r.p_two_sided == Approx(row.p).epsilon(0.01));
    }
  }
}

TEST_CASE("paired t-test: p is monotone in |t| and in the degrees of freedom", "[metrics][statistics][t_table]") {
  // Larger |t| -> smaller p at fixed dof; at fixed t = 2.228, more dof -> smaller p (thinner tails):
  // p(dof 10) = 0.05 lies between p(dof 5) and p(dof 30).
  std::vector<double> a, b;
  double previous = 1.0;
  for (double t : {0.5, 1.0, 2.0, 3.0, 5.0}) {
    sample_with_t(t, 11, 0.0, a, b);
    const double p = paired_t_test(a, b).p_two_sided;
    CHECK(p < previous);
    previous = p;
  }
  sample_with_t(2.228, 6, 0.0, a, b);
  const double p5 = paired_t_test(a, b).p_two_sided;
  sample_with_t(2.228, 31, 0.0, a, b);
  const double p30 = paired_t_test(a, b).p_two_sided;
  CHECK(p5 > 0.05);
  CHECK(p30 < 0.05);
  // Far in the tail of a large sample the t distribution approaches the normal: t = 1.96 at dof 10000
  // gives p = 0.05 to within the table's precision.
  sample_with_t(1.960, 10001, 0.0, a, b);
  CHECK(paired_t_test(a, b).p_two_sided == Approx(0.05).epsilon(0.01));
}
