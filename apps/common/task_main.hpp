#pragma once
// The main() of every task executable: options, models x seeds in parallel, progress, one HDF5 file
// (written atomically) and the summary table.
#include "task.hpp"

#include <memory>
#include <string>

namespace ccrnn::apps {

/// Runs `task` as the executable `program`. Returns the exit code (0, 1 run-time failure, 2 bad usage).
int run_task_main(int argc, char** argv, const std::string& program, std::unique_ptr<Task> task);

}  // namespace ccrnn::apps
