// libFuzzer harness: the COCO caption JSON reader (read_coco_captions) and the COCO results reader
// (read_coco_results) on the same bytes.
#include <ccrnn/tasks/caption/data.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = ccrnn::fuzz::write_scratch("captions.json", data, size);
  ccrnn::fuzz::expect_clean_refusal([&] { ccrnn::tasks::read_coco_captions(path); });
  ccrnn::fuzz::expect_clean_refusal([&] { ccrnn::tasks::read_coco_results(path); });
  return 0;
}
