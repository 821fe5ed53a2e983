#pragma once
// Orders of items: the identity order, and the one shuffle of ccrnn (Fisher-Yates with ccrnn's generator,
// so that an order depends only on the seed; std::shuffle's algorithm is implementation-defined).
#include <ccrnn/core/random.hpp>
#include <ccrnn/core/types.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace ccrnn {

/// first, first + 1, ..., first + count - 1.
inline std::vector<Index> index_range(Index first, Index count) {
  std::vector<Index> out(static_cast<std::size_t>(count));
  for (Index i = 0; i < count; ++i) out[static_cast<std::size_t>(i)] = first + i;
  return out;
}

template <class T>
void shuffle(std::vector<T>& items, Rng& rng) {
  for (std::size_t i = items.size(); i > 1; --i)
    std::swap(items[i - 1], items[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(i) - 1))]);
}

}  // namespace ccrnn
