#pragma once
// Writing run records into the shared results layout (docs/results-format.md): one group per run holding
// its scalars as attributes and its curves and task arrays as datasets.
#include "task.hpp"

#include <ccrnn/io/hdf5_file.hpp>

#include <vector>

namespace ccrnn::apps {

/// Fills `group` with one run: attributes model, seed, seconds and every scalar; a dataset per curve;
/// then the task's own arrays.
void write_run_record(io::Group& group, const RunRecord& record);

/// /<model>/seed_<k>/ for every record (models in first-seen order), as the task executables write them.
void write_runs_by_model(io::Group& root, const std::vector<RunRecord>& records);

}  // namespace ccrnn::apps
