#include "ccrnn/metrics/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

namespace ccrnn {

double mean(const std::vector<double>& x) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

double sample_std(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n < 2) return 0.0;
  const double m = mean(x);
  double ss = 0.0;  // two-pass: sum of squared deviations from the mean
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(n - 1));
}

double sem(const std::vector<double>& x) {
  if (x.size() < 2) return 0.0;
  return sample_std(x) / std::sqrt(static_cast<double>(x.size()));
}

TTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("paired_t_test: samples differ in size (" + std::to_string(a.size()) +
                                " vs " + std::to_string(b.size()) + ")");
  }
  const std::size_t n = a.size();
  if (n < 2) {
    throw std::invalid_argument("paired_t_test: need at least 2 pairs, got " + std::to_string(n));
  }
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = a[i] - b[i];

  TTest r{};
  r.dof = static_cast<double>(n - 1);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();

  bool all_same = true;
  for (std::size_t i = 1; i < n; ++i) {
    if (!(d[i] == d[0])) { all_same = false; break; }
  }
  if (all_same && std::isfinite(d[0])) {
    // Zero spread: see the header for this convention.
    r.mean_difference = d[0];
    if (d[0] == 0.0) {
      r.t = 0.0;
      r.p_two_sided = 1.0;
    } else {
      r.t = d[0] > 0.0 ? inf : -inf;
      r.p_two_sided = 0.0;
    }
    return r;
  }

  r.mean_difference = mean(d);
  const double se = sem(d);
  r.t = r.mean_difference / se;
  if (std::isnan(r.t)) {
    r.p_two_sided = nan;
  } else if (std::isinf(r.t)) {
    r.p_two_sided = 0.0;
  } else {
    const boost::math::students_t dist(r.dof);
    r.p_two_sided = 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(r.t)));
    if (r.p_two_sided > 1.0) r.p_two_sided = 1.0;
  }
  return r;
}

}  // namespace ccrnn
