#pragma once
// One split of a trials data set in memory (format: docs/trials-format.md): L steps of n trials with
// inputs, regression targets or class labels, an optional per-trial loss mask and an optional cerebellar
// context, validated once on construction; and the batches made from any selection of its trials.
//
// Arrays are row-major, as in the file and in numpy: element (t, i, k) of an (L, n, I) array is
// values[(t * n + i) * I + k]. That is also the memory of a column-major I x (n*L) matrix whose column
// t*n + i is trial i at step t, which is how batches are cut from it.
#include <ccrnn/core/types.hpp>
#include <ccrnn/tasks/data_error.hpp>
#include <ccrnn/train/batch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccrnn::tasks {

/// A row-major array and its shape.
template <class T>
struct TrialArray {
  std::vector<T> values;
  std::vector<Index> dims;
};

/// The arrays of one split as given (read from a file or from numpy), before validation.
struct TrialArrays {
  TrialArray<float> inputs;                        // (L, n, I)
  std::optional<TrialArray<float>> targets;        // (L, n, O) regression targets, or
  std::optional<TrialArray<std::int64_t>> labels;  // (L, n) class labels (any value where the mask is 0)
  std::optional<TrialArray<std::int64_t>> mask;    // (L, n) 1 = supervised, 0 = not; absent = all 1
  std::optional<TrialArray<float>> context;        // (n, C) one cerebellar context vector per trial
};

/// How error messages name a split and its arrays, so that one validation serves files and numpy:
/// {"data.h5", "/train/"} names "data.h5: '/train/mask'", {"TrialSet", ""} names "TrialSet: 'mask'".
struct TrialsNaming {
  std::string source;  // a file's path, or the name of the in-memory constructor
  std::string prefix;  // "/<split>/" inside a file; "" for arrays given directly
  /// "'<prefix><name>'".
  std::string quoted(const std::string& name) const;
  /// "<source>: '<prefix><name>'".
  std::string array(const std::string& name) const;
  /// "'/<split>'" (with a prefix).
  std::string group() const;
  /// "<source>: '/<split>'", or just "<source>" without a prefix.
  std::string split() const;
};

class TrialSet {
 public:
  /// No trials: a placeholder only (TrialsData's checks refuse an empty training split).
  TrialSet() = default;
  /// Validates the arrays and takes them. Throws DataError, naming the array through `naming`, for:
  /// wrong ranks; zero steps, trials, inputs, outputs or context width; shapes whose (L, n) or n
  /// disagree with the inputs'; both or neither of targets and labels; a non-finite value (or one
  /// beyond float's range) in inputs, targets or context; mask values other than 0 and 1; a mask
  /// without any 1; a negative label where the mask is 1. (Labels' upper bound, the class count, is
  /// checked with the whole data set: validate_trials.)
  TrialSet(TrialArrays arrays, const TrialsNaming& naming);

  Index length() const;        // L
  Index size() const;          // n
  Index input_size() const;    // I
  Index output_size() const;   // O with targets; 0 with labels (the class count belongs to TrialsData)
  Index context_size() const;  // C, 0 without context
  bool is_classification() const { return arrays_.labels.has_value(); }
  bool has_mask() const { return arrays_.mask.has_value(); }
  bool has_context() const { return arrays_.context.has_value(); }
  /// The validated arrays, exactly as given.
  const TrialArrays& arrays() const { return arrays_; }
  /// Whether trial i carries an error signal at step t (mask 1, or no mask).
  bool supervised(Index t, Index i) const;

  /// A batch of the given trials in that order (B = trials.size(), repeats allowed): inputs, targets
  /// or labels (-1 where a trial's mask is 0), context if present. When the chosen trials' masks are
  /// identical, their shared row is `supervised` and `mask` stays empty (the unmasked code path);
  /// otherwise `mask` holds every trial's row in column order (t*B + j) and supervised[t] = 1 iff
  /// some trial is supervised at t. Throws std::invalid_argument for no trials and std::out_of_range
  /// for an index outside [0, n).
  template <class S>
  Batch<S> make_batch(const std::vector<Index>& trials) const;

 private:
  /// An (L, n, rows) array reordered trial by trial: rows x n*L column-major, column i*L + t, so that a
  /// batch copies each trial's steps from one contiguous block (the file's step-major order would
  /// scatter a batch's reads over the whole array).
  static std::vector<float> by_trial(const TrialArray<float>& a);
  TrialArrays arrays_;
  std::vector<float> inputs_by_trial_, targets_by_trial_;
  std::vector<unsigned char> supervised_by_trial_;  // n*L, entry i*L + t
  std::vector<int> labels_by_trial_;                // n*L, -1 where not supervised (labels only)
};

/// A batch's trials as a TrialSet (targets or labels, the batch's mask or its shared supervised steps as
/// mask, context): how a built-in task's data set is exported as trials. Validated as any TrialSet.
TrialSet trials_from_batch(const Batch<float>& batch, const TrialsNaming& naming);

}  // namespace ccrnn::tasks
