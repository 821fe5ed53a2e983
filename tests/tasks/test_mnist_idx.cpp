// MNIST IDX files: reading (plain and gzip), every kind of corrupt file, writing, the split rule and the
// export of a whole set. The test builds its own IDX and gzip bytes, independently of the writer.
#include <ccrnn/tasks/mnist_idx.hpp>

#include <catch2/catch.hpp>

#include "support/scratch_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ccrnn;
using namespace ccrnn::tasks;
using Catch::Matchers::Contains;

namespace {

using Bytes = std::vector<unsigned char>;

using ccrnn::testing::ScratchDir;

void put_be32(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<unsigned char>(v >> 24));
  b.push_back(static_cast<unsigned char>(v >> 16));
  b.push_back(static_cast<unsigned char>(v >> 8));
  b.push_back(static_cast<unsigned char>(v));
}

/// The byte of pixel p of image i in our test files: varied, and covering 0 and 255.
unsigned char pixel_byte(std::uint32_t i, std::uint32_t p) { return static_cast<unsigned char>((i * 101 + p * 7) % 256); }

Bytes image_file(std::uint32_t count, std::uint32_t rows = 28, std::uint32_t cols = 28) {
  Bytes b;
  put_be32(b, 0x00000803);
  put_be32(b, count);
  put_be32(b, rows);
  put_be32(b, cols);
  for (std::uint32_t i = 0; i < count; ++i)
    for (std::uint32_t p = 0; p < rows * cols; ++p) b.push_back(pixel_byte(i, p));
  return b;
}

