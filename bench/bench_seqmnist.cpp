// Times one training epoch of the sequential-MNIST tasks in the PyTorch peer's configuration (4800
// samples, batch 50, LSTM N=30, 28 steps x 28 inputs; drawing with feedback at every step, as the peer
// does by default; classification at the last step) for the cRNN and the ccRNN at T=1 and T=3, on one
// thread. Usage: ccrnn-bench-seqmnist [epochs=4] [cerebellum units=300] [cerebellum layers=1]
// Compare with the peer through bench/compare_torch.sh seqmnist.
#include <ccrnn/model.hpp>
#include <ccrnn/tasks/seqmnist.hpp>
#include <ccrnn/train/trainer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace ccrnn;

namespace {

/// Random images with labels i % 10: only the shapes matter for timing.
tasks::DigitImages random_images(Index n) {
  tasks::DigitImages images;
  Rng rng(7, Stream::data);
  images.pixels.resize(static_cast<std::size_t>(n * 28 * 28));
  for (auto& p : images.pixels) p = static_cast<float>(rng.uniform());
  for (Index i = 0; i < n; ++i) images.labels.push_back(static_cast<std::uint8_t>(i % 10));
  return images;
}

}  // namespace

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 4;
  const Index cerebellum_hidden = argc > 2 ? std::atoi(argv[2]) : 300;
  const Index cerebellum_layers = argc > 3 ? std::atoi(argv[3]) : 1;
  if (epochs < 2 || cerebellum_hidden < 1 || cerebellum_layers < 1) {
    std::fprintf(stderr, "usage: ccrnn-bench-seqmnist [epochs >= 2] [cerebellum units] [cerebellum layers]"
                         "  (the first epoch is a warm-up)\n");
    return 2;
  }
  const Index batch = 50, train_size = 4800;
  const tasks::DigitImages images = random_images(train_size);
  std::printf("# ccrnn seqMNIST, 1 thread, %lld samples/epoch, batch %lld, LSTM N=30, cerebellum %lldx%lld,"
              " median of %d epochs after a warm-up\n",
              static_cast<long long>(train_size), static_cast<long long>(batch), static_cast<long long>(cerebellum_layers),
              static_cast<long long>(cerebellum_hidden), epochs - 1);
  std::printf("%-8s %-6s %4s %12s %12s\n", "task", "model", "T", "sec/epoch", "ms/batch");
  for (auto target : {tasks::SeqMnistTarget::line, tasks::SeqMnistTarget::classify}) {
    const tasks::SeqMnist task(tasks::SeqMnistConfig{target, 1, 10.0});
    for (Index truncation : {1, 3}) {
      for (bool cerebellum : {false, true}) {
        ModelConfig config;
        config.input_size = 28;
        config.hidden_size = 30;
        config.output_size = task.output_size();
        config.cerebellum = cerebellum;
        config.cerebellar.hidden_size = cerebellum_hidden;
        config.cerebellar.layers = cerebellum_layers;
        Model<float> model(config);
        model.initialise(1);
        TrainerConfig trainer_config;
        trainer_config.tbptt.truncation = truncation;
        trainer_config.tbptt.loss = task.loss();
        Trainer<float> trainer(model, trainer_config);
        std::vector<Batch<float>> batches;  // made outside the timed region, as the peer does
        for (Index first = 0; first < train_size; first += batch) {
          std::vector<Index> indices(static_cast<std::size_t>(batch));
          for (Index j = 0; j < batch; ++j) indices[static_cast<std::size_t>(j)] = first + j;
          batches.push_back(task.make_batch<float>(images, indices, false));
        }
        std::vector<double> seconds;
        for (int e = 0; e < epochs; ++e) {
          const auto start = std::chrono::steady_clock::now();
          for (const auto& b : batches) trainer.train_batch(b);
          seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        std::vector<double> timed(seconds.begin() + 1, seconds.end());
        std::nth_element(timed.begin(), timed.begin() + timed.size() / 2, timed.end());
        const double median = timed[timed.size() / 2];
        std::printf("%-8s %-6s %4lld %12.4f %12.3f\n", target == tasks::SeqMnistTarget::line ? "draw" : "class",
                    cerebellum ? "ccrnn" : "crnn", static_cast<long long>(truncation), median,
                    1e3 * median / static_cast<double>(batches.size()));
      }
    }
  }
  return 0;
}
