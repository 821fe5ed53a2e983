#pragma once
// Population statistics of recorded activity (ALGORITHM.md section 8), in double precision.
//
// An activity matrix is units x samples: row i is one unit (a cortical state dimension, a granule cell),
// column k one observation (e.g. one sample of the batch at one boundary: a BoundaryRecording's `states`
// or `granule[i]` cast to double). "Variance", "covariance" and "correlation" are across samples, with the
// sample (n - 1) normalisation; a unit whose activity is exactly constant has zero variance.
// Undefined results (too few units or samples, no variance at all) are NaN, never an exception; shape
// errors throw std::invalid_argument.
#include <Eigen/Core>

namespace ccrnn {

using ActivityRef = Eigen::Ref<const Eigen::MatrixXd>;

/// units x units sample covariance across samples (columns). Needs >= 2 samples (throws otherwise).
Eigen::MatrixXd covariance(const ActivityRef& activity);

/// Population correlation from the eigenvalues l_1..l_N of the covariance (N = units):
///     rho = N/(N-1) * ( max_i sqrt(l_i) / sum_i sqrt(l_i) - 1/N ),
/// read with the 1/N inside the bracket so that rho is in [0, 1]: 1 when the covariance has rank one
/// (all units perfectly correlated, one shared direction), 0 when all eigenvalues are equal (isotropic,
/// e.g. uncorrelated units of equal variance). Eigenvalues at the eigensolver's rounding level,
/// l <= 16 N eps max(l), and below zero (rounding of a rank-deficient covariance, e.g. more units than
/// samples) are treated as exactly 0. Units with zero variance are KEPT (they
/// add zero eigenvalues and count in N). NaN when N < 2, when there are fewer than 2 samples, or when
/// every eigenvalue is 0 (no activity varies).
double population_correlation(const ActivityRef& activity);

/// units x units Pearson correlation matrix; rows/columns of zero-variance units are NaN (diagonal too).
Eigen::MatrixXd correlation_matrix(const ActivityRef& activity);

/// Mean |Pearson r| over the unordered pairs i < j of units. Units with zero variance (r undefined) are
/// EXCLUDED: the mean runs over pairs of varying units only. NaN if fewer than 2 units vary.
double mean_abs_correlation(const ActivityRef& activity);

/// Coding space: the trace of the covariance = the sum over units of their sample variances (the total
/// variance the population spans). 0 for constant activity; NaN for fewer than 2 samples.
double coding_space(const ActivityRef& activity);

/// Treves-Rolls measure of one activity vector a (length n >= 1):
///     S(a) = (mean_i |a_i|)^2 / mean_i a_i^2,   in [1/n, 1],
/// the standard (mean a)^2 / mean(a^2) for non-negative activity (firing rates, ReLU granule activity).
/// Negative values (e.g. cortical h in (-1, 1)) enter by their magnitude |a_i|: activity of either sign
/// counts as activity. LOW = SPARSE: a one-hot vector gives 1/n, uniform activity gives 1. NaN for an
/// all-zero vector (0/0) or an empty one.
double treves_rolls(const Eigen::Ref<const Eigen::VectorXd>& activity);

/// POPULATION sparsity: S over the units of each sample (column), averaged over the samples; samples in
/// which no unit is active (all zero) are excluded from the average. NaN if every sample is silent.
double population_sparsity(const ActivityRef& activity);

/// LIFETIME sparsity: S over the samples of each unit (row), averaged over the units; units that are
/// never active (all zero) are excluded. NaN if every unit is silent.
double lifetime_sparsity(const ActivityRef& activity);

/// a.rows() x b.rows() Pearson correlations between the units of a and the units of b across the same
/// samples (a and b need the same number of columns, >= 2); entries of zero-variance units are NaN.
Eigen::MatrixXd cross_correlation_matrix(const ActivityRef& a, const ActivityRef& b);

/// Cortex-granule cross-correlation: mean |r| over all pairs (cortical unit i, granule unit k), across
/// samples. Units with zero variance in either population are EXCLUDED (as in mean_abs_correlation).
/// NaN if no unit varies in one of the two. Throws std::invalid_argument if the sample counts differ.
double mean_abs_cross_correlation(const ActivityRef& cortex, const ActivityRef& granule);

}  // namespace ccrnn
