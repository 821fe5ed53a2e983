#include "task_registry.hpp"

namespace ccrnn::apps {

namespace {
struct Entry {
  const char* name;
  std::unique_ptr<Task> (*make)();
};
const Entry registry[] = {
    {"linedraw", make_linedraw_task},
    {"seqmnist", make_seqmnist_task},
    {"caption", make_caption_task},
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
  throw UsageError("unknown task '" + name + "' (known: " + known + ")");
}

}  // namespace ccrnn::apps
