#pragma once
// What a task says about one setting, for the tests that check bad settings are refused by name.
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/settings.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <string>

namespace ccrnn::testing {

/// The SettingError message of task `task_name` after assigning `value` to setting `name` (none when
/// `name` is empty) and preparing it for `kind`, or "accepted" when nothing is refused.
inline std::string setting_message(const std::string& task_name, const std::string& name, const std::string& value,
                                   tasks::ModelKind kind = tasks::ModelKind::ccrnn) {
  auto task = tasks::make_task(task_name);
  try {
    if (!name.empty()) task->settings().assign(name, value);
    task->prepare({kind});
  } catch (const tasks::SettingError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace ccrnn::testing
