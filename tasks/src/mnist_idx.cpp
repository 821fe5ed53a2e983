#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/tasks/mnist_idx.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace ccrnn::tasks {
namespace {

using Bytes = std::vector<unsigned char>;

constexpr Index mnist_rows = 28, mnist_cols = 28;
constexpr std::size_t images_header = 16, labels_header = 8;
constexpr uInt zlib_chunk = 1u << 30;  // zlib counts in 32-bit uInt: feed it at most this much at a time

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

std::string bytes_text(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

std::uint32_t read_be32(const Bytes& bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) | (std::uint32_t{bytes[at + 2]} << 8) |
         std::uint32_t{bytes[at + 3]};
}

void append_be32(Bytes& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<unsigned char>(value >> shift));
}

bool is_gzip(const Bytes& bytes, std::size_t at = 0) {
  return bytes.size() >= at + 2 && bytes[at] == 0x1f && bytes[at + 1] == 0x8b;
}

// Ends a zlib stream on every path out of a function, exceptions included.
struct InflateGuard {
  z_stream* z;
  ~InflateGuard() { inflateEnd(z); }
};
struct DeflateGuard {
  z_stream* z;
  ~DeflateGuard() { deflateEnd(z); }
};

/// The decompressed contents of a gzip file (several concatenated members are allowed, as gzip does).
Bytes gunzip(const Bytes& in, const std::string& path) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error(path + ": cannot initialise zlib");
  InflateGuard guard{&z};
  Bytes out(std::max<std::size_t>(4 * in.size(), 1 << 16));
  std::size_t produced = 0;
  z.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct; it never writes input
  for (;;) {
    const auto consumed = static_cast<std::size_t>(z.next_in - in.data());
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size() - consumed, zlib_chunk));
    if (produced == out.size()) out.resize(2 * out.size());
    const auto room = static_cast<uInt>(std::min<std::size_t>(out.size() - produced, zlib_chunk));
    z.next_out = out.data() + produced;
    z.avail_out = room;
    const int status = inflate(&z, Z_NO_FLUSH);
    produced += room - z.avail_out;
    const auto used = static_cast<std::size_t>(z.next_in - in.data());
    if (status == Z_STREAM_END) {
      if (used == in.size()) break;
      if (is_gzip(in, used)) {  // another gzip member follows
        inflateReset(&z);
        continue;
      }
      throw DataError(path + ": " + bytes_text(in.size() - used) + " of trailing garbage after the gzip data");
    }
    if (status == Z_OK) continue;
    if (status == Z_BUF_ERROR && used == in.size())
      throw DataError(path + ": corrupt gzip file: the compressed data ends early (truncated file?)");
    if (status == Z_BUF_ERROR) continue;  // needs more output room: the loop grows the buffer
    throw DataError(path + ": corrupt gzip file (" + (z.msg ? std::string(z.msg) : "zlib error " + std::to_string(status)) + ")");
  }
  out.resize(produced);
  return out;
}

struct FileBytes {
  Bytes data;
  bool gzip = false;
  /// Names what the sizes in messages refer to.
  std::string what() const { return gzip ? "the decompressed data has" : "the file has"; }
};

FileBytes read_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw DataError(path + ": no such file");
  if (fs::is_directory(status)) throw DataError(path + ": is a directory, not an IDX file");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw DataError(path + ": cannot open for reading");
  FileBytes result;
  file.seekg(0, std::ios::end);
  const std::streamoff size = file.tellg();
  file.seekg(0, std::ios::beg);
  if (size < 0) throw DataError(path + ": cannot determine the file size");
  result.data.resize(static_cast<std::size_t>(size));
  file.read(reinterpret_cast<char*>(result.data.data()), size);
  if (file.gcount() != size) throw DataError(path + ": read error");
  if (is_gzip(result.data)) {
    result.data = gunzip(result.data, path);
    result.gzip = true;
  }
  return result;
}

void check_magic(const FileBytes& file, const std::string& path, std::uint32_t expected) {
  const bool images = expected == idx_images_magic;
  const std::string kind = images ? "IDX image file" : "IDX label file";
  if (file.data.size() < 4)
    throw DataError(path + ": too short for an " + kind + " (" + bytes_text(file.data.size()) + ")");
  const std::uint32_t magic = read_be32(file.data, 0);
  if (magic == expected) return;
  std::string hint;
  if (magic == idx_labels_magic) hint = "; this is an IDX label file";
  if (magic == idx_images_magic) hint = "; this is an IDX image file";
  throw DataError(path + ": wrong magic number " + hex32(magic) + ", expected " + hex32(expected) + " for an " + kind + hint);
}

