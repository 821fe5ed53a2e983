// The trials path's cost over a built-in task: seqMNIST (procedural digits, 4800 training and 1200
// validation images, batch 50, the papers' N = 30 LSTM and 300-unit cerebellum, T = 3) trained through its
// own task and through the trials task on the same data exported as trials (bit-identical curves), on one
// thread. Rounds alternate between the two so that both see the same machine; prints the median seconds
// per epoch (training + validation) of each and their ratio.
// Usage: ccrnn-bench-trials [rounds=5] [epochs per run=2] [target=class|digit|line]
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>
#include <ccrnn/tasks/trials/task.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double seconds_per_epoch(const Task& task, ModelKind kind, int epochs) {
  const auto start = std::chrono::steady_clock::now();
  (void)run_task(task, kind, 1);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / epochs;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  const int epochs = argc > 2 ? std::atoi(argv[2]) : 2;
  const std::string target = argc > 3 ? argv[3] : "class";
  if (rounds < 1 || epochs < 1) {
    std::fprintf(stderr, "usage: ccrnn-bench-trials [rounds>=1] [epochs>=1] [class|digit|line]\n");
    return 2;
  }
  SeqMnistRunConfig config;
  config.task.target = parse_seqmnist_target(target);
  config.epochs = epochs;
  config.validation_size = 1200;
  config.train_size = 4800;
  const auto data = std::make_shared<const MnistSplits>(procedural_mnist(1, 6000, 1000));
  const auto builtin = make_seqmnist_task(config, data);
  builtin->prepare({ModelKind::crnn, ModelKind::ccrnn});
  TrialsRunConfig trials_config;
  static_cast<ExperimentConfig&>(trials_config) = builtin->experiment();
  const auto trials = make_trials_task(trials_config, std::make_shared<const TrialsData>(builtin->export_trials()));
  trials->prepare({ModelKind::crnn, ModelKind::ccrnn});

  std::printf("seqMNIST --target %s, 4800 training + 1200 validation images, %d epochs per run, %d rounds, one thread\n",
              target.c_str(), epochs, rounds);
  std::printf("%-6s %18s %18s %10s\n", "model", "built-in s/epoch", "trials s/epoch", "ratio");
  for (ModelKind kind : {ModelKind::crnn, ModelKind::ccrnn}) {
    std::vector<double> a, b;
    for (int r = 0; r < rounds; ++r) {
      a.push_back(seconds_per_epoch(*builtin, kind, epochs));
      b.push_back(seconds_per_epoch(*trials, kind, epochs));
    }
    std::printf("%-6s %18.4f %18.4f %10.3f\n", to_string(kind), median(a), median(b), median(b) / median(a));
  }
  return 0;
}
