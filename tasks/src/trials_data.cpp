// validate_trials: what the splits of a trials data set must share.
#include <ccrnn/tasks/trials/data.hpp>

#include "trials_text.hpp"

namespace ccrnn::tasks {

namespace {

struct NamedSplit {
  const char* name;
  const TrialSet* set;
};

/// A width (I, O or C) of `split` must be the training split's.
void check_width(Index width, Index train_width, const TrialsNaming& split, const TrialsNaming& train,
                 const std::string& array, const char* symbol, const char* counts) {
  if (width == train_width) return;
  throw DataError(split.array(array) + " has " + symbol + " = " + std::to_string(width) + " " + counts + " but " +
                  train.quoted(array) + " has " + std::to_string(train_width) + "; every split must have the same " +
                  symbol);
}

void check_like_train(const TrialSet& set, const TrialSet& train, const TrialsNaming& split, const TrialsNaming& t) {
  const auto kind = [](const TrialSet& s) { return s.is_classification() ? "labels" : "targets"; };
  if (set.is_classification() != train.is_classification())
    throw DataError(split.split() + " has " + kind(set) + " but " + t.group() + " has " +
                    kind(train) + "; all splits must be regression (targets) or all classification (labels)");
  check_width(set.input_size(), train.input_size(), split, t, "inputs", "I", "input features");
  if (!train.is_classification())
    check_width(set.output_size(), train.output_size(), split, t, "targets", "O", "target outputs");
  if (set.has_context() != train.has_context()) {
    const TrialsNaming& with = set.has_context() ? split : t;
    const TrialsNaming& without = set.has_context() ? t : split;
    throw DataError(without.array("context") + " is missing but " + with.quoted("context") +
                    " is present; give a context in every split or in none");
  }
  if (set.has_context()) check_width(set.context_size(), train.context_size(), split, t, "context", "C", "context features");
}

/// Every supervised label below `classes`.
void check_label_range(const TrialSet& set, Index classes, const TrialsNaming& naming) {
  const auto& labels = *set.arrays().labels;
  for (std::size_t k = 0; k < labels.values.size(); ++k) {
    const Index t = static_cast<Index>(k) / set.size(), i = static_cast<Index>(k) % set.size();
    if (labels.values[k] >= classes && set.supervised(t, i))
      throw DataError(naming.array("labels") + " has the label " + std::to_string(labels.values[k]) + " at " +
                      trials_text::position(k, labels.dims) + ", outside [0, classes = " + std::to_string(classes) + ")");
  }
}

}  // namespace

void validate_trials(const TrialsData& data, const std::string& source) {
  const auto naming = [&](const char* split) {
    std::string prefix = "/";  // appended, not "/" + ...: GCC 12 raises a false -Wrestrict on that
    prefix.append(split).append("/");
    return TrialsNaming{source, prefix};
  };
  const TrialsNaming train = naming("train");
  if (data.train.size() == 0) throw DataError(train.split() + " has no trials; the training split is required");
  std::vector<NamedSplit> splits{{"train", &data.train}};
  if (data.validation) splits.push_back({"validation", &*data.validation});
  if (data.test) splits.push_back({"test", &*data.test});
  for (std::size_t s = 1; s < splits.size(); ++s) check_like_train(*splits[s].set, data.train, naming(splits[s].name), train);

  if (!data.is_classification()) {
    if (data.classes != 0)
      throw DataError(source + ": 'classes' is " + std::to_string(data.classes) +
                      " but the splits hold regression targets, not labels; leave 'classes' out");
    return;
  }
  if (data.classes < 2)
    throw DataError(source + ": 'classes' is " + (data.classes == 0 ? "missing" : std::to_string(data.classes)) +
                    "; with labels it must be the number of classes, at least 2");
  for (const auto& split : splits) check_label_range(*split.set, data.classes, naming(split.name));
}

}  // namespace ccrnn::tasks
