#pragma once
// The one registry of tasks: every entry point (task executables, ccrnn-sweep, ccrnn-report, Python)
// makes its tasks here. A new task adds one line to the table in task_registry.cpp.
#include <ccrnn/tasks/task.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ccrnn::tasks {

/// A new task with its papers' defaults; throws SettingError naming the known tasks.
std::unique_ptr<Task> make_task(const std::string& name);
/// The names make_task knows, in a fixed order.
std::vector<std::string> task_names();

}  // namespace ccrnn::tasks
