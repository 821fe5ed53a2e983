#include <ccrnn/tasks/task.hpp>

#include <cstdio>
#include <stdexcept>

namespace ccrnn::tasks {

std::string Task::describe_run(const RunRecord& record) const {
  char line[256];
  const auto primary = record.scalars.find(primary_scalar());
  std::snprintf(line, sizeof line, "%s seed %llu: %s %.4f (%.1f s)", record.model.c_str(),
                static_cast<unsigned long long>(record.seed), primary_scalar().c_str(),
                primary == record.scalars.end() ? 0.0 : primary->second, record.seconds);
  return line;
}

void TaskRun::save_state(RunState&) const {
  throw std::invalid_argument("this task's runs cannot be checkpointed (its TaskRun has no save_state)");
}

void TaskRun::restore_state(const RunState&) {
  throw std::invalid_argument("this task's runs cannot be checkpointed (its TaskRun has no restore_state)");
}

TrialsData Task::export_trials() const {
  throw std::invalid_argument("task '" + name() + "' has no fixed data set to export as trials");
}

}  // namespace ccrnn::tasks
