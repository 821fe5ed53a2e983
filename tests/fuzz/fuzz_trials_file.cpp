// libFuzzer harness: the trials file reader (load_trials, docs/trials-format.md) on HDF5 files whose
// structure and contents the fuzzer chooses (hdf5_from_bytes.hpp).
#include <ccrnn/tasks/trials/file.hpp>

#include "fuzz_support.hpp"
#include "hdf5_from_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> names{"train", "validation", "test", "inputs", "targets", "labels",
                                              "mask", "context", "classes", "description", "extra"};
  FuzzedDataProvider in(data, size);
  const std::string path = (ccrnn::fuzz::scratch_dir() / "trials.h5").string();
  ccrnn::fuzz::build_hdf5(path, in, names);
  ccrnn::fuzz::expect_clean_refusal([&] { ccrnn::tasks::load_trials(path); });
  return 0;
}
