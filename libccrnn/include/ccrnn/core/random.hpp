#pragma once
// Seeded, splittable random streams. We implement the generator and the distributions ourselves
// (xoshiro256** seeded through splitmix64; uniform from the top 53 bits; Box-Muller normals) so that a
// seed gives the same numbers with every compiler and standard library.
#include <cmath>
#include <cstdint>

namespace ccrnn {

/// Named purposes, so that e.g. changing the data does not change the initial weights.
enum class Stream : std::uint64_t {
  data = 1,
  cortex_init = 2,
  cerebellum_init = 3,
  noise = 4,
  fibres = 5,
  validation = 6,
  test = 7,
  loop_init = 8,     // the forward cerebellum of the loop (loop/forward_cerebellum.hpp)
  loop_fibres = 9,
  pons = 10,         // the loop's fixed pons projections
  sleep = 11,        // the task trials of the loop's consolidation sessions (loop/consolidation.hpp)
  cerebellar_readout_init = 12,     // the loop's cerebellar-readout control (loop/cerebellar_readout.hpp)
  cerebellar_readout_dropout = 13,  // its dropout factors while training
};

/// Everything an Rng will draw depends on: the generator's words and the cached Box-Muller spare (so that
/// a checkpoint can bring a stream back exactly).
struct RngState {
  std::uint64_t words[4] = {0, 0, 0, 0};
  bool has_spare = false;
  double spare = 0.0;
};

class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull ^ (stream + 0x632BE59BD9B4E019ull) * 0xD1B54A32D192ED03ull;
    for (auto& word : s_) word = splitmix64(x);
  }
  Rng(std::uint64_t seed, Stream stream) : Rng(seed, static_cast<std::uint64_t>(stream)) {}

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [lo, hi] (inclusive), unbiased (rejection sampling).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    const std::uint64_t limit = span == 0 ? 0 : (~std::uint64_t{0} - span + 1) % span;
    std::uint64_t r;
    do r = next_u64(); while (r < limit);
    return lo + static_cast<std::int64_t>(span == 0 ? r : r % span);
  }
  RngState state() const { return {{s_[0], s_[1], s_[2], s_[3]}, has_spare_, spare_}; }
  void set_state(const RngState& state) {
    for (int i = 0; i < 4; ++i) s_[i] = state.words[i];
    has_spare_ = state.has_spare;
    spare_ = state.spare;
  }

  /// Standard normal (Box-Muller; the second value is cached).
  double normal() {
    if (has_spare_) { has_spare_ = false; return spare_; }
    double u1;
    do u1 = uniform(); while (u1 <= 0.0);
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2.0 * M_PI * u2);
    has_spare_ = true;
    return r * std::cos(2.0 * M_PI * u2);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace ccrnn
