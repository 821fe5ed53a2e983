// libFuzzer harness: the results reader behind ccrnn-report (read_stored_results, task_summary_scalars,
// print_report, print_curve) on HDF5 files whose structure and contents the fuzzer chooses
// (hdf5_from_bytes.hpp), with the names of a task executable's and a sweep's files (docs/results-format.md).
#include <ccrnn/io/hdf5_file.hpp>

#include "../../apps/common/report.hpp"
#include "fuzz_support.hpp"
#include "hdf5_from_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> names{
      "runs", "crnn", "ccrnn", "bptt", "seed_1", "seed_2", "r0", "r1", "task", "linedraw", "seqmnist", "caption",
      "trials", "primary_scalar", "final_train_error", "train_error", "val_error", "test_error", "seed", "model",
      "condition", "option_names", "hidden", "epochs", "T", "weights"};
  static std::FILE* const sink = std::fopen("/dev/null", "w");
  FuzzedDataProvider in(data, size);
  const std::string curve = in.ConsumeBool() ? "train_error" : "val_error";
  const std::string path = (ccrnn::fuzz::scratch_dir() / "results.h5").string();
  ccrnn::fuzz::build_hdf5(path, in, names);
  ccrnn::fuzz::expect_clean_refusal([&] {
    const auto file = ccrnn::io::File::open_read(path);
    const auto results = ccrnn::apps::read_stored_results(file);
    ccrnn::apps::print_report(results, sink, ccrnn::apps::task_summary_scalars(file, results));
    ccrnn::apps::print_curve(results, curve, sink);
  });
  return 0;
}
