#pragma once
// What a task says about one setting, for the tests that check bad settings are refused by name.
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/settings.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ccrnn::testing {

/// The SettingError message of task `task_name` after assigning each (name, value) in turn and preparing it
/// for `kind`, or "accepted" when nothing is refused.
inline std::string setting_message(const std::string& task_name,
                                   const std::vector<std::pair<std::string, std::string>>& assignments,
                                   tasks::ModelKind kind = tasks::ModelKind::ccrnn) {
  auto task = tasks::make_task(task_name);
  try {
    for (const auto& [name, value] : assignments) task->settings().assign(name, value);
    task->prepare({kind});
  } catch (const tasks::SettingError& e) {
    return e.what();
  }
  return "accepted";
}

/// The same for one setting `name` (none when `name` is empty).
inline std::string setting_message(const std::string& task_name, const std::string& name, const std::string& value,
                                   tasks::ModelKind kind = tasks::ModelKind::ccrnn) {
  if (name.empty()) return setting_message(task_name, std::vector<std::pair<std::string, std::string>>{}, kind);
  return setting_message(task_name, {{name, value}}, kind);
}

}  // namespace ccrnn::testing
