#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/delayed_association_task.hpp>
#include <ccrnn/tasks/evidence_accumulation_task.hpp>
#include <ccrnn/tasks/copy_repeat_task.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/loop_drawing_task.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>
#include <ccrnn/tasks/task_registry.hpp>
#include <ccrnn/tasks/trials/task.hpp>

namespace ccrnn::tasks {

namespace {
struct Entry {
  const char* name;
  std::unique_ptr<Task> (*make)();
};
const Entry registry[] = {
    {"linedraw", [] { return make_line_drawing_task(); }},
    {"seqmnist", [] { return make_seqmnist_task(); }},
    {"caption", [] { return make_caption_task(); }},
    {"trials", [] { return make_trials_task(); }},
    {"loopdraw", [] { return make_loop_drawing_task(); }},
    {"loopdigits", [] { return make_loop_digits_task(); }},
    {"evidence", [] { return make_evidence_accumulation_task(); }},
    {"association", [] { return make_delayed_association_task(); }},
    {"copyrepeat", [] { return make_copy_repeat_task(); }},
};
}  // namespace

std::vector<std::string> task_names() {
  std::vector<std::string> names;
  for (const auto& e : registry) names.emplace_back(e.name);
  return names;
}

std::unique_ptr<Task> make_task(const std::string& name) {
  for (const auto& e : registry)
    if (name == e.name) return e.make();
  std::string known;
  for (const auto& n : task_names()) known += (known.empty() ? "" : ", ") + n;
  throw SettingError("unknown task '" + name + "' (known: " + known + ")");
}

}  // namespace ccrnn::tasks
