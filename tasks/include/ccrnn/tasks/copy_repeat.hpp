#pragma once
// Copy-repeat (Graves et al. 2014, as BP(lambda)'s reference uses it; ../shared/docs/BP_LAMBDA.md section 6)
// and its curriculum. A sample at level (N, R): a random pattern of N vectors of `bits` bits must be
// played back R times.
//   inputs (bits + 2 rows): t = 0 the start flag (row bits); t = 1..N the pattern (rows 0..bits-1);
//                           t = N+1 the repeat channel (row bits+1) = R / repeat_norm; zeros after.
//   targets (bits + 1 rows): t = N+2 .. N+1+RN the pattern R times; t = L-1 the end flag (row bits).
//   length L = (R + 1) N + 3; binary cross-entropy on every output at steps t >= N+2.
// The curriculum starts at N = R = 1 and, after any training batch whose error is below the threshold (in
// bits: the binary cross-entropy per output and supervised step / ln 2), moves up one level: R += 1 if
// R < N, else N += 1 (the reference's increment). It depends only on the batch errors, so a seed's run is
// deterministic; its state is the level.
#include <ccrnn/core/random.hpp>
#include <ccrnn/train/batch.hpp>

namespace ccrnn::tasks {

struct CopyRepeatConfig {
  Index bits = 8;              // pattern width
  double repeat_norm = 10.0;   // the repeat channel carries R / repeat_norm
  double threshold_bits = 0.15;  // a training batch below this error (bits per output) moves up a level
  Index max_pattern = 20;      // the curriculum stops at N = R = max_pattern (bounds the length)
};

/// A curriculum level: pattern length N and repeats R.
struct CopyRepeatLevel {
  Index pattern = 1;  // N
  Index repeats = 1;  // R
  /// (R + 1) N + 3.
  Index length() const { return (repeats + 1) * pattern + 3; }
  /// The reported curriculum level, N + R - 1: 1 at (1, 1), then 2, 3, ... in the order the curriculum
  /// visits (1,1), (2,1), (2,2), (3,2), (3,3), ...
  Index number() const;
  /// The reference's increment: R += 1 if R < N, else N += 1 and R stays.
  CopyRepeatLevel next() const;
  bool operator==(const CopyRepeatLevel&) const = default;
};

class CopyRepeat {
 public:
  explicit CopyRepeat(const CopyRepeatConfig& config);  // throws std::invalid_argument for a bad config
  const CopyRepeatConfig& config() const { return config_; }
  Index input_size() const { return config_.bits + 2; }
  Index output_size() const { return config_.bits + 1; }
  /// The longest sequence the curriculum reaches (level N = R = max_pattern).
  Index max_length() const;

  /// A batch of `size` samples at `level`, the patterns' bits drawn from rng (uniform 0/1, pattern
  /// vector by vector, sample by sample).
  template <class S>
  Batch<S> sample_batch(Rng& rng, const CopyRepeatLevel& level, Index size) const;

  /// The level after a training batch with this error (nats per output, the training error of
  /// LossKind::binary_cross_entropy): the next one when error / ln 2 < threshold_bits and the cap is not
  /// reached, else the same.
  CopyRepeatLevel after_batch(const CopyRepeatLevel& level, double error) const;

 private:
  CopyRepeatConfig config_;
};

extern template Batch<float> CopyRepeat::sample_batch(Rng&, const CopyRepeatLevel&, Index) const;
extern template Batch<double> CopyRepeat::sample_batch(Rng&, const CopyRepeatLevel&, Index) const;

}  // namespace ccrnn::tasks
