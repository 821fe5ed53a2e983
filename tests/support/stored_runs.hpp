#pragma once
// Run records written as a results file, the way the task executables write them, for the tests that load
// models back (test_model_store.cpp, test_loop_drawing.cpp, test_loop_classification.cpp).
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/run_record.hpp>

#include <string>
#include <vector>

#include "support/scratch_dir.hpp"

namespace ccrnn::testing {

/// Writes the records grouped by model into dir/name and returns the file's path.
inline std::string store_runs(const ScratchDir& dir, const std::string& name, const std::vector<tasks::RunRecord>& records,
                              bool with_weights = true) {
  const std::string path = dir.file(name);
  io::File file = io::File::create(path);
  io::Group root = file.root();
  tasks::write_runs_by_model(root, records, with_weights);
  file.close();
  return path;
}

}  // namespace ccrnn::testing
