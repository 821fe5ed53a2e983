#pragma once
// Every option of a run, and the library version, as attributes of an HDF5 group, so a results file
// says exactly how it was made.
#include "cli.hpp"

#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/settings.hpp>

namespace ccrnn::apps {

/// Writes ccrnn_version, float_products, program and created (UTC, ISO 8601), every task setting with its
/// typed value (tasks::write_settings), and every other option in vm (the run options: model, seeds, ...;
/// dashes become underscores). Returns the names of the setting and option attributes.
std::vector<std::string> write_run_attributes(io::Group& group, const po::variables_map& vm, const std::string& program,
                                              const tasks::Settings& settings);

}  // namespace ccrnn::apps
