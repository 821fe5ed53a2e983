#pragma once
// Everything a run needs to continue exactly where it stopped, as named arrays: the run loop's epoch,
// curves and selected epoch, the parameters (under PyTorch's names), the optimizers' moments, and each
// task's own streams and cursors (TaskRun::save_state). A checkpoint file (checkpoint.hpp) is one
// RunState written as HDF5 datasets; the names may nest ("task/data_rng").
#include <ccrnn/core/random.hpp>
#include <ccrnn/core/types.hpp>
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/run_record.hpp>
#include <ccrnn/train/optimizers.hpp>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccrnn::tasks {

/// A checkpoint that cannot be used: unreadable, corrupt, or of another run (the message names the file
/// and what differs).
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunState {
 public:
  void put(const std::string& name, ResultArray array) { items_[name] = std::move(array); }
  void put_reals(const std::string& name, std::vector<double> values) { put(name, ResultArray::reals(std::move(values))); }
  void put_integers(const std::string& name, std::vector<std::int64_t> values) {
    put(name, ResultArray::integers(std::move(values)));
  }
  void put_real(const std::string& name, double value) { put_reals(name, {value}); }
  void put_integer(const std::string& name, std::int64_t value) { put_integers(name, {value}); }
  void put_floats(const std::string& name, const Vector<float>& values);
  void put_indices(const std::string& name, const std::vector<Index>& values);
  /// The stream's words, whether a Box-Muller spare is cached and the spare, bit for bit.
  void put_rng(const std::string& name, const Rng& rng);
  /// Every item of `other` under prefix + its name.
  void put_all(const std::string& prefix, const RunState& other);

  bool has(const std::string& name) const { return items_.count(name) > 0; }
  /// Throw CheckpointError naming the item when it is missing or of another type.
  const ResultArray& at(const std::string& name) const;
  std::vector<double> reals(const std::string& name) const;
  std::vector<std::int64_t> integers(const std::string& name) const;
  double real(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  /// Exactly `size` floats (a different count is a CheckpointError).
  Vector<float> floats(const std::string& name, Index size) const;
  std::vector<Index> indices(const std::string& name) const;
  /// Exactly a permutation of 0 .. size-1 (a task's shuffled order): anything else is a CheckpointError.
  std::vector<Index> permutation(const std::string& name, Index size) const;
  /// A stream's state as put_rng wrote it; all-zero words (xoshiro256**'s one invalid state, which gives
  /// zeros forever and hangs the rejection loops of normal() and uniform_int()) are a CheckpointError.
  void get_rng(const std::string& name, Rng& rng) const;
  /// The items under prefix, with the prefix removed.
  RunState under(const std::string& prefix) const;

  const std::map<std::string, ResultArray>& items() const { return items_; }

  /// One dataset per item below `group`.
  void write(io::Group& group) const;
  /// Every dataset below `group` (integers as int64, float32 as floats, other reals as double).
  static RunState read(const io::Group& group);
  /// FNV-1a over every item's name, shape and values (fingerprint.hpp).
  std::string checksum() const;

 private:
  std::map<std::string, ResultArray> items_;
};

/// An optimizer's moments and step count under name/first, name/second, name/steps; and back (the sizes
/// must match: CheckpointError otherwise).
void save_optimizer(RunState& state, const std::string& name, const Optimizer<float>& optimizer);
void restore_optimizer(const RunState& state, const std::string& name, Optimizer<float>& optimizer);

}  // namespace ccrnn::tasks
