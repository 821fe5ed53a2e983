// Times one training epoch of line drawing (800 samples, batch 50: the PyTorch peer's configuration)
// for the cRNN and the ccRNN at T=1 and T=10, on one thread, and prints seconds per epoch and the
// arithmetic rate of the matrix products. Compare with ../shared/bench/torch_ccrnn.py (see README.md).
#include <ccrnn/model.hpp>
#include <ccrnn/tasks/line_drawing.hpp>
#include <ccrnn/train/trainer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ccrnn;

namespace {

/// Multiply-add count x2 of the matrix products of one batch (forward + backward), as implemented.
double flops_per_batch(const ModelConfig& m, Index batch, Index length, Index truncation) {
  const double b = static_cast<double>(batch), steps = static_cast<double>(length);
  const double n = static_cast<double>(m.hidden_size), in = static_cast<double>(m.input_size);
  const double gates = 4 * n;  // LSTM
  // forward: input projection + recurrent product; backward: recurrent product + weight gradients.
  double macs = steps * b * gates * (in + n)            // forward
                + steps * b * gates * n                 // backward: W_hh^T dz (upper bound)
                + steps * b * gates * (in + n)          // weight gradients
                + 3 * steps * b * static_cast<double>(m.output_size) * n;  // readout fwd, bwd, grads
  if (m.cerebellum) {
    const double windows = static_cast<double>((length + truncation - 1) / truncation);
    const double s = 2 * n, h = static_cast<double>(m.cerebellar.hidden_size), k = static_cast<double>(m.cerebellar.layers);
    const double per_column = s * h + (k - 1) * h * h + h * s;  // one evaluation
    // once per boundary; the all-zero initial state is a single column (see dni/tbptt.tpp)
    macs += (windows * b + 1) * per_column;                            // forward
    macs += ((windows - 1) * b + 1) * (per_column + (per_column - s * h));  // weight + input grads (not layer 0)
  }
  return 2 * macs;
}

struct Case {
  const char* name;
  bool cerebellum;
  Index truncation;
};

}  // namespace

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 5;
  if (epochs < 2) {
    std::fprintf(stderr, "usage: ccrnn-bench-linedraw [epochs >= 2]  (the first epoch is a warm-up)\n");
    return 2;
  }
  const tasks::LineDrawing task(tasks::LineDrawingConfig{});
  const Index batch = 50, train_size = 800, length = task.config().length;
  std::printf("# ccrnn line drawing, 1 thread, %lld samples/epoch, batch %lld, LSTM N=50, cerebellum 2x400,"
              " median of %d epochs after a warm-up\n",
              static_cast<long long>(train_size), static_cast<long long>(batch), epochs - 1);
  std::printf("%-8s %4s %12s %12s %10s\n", "model", "T", "sec/epoch", "ms/batch", "GFLOP/s");
  for (const Case& c : {Case{"crnn", false, 1}, Case{"ccrnn", true, 1}, Case{"crnn", false, 10}, Case{"ccrnn", true, 10}}) {
    ModelConfig config;
    config.cerebellum = c.cerebellum;
    Model<float> model(config);
    model.initialise(1);
    TrainerConfig trainer_config;
    trainer_config.tbptt.truncation = c.truncation;
    Trainer<float> trainer(model, trainer_config);
    Rng rng(1, Stream::data);
    std::vector<double> seconds;
    for (int e = 0; e < epochs; ++e) {
      std::vector<Batch<float>> batches;  // data made outside the timed region, as the peer does
      for (Index i = 0; i < train_size / batch; ++i) batches.push_back(task.sample_batch<float>(rng, batch));
      const auto start = std::chrono::steady_clock::now();
      for (const auto& b : batches) trainer.train_batch(b);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::vector<double> timed(seconds.begin() + 1, seconds.end());
    std::nth_element(timed.begin(), timed.begin() + timed.size() / 2, timed.end());
    const double median = timed[timed.size() / 2];
    const double flops = flops_per_batch(config, batch, length, c.truncation) * static_cast<double>(train_size / batch);
    std::printf("%-8s %4lld %12.4f %12.3f %10.1f\n", c.name, static_cast<long long>(c.truncation), median,
                1e3 * median / static_cast<double>(train_size / batch), flops / median * 1e-9);
  }
  return 0;
}
