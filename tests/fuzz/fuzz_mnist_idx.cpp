// libFuzzer harness: the MNIST IDX reader (read_idx), plain and gzip-compressed.
// Input layout: byte 0 chooses the encoding of each file (bit 0: gzip the images, bit 1: gzip the labels);
// bytes 1-2 (big-endian) are the length of the label file; the rest is the image file then the label
// file. Compressing here lets the fuzzer explore the IDX structure behind the gzip path too (mutating a
// compressed file directly mostly breaks its CRC); corrupt gzip streams come from the seed corpus.
#include <ccrnn/tasks/mnist_idx.hpp>

#include <zlib.h>

#include <algorithm>
#include <vector>

#include "fuzz_support.hpp"

namespace {

std::vector<std::uint8_t> gzipped(const std::uint8_t* data, std::size_t size) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::vector<std::uint8_t> out(deflateBound(&z, static_cast<uLong>(size)) + 32);
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string write_maybe_gzipped(const std::string& name, const std::uint8_t* data, std::size_t size, bool gzip) {
  if (!gzip) return ccrnn::fuzz::write_scratch(name, data, size);
  const std::vector<std::uint8_t> packed = gzipped(data, size);
  return ccrnn::fuzz::write_scratch(name + ".gz", packed.data(), packed.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t label_bytes = std::min<std::size_t>((std::size_t{data[1]} << 8) | data[2], size - 3);
  const std::uint8_t* images = data + 3;
  const std::size_t image_bytes = size - 3 - label_bytes;
  const std::string images_path = write_maybe_gzipped("images-idx3-ubyte", images, image_bytes, mode & 1);
  const std::string labels_path = write_maybe_gzipped("labels-idx1-ubyte", images + image_bytes, label_bytes, mode & 2);
  ccrnn::fuzz::expect_clean_refusal([&] { ccrnn::tasks::read_idx(images_path, labels_path); });
  return 0;
}
