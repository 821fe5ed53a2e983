// ccrnn-make-digits: writes the built-in procedural digit set as the four standard MNIST IDX files, so
// that the MNIST reader (and any other MNIST tool) can be run on full-size files without the real data.
#include "../common/cli.hpp"

#include <ccrnn/tasks/mnist_idx.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/version.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace ccrnn;
using namespace ccrnn::apps;

struct Options {
  std::string out;
  long long seed = 1;
  long long train = 60000;
  long long test = 10000;
  bool gzip = false;
  bool overwrite = false;
  bool quiet = false;
};

po::options_description describe(Options& o) {
  po::options_description options("Output");
  options.add_options()
      ("out", po::value(&o.out), "directory for the four files (required; created if missing)")
      ("seed", option_with_default(&o.seed), "seed of the procedural set: the same seed gives the same files")
      ("train", option_with_default(&o.train), "images in the training file (the reader keeps its last 12,000, or 20% if fewer "
                                                "than 60,000, for validation)")
      ("test", option_with_default(&o.test), "images in the test file")
      ("gzip", po::bool_switch(&o.gzip), "write gzip-compressed files (name.gz), as MNIST is distributed")
      ("overwrite", po::bool_switch(&o.overwrite), "replace existing files (also those of the other compression; "
                                                    "otherwise refuse)")
      ("quiet", po::bool_switch(&o.quiet), "no progress output");
  return options;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  po::options_description description = describe(options);
  po::variables_map vm;
  try {
    if (!parse_options(argc, argv, "ccrnn-make-digits",
                       "Writes the built-in procedural digit set (a stand-in for MNIST, not MNIST: 28x28 digits rendered\n"
                       "from stroke templates with random distortions) as the four standard MNIST IDX files:\n"
                       "  train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte\n"
                       "(with .gz appended under --gzip), so that programs taking an MNIST directory (and ccrnn's IDX\n"
                       "reader, on full-size files) can run without the real data. Each digit is its stroke template with\n"
                       "a random distortion, slant, rotation, size, offset, stroke width, blur and pixel noise; labels are\n"
                       "balanced. The same --seed gives the same files, whatever the number of threads. Files are\n"
                       "written atomically; existing ones are refused unless --overwrite.\n\n"
                       "Example: ccrnn-make-digits --out data/procedural-mnist --gzip",
                       description, vm))
      return exit_ok;
    if (options.out.empty()) throw UsageError("--out DIR is required");
    if (options.seed < 0) throw UsageError("--seed must be >= 0, got " + std::to_string(options.seed));
    require_at_least("train", static_cast<double>(options.train), 1);
    require_at_least("test", static_cast<double>(options.test), 1);
    constexpr long long idx_limit = 0xFFFFFFFFll;  // IDX counts are 32-bit
    if (options.train > idx_limit || options.test > idx_limit) throw UsageError("--train and --test must fit in 32 bits");
    std::error_code ec;
    if (std::filesystem::exists(options.out, ec) && !std::filesystem::is_directory(options.out, ec))
      throw UsageError("--out " + options.out + " exists and is not a directory");
    tasks::check_export_targets(options.out, options.gzip, options.overwrite);  // refuse now, not after the work
  } catch (const std::exception& e) {
    std::cerr << "ccrnn-make-digits: " << e.what() << "\nTry 'ccrnn-make-digits --help'.\n";
    return exit_usage;
  }

  try {
    const auto start = std::chrono::steady_clock::now();
    if (!options.quiet)
      std::fprintf(stderr, "ccrnn-make-digits %s: rendering %lld + %lld procedural digits (seed %lld)...\n", version_string,
                   options.train, options.test, options.seed);
    const tasks::MnistSplits splits =
        tasks::procedural_mnist(static_cast<std::uint64_t>(options.seed), options.train, options.test);
    const double rendered = seconds_since(start);
    if (!options.quiet) std::fprintf(stderr, "rendered in %.2f s; writing %s files...\n", rendered, options.gzip ? "gzip" : "IDX");
    tasks::export_idx(splits, options.out, options.gzip, options.overwrite);
    if (!options.quiet) {
      const std::string suffix = options.gzip ? ".gz" : "";
      for (const auto& name : tasks::mnist_file_names()) {
        const auto path = (std::filesystem::path(options.out) / (name + suffix)).string();
        std::fprintf(stderr, "  %s (%ju bytes)\n", path.c_str(), static_cast<std::uintmax_t>(std::filesystem::file_size(path)));
      }
      std::fprintf(stderr, "done in %.2f s: training file %lld images (read back as %td training + %td validation), "
                   "test file %lld images; source %s\n",
                   seconds_since(start), options.train, splits.train.count(), splits.validation.count(), options.test,
                   splits.source.c_str());
    }
  } catch (const std::exception& e) {
    std::cerr << "ccrnn-make-digits: " << e.what() << "\n";
    return exit_failure;
  }
  return exit_ok;
}
