// ccrnn-train --task NAME: any registered task (ccrnn/tasks/task_registry.hpp) with its settings as options.
// Built a second time per built-in task under the old names (ccrnn-linedraw, ccrnn-seqmnist,
// ccrnn-caption), with the task fixed at compile time (CCRNN_TASK).
#include "../common/cli.hpp"
#include "../common/task_main.hpp"

#include <ccrnn/tasks/task_registry.hpp>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#ifdef CCRNN_TASK
int main(int argc, char** argv) { return ccrnn::apps::run_task_main(argc, argv, CCRNN_PROGRAM, CCRNN_TASK); }
#else
namespace {

void usage(std::ostream& out) {
  out << "Usage: ccrnn-train --task TASK [options]\n\n"
         "Trains the models of a task (crnn, ccrnn, bptt) for several seeds in parallel and writes one HDF5 file.\n"
         "Tasks:";
  for (const auto& name : ccrnn::tasks::task_names()) out << " " << name;
  out << "\nThe options of a task: ccrnn-train --task TASK --help\n";
}

}  // namespace

int main(int argc, char** argv) {
  // --task NAME (or --task=NAME) is taken out of the arguments; the rest belong to the task.
  std::string task;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--task") == 0 && i + 1 < argc) task = argv[++i];
    else if (std::strncmp(argv[i], "--task=", 7) == 0) task = argv[i] + 7;
    else rest.push_back(argv[i]);
  }
  if (task.empty()) {
    const bool help = argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0);
    usage(help ? std::cout : std::cerr);
    if (!help) std::cerr << "ccrnn-train: --task is required\n";
    return help ? ccrnn::apps::exit_ok : ccrnn::apps::exit_usage;
  }
  try {
    (void)ccrnn::tasks::make_task(task);
  } catch (const std::exception& e) {
    std::cerr << "ccrnn-train: --task: " << e.what() << "\n";
    return ccrnn::apps::exit_usage;
  }
  return ccrnn::apps::run_task_main(static_cast<int>(rest.size()), rest.data(), "ccrnn-train --task " + task, task);
}
#endif
