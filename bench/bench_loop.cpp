// Times one training epoch of the cortico-cerebellar loop tasks (docs/forward-model.md) with their
// defaults (the reference's sizes: N = 50 leaky tanh cortex, forward cerebellum of 1000 granule cells,
// tau = 3, batch 10, fixed cortex; loopdraw: 1000 trials of 20 steps, evidence: 800 trials of 50 steps)
// for the ccRNN, on one thread, through the same run loop as ccrnn-train (train_epoch: fresh trials
// drawn, one LoopTrainer step per batch; no validation). Prints the median seconds per epoch after a
// warm-up epoch. bench/compare_torch_loop.sh compares it with bench/torch_loop.py.
// Usage: ccrnn-bench-loop [epochs >= 2] [task ...]   (default tasks: loopdraw evidence)
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/run_recording.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

double median_epoch_seconds(const std::string& name, int epochs) {
  const std::unique_ptr<Task> task = make_task(name);
  task->prepare({ModelKind::ccrnn});
  const ExperimentConfig config = task->run_config(ModelKind::ccrnn);
  const std::uint64_t seed = 1;
  const std::unique_ptr<TaskRun> run = task->start(config, seed);
  Trainer<float> trainer(run->model(), config.trainer);  // unused by the loop tasks' steps, as in run_task
  RunRecorder recorder(config.recording);
  std::vector<double> seconds;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    (void)train_epoch(*run, trainer, recorder, epoch, seed);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::vector<double> timed(seconds.begin() + 1, seconds.end());  // the first epoch is a warm-up
  std::nth_element(timed.begin(), timed.begin() + static_cast<std::ptrdiff_t>(timed.size() / 2), timed.end());
  return timed[timed.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 4;
  if (epochs < 2) {
    std::fprintf(stderr, "usage: ccrnn-bench-loop [epochs >= 2] [task ...]  (the first epoch is a warm-up)\n");
    return 2;
  }
  std::vector<std::string> names(argv + std::min(argc, 2), argv + argc);
  if (names.empty()) names = {"loopdraw", "evidence"};
  omp_set_num_threads(1);
  std::printf("# ccrnn loop tasks, ccRNN, the tasks' defaults, 1 thread, median of %d epochs after a warm-up\n", epochs - 1);
  std::printf("%-10s %12s\n", "task", "sec/epoch");
  for (const std::string& name : names) {
    try {
      std::printf("%-10s %12.4f\n", name.c_str(), median_epoch_seconds(name, epochs));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ccrnn-bench-loop: task '%s': %s\n", name.c_str(), e.what());
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}