Bytes label_file(const Bytes& labels) {
  Bytes b;
  put_be32(b, 0x00000801);
  put_be32(b, static_cast<std::uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

std::uint32_t crc32(const Bytes& data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

/// A gzip file by hand (RFC 1952) with "stored" deflate blocks (RFC 1951), so it does not depend on zlib.
Bytes gzip_stored(const Bytes& data) {
  Bytes g = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(data.size() - at, 65535);
    const bool last = at + n == data.size();
    g.push_back(last ? 1 : 0);  // BFINAL, BTYPE = 00 (stored)
    g.push_back(static_cast<unsigned char>(n & 0xFF));
    g.push_back(static_cast<unsigned char>(n >> 8));
    g.push_back(static_cast<unsigned char>(~n & 0xFF));
    g.push_back(static_cast<unsigned char>((~n >> 8) & 0xFF));
    g.insert(g.end(), data.begin() + static_cast<long>(at), data.begin() + static_cast<long>(at + n));
    at += n;
  } while (at < data.size());
  const std::uint32_t crc = crc32(data), size = static_cast<std::uint32_t>(data.size());
  for (int k = 0; k < 4; ++k) g.push_back(static_cast<unsigned char>(crc >> (8 * k)));
  for (int k = 0; k < 4; ++k) g.push_back(static_cast<unsigned char>(size >> (8 * k)));
  return g;
}

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The message of the DataError f throws ("" if it throws none; any other exception fails the test).
std::string data_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

void check_test_images(const DigitImages& images, const Bytes& labels) {
  REQUIRE(images.count() == static_cast<Index>(labels.size()));
  REQUIRE(images.rows == 28);
  REQUIRE(images.cols == 28);
  REQUIRE(images.pixels.size() == labels.size() * 784);
  for (std::uint32_t i = 0; i < labels.size(); ++i) {
    CHECK(images.labels[i] == labels[i]);
    for (std::uint32_t p = 0; p < 784; ++p)
      if (images.pixels[i * 784 + p] != static_cast<float>(pixel_byte(i, p)) / 255.0f) {
        FAIL_CHECK("image " << i << " pixel " << p << " is " << images.pixels[i * 784 + p]);
        return;
      }
  }
}

/// n images of 1x1 pixels whose label and pixel encode their index, for the split rule.
DigitImages numbered(Index n) {
  DigitImages images;
  images.rows = images.cols = 1;
  for (Index i = 0; i < n; ++i) {
    images.labels.push_back(static_cast<std::uint8_t>(i % 10));
    images.pixels.push_back(static_cast<float>(i) / static_cast<float>(n));
  }
  return images;
}

}  // namespace

TEST_CASE("mnist idx: plain and gzip files are read, gzip recognised by its magic bytes", "[tasks]") {
  ScratchDir dir;
  const Bytes labels = {3, 0, 9, 7};
  const Bytes images = image_file(4), label_bytes = label_file(labels);
  // Plain files; gzip files under .gz names; gzip files under plain names; plain files under .gz names.
  write_file(dir.file("plain-images"), images);
  write_file(dir.file("plain-labels"), label_bytes);
  write_file(dir.file("images.gz"), gzip_stored(images));
  write_file(dir.file("labels.gz"), gzip_stored(label_bytes));
  write_file(dir.file("gzip-named-plain"), gzip_stored(images));
  write_file(dir.file("plain-named.gz"), label_bytes);
  check_test_images(read_idx(dir.file("plain-images"), dir.file("plain-labels")), labels);
  check_test_images(read_idx(dir.file("images.gz"), dir.file("labels.gz")), labels);
  check_test_images(read_idx(dir.file("gzip-named-plain"), dir.file("plain-named.gz")), labels);

  // Several concatenated gzip members are one file, as for gzip(1); and more than one stored block.
  Bytes two_members = gzip_stored(Bytes(images.begin(), images.begin() + 1000));
  const Bytes rest = gzip_stored(Bytes(images.begin() + 1000, images.end()));
  two_members.insert(two_members.end(), rest.begin(), rest.end());
  write_file(dir.file("two-members"), two_members);
  check_test_images(read_idx(dir.file("two-members"), dir.file("plain-labels")), labels);
  const Bytes many = image_file(100);  // 78,416 bytes: two stored blocks
  write_file(dir.file("many.gz"), gzip_stored(many));
  write_file(dir.file("many-labels"), label_file(Bytes(100, 5)));
  const DigitImages hundred = read_idx(dir.file("many.gz"), dir.file("many-labels"));
  CHECK(hundred.count() == 100);
  CHECK(hundred.pixels[99 * 784 + 783] == static_cast<float>(pixel_byte(99, 783)) / 255.0f);

  // An empty set is a valid file.
  write_file(dir.file("empty-images"), image_file(0));
  write_file(dir.file("empty-labels"), label_file({}));
  CHECK(read_idx(dir.file("empty-images"), dir.file("empty-labels")).count() == 0);
}

TEST_CASE("mnist idx: every kind of bad file raises DataError naming the file and the problem", "[tasks]") {
  ScratchDir dir;
  const Bytes good_labels = label_file({1, 2, 3});
  write_file(dir.file("labels"), good_labels);
  write_file(dir.file("images"), image_file(3));
  REQUIRE(read_idx(dir.file("images"), dir.file("labels")).count() == 3);
  const auto images_error = [&](const std::string& name, const Bytes& bytes) {
    write_file(dir.file(name), bytes);
    return data_error([&] { read_idx(dir.file(name), dir.file("labels")); });
  };
  const auto labels_error = [&](const std::string& name, const Bytes& bytes) {
    write_file(dir.file(name), bytes);
    return data_error([&] { read_idx(dir.file("images"), dir.file(name)); });
  };

  SECTION("missing file") {
    CHECK_THAT(data_error([&] { read_idx(dir.file("nothing"), dir.file("labels")); }),
               Contains(dir.file("nothing")) && Contains("no such file"));
    CHECK_THAT(data_error([&] { read_idx(dir.file("images"), dir.file("nolabels")); }),
               Contains(dir.file("nolabels")) && Contains("no such file"));
    CHECK_THAT(data_error([&] { find_idx_file(dir.path().string(), "t10k-images-idx3-ubyte"); }),
               Contains(dir.file("t10k-images-idx3-ubyte")) && Contains("t10k-images-idx3-ubyte.gz") && Contains("missing"));
    CHECK_THAT(data_error([&] { load_mnist_dir(dir.file("no-such-dir")); }),
               Contains(dir.file("no-such-dir")) && Contains("no such directory"));
    CHECK_THAT(data_error([&] { load_mnist_dir(dir.path().string()); }), Contains("train-images-idx3-ubyte") && Contains("missing"));
  }
  SECTION("wrong magic number") {
    CHECK_THAT(images_error("swapped", good_labels),
               Contains(dir.file("swapped")) && Contains("wrong magic number 0x00000801") && Contains("0x00000803"));
    CHECK_THAT(labels_error("swapped-labels", image_file(3)),
               Contains(dir.file("swapped-labels")) && Contains("wrong magic number 0x00000803") && Contains("0x00000801"));
    Bytes text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!', '!', '!', '!'};
    CHECK_THAT(images_error("text", text), Contains(dir.file("text")) && Contains("wrong magic number 0x68656c6c"));
    CHECK_THAT(images_error("tiny", {0, 0}), Contains(dir.file("tiny")) && Contains("too short"));
  }
  SECTION("wrong dimensions") {
    CHECK_THAT(images_error("27x28", image_file(3, 27, 28)),
               Contains(dir.file("27x28")) && Contains("wrong image dimensions 27x28") && Contains("expected 28x28"));
    CHECK_THAT(images_error("28x32", image_file(3, 28, 32)), Contains(dir.file("28x32")) && Contains("28x32"));
  }
  SECTION("truncated file") {
    Bytes short_images = image_file(3);
    short_images.pop_back();
    CHECK_THAT(images_error("short", short_images),
               Contains(dir.file("short")) && Contains("truncated") && Contains("3 images") && Contains("2367"));
    const Bytes whole = image_file(3);
    CHECK_THAT(images_error("header", Bytes(whole.begin(), whole.begin() + 10)),
               Contains(dir.file("header")) && Contains("truncated header"));
    Bytes short_labels = good_labels;
    short_labels.pop_back();
    CHECK_THAT(labels_error("short-labels", short_labels),
               Contains(dir.file("short-labels")) && Contains("truncated") && Contains("3 labels"));
    // Truncated inside a gzip file, the decompressed data is what is short.
    CHECK_THAT(images_error("short.gz", gzip_stored(short_images)),
               Contains(dir.file("short.gz")) && Contains("truncated") && Contains("decompressed"));
  }
  SECTION("trailing garbage") {
    Bytes long_images = image_file(3);
    long_images.insert(long_images.end(), {1, 2, 3});
    CHECK_THAT(images_error("long", long_images), Contains(dir.file("long")) && Contains("3 bytes of trailing garbage"));
    Bytes long_labels = good_labels;
    long_labels.push_back(4);
    CHECK_THAT(labels_error("long-labels", long_labels),
               Contains(dir.file("long-labels")) && Contains("1 byte of trailing garbage"));
  }
  SECTION("corrupt gzip") {
    const Bytes gz = gzip_stored(image_file(3));
    Bytes flipped = gz;
    flipped[100] ^= 0x40;  // a data byte: the CRC no longer matches
    CHECK_THAT(images_error("flipped.gz", flipped), Contains(dir.file("flipped.gz")) && Contains("corrupt gzip"));
    Bytes bad_block = gz;
    bad_block[12] ^= 0xFF;  // the stored block's length no longer matches its complement
    CHECK_THAT(images_error("block.gz", bad_block), Contains(dir.file("block.gz")) && Contains("corrupt gzip"));
    const Bytes cut(gz.begin(), gz.begin() + static_cast<long>(gz.size() / 2));
    CHECK_THAT(images_error("cut.gz", cut), Contains(dir.file("cut.gz")) && Contains("corrupt gzip") && Contains("ends early"));
    const Bytes header_only(gz.begin(), gz.begin() + 10);
    CHECK_THAT(images_error("header.gz", header_only), Contains(dir.file("header.gz")) && Contains("corrupt gzip"));
    Bytes trailing = gz;
    trailing.insert(trailing.end(), {0, 0, 0});
    CHECK_THAT(images_error("trailing.gz", trailing),
               Contains(dir.file("trailing.gz")) && Contains("3 bytes of trailing garbage after the gzip data"));
  }
  SECTION("image and label counts differ") {
    CHECK_THAT(labels_error("four-labels", label_file({1, 2, 3, 4})),
               Contains(dir.file("images")) && Contains(dir.file("four-labels")) && Contains("3 images") && Contains("4 labels"));
  }
  SECTION("labels outside 0-9") {
    CHECK_THAT(labels_error("label-10", label_file({1, 10, 3})),
               Contains(dir.file("label-10")) && Contains("label 10 of item 1") && Contains("outside 0-9"));
    CHECK_THAT(labels_error("label-255", label_file({1, 2, 255})), Contains(dir.file("label-255")) && Contains("label 255"));
  }
  SECTION("a directory is not a file") {
    fs::create_directories(dir.file("subdir"));
    CHECK_THAT(data_error([&] { read_idx(dir.file("subdir"), dir.file("labels")); }),
               Contains(dir.file("subdir")) && Contains("directory"));
  }
}

TEST_CASE("mnist idx: the split keeps the last 12,000 (or last 20%) training images for validation", "[tasks]") {
  const auto check_split = [](Index n, Index expected_validation) {
    const DigitImages file = numbered(n);
    const MnistSplits s = split_training_set(file, numbered(7));
    REQUIRE(s.validation.count() == expected_validation);
    REQUIRE(s.train.count() == n - expected_validation);
    CHECK(s.test.count() == 7);
    // Order kept: training = the first images, validation = the last ones.
    for (Index i = 0; i < n; ++i) {
      const bool in_train = i < n - expected_validation;
      const auto& set = in_train ? s.train : s.validation;
      const Index j = in_train ? i : i - (n - expected_validation);
      if (set.pixels[static_cast<std::size_t>(j)] != file.pixels[static_cast<std::size_t>(i)] ||
          set.labels[static_cast<std::size_t>(j)] != file.labels[static_cast<std::size_t>(i)]) {
        FAIL_CHECK("image " << i << " moved in a split of " << n);
        return;
      }
    }
  };
  check_split(60000, 12000);
  check_split(70000, 12000);  // a larger training file still gives 12,000 validation images
  check_split(100, 20);
  check_split(999, 199);
  check_split(7, 1);
  check_split(4, 0);
  DigitImages wrong_size = numbered(5);
  wrong_size.rows = 2;  // 5 pixels for 5 images of 2x1: inconsistent
  CHECK_THROWS_AS(split_training_set(wrong_size, numbered(2)), std::invalid_argument);
}

TEST_CASE("mnist idx: what the writer writes, the reader reads back", "[tasks]") {
  ScratchDir dir;
  DigitImages images;
  for (int i = 0; i < 5; ++i) {
    images.labels.push_back(static_cast<std::uint8_t>((i * 3) % 10));
    for (int p = 0; p < 784; ++p) images.pixels.push_back(static_cast<float>((i * 37 + p * 11) % 256) / 255.0f);
  }
  for (const bool gzip : {false, true}) {
    const std::string suffix = gzip ? ".gz" : "";
    write_idx(images, dir.file("img" + suffix), dir.file("lab" + suffix), gzip);
    const Bytes start = read_file(dir.file("img" + suffix));
    REQUIRE(start.size() > 2);
    CHECK((start[0] == 0x1f && start[1] == 0x8b) == gzip);
    const DigitImages back = read_idx(dir.file("img" + suffix), dir.file("lab" + suffix));
    CHECK(back.pixels == images.pixels);  // bitwise: pixels were already multiples of 1/255
    CHECK(back.labels == images.labels);
    CHECK(back.rows == 28);
    CHECK(back.cols == 28);
    // Existing files are refused without overwrite, replaced with it.
    CHECK_THROWS_WITH(write_idx(images, dir.file("img" + suffix), dir.file("other" + suffix), gzip),
                      Contains(dir.file("img" + suffix)) && Contains("exists"));
    CHECK_FALSE(fs::exists(dir.file("other" + suffix)));  // nothing written when a target is refused
    CHECK_NOTHROW(write_idx(images, dir.file("img" + suffix), dir.file("lab" + suffix), gzip, true));
  }
  // The plain file is exactly the IDX layout.
  const Bytes plain = read_file(dir.file("img"));
  Bytes expected;
  put_be32(expected, 0x803);
  put_be32(expected, 5);
  put_be32(expected, 28);
  put_be32(expected, 28);
  for (float p : images.pixels) expected.push_back(static_cast<unsigned char>(p * 255.0f + 0.5f));
  CHECK(plain == expected);

  // Pixels between byte levels are rounded to the nearest one.
  DigitImages rounded = images;
  rounded.pixels[0] = 0.5f;                  // 127.5 -> 128
  rounded.pixels[1] = 0.3f / 255.0f;         // -> 0
  rounded.pixels[2] = 254.7f / 255.0f;       // -> 255
  write_idx(rounded, dir.file("rounded"), dir.file("rounded-labels"), false);
  const DigitImages back = read_idx(dir.file("rounded"), dir.file("rounded-labels"));
  CHECK(back.pixels[0] == 128.0f / 255.0f);
  CHECK(back.pixels[1] == 0.0f);
  CHECK(back.pixels[2] == 1.0f);

  // Inconsistent sets are programming errors.
  DigitImages bad = images;
  bad.labels[0] = 10;
  CHECK_THROWS_AS(write_idx(bad, dir.file("x"), dir.file("y"), false), std::invalid_argument);
  bad = images;
  bad.pixels[3] = 1.5f;
  CHECK_THROWS_AS(write_idx(bad, dir.file("x"), dir.file("y"), false), std::invalid_argument);
  bad = images;
  bad.pixels.pop_back();
  CHECK_THROWS_AS(write_idx(bad, dir.file("x"), dir.file("y"), false), std::invalid_argument);
  CHECK_FALSE(fs::exists(dir.file("x")));
}

TEST_CASE("mnist idx: export_idx writes the four standard files and load_mnist_dir reads them back", "[tasks]") {
  ScratchDir dir;
  // 10 training-file images (8 train + 2 validation by the split rule) and 3 test images, 28x28.
  const auto make = [](Index n, int offset) {
    DigitImages images;
    for (Index i = 0; i < n; ++i) {
      images.labels.push_back(static_cast<std::uint8_t>((i + offset) % 10));
      for (int p = 0; p < 784; ++p)
        images.pixels.push_back(static_cast<float>((i * 13 + p + offset) % 256) / 255.0f);
    }
    return images;
  };
  const MnistSplits splits = split_training_set(make(10, 0), make(3, 5));
  REQUIRE(splits.train.count() == 8);

  for (const bool gzip : {false, true}) {
    const std::string out = dir.file(gzip ? "gz" : "plain");
    export_idx(splits, out, gzip);
    for (const auto& name : mnist_file_names()) {
      CHECK(fs::exists(out + "/" + name + (gzip ? ".gz" : "")));
      CHECK_FALSE(fs::exists(out + "/" + name + (gzip ? "" : ".gz")));
    }
    const MnistSplits back = load_mnist_dir(out);
    CHECK(back.source == "idx:" + out);
    CHECK(back.train.pixels == splits.train.pixels);
    CHECK(back.train.labels == splits.train.labels);
    CHECK(back.validation.pixels == splits.validation.pixels);
    CHECK(back.validation.labels == splits.validation.labels);
    CHECK(back.test.pixels == splits.test.pixels);
    CHECK(back.test.labels == splits.test.labels);
    // The standard names: the training file holds train then validation.
    const DigitImages train_file = read_idx(out + "/train-images-idx3-ubyte" + (gzip ? ".gz" : ""),
                                            out + "/train-labels-idx1-ubyte" + (gzip ? ".gz" : ""));
    CHECK(train_file.count() == 10);
    CHECK(train_file.labels[9] == 9);
    const DigitImages test_file = read_idx(out + "/t10k-images-idx3-ubyte" + (gzip ? ".gz" : ""),
                                           out + "/t10k-labels-idx1-ubyte" + (gzip ? ".gz" : ""));
    CHECK(test_file.labels == std::vector<std::uint8_t>{5, 6, 7});
  }

  // An existing set (in either compression) is refused before anything is written ...
  const std::string plain = dir.file("plain");
  CHECK_THROWS_WITH(check_export_targets(plain, true, false), Contains("train-images-idx3-ubyte") && Contains("exists"));
  CHECK_THROWS_WITH(export_idx(splits, plain, true), Contains("exists") && Contains("--overwrite"));
  CHECK_FALSE(fs::exists(plain + "/t10k-labels-idx1-ubyte.gz"));
  CHECK_NOTHROW(check_export_targets(dir.file("fresh"), true, false));
  // ... and replaced with overwrite, which also removes the other compression's files.
  export_idx(splits, plain, true, true);
  for (const auto& name : mnist_file_names()) {
    CHECK(fs::exists(plain + "/" + name + ".gz"));
    CHECK_FALSE(fs::exists(plain + "/" + name));
  }
  CHECK(load_mnist_dir(plain).test.labels == splits.test.labels);

  // With both a plain and a .gz file, the plain one is read.
  const std::string both = dir.file("both");
  fs::create_directories(both);
  write_file(both + "/t10k-labels-idx1-ubyte", label_file({4}));
  write_file(both + "/t10k-labels-idx1-ubyte.gz", gzip_stored(label_file({6})));
  CHECK(find_idx_file(both, "t10k-labels-idx1-ubyte") == both + "/t10k-labels-idx1-ubyte");
}
