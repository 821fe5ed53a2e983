#include <ccrnn/tasks/digit_images.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

DigitImages slice(const DigitImages& images, Index first, Index count) {
  if (first < 0 || count < 0 || first + count > images.count())
    throw std::out_of_range("digit images: range [" + std::to_string(first) + ", " + std::to_string(first + count) +
                            ") outside a set of " + std::to_string(images.count()));
  DigitImages out;
  out.rows = images.rows;
  out.cols = images.cols;
  const Index size = images.image_size();
  out.pixels.assign(images.pixels.begin() + first * size, images.pixels.begin() + (first + count) * size);
  out.labels.assign(images.labels.begin() + first, images.labels.begin() + first + count);
  return out;
}

DigitImages concatenate(const DigitImages& a, const DigitImages& b) {
  if (a.rows != b.rows || a.cols != b.cols)
    throw std::invalid_argument("digit images: cannot concatenate " + std::to_string(a.rows) + "x" + std::to_string(a.cols) +
                                " and " + std::to_string(b.rows) + "x" + std::to_string(b.cols) + " images");
  DigitImages out = a;
  out.pixels.insert(out.pixels.end(), b.pixels.begin(), b.pixels.end());
  out.labels.insert(out.labels.end(), b.labels.begin(), b.labels.end());
  return out;
}

void check_consistent(const DigitImages& images) {
  if (images.rows < 1 || images.cols < 1)
    throw std::invalid_argument("digit images: image size " + std::to_string(images.rows) + "x" + std::to_string(images.cols));
  if (static_cast<Index>(images.pixels.size()) != images.count() * images.image_size())
    throw std::invalid_argument("digit images: " + std::to_string(images.pixels.size()) + " pixels for " +
                                std::to_string(images.count()) + " images of " + std::to_string(images.rows) + "x" +
                                std::to_string(images.cols));
  for (std::size_t i = 0; i < images.pixels.size(); ++i)
    if (!(images.pixels[i] >= 0.0f && images.pixels[i] <= 1.0f))  // also rejects NaN
      throw std::invalid_argument("digit images: pixel " + std::to_string(i % static_cast<std::size_t>(images.image_size())) +
                                  " of image " + std::to_string(i / static_cast<std::size_t>(images.image_size())) +
                                  " is " + std::to_string(images.pixels[i]) + ", outside [0, 1]");
  for (std::size_t i = 0; i < images.labels.size(); ++i)
    if (images.labels[i] > 9)
      throw std::invalid_argument("digit images: label " + std::to_string(images.labels[i]) + " of image " +
                                  std::to_string(i) + " is outside 0-9");
}

}  // namespace ccrnn::tasks
