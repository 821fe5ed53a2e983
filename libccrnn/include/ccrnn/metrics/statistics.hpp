#pragma once
// Summary statistics across seeds and the paired t-test used to compare models run on the same seeds.
// The implementation uses Boost.Math for Student's t distribution; this header does not expose Boost.
#include <vector>

namespace ccrnn {

/// Arithmetic mean. Returns NaN for an empty sample.
double mean(const std::vector<double>& x);

/// Sample standard deviation with Bessel's correction (divides by n - 1).
/// Returns 0 for n < 2 (a single value has no measurable spread; we report 0 rather than NaN).
double sample_std(const std::vector<double>& x);

/// Standard error of the mean: sample_std(x) / sqrt(n). Returns 0 for n < 2, like sample_std.
double sem(const std::vector<double>& x);

/// Result of a paired t-test on the differences d_i = a_i - b_i.
struct TTest {
  double t;                ///< mean(d) / sem(d)
  double dof;              ///< degrees of freedom, n - 1
  double p_two_sided;      ///< P(|T| >= |t|) for T ~ Student's t with dof degrees of freedom
  double mean_difference;  ///< mean(a - b)
};

/// Two-sided paired t-test of the null hypothesis mean(a - b) == 0.
/// Throws std::invalid_argument if a and b differ in size or have fewer than 2 elements.
/// Degenerate case, when every difference a_i - b_i is exactly the same value (zero spread, so the
/// usual statistic is 0/0 or x/0): if that common difference is non-zero, t = +inf or -inf (its sign)
/// and p = 0; if it is zero (a == b element-wise), t = 0 and p = 1.
/// Non-finite inputs propagate: if any difference is NaN or infinite, t and p are NaN.
TTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace ccrnn
