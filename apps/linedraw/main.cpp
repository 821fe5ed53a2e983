// ccrnn-linedraw: the papers' line-drawing task, cRNN vs ccRNN, many seeds in parallel, one HDF5 file.
#include "../common/task_main.hpp"
#include "../common/task_registry.hpp"

int main(int argc, char** argv) {
  return ccrnn::apps::run_task_main(argc, argv, "ccrnn-linedraw", ccrnn::apps::make_linedraw_task());
}
