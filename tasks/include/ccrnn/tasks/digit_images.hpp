#pragma once
// A set of grey digit images with their labels: what the sequential-MNIST tasks read (from MNIST's IDX
// files or from the built-in procedural stand-in), split into training, validation and test sets.
#include <ccrnn/core/types.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ccrnn::tasks {

/// N grey images, row-major, pixels in [0, 1], with labels 0..9.
struct DigitImages {
  Index rows = 28, cols = 28;
  std::vector<float> pixels;          // N*rows*cols, image i at [i*rows*cols, (i+1)*rows*cols)
  std::vector<std::uint8_t> labels;   // N, 0..9

  Index count() const { return static_cast<Index>(labels.size()); }
  Index image_size() const { return rows * cols; }
  /// First pixel of image i (row-major: row r of the image starts at image(i) + r*cols).
  const float* image(Index i) const { return pixels.data() + i * image_size(); }
};

/// The three sets of a run. source says where they came from: "idx:<dir>" or "procedural(seed=<s>)".
struct MnistSplits {
  DigitImages train, validation, test;
  std::string source;
};

/// Images [first, first + count) of a set, as a new set. Throws std::out_of_range if the range does not fit.
DigitImages slice(const DigitImages& images, Index first, Index count);

/// a followed by b. Throws std::invalid_argument if their image sizes differ.
DigitImages concatenate(const DigitImages& a, const DigitImages& b);

/// Throws std::invalid_argument unless pixels has count()*rows*cols entries, all in [0, 1], and every
/// label is 0..9.
void check_consistent(const DigitImages& images);

}  // namespace ccrnn::tasks
