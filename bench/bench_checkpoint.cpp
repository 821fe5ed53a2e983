// The cost of a checkpoint against an epoch, for a task with its defaults (the papers'; captioning on its
// built-in scenes): trains the ccRNN of seed 1 for one epoch with a checkpoint (epoch time from the start
// of the run to the end of validation), then reads that checkpoint and writes it again `repeats` times.
// Prints the file's size, the median write and read times and the write's share of an epoch.
// Usage: ccrnn-bench-checkpoint [task=linedraw] [repeats=5] [directory=.]
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::string name = argc > 1 ? argv[1] : "linedraw";
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::filesystem::path directory = argc > 3 ? argv[3] : ".";
  const std::string path = (directory / ("bench_checkpoint_" + name + ".h5")).string();
  const std::string copy = (directory / ("bench_checkpoint_" + name + "_copy.h5")).string();

  auto task = make_task(name);
  task->settings().assign("epochs", "1");
  task->prepare({ModelKind::ccrnn});
  CheckpointOptions checkpoint;
  checkpoint.path = path;
  checkpoint.every = 1;
  checkpoint.restart = true;
  const auto start = Clock::now();
  double epoch_seconds = 0.0;
  run_task(*task, ModelKind::ccrnn, 1, [&](const EpochReport&) {
    epoch_seconds = since(start);
    return true;
  }, checkpoint);

  const CheckpointIdentity identity = checkpoint_identity(*task, "ccrnn", 1);
  std::vector<double> writes, reads;
  for (int r = 0; r < repeats; ++r) {
    auto t = Clock::now();
    const RunState state = read_checkpoint(path, identity);
    reads.push_back(since(t));
    t = Clock::now();
    write_checkpoint(copy, identity, state);
    writes.push_back(since(t));
  }
  const double megabytes = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf("%s (its defaults), ccrnn seed 1: checkpoint %.2f MB; write %.4f s, read %.4f s (medians of %d); "
              "one epoch %.2f s (training + validation); write / epoch = %.4f\n",
              name.c_str(), megabytes, median(writes), median(reads), repeats, epoch_seconds, median(writes) / epoch_seconds);
  std::filesystem::remove(path);
  std::filesystem::remove(copy);
  return 0;
}
