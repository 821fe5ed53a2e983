#pragma once
// The main() of every task executable: the task from the registry, its settings as options, models x
// seeds in parallel through the one run loop, progress, one HDF5 file (written atomically) and the
// summary table.
#include <string>

namespace ccrnn::apps {

/// Runs the registered task `task` as the executable `program`. Returns the exit code (0, 1 run-time
/// failure, 2 bad usage).
int run_task_main(int argc, char** argv, const std::string& program, const std::string& task);

}  // namespace ccrnn::apps
