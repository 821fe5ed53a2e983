#include <ccrnn/tasks/trajectories.hpp>

namespace ccrnn::tasks {

Eigen::MatrixXd trajectory_of(const Matrix<float>& outputs, Index batch, Index length, Index j) {
  Eigen::MatrixXd traj(2, length);
  for (Index t = 0; t < length; ++t) traj.col(t) = outputs.col(t * batch + j).cast<double>();
  return traj;
}

std::vector<double> stack_trajectories(const std::vector<Eigen::MatrixXd>& trajectories) {
  std::vector<double> data;
  for (const auto& traj : trajectories)
    for (Index t = 0; t < traj.cols(); ++t) {
      data.push_back(traj(0, t));
      data.push_back(traj(1, t));
    }
  return data;
}

}  // namespace ccrnn::tasks
