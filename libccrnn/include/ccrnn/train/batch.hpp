#pragma once
// One batch of sequences in ccrnn's layout, and which (step, sample) pairs carry feedback.
#include <ccrnn/core/types.hpp>

#include <vector>

namespace ccrnn {

/// mse: regression targets; cross_entropy: softmax over class labels; binary_cross_entropy: independent
/// sigmoid outputs with 0/1 targets (torch's BCEWithLogitsLoss; copy-repeat), targets as for mse.
enum class LossKind { mse, cross_entropy, binary_cross_entropy };

template <class S>
struct Batch {
  Index size = 0;    // B
  Index length = 0;  // L
  Matrix<S> inputs;  // input_size x B*L, step t in columns [tB, (t+1)B)
  Matrix<S> targets;        // output_size x B*L regression targets (MSE) or bits (binary cross-entropy)
  std::vector<int> labels;  // B*L class labels (cross-entropy); -1 where there is none
  std::vector<unsigned char> supervised;  // L flags: 1 where step t carries feedback (for every sample when
                                          // there is no mask, for some sample when there is one)
  std::vector<unsigned char> mask;  // optional per-trial feedback: B*L flags, step t of sample j at t*B + j;
                                    // empty: every sample follows `supervised`. With a mask, supervised[t]
                                    // must be 1 iff some sample is supervised at step t
                                    // (set_supervised_from_mask), so that windows without feedback are known
  Matrix<S> context;        // context_size x B, optional cerebellar context (one column per sample)
};

/// Whether column c (step c / B, sample c % B) carries feedback.
template <class S>
bool column_supervised(const Batch<S>& batch, Index c) {
  return batch.mask.empty() ? batch.supervised[static_cast<size_t>(c / batch.size)] != 0
                            : batch.mask[static_cast<size_t>(c)] != 0;
}

/// The runs of consecutive supervised samples of one step, as column ranges [begin, end): the whole step
/// without a mask. Loops over them keep the per-column loop free of branches.
template <class S>
class SupervisedRuns {
 public:
  struct Run {
    Index begin, end;
  };
  class Iterator {
   public:
    Iterator(const SupervisedRuns* runs, Index c) : runs_(runs), run_(runs->run_at(c)) {}
    Run operator*() const { return run_; }
    Iterator& operator++() {
      run_ = runs_->run_at(run_.end);
      return *this;
    }
    bool operator!=(const Iterator& other) const { return run_.begin != other.run_.begin; }

   private:
    const SupervisedRuns* runs_;
    Run run_;
  };

  SupervisedRuns(const Batch<S>& batch, Index t) : batch_(batch), begin_(t * batch.size), end_((t + 1) * batch.size) {}
  Iterator begin() const { return Iterator(this, begin_); }
  Iterator end() const { return Iterator(this, end_); }

 private:
  /// The first run at or after column c ({end_, end_} when there is none).
  Run run_at(Index c) const {
    if (batch_.mask.empty()) return {c, end_};
    const auto supervised = [this](Index i) { return batch_.mask[static_cast<size_t>(i)] != 0; };
    while (c < end_ && !supervised(c)) ++c;
    Index e = c;
    while (e < end_ && supervised(e)) ++e;
    return {c, e};
  }
  const Batch<S>& batch_;
  Index begin_, end_;
};

/// Number of supervised steps in [t0, t1).
inline Index supervised_steps(const std::vector<unsigned char>& supervised, Index t0, Index t1) {
  Index n = 0;
  for (Index t = t0; t < t1; ++t) n += supervised[static_cast<size_t>(t)] ? 1 : 0;
  return n;
}

/// Number of supervised (step, sample) pairs in steps [t0, t1).
template <class S>
Index supervised_pairs(const Batch<S>& batch, Index t0, Index t1) {
  if (batch.mask.empty()) return supervised_steps(batch.supervised, t0, t1) * batch.size;
  Index n = 0;
  for (Index c = t0 * batch.size; c < t1 * batch.size; ++c) n += batch.mask[static_cast<size_t>(c)] ? 1 : 0;
  return n;
}

/// Sets batch.supervised from batch.mask: step t is supervised iff some sample is. Throws
/// std::invalid_argument unless the mask has B*L entries.
template <class S>
void set_supervised_from_mask(Batch<S>& batch);

/// Throws std::invalid_argument("batch: ...") unless the batch fits a model with these input and output
/// sizes and this loss: B, L >= 1, inputs input_size x B*L, one supervised flag per step, MSE targets
/// output_size x B*L or one cross-entropy label per column, and a mask that is empty or has B*L entries
/// and agrees with the flags (supervised[t] = 1 iff the mask supervises some sample at step t).
template <class S>
void validate_batch(const Batch<S>& batch, Index input_size, Index output_size, LossKind loss);

extern template void set_supervised_from_mask(Batch<float>&);
extern template void set_supervised_from_mask(Batch<double>&);
extern template void validate_batch(const Batch<float>&, Index, Index, LossKind);
extern template void validate_batch(const Batch<double>&, Index, Index, LossKind);

/// Steps t with t % interval == 0 carry feedback (interval <= 1: every step).
inline std::vector<unsigned char> sparse_feedback(Index length, Index interval) {
  std::vector<unsigned char> flags(static_cast<size_t>(length), 0);
  for (Index t = 0; t < length; ++t) flags[static_cast<size_t>(t)] = interval <= 1 || t % interval == 0;
  return flags;
}

}  // namespace ccrnn
