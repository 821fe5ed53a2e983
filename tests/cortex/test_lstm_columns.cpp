// The LSTM's per-column equations (lstm_columns.hpp): the float AVX-512 versions must give the generic
// Eigen versions' numbers bit for bit, for every column length and start alignment, since results files
// made before the vectorised versions existed must not move.
#include <catch2/catch.hpp>
#include <ccrnn/cortex/lstm_columns.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

using namespace ccrnn;

namespace {

std::vector<float> random_values(std::size_t count, std::mt19937& gen, float low, float high) {
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> v(count);
  for (auto& x : v) x = dist(gen);
  return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
           return std::memcmp(&x, &y, sizeof(float)) == 0;
         });
}

}  // namespace

TEST_CASE("the LSTM's column equations give the generic expressions' bits at every length and alignment",
          "[cortex][lstm]") {
  std::mt19937 gen(5);
  for (const Index n : {1, 7, 16, 17, 30, 33, 50})
    for (const Index offset : {0, 1, 5, 8, 13}) {  // start of each column within a 64-byte line
      INFO("n=" << n << " offset=" << offset);
      const std::size_t size = static_cast<std::size_t>(offset + 4 * n + 16);
      const std::vector<float> gates = random_values(size, gen, 0.0f, 1.0f), c = random_values(size, gen, -2.0f, 2.0f),
                               tanh_c = random_values(size, gen, -1.0f, 1.0f), dh = random_values(size, gen, -1.0f, 1.0f);
      const std::vector<float> dc0 = random_values(size, gen, -1.0f, 1.0f), poison(size, 1e30f);
      const float* act = gates.data() + offset;

      std::vector<float> generic_new = poison, generic_copy = poison, fast_new = poison, fast_copy = poison;
      detail::lstm_cell_state<float>(act, act + n, act + 2 * n, c.data() + offset, generic_new.data() + offset,
                                     generic_copy.data() + offset, n);
      detail::lstm_cell_state(act, act + n, act + 2 * n, c.data() + offset, fast_new.data() + offset,
                              fast_copy.data() + offset, n);
      CHECK(same_bits(generic_new, fast_new));
      CHECK(same_bits(generic_copy, fast_copy));
      CHECK(generic_new[static_cast<std::size_t>(offset + n)] == 1e30f);  // nothing written past the column

      std::vector<float> generic_h = poison, fast_h = poison;
      detail::lstm_hidden<float>(act + 3 * n, tanh_c.data() + offset, generic_h.data() + offset, n);
      detail::lstm_hidden(act + 3 * n, tanh_c.data() + offset, fast_h.data() + offset, n);
      CHECK(same_bits(generic_h, fast_h));

      std::vector<float> generic_dc = dc0, fast_dc = dc0, generic_dz = poison, fast_dz = poison;
      detail::lstm_gate_grads<float>(act, tanh_c.data() + offset, c.data() + offset, dh.data() + offset,
                                     generic_dc.data() + offset, generic_dz.data() + offset, n);
      detail::lstm_gate_grads(act, tanh_c.data() + offset, c.data() + offset, dh.data() + offset,
                              fast_dc.data() + offset, fast_dz.data() + offset, n);
      CHECK(same_bits(generic_dc, fast_dc));
      CHECK(same_bits(generic_dz, fast_dz));
      CHECK(generic_dz[static_cast<std::size_t>(offset + 4 * n)] == 1e30f);
    }
}
