#pragma once
// Every option of a run, and the library version, as attributes of an HDF5 group, so a results file
// says exactly how it was made.
#include "cli.hpp"

#include <ccrnn/io/hdf5_file.hpp>

namespace ccrnn::apps {

/// Writes each option in vm (given or defaulted; dashes become underscores) with its typed value, plus
/// ccrnn_version, program and created (UTC, ISO 8601). Returns the names of the option attributes.
std::vector<std::string> write_run_attributes(io::Group& group, const po::variables_map& vm, const std::string& program);

}  // namespace ccrnn::apps
