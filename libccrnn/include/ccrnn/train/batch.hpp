#pragma once
// One batch of sequences in ccrnn's layout, and which steps carry feedback.
#include <ccrnn/core/types.hpp>

#include <vector>

namespace ccrnn {

enum class LossKind { mse, cross_entropy };

template <class S>
struct Batch {
  Index size = 0;    // B
  Index length = 0;  // L
  Matrix<S> inputs;  // input_size x B*L, step t in columns [tB, (t+1)B)
  Matrix<S> targets;        // output_size x B*L regression targets (MSE)
  std::vector<int> labels;  // B*L class labels (cross-entropy); -1 where there is none
  std::vector<unsigned char> supervised;  // L flags: 1 where step t carries feedback (same for all samples)
  std::vector<unsigned char> mask;  // B*L in column order (step t of sample j at t*B + j); empty = every sample follows supervised
  Matrix<S> context;        // context_size x B, optional cerebellar context (one column per sample)
};

/// Throws std::invalid_argument("batch: ...") unless the batch fits a model with these input and output
/// sizes and this loss: B, L >= 1, inputs input_size x B*L, one supervised flag per step, and MSE targets
/// output_size x B*L or one cross-entropy label per column.
template <class S>
void validate_batch(const Batch<S>& batch, Index input_size, Index output_size, LossKind loss);

extern template void validate_batch(const Batch<float>&, Index, Index, LossKind);
extern template void validate_batch(const Batch<double>&, Index, Index, LossKind);

/// Steps t with t % interval == 0 carry feedback (interval <= 1: every step).
inline std::vector<unsigned char> sparse_feedback(Index length, Index interval) {
  std::vector<unsigned char> flags(static_cast<size_t>(length), 0);
  for (Index t = 0; t < length; ++t) flags[static_cast<size_t>(t)] = interval <= 1 || t % interval == 0;
  return flags;
}

}  // namespace ccrnn
