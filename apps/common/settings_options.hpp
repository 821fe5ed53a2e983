#pragma once
// A task's settings (ccrnn/tasks/settings.hpp) as command-line and config-file options: each setting is
// one option under its dashed name, its --help default is the value that really applies to the task.
#include "cli.hpp"

#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/settings.hpp>
#include <ccrnn/tasks/task.hpp>

#include <string>
#include <vector>

namespace ccrnn::apps {

/// One section per settings section, in order of first appearance.
po::options_description describe_settings(const tasks::Settings& settings);

/// Assigns every setting the user gave (command line or config file) in vm; a bad value is a UsageError.
void apply_settings(tasks::Settings& settings, const po::variables_map& vm);

/// crnn, ccrnn, bptt by name; anything else is a UsageError.
std::vector<tasks::ModelKind> model_kinds(const std::vector<std::string>& models);

/// task.prepare(models) with a setting the user must fix reported as a UsageError (data problems propagate).
void prepare_task(tasks::Task& task, const std::vector<tasks::ModelKind>& models);

}  // namespace ccrnn::apps
