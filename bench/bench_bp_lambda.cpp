// BP(lambda)'s cost per step against the cortex size N (dni/bp_lambda.hpp; docs/bp-lambda.md): time of one
// training step of a batch (forward, Jacobians, TD error, trace update, injection, one-step backward) and
// the memory of the per-sample state it keeps (the traces and two Jacobians), for a tanh RNN and an LSTM
// with a linear cerebellum, float, one thread. The DNI at T = 1 on the same model is timed beside it.
// Usage: ccrnn-bench-bp-lambda [N ...]   (default 10 20 30 50)
#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/bp_lambda.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/trainer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace ccrnn;

namespace {

constexpr Index kBatch = 10, kLength = 10, kInputs = 10;

Batch<float> make_batch(std::uint64_t seed) {
  Rng rng(seed, Stream::data);
  Batch<float> b;
  b.size = kBatch;
  b.length = kLength;
  b.inputs.resize(kInputs, kBatch * kLength);
  for (Index i = 0; i < b.inputs.size(); ++i) b.inputs.data()[i] = static_cast<float>(rng.normal());
  b.targets.resize(2, kBatch * kLength);
  for (Index i = 0; i < b.targets.size(); ++i) b.targets.data()[i] = static_cast<float>(rng.normal());
  b.supervised = sparse_feedback(kLength, 1);
  return b;
}

/// Seconds per step (best of `repetitions` batches) of a trainer on a fresh model.
double seconds_per_step(CellType cell, Index n, bool online, int repetitions) {
  ModelConfig mc;
  mc.cell = cell;
  mc.input_size = kInputs;
  mc.hidden_size = n;
  mc.output_size = 2;
  mc.cerebellum = true;
  mc.cerebellar.layers = 0;
  Model<float> model(mc);
  model.initialise(1);
  TrainerConfig tc;
  tc.tbptt.truncation = 1;
  tc.bp_lambda.online = online;
  tc.bp_lambda.lambda = 0.5;
  tc.bp_lambda.gamma = 0.9;
  Trainer<float> trainer(model, tc);
  const Batch<float> batch = make_batch(2);
  trainer.train_batch(batch);  // warm-up: the workspaces are sized
  double best = 1e30;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    trainer.train_batch(batch);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best / static_cast<double>(kLength);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Index> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atol(argv[i]));
  if (sizes.empty()) sizes = {10, 20, 30, 50};
  for (Index n : sizes)
    if (n < 1) {
      std::fprintf(stderr, "ccrnn-bench-bp-lambda: every N must be >= 1\n");
      return 2;
    }
  std::printf("BP(lambda) per step, batch %ld, float, 1 thread, linear cerebellum; per-sample state = traces "
              "state*state*(state+1) + 2 Jacobians state^2\n",
              static_cast<long>(kBatch));
  std::printf("%-5s %5s %6s %16s %14s %14s %14s\n", "cell", "N", "state", "numbers/sample", "MB/sample",
              "BP(l) ms/step", "DNI ms/step");
  for (CellType cell : {CellType::tanh, CellType::lstm}) {
    for (Index n : sizes) {
      const Index s = cell == CellType::lstm ? 2 * n : n;
      const double numbers = static_cast<double>(s * s * (s + 1) + 2 * s * s);
      const int repetitions = s > 60 ? 2 : 5;
      const double online = seconds_per_step(cell, n, true, repetitions);
      const double dni = seconds_per_step(cell, n, false, repetitions);
      std::printf("%-5s %5ld %6ld %16.0f %14.3f %14.3f %14.4f\n", to_string(cell).c_str(), static_cast<long>(n),
                  static_cast<long>(s), numbers, numbers * sizeof(float) / 1e6, online * 1e3, dni * 1e3);
    }
  }
  return 0;
}
