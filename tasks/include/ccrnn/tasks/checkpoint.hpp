#pragma once
// Checkpoints and exact resume (docs/checkpoints.md): a run's RunState (run_state.hpp) in one HDF5 file,
// written atomically (temporary file + rename), with what identifies the run it belongs to: the task,
// model, seed, every setting except the number of epochs, a fingerprint of the data set, and the ccrnn
// version and float-product kernel. A checkpoint of another run, or one that is truncated or corrupt, is
// refused with a CheckpointError naming the file and what differs; it is never resumed from.
#include <ccrnn/tasks/run_state.hpp>
#include <ccrnn/tasks/task.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ccrnn::tasks {

/// How run_task keeps a checkpoint. With a path, the run resumes from the file when it exists, writes it
/// after every `every`-th epoch and after its last epoch, and, when interrupted (ccrnn::Interrupted, or
/// any other exception), writes the last completed epoch's state before the exception leaves run_task.
struct CheckpointOptions {
  std::string path;  // the checkpoint file; empty: no checkpoints
  int every = 0;     // also after every N-th epoch; 0: only after the last epoch and when interrupted
  bool restart = false;  // do not read an existing checkpoint: start from epoch 0 and replace it
  std::function<void(int epoch)> on_resume;  // told the epoch a run resumes after (e.g. for progress output)

  bool enabled() const { return !path.empty(); }
};

/// What a checkpoint must match to be resumed from.
struct CheckpointIdentity {
  std::string task, model;
  std::uint64_t seed = 0;
  std::vector<std::string> settings;  // "name=value", every setting except epochs
  std::string data;                   // Task::data_fingerprint()
  std::string version;                // ccrnn version and float-product kernel
};

CheckpointIdentity checkpoint_identity(const Task& task, const std::string& model, std::uint64_t seed);

/// Writes state as the checkpoint of identity at path (parent directories are created), atomically.
void write_checkpoint(const std::string& path, const CheckpointIdentity& identity, const RunState& state);

/// The state in the checkpoint at path. Throws CheckpointError, naming the file, when it cannot be read, is
/// corrupt (its checksum differs) or belongs to another run than `expected` (naming the first difference).
RunState read_checkpoint(const std::string& path, const CheckpointIdentity& expected);

}  // namespace ccrnn::tasks
