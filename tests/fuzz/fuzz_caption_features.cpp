// libFuzzer harness: the caption feature HDF5 reader (read_features, docs/caption-data.md) on HDF5 files
// whose structure and contents the fuzzer chooses (hdf5_from_bytes.hpp); the expected width too.
#include <ccrnn/tasks/caption/data.hpp>

#include "fuzz_support.hpp"
#include "hdf5_from_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> names{"image_ids", "features", "extra"};
  FuzzedDataProvider in(data, size);
  const ccrnn::Index width = in.ConsumeIntegralInRange<ccrnn::Index>(0, 4);
  const std::string path = (ccrnn::fuzz::scratch_dir() / "features.h5").string();
  ccrnn::fuzz::build_hdf5(path, in, names);
  ccrnn::fuzz::expect_clean_refusal([&] { ccrnn::tasks::read_features(path, width); });
  return 0;
}
