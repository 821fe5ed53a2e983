#pragma once
// Metrics of the drawing tasks (ALGORITHM.md section 6). A trajectory is a 2 x L matrix whose column t
// is the (x, y) point at step t. These definitions are the project's own; report them beside the numbers.
#include <Eigen/Core>
#include <vector>

namespace ccrnn {

/// Path length: sum over t = 1..L-1 of ||p_t - p_{t-1}|| (Euclidean). 0 for L < 2.
/// Throws std::invalid_argument unless traj has 2 rows.
double path_length(const Eigen::Ref<const Eigen::MatrixXd>& traj);

/// Path bend: 1 - ||p_{L-1} - p_0|| / path_length(traj), how far a path strays from the straight segment
/// between its own ends: 0 for a straight path (or one that does not move), towards 1 for a path that
/// wanders or returns to its start. Throws std::invalid_argument unless traj has 2 rows.
double path_bend(const Eigen::Ref<const Eigen::MatrixXd>& traj);

/// Endpoint error: ||drawn_{L-1} - target_{L-1}||, the distance between the final points.
/// Throws std::invalid_argument unless both are 2 x L with the same L >= 1.
double endpoint_error(const Eigen::Ref<const Eigen::MatrixXd>& drawn,
                      const Eigen::Ref<const Eigen::MatrixXd>& target);

/// Mean over the L steps of the squared Euclidean distance ||drawn_t - target_t||^2
/// (dense: every step counts). Throws std::invalid_argument unless both are 2 x L with the same L >= 1.
double mean_squared_error(const Eigen::Ref<const Eigen::MatrixXd>& drawn,
                          const Eigen::Ref<const Eigen::MatrixXd>& target);

/// Summary of a set of test trials (drawn[i] is the network's trajectory for target[i]).
struct DrawingMetrics {
  /// Mean over trials of mean_squared_error(drawn, target): the dense test error of section 6.
  double test_error;
  /// Mean over trials whose TARGET moves (path_length(target) > 0) of
  /// path_length(drawn) / path_length(target) - 1; > 0 overshoots, < 0 undershoots. NaN if no target moves.
  double dysmetria;
  /// Mean drawn path length over trials whose target is stationary (path length exactly 0);
  /// ideally 0. NaN if there are no such trials.
  double stationary_path_length;
  /// Mean over all trials of endpoint_error(drawn, target).
  double endpoint_error;
  /// Mean over trials whose TARGET moves of path_bend(drawn) - path_bend(target): how much more the drawn
  /// path bends and wanders than the target does (0 for straight line targets drawn straight, whatever
  /// their length or direction; < 0 straighter than a curved target). NaN if no target moves.
  double irregularity;
};

/// Computes DrawingMetrics over paired trials. Throws std::invalid_argument if the two lists differ in
/// size, are empty, or any pair is not 2 x L with a common L >= 1 (L may differ between trials).
DrawingMetrics drawing_metrics(const std::vector<Eigen::MatrixXd>& drawn,
                               const std::vector<Eigen::MatrixXd>& target);

}  // namespace ccrnn
