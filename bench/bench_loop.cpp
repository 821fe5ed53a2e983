// Times one training epoch of the cortico-cerebellar loop tasks (docs/forward-model.md) with their
// defaults (the reference's sizes: N = 50 leaky tanh cortex, forward cerebellum of 1000 granule cells,
// tau = 3, batch 10, fixed cortex; loopdraw: 1000 trials of 20 steps, evidence: 800 trials of 50 steps)
// for the ccRNN, on one thread, through the same run loop as ccrnn-train (train_epoch: fresh trials
// drawn, one LoopTrainer step per batch; no validation). Prints the median wall-clock and CPU seconds per
// epoch after a warm-up epoch (on a loaded machine the CPU time is the steadier measure of the work).
// bench/compare_torch_loop.sh compares it with bench/torch_loop.py.
// Usage: ccrnn-bench-loop [epochs >= 2] [task ...]   (default tasks: loopdraw evidence)
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/run_recording.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

struct EpochSeconds {
  double wall, cpu;
};

/// Medians over the epochs after the first (a warm-up).
EpochSeconds median_epoch_seconds(const std::string& name, int epochs) {
  const std::unique_ptr<Task> task = make_task(name);
  task->prepare({ModelKind::ccrnn});
  const ExperimentConfig config = task->run_config(ModelKind::ccrnn);
  const std::uint64_t seed = 1;
  const std::unique_ptr<TaskRun> run = task->start(config, seed);
  Trainer<float> trainer(run->model(), config.trainer);  // unused by the loop tasks' steps, as in run_task
  RunRecorder recorder(config.recording);
  std::vector<double> wall, cpu;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    (void)train_epoch(*run, trainer, recorder, epoch, seed);
    if (epoch == 1) continue;
    cpu.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return {median(wall), median(cpu)};
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
  std::printf("%-10s %12s %12s\n", "task", "sec/epoch", "cpu_sec");
  for (const std::string& name : names) {
    try {
      const EpochSeconds s = median_epoch_seconds(name, epochs);
      std::printf("%-10s %12.4f %12.4f\n", name.c_str(), s.wall, s.cpu);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ccrnn-bench-loop: task '%s': %s\n", name.c_str(), e.what());
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}
