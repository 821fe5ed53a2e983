#include "ccrnn/metrics/population.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccrnn {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A unit varies when its samples are not all exactly equal (a mean-subtracted constant row can leave
/// rounding residue, so "zero variance" is decided on the raw values).
bool varies(const ActivityRef& activity, Eigen::Index row) {
  return activity.cols() > 1 && activity.row(row).maxCoeff() != activity.row(row).minCoeff();
}

/// Mean-subtracted activity with constant rows exactly zero.
Eigen::MatrixXd centred(const ActivityRef& activity) {
  Eigen::MatrixXd c = activity.colwise() - activity.rowwise().mean();
  for (Eigen::Index i = 0; i < activity.rows(); ++i)
    if (!varies(activity, i)) c.row(i).setZero();
  return c;
}

/// Rows of the centred activity scaled to unit length (zero rows of constant units stay zero), so that
/// the Pearson correlation of units i and j is the dot product of rows i and j.
Eigen::MatrixXd standardised(const ActivityRef& activity) {
  Eigen::MatrixXd z = centred(activity);
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    const double norm = z.row(i).norm();
    if (norm > 0) z.row(i) /= norm;
  }
  return z;
}

double clamp_unit(double r) { return std::clamp(r, -1.0, 1.0); }

/// Which units (rows) vary, decided once per row.
std::vector<char> varying_rows(const ActivityRef& activity) {
  std::vector<char> out(static_cast<size_t>(activity.rows()));
  for (Eigen::Index i = 0; i < activity.rows(); ++i) out[static_cast<size_t>(i)] = varies(activity, i);
  return out;
}

/// Pearson matrix from standardised rows; entries of non-varying units NaN.
Eigen::MatrixXd pearson(const ActivityRef& a, const ActivityRef& b) {
  const Eigen::MatrixXd za = standardised(a), zb = standardised(b);
  const std::vector<char> va = varying_rows(a), vb = varying_rows(b);
  Eigen::MatrixXd r = za * zb.transpose();
  for (Eigen::Index j = 0; j < r.cols(); ++j)
    for (Eigen::Index i = 0; i < r.rows(); ++i)
      r(i, j) = va[static_cast<size_t>(i)] && vb[static_cast<size_t>(j)] ? clamp_unit(r(i, j)) : kNaN;
  return r;
}

void require_samples(const ActivityRef& activity, const char* where) {
  if (activity.cols() < 2)
    throw std::invalid_argument(std::string(where) + ": needs at least 2 samples (columns), got " +
                                std::to_string(activity.cols()));
}

}  // namespace

Eigen::MatrixXd covariance(const ActivityRef& activity) {
  require_samples(activity, "covariance");
  const Eigen::MatrixXd c = centred(activity);
  return c * c.transpose() / static_cast<double>(activity.cols() - 1);
}

double population_correlation(const ActivityRef& activity) {
  const Eigen::Index n = activity.rows();
  if (n < 2 || activity.cols() < 2) return kNaN;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance(activity), Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) return kNaN;
  // Eigenvalues at the solver's rounding level (|l| <= 16 N eps max l, including tiny negatives) are zero:
  // the square root would otherwise lift rounding noise of 1e-16 to 1e-8.
  const Eigen::ArrayXd l = solver.eigenvalues().array();
  const double floor = 16.0 * static_cast<double>(n) * std::numeric_limits<double>::epsilon() * l.maxCoeff();
  const Eigen::ArrayXd roots = (l > floor).select(l, 0.0).sqrt();
  const double sum = roots.sum();
  if (!(sum > 0)) return kNaN;
  const double units = static_cast<double>(n);
  return units / (units - 1.0) * (roots.maxCoeff() / sum - 1.0 / units);
}

Eigen::MatrixXd correlation_matrix(const ActivityRef& activity) {
  require_samples(activity, "correlation_matrix");
  return pearson(activity, activity);
}

double mean_abs_correlation(const ActivityRef& activity) {
  if (activity.cols() < 2) return kNaN;
  const Eigen::MatrixXd r = pearson(activity, activity);
  double total = 0.0;
  long pairs = 0;
  for (Eigen::Index i = 0; i < r.rows(); ++i)
    for (Eigen::Index j = i + 1; j < r.cols(); ++j)
      if (!std::isnan(r(i, j))) {
        total += std::abs(r(i, j));
        ++pairs;
      }
  return pairs > 0 ? total / static_cast<double>(pairs) : kNaN;
}

double coding_space(const ActivityRef& activity) {
  if (activity.cols() < 2) return kNaN;
  return centred(activity).squaredNorm() / static_cast<double>(activity.cols() - 1);
}

double treves_rolls(const Eigen::Ref<const Eigen::VectorXd>& activity) {
  if (activity.size() == 0) return kNaN;
  const double scale = activity.cwiseAbs().maxCoeff();  // scaled first: no under- or overflow
  if (!(scale > 0) || std::isinf(scale)) return kNaN;
  const Eigen::ArrayXd a = activity.array().abs() / scale;
  const double n = static_cast<double>(a.size());
  const double m1 = a.sum() / n, m2 = a.square().sum() / n;
  return m1 * m1 / m2;
}

double population_sparsity(const ActivityRef& activity) {
  double total = 0.0;
  long counted = 0;
  for (Eigen::Index k = 0; k < activity.cols(); ++k) {
    const double s = treves_rolls(activity.col(k));
    if (std::isnan(s)) continue;
    total += s;
    ++counted;
  }
  return counted > 0 ? total / static_cast<double>(counted) : kNaN;
}

double lifetime_sparsity(const ActivityRef& activity) {
  double total = 0.0;
  long counted = 0;
  for (Eigen::Index i = 0; i < activity.rows(); ++i) {
    const double s = treves_rolls(activity.row(i).transpose());
    if (std::isnan(s)) continue;
    total += s;
    ++counted;
  }
  return counted > 0 ? total / static_cast<double>(counted) : kNaN;
}

Eigen::MatrixXd cross_correlation_matrix(const ActivityRef& a, const ActivityRef& b) {
  if (a.cols() != b.cols())
    throw std::invalid_argument("cross_correlation_matrix: the two populations differ in samples (" +
                                std::to_string(a.cols()) + " vs " + std::to_string(b.cols()) + ")");
  require_samples(a, "cross_correlation_matrix");
  return pearson(a, b);
}

double mean_abs_cross_correlation(const ActivityRef& cortex, const ActivityRef& granule) {
  if (cortex.cols() != granule.cols())
    throw std::invalid_argument("mean_abs_cross_correlation: the two populations differ in samples (" +
                                std::to_string(cortex.cols()) + " vs " + std::to_string(granule.cols()) + ")");
  if (cortex.cols() < 2) return kNaN;
  const Eigen::MatrixXd r = pearson(cortex, granule);
  double total = 0.0;
  long pairs = 0;
  for (Eigen::Index i = 0; i < r.rows(); ++i)
    for (Eigen::Index j = 0; j < r.cols(); ++j)
      if (!std::isnan(r(i, j))) {
        total += std::abs(r(i, j));
        ++pairs;
      }
  return pairs > 0 ? total / static_cast<double>(pairs) : kNaN;
}

}  // namespace ccrnn
