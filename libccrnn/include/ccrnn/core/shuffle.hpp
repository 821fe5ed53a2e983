#pragma once
// The one shuffle of ccrnn: Fisher-Yates with ccrnn's generator, so that an order depends only on the
// seed (std::shuffle's algorithm is implementation-defined).
#include <ccrnn/core/random.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace ccrnn {

template <class T>
void shuffle(std::vector<T>& items, Rng& rng) {
  for (std::size_t i = items.size(); i > 1; --i)
    std::swap(items[i - 1], items[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(i) - 1))]);
}

}  // namespace ccrnn
