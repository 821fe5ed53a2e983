#pragma once
// The checkpoint options of the task executables and ccrnn-sweep (docs/checkpoints.md). SIGINT and SIGTERM
// reach the runs through signals.hpp.
#include "cli.hpp"

#include <ccrnn/tasks/checkpoint.hpp>

#include <string>

namespace ccrnn::apps {

struct CheckpointSettings {
  int every = 0;          // 0: no checkpoints
  std::string directory;  // task executables: default <out>.checkpoint
  bool restart = false;
  bool keep = false;

  bool enabled() const { return every > 0; }
  /// The options of one run whose checkpoint file is `path` (none when checkpoints are off).
  tasks::CheckpointOptions for_run(const std::string& path) const;
};

/// --checkpoint-every and --restart; with_location adds --checkpoint-dir and --keep-checkpoints (task
/// executables; a sweep keeps its runs' checkpoints beside their parts).
po::options_description describe_checkpoints(CheckpointSettings& settings, bool with_location);

/// Options that change where and whether a run is checkpointed, never its numbers: not recorded in
/// results files, so that a resumed run's file is that of an uninterrupted one.
bool is_checkpoint_option(const std::string& snake_name);

}  // namespace ccrnn::apps
