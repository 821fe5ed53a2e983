#include "ccrnn/metrics/drawing.hpp"

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

namespace ccrnn {
namespace {

void check_trajectory(const Eigen::Ref<const Eigen::MatrixXd>& traj, const char* who) {
  if (traj.rows() != 2) {
    throw std::invalid_argument(std::string(who) + ": a trajectory must have 2 rows (x, y), got " +
                                std::to_string(traj.rows()));
  }
}

void check_pair(const Eigen::Ref<const Eigen::MatrixXd>& drawn, const Eigen::Ref<const Eigen::MatrixXd>& target,
                const char* who) {
  check_trajectory(drawn, who);
  check_trajectory(target, who);
  if (drawn.cols() != target.cols()) {
    throw std::invalid_argument(std::string(who) + ": drawn has " + std::to_string(drawn.cols()) +
                                " steps but target has " + std::to_string(target.cols()));
  }
  if (drawn.cols() < 1) throw std::invalid_argument(std::string(who) + ": empty trajectory");
}

}  // namespace

double path_length(const Eigen::Ref<const Eigen::MatrixXd>& traj) {
  check_trajectory(traj, "path_length");
  double length = 0.0;
  for (Eigen::Index t = 1; t < traj.cols(); ++t) length += (traj.col(t) - traj.col(t - 1)).norm();
  return length;
}

double path_bend(const Eigen::Ref<const Eigen::MatrixXd>& traj) {
  check_trajectory(traj, "path_bend");
  const double length = path_length(traj);
  if (length == 0.0) return 0.0;
  return 1.0 - (traj.col(traj.cols() - 1) - traj.col(0)).norm() / length;
}

double endpoint_error(const Eigen::Ref<const Eigen::MatrixXd>& drawn,
                      const Eigen::Ref<const Eigen::MatrixXd>& target) {
  check_pair(drawn, target, "endpoint_error");
  const Eigen::Index last = drawn.cols() - 1;
  return (drawn.col(last) - target.col(last)).norm();
}

double mean_squared_error(const Eigen::Ref<const Eigen::MatrixXd>& drawn,
                          const Eigen::Ref<const Eigen::MatrixXd>& target) {
  check_pair(drawn, target, "mean_squared_error");
  return (drawn - target).colwise().squaredNorm().mean();
}

DrawingMetrics drawing_metrics(const std::vector<Eigen::MatrixXd>& drawn,
                               const std::vector<Eigen::MatrixXd>& target) {
  if (drawn.size() != target.size()) {
    throw std::invalid_argument("drawing_metrics: " + std::to_string(drawn.size()) + " drawn trajectories but " +
                                std::to_string(target.size()) + " targets");
  }
  if (drawn.empty()) throw std::invalid_argument("drawing_metrics: no trials");

  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  double sum_error = 0.0, sum_endpoint = 0.0, sum_dysmetria = 0.0, sum_stationary = 0.0, sum_irregularity = 0.0;
  std::size_t n_moving = 0, n_stationary = 0;
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    check_pair(drawn[i], target[i], "drawing_metrics");
    sum_error += mean_squared_error(drawn[i], target[i]);
    sum_endpoint += endpoint_error(drawn[i], target[i]);
    const double drawn_length = path_length(drawn[i]);
    const double target_length = path_length(target[i]);
    if (target_length == 0.0) {
      sum_stationary += drawn_length;
      ++n_stationary;
    } else {  // moving target (a NaN length lands here too, so that it shows up in dysmetria)
      sum_dysmetria += drawn_length / target_length - 1.0;
      sum_irregularity += path_bend(drawn[i]) - path_bend(target[i]);
      ++n_moving;
    }
  }
  const double n = static_cast<double>(drawn.size());
  DrawingMetrics m{};
  m.test_error = sum_error / n;
  m.dysmetria = n_moving > 0 ? sum_dysmetria / static_cast<double>(n_moving) : nan;
  m.stationary_path_length = n_stationary > 0 ? sum_stationary / static_cast<double>(n_stationary) : nan;
  m.endpoint_error = sum_endpoint / n;
  m.irregularity = n_moving > 0 ? sum_irregularity / static_cast<double>(n_moving) : nan;
  return m;
}

}  // namespace ccrnn
