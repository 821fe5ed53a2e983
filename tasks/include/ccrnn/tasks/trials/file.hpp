#pragma once
// The trials HDF5 file (docs/trials-format.md): a loader that validates everything and a writer.
#include <ccrnn/tasks/trials/data.hpp>

#include <string>

namespace ccrnn::tasks {

/// Reads and validates a trials file. Throws DataError whose message starts with the path and names
/// the dataset and the problem: a missing or non-HDF5 file, a missing '/train' or inputs, unknown
/// members, wrong types (inputs/targets/context floating-point, labels integer, mask integer or
/// boolean, classes an integer, description a string), and everything TrialSet and validate_trials
/// check. source = path.
TrialsData load_trials(const std::string& path);

/// Writes a data set in the same format, atomically (temporary file, then rename): inputs, targets
/// and context as float32, labels as int64, masks as uint8. Validates first (DataError naming path),
/// and refuses an existing file unless overwrite (std::runtime_error). load_trials gives back
/// exactly the same arrays.
void write_trials(const std::string& path, const TrialsData& data, bool overwrite = false);

}  // namespace ccrnn::tasks
