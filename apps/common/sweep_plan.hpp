#pragma once
// A sweep's plan: a grid over task options (and the model) x seeds, expanded into numbered runs in a
// fixed order, each with the command-line tokens that configure its task.
#include "cli.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ccrnn::apps {

/// One grid dimension: a task option (as on the command line, without dashes) or "model", and its values.
struct GridAxis {
  std::string name;
  std::vector<std::string> values;
};

/// "T=1,2,5,10" -> {T, {1,2,5,10}}. Throws UsageError for a missing '=', an empty name or value list.
GridAxis parse_grid_axis(const std::string& text);

struct SweepRun {
  long index = 0;                                            // 0-based position in the plan
  std::vector<std::pair<std::string, std::string>> point;    // axis values, model excluded
  std::string model;
  std::uint64_t seed = 0;
  std::string condition;  // "T=1 fibres=4": the point without model and seed ("" for a one-point grid)
};

struct SweepPlan {
  std::string task;
  std::vector<GridAxis> axes;         // model is always among them (default crnn,ccrnn)
  std::vector<std::string> fixed;     // task options common to every run, as command-line tokens
  std::vector<std::uint64_t> seeds;
  std::vector<SweepRun> runs;         // grid points in axis order (last axis fastest), then seeds

  /// Command-line tokens configuring the task of a run: the fixed tokens, then --name value per axis.
  /// A value of a switch option (no argument) is on/off: 1, true, on, yes / 0, false, off, no.
  std::vector<std::string> task_tokens(const SweepRun& run, const po::options_description& task_options) const;
  /// A canonical text of the plan: two sweeps with the same text compute the same runs.
  std::string fingerprint() const;
};

/// Expands axes x seeds; adds the axis model=crnn,ccrnn when no axis is called model. Throws UsageError
/// for a repeated axis or a duplicate value.
SweepPlan make_sweep_plan(const std::string& task, std::vector<GridAxis> axes, std::vector<std::string> fixed,
                          std::vector<std::uint64_t> seeds);

/// Parses task tokens with the task's options into vm (same rules as the task executable). Throws UsageError
/// prefixed with `context`.
void parse_task_tokens(const std::vector<std::string>& tokens, const po::options_description& options,
                       po::variables_map& vm, const std::string& context);

}  // namespace ccrnn::apps
