#pragma once
// Drawn trajectories of the drawing tasks: taking one sample's 2 x L path out of time-major outputs, and
// stacking paths for storage.
#include <ccrnn/core/types.hpp>

#include <Eigen/Core>
#include <vector>

namespace ccrnn::tasks {

/// Sample j's 2 x L trajectory from outputs in ccrnn's time-major layout (step t at column t*B + j).
Eigen::MatrixXd trajectory_of(const Matrix<float>& outputs, Index batch, Index length, Index j);

/// 2 x L trajectories stacked into a row-major (count, L, 2) array (how results files store them).
std::vector<double> stack_trajectories(const std::vector<Eigen::MatrixXd>& trajectories);

}  // namespace ccrnn::tasks