/// Checks that the data holds exactly header + payload bytes.
void check_size(const FileBytes& file, const std::string& path, std::size_t header, std::uint64_t payload,
                const std::string& promise) {
  const std::uint64_t expected = header + payload;
  const std::uint64_t actual = file.data.size();
  if (actual < expected)
    throw DataError(path + ": truncated: the header promises " + promise + " (" + std::to_string(expected) + " bytes), but " +
                    file.what() + " only " + std::to_string(actual));
  if (actual > expected)
    throw DataError(path + ": " + bytes_text(actual - expected) + " of trailing garbage after the " + promise +
                    " the header declares");
}

DigitImages read_images(const std::string& path) {
  const FileBytes file = read_file(path);
  check_magic(file, path, idx_images_magic);
  if (file.data.size() < images_header)
    throw DataError(path + ": truncated header: " + file.what() + " " + std::to_string(file.data.size()) +
                    " bytes, an IDX image header needs " + std::to_string(images_header));
  const std::uint32_t count = read_be32(file.data, 4), rows = read_be32(file.data, 8), cols = read_be32(file.data, 12);
  if (rows != mnist_rows || cols != mnist_cols)
    throw DataError(path + ": wrong image dimensions " + std::to_string(rows) + "x" + std::to_string(cols) + ", expected 28x28");
  const std::uint64_t image_bytes = std::uint64_t{rows} * cols;
  check_size(file, path, images_header, std::uint64_t{count} * image_bytes, std::to_string(count) + " images of 28x28");
  // Byte b means b/255; a table keeps the conversion exact and cheap.
  std::array<float, 256> value{};
  for (int b = 0; b < 256; ++b) value[static_cast<std::size_t>(b)] = static_cast<float>(b) / 255.0f;
  DigitImages images;
  images.rows = rows;
  images.cols = cols;
  images.pixels.resize(static_cast<std::size_t>(count * image_bytes));
  for (std::size_t i = 0; i < images.pixels.size(); ++i) images.pixels[i] = value[file.data[images_header + i]];
  return images;
}

std::vector<std::uint8_t> read_labels(const std::string& path) {
  const FileBytes file = read_file(path);
  check_magic(file, path, idx_labels_magic);
  if (file.data.size() < labels_header)
    throw DataError(path + ": truncated header: " + file.what() + " " + std::to_string(file.data.size()) +
                    " bytes, an IDX label header needs " + std::to_string(labels_header));
  const std::uint32_t count = read_be32(file.data, 4);
  check_size(file, path, labels_header, count, std::to_string(count) + " labels");
  std::vector<std::uint8_t> labels(file.data.begin() + labels_header, file.data.end());
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] > 9)
      throw DataError(path + ": label " + std::to_string(labels[i]) + " of item " + std::to_string(i) + " is outside 0-9");
  return labels;
}

std::uint32_t idx_count(Index value, const std::string& what) {
  if (value < 0 || static_cast<std::uint64_t>(value) > UINT32_MAX)
    throw std::invalid_argument("IDX writer: " + what + " " + std::to_string(value) + " does not fit the format");
  return static_cast<std::uint32_t>(value);
}

Bytes images_to_idx(const DigitImages& images) {
  Bytes bytes;
  bytes.reserve(images_header + images.pixels.size());
  append_be32(bytes, idx_images_magic);
  append_be32(bytes, idx_count(images.count(), "image count"));
  append_be32(bytes, idx_count(images.rows, "row count"));
  append_be32(bytes, idx_count(images.cols, "column count"));
  for (float p : images.pixels) bytes.push_back(static_cast<unsigned char>(std::lround(255.0f * p)));
  return bytes;
}

Bytes labels_to_idx(const DigitImages& images) {
  Bytes bytes;
  bytes.reserve(labels_header + images.labels.size());
  append_be32(bytes, idx_labels_magic);
  append_be32(bytes, idx_count(images.count(), "label count"));
  bytes.insert(bytes.end(), images.labels.begin(), images.labels.end());
  return bytes;
}

void write_bytes(const Bytes& bytes, const std::string& path, bool gzip) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error(path + ": cannot open for writing");
  if (!gzip) {
    file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  } else {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error(path + ": cannot initialise zlib");
    DeflateGuard guard{&z};
    std::vector<unsigned char> chunk(1 << 18);
    std::size_t given = 0;
    z.next_in = const_cast<Bytef*>(bytes.data());
    int status = Z_OK;
    while (status != Z_STREAM_END) {
      if (z.avail_in == 0 && given < bytes.size()) {
        z.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size() - given, zlib_chunk));
        given += z.avail_in;
      }
      z.next_out = chunk.data();
      z.avail_out = static_cast<uInt>(chunk.size());
      status = deflate(&z, given == bytes.size() ? Z_FINISH : Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR)
        throw std::runtime_error(path + ": gzip compression failed (zlib error " + std::to_string(status) + ")");
      file.write(reinterpret_cast<const char*>(chunk.data()), static_cast<std::streamsize>(chunk.size() - z.avail_out));
    }
  }
  file.close();
  if (!file) throw std::runtime_error(path + ": write error (disk full?)");
}

