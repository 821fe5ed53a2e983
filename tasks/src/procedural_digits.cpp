#include <ccrnn/tasks/procedural_digits.hpp>

#include <ccrnn/core/parallel.hpp>
#include <ccrnn/core/random.hpp>
#include <ccrnn/tasks/digit_templates.hpp>
#include <ccrnn/tasks/mnist_idx.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccrnn::tasks {
namespace {

constexpr int side = 28;
constexpr Index test_first_index = Index{1} << 40;  // the test images' index range, far from any training index
// Random streams: image i uses (seed, image_stream + i); the label permutation of block b uses (seed, block_stream + b).
constexpr std::uint64_t image_stream = std::uint64_t{1} << 62;
constexpr std::uint64_t block_stream = std::uint64_t{1} << 63;

struct P {
  float x, y;
};
P operator+(P a, P b) { return {a.x + b.x, a.y + b.y}; }
P operator*(float s, P a) { return {s * a.x, s * a.y}; }

using Stroke = std::vector<P>;

/// Chaikin corner cutting: each segment is replaced by its points at fractions cut and 1 - cut. An open
/// stroke keeps its end points; a closed one (last point == first) stays closed.
Stroke round_corners(const Stroke& in, float cut, bool closed) {
  if (in.size() < 3) return in;
  Stroke out;
  out.reserve(2 * in.size() + 1);
  if (!closed) out.push_back(in.front());
  for (std::size_t i = 0; i + 1 < in.size(); ++i) {
    out.push_back((1 - cut) * in[i] + cut * in[i + 1]);
    out.push_back(cut * in[i] + (1 - cut) * in[i + 1]);
  }
  out.push_back(closed ? out.front() : in.back());
  return out;
}

/// The strokes of one handwritten-looking digit, in unit-square coordinates (y up).
std::vector<Stroke> digit_strokes(int digit, Rng& rng) {
  // A smooth distortion: each of the 9 grid points moves by its own offset, so vertices on the same
  // grid point move together (a loop closes where the template closes it), plus a little per-vertex wobble.
  std::array<P, 9> grid_offset;
  for (auto& o : grid_offset) o = {static_cast<float>(0.07 * rng.normal()), static_cast<float>(0.07 * rng.normal())};
  const auto& vertices = digit_template(digit);
  const bool closed = vertices.front() == vertices.back();
  Stroke main;  // the template's stroke
  for (std::size_t i = 0; i < vertices.size(); ++i) {
    const auto& v = vertices[i];
    const int cell = static_cast<int>(std::lround(2 * v.y())) * 3 + static_cast<int>(std::lround(2 * v.x()));
    P p = P{static_cast<float>(v.x()), static_cast<float>(v.y())} + grid_offset[static_cast<std::size_t>(cell)];
    p = p + P{static_cast<float>(0.03 * rng.normal()), static_cast<float>(0.03 * rng.normal())};
    main.push_back(closed && i + 1 == vertices.size() ? main.front() : p);
  }
  if (digit == 4) main.front().x -= 0.2f;  // the crossbar reaches less far right of the stem than its grid point
  std::vector<Stroke> strokes;
  if (digit == 1 && rng.uniform() < 0.4) {  // the flag of a 1, leading into its top
    const P top = main.front();
    main.insert(main.begin(), top + P{static_cast<float>(rng.uniform(-0.4, -0.2)), static_cast<float>(rng.uniform(-0.3, -0.15))});
  }
  if (digit == 1 && rng.uniform() < 0.1) {  // a foot
    const P bottom = main.back();
    strokes.push_back({bottom + P{-0.25f, 0.0f}, bottom + P{0.25f, 0.0f}});
  }
  if (digit == 7 && rng.uniform() < 0.15) {  // a crossbar through the middle of the diagonal
    const P mid = 0.5f * (main[1] + main[2]);
    strokes.push_back({mid + P{-0.25f, 0.0f}, mid + P{0.25f, 0.0f}});
  }
  // Round digits get round corners (three passes of cutting converge towards a smooth spline); 4 and 7
  // keep fairly sharp ones, as people write them.
  const bool angular = digit == 4 || digit == 7;
  const float cut = static_cast<float>(angular ? rng.uniform(0.05, 0.2) : rng.uniform(0.18, 0.3));
  for (int pass = 0; pass < (angular ? 2 : 3); ++pass) main = round_corners(main, cut, closed);
  strokes.insert(strokes.begin(), std::move(main));
  return strokes;
}

/// Draws one image (side x side, row-major) of digit into out.
void render_digit(int digit, Rng& rng, float* out) {
  std::vector<Stroke> strokes = digit_strokes(digit, rng);

  // Affine map from the unit square (centred) to pixel coordinates (column, row; rows go down).
  const double height = rng.uniform(14.0, 20.0);
  const double width = height * rng.uniform(0.5, 0.9);
  const double slant = rng.uniform(-0.2, 0.4);                // italic shear: top moves right
  const double angle = rng.uniform(-12.0, 12.0) * M_PI / 180.0;
  const double shift_x = rng.uniform(-2.0, 2.0), shift_y = rng.uniform(-2.0, 2.0);
  const double c = std::cos(angle), s = std::sin(angle);
  const double centre = 0.5 * (side - 1);
  for (auto& stroke : strokes)
    for (auto& p : stroke) {
      const double u = (p.x - 0.5) * width + slant * (p.y - 0.5) * height;
      const double v = (p.y - 0.5) * height;
      p = {static_cast<float>(centre + shift_x + c * u - s * v), static_cast<float>(centre + shift_y - (s * u + c * v))};
    }

  // Squared distance from each pixel centre to the nearest stroke, within reach of some segment.
  const float radius = static_cast<float>(rng.uniform(0.8, 1.9));  // half the stroke width, pixels
  const float soft = static_cast<float>(rng.uniform(0.6, 1.5));    // width of the anti-aliased edge
  const float reach = radius + 0.5f * soft;
  std::array<float, side * side> d2;
  d2.fill(1e9f);
  for (const auto& stroke : strokes)
    for (std::size_t k = 0; k + 1 < stroke.size(); ++k) {
      const P a = stroke[k], b = stroke[k + 1];
      const int c0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
      const int c1 = std::min(side - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
      const int r0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
      const int r1 = std::min(side - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
      const float ex = b.x - a.x, ey = b.y - a.y;
      const float length2 = ex * ex + ey * ey;
      const float inverse = length2 > 0 ? 1.0f / length2 : 0.0f;
      for (int row = r0; row <= r1; ++row)
        for (int col = c0; col <= c1; ++col) {
          const float px = static_cast<float>(col) - a.x, py = static_cast<float>(row) - a.y;
          const float t = std::clamp((px * ex + py * ey) * inverse, 0.0f, 1.0f);
          const float dx = px - t * ex, dy = py - t * ey;
          float& best = d2[static_cast<std::size_t>(row * side + col)];
          best = std::min(best, dx * dx + dy * dy);
        }
    }

  // Ink falls off linearly across the soft edge; noise is uniform in [-amplitude, amplitude].
  const float ink = static_cast<float>(rng.uniform(0.8, 1.0));
  const float amplitude = static_cast<float>(rng.uniform(0.0, 0.12));
  const float noise_scale = 2.0f * amplitude / 65535.0f;
  for (int i = 0; i < side * side; i += 4) {
    const std::uint64_t bits = rng.next_u64();  // four 16-bit noise values per draw
    for (int j = 0; j < 4; ++j) {
      const float noise = static_cast<float>((bits >> (16 * j)) & 0xFFFF) * noise_scale - amplitude;
      const float d = std::sqrt(d2[static_cast<std::size_t>(i + j)]);
      const float value = ink * std::clamp((radius - d) / soft + 0.5f, 0.0f, 1.0f) + noise;
      out[i + j] = std::clamp(value, 0.0f, 1.0f);
    }
  }
}

std::array<std::uint8_t, 10> block_labels(std::uint64_t seed, Index block) {
  std::array<std::uint8_t, 10> labels;
  std::iota(labels.begin(), labels.end(), std::uint8_t{0});
  Rng rng(seed, block_stream + static_cast<std::uint64_t>(block));
  for (int i = 9; i > 0; --i) std::swap(labels[static_cast<std::size_t>(i)], labels[static_cast<std::size_t>(rng.uniform_int(0, i))]);
  return labels;
}

}  // namespace

int procedural_label(std::uint64_t seed, Index index) {
  if (index < 0) throw std::invalid_argument("procedural_label: negative index " + std::to_string(index));
  return block_labels(seed, index / 10)[static_cast<std::size_t>(index % 10)];
}

DigitImages render_procedural_digits(std::uint64_t seed, Index first_index, Index count) {
  if (first_index < 0 || count < 0)
    throw std::invalid_argument("render_procedural_digits: negative first index or count (" + std::to_string(first_index) +
                                ", " + std::to_string(count) + ")");
  DigitImages images;
  images.rows = side;
  images.cols = side;
  images.pixels.resize(static_cast<std::size_t>(count * side * side));
  images.labels.resize(static_cast<std::size_t>(count));
  // Chunks of images, one chunk per task: each image has its own generator, so the split does not matter.
  constexpr Index chunk = 500;
  const Index chunks = (count + chunk - 1) / chunk;
  parallel_for_each_run(static_cast<long>(chunks), available_threads(), [&](long c) {
    const Index begin = c * chunk, end = std::min(count, begin + chunk);
    for (Index i = begin; i < end; ++i) {
      const Index index = first_index + i;
      const int digit = procedural_label(seed, index);
      images.labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(digit);
      Rng rng(seed, image_stream + static_cast<std::uint64_t>(index));
      render_digit(digit, rng, images.pixels.data() + i * side * side);
    }
  });
  return images;
}

MnistSplits procedural_mnist(std::uint64_t seed, Index train_count, Index test_count) {
  MnistSplits splits = split_training_set(render_procedural_digits(seed, 0, train_count),
                                          render_procedural_digits(seed, test_first_index, test_count));
  splits.source = "procedural(seed=" + std::to_string(seed) + ")";
  return splits;
}

}  // namespace ccrnn::tasks
