// The built-in procedural digit set: determinism (seed, index ranges, thread counts), balanced labels,
// pixel range, and that the ten digits look different from each other without being trivial.
#include <ccrnn/tasks/mnist_idx.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

#include <omp.h>

using namespace ccrnn;
using namespace ccrnn::tasks;

namespace {

/// Mean image (784 values) of each digit.
std::vector<std::vector<double>> class_means(const DigitImages& images) {
  std::vector<std::vector<double>> mean(10, std::vector<double>(784, 0.0));
  std::vector<int> count(10, 0);
  for (Index i = 0; i < images.count(); ++i) {
    const int d = images.labels[static_cast<std::size_t>(i)];
    ++count[static_cast<std::size_t>(d)];
    for (int p = 0; p < 784; ++p) mean[static_cast<std::size_t>(d)][static_cast<std::size_t>(p)] += images.image(i)[p];
  }
  for (int d = 0; d < 10; ++d)
    for (auto& v : mean[static_cast<std::size_t>(d)]) v /= count[static_cast<std::size_t>(d)];
  return mean;
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

}  // namespace

TEST_CASE("procedural digits: the same seed gives the same images, bit for bit, whatever the range", "[tasks]") {
  const DigitImages a = render_procedural_digits(5, 0, 300);
  const DigitImages b = render_procedural_digits(5, 0, 300);
  REQUIRE(a.count() == 300);
  REQUIRE(a.rows == 28);
  REQUIRE(a.cols == 28);
  REQUIRE(a.pixels.size() == 300u * 784u);
  CHECK(a.pixels == b.pixels);
  CHECK(a.labels == b.labels);
  // Image i depends on (seed, i) only: a sub-range rendered alone is the same slice.
  const DigitImages part = render_procedural_digits(5, 123, 45);
  const DigitImages expected = slice(a, 123, 45);
  CHECK(part.pixels == expected.pixels);
  CHECK(part.labels == expected.labels);
  // Another seed, other images (and another label order).
  const DigitImages other = render_procedural_digits(6, 0, 300);
  CHECK(other.pixels != a.pixels);
  CHECK(other.labels != a.labels);
  for (Index i = 0; i < 300; ++i)  // no image repeats across seeds
    if (std::equal(a.image(i), a.image(i) + 784, other.image(i))) FAIL_CHECK("image " << i << " is the same for seeds 5 and 6");
  CHECK(render_procedural_digits(5, 0, 0).count() == 0);
  CHECK_THROWS_AS(render_procedural_digits(5, -1, 10), std::invalid_argument);
  CHECK_THROWS_AS(render_procedural_digits(5, 0, -1), std::invalid_argument);
}

TEST_CASE("procedural digits: results do not depend on the number of threads", "[tasks]") {
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const DigitImages one = render_procedural_digits(11, 17, 1300);  // several work chunks
  omp_set_num_threads(2);
  const DigitImages two = render_procedural_digits(11, 17, 1300);
  omp_set_num_threads(threads);
  CHECK(one.pixels == two.pixels);
  CHECK(one.labels == two.labels);
}

TEST_CASE("procedural digits: balanced labels, pixels in [0, 1], a dark background and bright strokes", "[tasks]") {
  const DigitImages images = render_procedural_digits(3, 0, 2000);
  std::array<int, 10> count{};
  for (Index i = 0; i < images.count(); ++i) {
    const int label = images.labels[static_cast<std::size_t>(i)];
    REQUIRE(label >= 0);
    REQUIRE(label <= 9);
    ++count[static_cast<std::size_t>(label)];
    CHECK(procedural_label(3, i) == label);
  }
  for (int c : count) CHECK(c == 200);
  // Every aligned block of 10 holds each digit once, in a shuffled order (not simply i % 10).
  int in_place = 0;
  for (Index block = 0; block < 200; ++block) {
    std::array<int, 10> seen{};
    for (Index k = 0; k < 10; ++k) ++seen[images.labels[static_cast<std::size_t>(10 * block + k)]];
    for (int s : seen) CHECK(s == 1);
    for (Index k = 0; k < 10; ++k) in_place += images.labels[static_cast<std::size_t>(10 * block + k)] == k;
  }
  CHECK(in_place < 400);  // a random permutation fixes 1 of 10 on average: about 200

  float lowest = 1, highest = 0;
  for (float p : images.pixels) lowest = std::min(lowest, p), highest = std::max(highest, p);
  CHECK(lowest == 0.0f);
  CHECK(highest <= 1.0f);
  for (Index i = 0; i < images.count(); ++i) {
    int dark = 0, bright = 0;
    for (int p = 0; p < 784; ++p) {
      dark += images.image(i)[p] < 0.2f;
      bright += images.image(i)[p] > 0.5f;
    }
    INFO("image " << i << ", digit " << int(images.labels[static_cast<std::size_t>(i)]));
    CHECK(dark > 784 * 6 / 10);  // mostly background, like MNIST
    CHECK(bright >= 15);         // but with a visible stroke
  }
}

TEST_CASE("procedural digits: the digits differ from each other, but not trivially", "[tasks]") {
  const DigitImages train = render_procedural_digits(1, 0, 3000);
  const DigitImages test = render_procedural_digits(1, 100000, 1000);
  const auto mean = class_means(train);
  double smallest = 1e9;
  for (int a = 0; a < 10; ++a)
    for (int b = a + 1; b < 10; ++b) {
      INFO("digits " << a << " and " << b);
      const double d = distance(mean[static_cast<std::size_t>(a)], mean[static_cast<std::size_t>(b)]);
      smallest = std::min(smallest, d);
      CHECK(d > 1.5);  // in pixel units over 784 pixels
    }
  // The mean images of two halves of the same digit are closer than those of any two different digits.
  const auto first = class_means(slice(train, 0, 1500)), second = class_means(slice(train, 1500, 1500));
  for (int d = 0; d < 10; ++d) CHECK(distance(first[static_cast<std::size_t>(d)], second[static_cast<std::size_t>(d)]) < 0.6 * smallest);

  // A nearest-class-mean classifier is far above chance (the digits are recognisable) but far from
  // perfect (the variation is real); on MNIST it reaches about 82%.
  int correct = 0;
  for (Index i = 0; i < test.count(); ++i) {
    int best = -1;
    double best_distance = 1e300;
    for (int d = 0; d < 10; ++d) {
      double s = 0;
      for (int p = 0; p < 784; ++p) {
        const double e = test.image(i)[p] - mean[static_cast<std::size_t>(d)][static_cast<std::size_t>(p)];
        s += e * e;
      }
      if (s < best_distance) best_distance = s, best = d;
    }
    correct += best == test.labels[static_cast<std::size_t>(i)];
  }
  const double accuracy = correct / static_cast<double>(test.count());
  INFO("nearest-class-mean accuracy " << accuracy);
  CHECK(accuracy > 0.6);
  CHECK(accuracy < 0.95);
}

TEST_CASE("procedural digits: procedural_mnist splits like MNIST and keeps the test set fixed", "[tasks]") {
  const MnistSplits s = procedural_mnist(7, 1000, 200);
  CHECK(s.source == "procedural(seed=7)");
  REQUIRE(s.train.count() == 800);
  REQUIRE(s.validation.count() == 200);
  REQUIRE(s.test.count() == 200);
  const DigitImages training_file = render_procedural_digits(7, 0, 1000);
  CHECK(s.train.pixels == slice(training_file, 0, 800).pixels);
  CHECK(s.validation.pixels == slice(training_file, 800, 200).pixels);
  CHECK(s.validation.labels == slice(training_file, 800, 200).labels);
  // The test set neither overlaps the training file nor depends on its size.
  const MnistSplits smaller = procedural_mnist(7, 500, 200);
  CHECK(smaller.test.pixels == s.test.pixels);
  CHECK(smaller.test.labels == s.test.labels);
  for (Index i = 0; i < s.test.count(); ++i)
    for (Index j = 0; j < training_file.count(); ++j)
      if (std::equal(s.test.image(i), s.test.image(i) + 784, training_file.image(j))) FAIL_CHECK("test image " << i << " is training image " << j);
}