std::string in_dir(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

}  // namespace

const std::array<std::string, 4>& mnist_file_names() {
  static const std::array<std::string, 4> names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
  return names;
}

DigitImages read_idx(const std::string& images_path, const std::string& labels_path) {
  DigitImages images = read_images(images_path);
  images.labels = read_labels(labels_path);
  const Index image_count = static_cast<Index>(images.pixels.size()) / images.image_size();
  if (image_count != images.count())
    throw DataError(images_path + " holds " + std::to_string(image_count) + " images but " + labels_path + " holds " +
                    std::to_string(images.count()) + " labels; they must match one to one");
  return images;
}

std::string find_idx_file(const std::string& dir, const std::string& name) {
  std::error_code ec;
  for (const std::string& candidate : {in_dir(dir, name), in_dir(dir, name + ".gz")})
    if (fs::exists(candidate, ec)) return candidate;
  throw DataError(in_dir(dir, name) + ": missing MNIST file (neither " + name + " nor " + name + ".gz is in " + dir + ")");
}

MnistSplits split_training_set(DigitImages train60k, DigitImages test) {
  check_consistent(train60k);
  check_consistent(test);
  if (train60k.rows != test.rows || train60k.cols != test.cols)
    throw std::invalid_argument("split_training_set: training and test images differ in size");
  const Index n = train60k.count();
  const Index validation = std::min<Index>(12000, n / 5);
  MnistSplits splits;
  splits.validation = slice(train60k, n - validation, validation);
  train60k.pixels.resize(static_cast<std::size_t>((n - validation) * train60k.image_size()));
  train60k.labels.resize(static_cast<std::size_t>(n - validation));
  splits.train = std::move(train60k);
  splits.test = std::move(test);
  return splits;
}

MnistSplits load_mnist_dir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw DataError(dir + ": no such directory (expected the four MNIST IDX files in it)");
  std::vector<std::string> paths;  // found in the standard order, so the first missing file is reported
  for (const std::string& name : mnist_file_names()) paths.push_back(find_idx_file(dir, name));
  DigitImages train = read_idx(paths[0], paths[1]);
  DigitImages test = read_idx(paths[2], paths[3]);
  MnistSplits splits = split_training_set(std::move(train), std::move(test));
  splits.source = "idx:" + dir;
  return splits;
}

namespace {

struct IdxPair {
  const DigitImages* images;
  std::string images_path, labels_path;
};

// Every target is claimed (and refused if it exists without overwrite) before anything is written, and
// nothing is renamed into place before everything is written.
void write_pairs(const std::vector<IdxPair>& pairs, bool gzip, bool overwrite) {
  for (const auto& pair : pairs) check_consistent(*pair.images);
  std::vector<io::AtomicOutput> outputs;
  outputs.reserve(2 * pairs.size());
  for (const auto& pair : pairs) {
    outputs.emplace_back(pair.images_path, overwrite);
    outputs.emplace_back(pair.labels_path, overwrite);
  }
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    write_bytes(images_to_idx(*pairs[i].images), outputs[2 * i].temp_path(), gzip);
    write_bytes(labels_to_idx(*pairs[i].images), outputs[2 * i + 1].temp_path(), gzip);
  }
  for (auto& output : outputs) output.commit();
}

}  // namespace

void write_idx(const DigitImages& images, const std::string& images_path, const std::string& labels_path, bool gzip,
               bool overwrite) {
  write_pairs({{&images, images_path, labels_path}}, gzip, overwrite);
}

void check_export_targets(const std::string& dir, bool gzip, bool overwrite) {
  if (overwrite) return;
  std::error_code ec;
  for (const std::string& name : mnist_file_names())
    for (const std::string& path : {in_dir(dir, name + (gzip ? ".gz" : "")), in_dir(dir, name + (gzip ? "" : ".gz"))})
      if (fs::exists(path, ec)) throw std::runtime_error(path + " exists; pass --overwrite to replace it");
}

void export_idx(const MnistSplits& splits, const std::string& dir, bool gzip, bool overwrite) {
  check_export_targets(dir, gzip, overwrite);
  const auto& names = mnist_file_names();
  const std::string suffix = gzip ? ".gz" : "";
  const DigitImages train = concatenate(splits.train, splits.validation);
  write_pairs({{&train, in_dir(dir, names[0] + suffix), in_dir(dir, names[1] + suffix)},
               {&splits.test, in_dir(dir, names[2] + suffix), in_dir(dir, names[3] + suffix)}},
              gzip, overwrite);
  if (!overwrite) return;
  // A file of the other compression would shadow (plain) or sit beside (.gz) the new one: remove it.
  std::error_code ec;
  for (const std::string& name : names) fs::remove(in_dir(dir, name + (gzip ? "" : ".gz")), ec);
}

}  // namespace ccrnn::tasks
