#pragma once
// The pons: what the forward cerebellum of the loop reads at step t (docs/forward-model.md). Four origins,
// stacked in this order: the cortex's output f(h_{t-1}), the readout z_{t-1}, the task input x_t and the
// target y_{t-1} (zero before the first step). Each origin is off (0), copied whole (copy), or seen through a
// fixed random k x origin projection (k > 0) drawn once from the seed, U(-1/sqrt(origin), 1/sqrt(origin))
// as PyTorch's kaiming_uniform_(a=sqrt(5)) in the reference. The projections never learn.
#include <ccrnn/core/init.hpp>
#include <ccrnn/core/random.hpp>
#include <ccrnn/core/types.hpp>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ccrnn {

enum class PonsOrigin { cortex, readout, input, target };
inline constexpr std::array<PonsOrigin, 4> kPonsOrigins = {PonsOrigin::cortex, PonsOrigin::readout,
                                                            PonsOrigin::input, PonsOrigin::target};

/// Per origin: copy (-1), off (0) or a fixed projection to k > 0 rows. The reference reads the cortex only.
struct PonsConfig {
  static constexpr Index copy = -1;
  std::array<Index, 4> sizes = {copy, 0, 0, 0};  // indexed by PonsOrigin
  Index& operator[](PonsOrigin o) { return sizes[static_cast<std::size_t>(o)]; }
  Index operator[](PonsOrigin o) const { return sizes[static_cast<std::size_t>(o)]; }
};

template <class S>
class Pons {
 public:
  /// origin_sizes: rows of f(h), z, x, y (indexed by PonsOrigin).
  Pons(const PonsConfig& config, const std::array<Index, 4>& origin_sizes) : config_(config), origins_(origin_sizes) {
    for (PonsOrigin o : kPonsOrigins) {
      const Index k = config_[o];
      if (k < PonsConfig::copy) throw std::invalid_argument("pons: sizes must be -1 (copy), 0 (off) or > 0");
      offset_[i(o)] = size_;
      rows_[i(o)] = k == PonsConfig::copy ? origins_[i(o)] : k;
      size_ += rows_[i(o)];
    }
    if (size_ < 1) throw std::invalid_argument("pons: the forward cerebellum needs at least one input origin");
  }

  Index size() const { return size_; }
  bool reads(PonsOrigin o) const { return rows_[i(o)] > 0; }
  const PonsConfig& config() const { return config_; }
  /// The fixed projection of an origin (empty unless its size is > 0).
  const Matrix<S>& projection(PonsOrigin o) const { return projection_[i(o)]; }

  void initialise(Rng& rng) {
    for (PonsOrigin o : kPonsOrigins) {
      projection_[i(o)].resize(0, 0);
      if (config_[o] <= 0) continue;
      projection_[i(o)].resize(config_[o], origins_[i(o)]);
      fill_uniform(projection_[i(o)].leftCols(origins_[i(o)]), rng, 1.0 / std::sqrt(static_cast<double>(origins_[i(o)])));
    }
  }

  /// Writes the rows of one origin into out (pons size x n) from values (origin size x n).
  void write(PonsOrigin o, const ConstBlockRef<S>& values, BlockRef<S> out) const {
    if (!reads(o)) return;
    auto rows = out.middleRows(offset_[i(o)], rows_[i(o)]);
    if (config_[o] == PonsConfig::copy) rows = values;
    else rows.noalias() = projection_[i(o)] * values;
  }
  /// Zeroes the rows of one origin (the readout and target before the first step).
  void clear(PonsOrigin o, BlockRef<S> out) const {
    if (reads(o)) out.middleRows(offset_[i(o)], rows_[i(o)]).setZero();
  }

 private:
  static std::size_t i(PonsOrigin o) { return static_cast<std::size_t>(o); }
  PonsConfig config_;
  std::array<Index, 4> origins_;
  std::array<Index, 4> offset_{}, rows_{};
  std::array<Matrix<S>, 4> projection_;
  Index size_ = 0;
};

}  // namespace ccrnn
