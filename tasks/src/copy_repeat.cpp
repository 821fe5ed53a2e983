// Copy-repeat's data and curriculum (copy_repeat.hpp).
#include <ccrnn/tasks/copy_repeat.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

Index CopyRepeatLevel::number() const {
  // The levels come in the order (1,1), (2,1), (2,2), (3,2), (3,3), ...: each step adds 1 to N + R.
  return pattern + repeats - 1;
}

CopyRepeatLevel CopyRepeatLevel::next() const {
  CopyRepeatLevel out = *this;
  if (out.repeats < out.pattern) ++out.repeats;
  else ++out.pattern;
  return out;
}

CopyRepeat::CopyRepeat(const CopyRepeatConfig& config) : config_(config) {
  if (config_.bits < 1) throw std::invalid_argument("copy-repeat: bits must be >= 1");
  if (!(config_.repeat_norm > 0)) throw std::invalid_argument("copy-repeat: repeat_norm must be > 0");
  if (!(config_.threshold_bits >= 0)) throw std::invalid_argument("copy-repeat: threshold_bits must be >= 0");
  if (config_.max_pattern < 1) throw std::invalid_argument("copy-repeat: max_pattern must be >= 1");
}

Index CopyRepeat::max_length() const { return CopyRepeatLevel{config_.max_pattern, config_.max_pattern}.length(); }

template <class S>
Batch<S> CopyRepeat::sample_batch(Rng& rng, const CopyRepeatLevel& level, Index size) const {
  if (size < 1) throw std::invalid_argument("copy-repeat: the batch size must be >= 1");
  const Index bits = config_.bits, n = level.pattern, r = level.repeats, length = level.length();
  Batch<S> batch;
  batch.size = size;
  batch.length = length;
  batch.inputs = Matrix<S>::Zero(input_size(), size * length);
  batch.targets = Matrix<S>::Zero(output_size(), size * length);
  batch.supervised.assign(static_cast<std::size_t>(length), 0);
  for (Index t = n + 2; t < length; ++t) batch.supervised[static_cast<std::size_t>(t)] = 1;
  for (Index j = 0; j < size; ++j) {
    batch.inputs(bits, j) = 1;  // start flag at t = 0
    for (Index k = 0; k < n; ++k) {
      for (Index i = 0; i < bits; ++i) {
        const S bit = static_cast<S>(rng.uniform_int(0, 1));
        batch.inputs(i, (1 + k) * size + j) = bit;
        for (Index rep = 0; rep < r; ++rep) batch.targets(i, (n + 2 + rep * n + k) * size + j) = bit;
      }
    }
    batch.inputs(bits + 1, (n + 1) * size + j) = static_cast<S>(static_cast<double>(r) / config_.repeat_norm);
    batch.targets(bits, (length - 1) * size + j) = 1;  // end flag
  }
  return batch;
}

CopyRepeatLevel CopyRepeat::after_batch(const CopyRepeatLevel& level, double error) const {
  const bool capped = level.pattern >= config_.max_pattern && level.repeats >= config_.max_pattern;
  if (capped || !(error / std::log(2.0) < config_.threshold_bits)) return level;
  return level.next();
}

template Batch<float> CopyRepeat::sample_batch(Rng&, const CopyRepeatLevel&, Index) const;
template Batch<double> CopyRepeat::sample_batch(Rng&, const CopyRepeatLevel&, Index) const;

}  // namespace ccrnn::tasks
