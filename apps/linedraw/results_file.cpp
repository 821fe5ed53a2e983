#include "results_file.hpp"

namespace ccrnn::apps {

namespace {
/// Stacks 2 x L trajectories into a row-major (count, L, 2) array.
std::vector<double> stack_trajectories(const std::vector<Eigen::MatrixXd>& trajectories) {
  std::vector<double> data;
  for (const auto& traj : trajectories)
    for (Index t = 0; t < traj.cols(); ++t) {
      data.push_back(traj(0, t));
      data.push_back(traj(1, t));
    }
  return data;
}
}  // namespace

void write_line_drawing_results(io::Group& root, const tasks::LineDrawing& task,
                                const std::map<std::string, std::vector<tasks::LineDrawingRunResult>>& by_model) {
  const std::vector<int> cues = tasks::LineDrawing::cues();
  const auto length = static_cast<std::size_t>(task.config().length);
  std::vector<Eigen::MatrixXd> targets;
  std::vector<std::int64_t> cue_values;
  for (int c : cues) {
    targets.push_back(task.target(c));
    cue_values.push_back(c);
  }
  root.write("targets", stack_trajectories(targets), {cues.size(), length, 2});
  root.write("cues", cue_values);
  for (const auto& [model, runs] : by_model) {
    io::Group group = root.create_group(model);
    group.set_attr("model", model);
    group.set_attr("seeds", static_cast<std::int64_t>(runs.size()));
    for (const auto& run : runs) {
      io::Group seed = group.create_group("seed_" + std::to_string(run.seed));
      seed.set_attr("seed", static_cast<std::int64_t>(run.seed));
      seed.set_attr("test_error", run.test.test_error);
      seed.set_attr("dysmetria", run.test.dysmetria);
      seed.set_attr("stationary_path_length", run.test.stationary_path_length);
      seed.set_attr("endpoint_error", run.test.endpoint_error);
      seed.set_attr("final_train_error", run.train_error.back());
      seed.set_attr("seconds", run.seconds);
      seed.write("train_error", run.train_error);
      seed.write("val_error", run.val_error);
      seed.write("trajectories", stack_trajectories(run.trajectories), {run.trajectories.size(), length, 2});
    }
  }
}

}  // namespace ccrnn::apps
