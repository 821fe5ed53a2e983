#pragma once
// A whole trials data set: the training split, optional validation and test splits, and what holds for
// all of them (format: docs/trials-format.md).
#include <ccrnn/tasks/trials/trial_set.hpp>

#include <optional>
#include <string>

namespace ccrnn::tasks {

struct TrialsData {
  TrialSet train;
  std::optional<TrialSet> validation, test;
  Index classes = 0;        // with labels: the number of classes (>= 2); with targets: 0
  std::string description;  // free text (the file's `description` attribute); may be empty
  std::string source;       // the file it was loaded from; empty when built in memory

  bool is_classification() const { return train.is_classification(); }
  /// The network's output width: the class count with labels, O with targets.
  Index output_size() const { return is_classification() ? classes : train.output_size(); }
  Index input_size() const { return train.input_size(); }
  Index context_size() const { return train.context_size(); }
};

/// The checks that concern the splits together, each split already valid on its own (TrialSet's
/// constructor): a non-empty training split; all splits alike in kind (targets or labels), I, O and
/// C, with context in every split or none; with labels, classes >= 2 and every label where the mask
/// is 1 below classes; with targets, classes 0. Throws DataError naming `source` and the array
/// ("data.h5: '/validation/context' ...").
void validate_trials(const TrialsData& data, const std::string& source);

}  // namespace ccrnn::tasks
