// TrialSet: the validation of one split's arrays, shared by the file loader and numpy, and its sizes.
#include <ccrnn/tasks/trials/trial_set.hpp>

#include "trials_text.hpp"

#include <cmath>
#include <stdexcept>

namespace ccrnn::tasks {

std::string TrialsNaming::quoted(const std::string& name) const { return "'" + prefix + name + "'"; }

std::string TrialsNaming::array(const std::string& name) const { return source + ": " + quoted(name); }

std::string TrialsNaming::group() const {
  std::string quoted_group = "'";  // appended, not "'" + ...: GCC 12 raises a false -Wrestrict on that
  quoted_group.append(prefix, 0, prefix.size() - 1);
  return quoted_group + "'";
}

std::string TrialsNaming::split() const { return prefix.empty() ? source : source + ": " + group(); }

namespace {

using trials_text::position;
using trials_text::shape;

/// What one dimension of an array counts, for messages: {"n", "trials"}.
struct Dim {
  const char* symbol;
  const char* counts;
};
constexpr Dim steps{"L", "steps"}, trials{"n", "trials"};

/// Rank, non-empty dimensions, and a value count that fills the shape.
template <class T>
void check_shape(const TrialArray<T>& a, const std::string& name, const std::vector<Dim>& meaning,
                 const TrialsNaming& naming) {
  std::string expected = "(";
  for (std::size_t d = 0; d < meaning.size(); ++d) expected += (d ? ", " : "") + std::string(meaning[d].symbol);
  expected += ")";
  if (a.dims.size() != meaning.size())
    throw DataError(naming.array(name) + " must have " + std::to_string(meaning.size()) + " dimensions " + expected +
                    ", found shape " + shape(a.dims));
  for (std::size_t d = 0; d < meaning.size(); ++d)
    if (a.dims[d] < 1)
      throw DataError(naming.array(name) + " has shape " + shape(a.dims) + ": no " + meaning[d].counts + " (" +
                      meaning[d].symbol + " = " + std::to_string(a.dims[d]) + ")");
  std::size_t count = 1;
  for (const Index d : a.dims) count *= static_cast<std::size_t>(d);
  if (a.values.size() != count)  // only a caller's bug can cause this: files and numpy always fill their shape
    throw std::invalid_argument(naming.array(name) + ": " + std::to_string(a.values.size()) +
                                " values do not fill shape " + shape(a.dims));
}

/// Dimension `d` of `name` must equal dimension `e` of the inputs (both count `meaning`).
void check_agrees(const std::vector<Index>& dims, const std::string& name, std::size_t d,
                  const std::vector<Index>& inputs, std::size_t e, const Dim& meaning, const TrialsNaming& naming) {
  if (dims[d] == inputs[e]) return;
  throw DataError(naming.array(name) + " has shape " + shape(dims) + " but " + naming.quoted("inputs") +
                  " has shape " + shape(inputs) + ": their " + meaning.symbol + " (" + meaning.counts + ") differ, " +
                  std::to_string(dims[d]) + " vs " + std::to_string(inputs[e]));
}

/// (L, n) leading dimensions of targets, labels and mask must be the inputs'.
template <class T>
void check_steps_and_trials(const TrialArray<T>& a, const std::string& name, const std::vector<Index>& inputs,
                            const TrialsNaming& naming) {
  check_agrees(a.dims, name, 0, inputs, 0, steps, naming);
  check_agrees(a.dims, name, 1, inputs, 1, trials, naming);
}

void check_finite(const TrialArray<float>& a, const std::string& name, const TrialsNaming& naming) {
  for (std::size_t k = 0; k < a.values.size(); ++k) {
    const float v = a.values[k];
    if (std::isfinite(v)) continue;
    const std::string text = std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
    throw DataError(naming.array(name) + " has a non-finite value (" + text + ") at " + position(k, a.dims) +
                    "; every value must be finite and within float32's range (|x| <= 3.4e38)");
  }
}

void check_mask(const TrialArray<std::int64_t>& mask, const TrialsNaming& naming) {
  bool any = false;
  for (std::size_t k = 0; k < mask.values.size(); ++k) {
    const std::int64_t v = mask.values[k];
    if (v != 0 && v != 1)
      throw DataError(naming.array("mask") + " has the value " + std::to_string(v) + " at " + position(k, mask.dims) +
                      "; a mask holds only 0 (no error signal) and 1 (supervised)");
    any = any || v == 1;
  }
  if (!any)
    throw DataError(naming.array("mask") + " supervises nothing: every entry is 0, but at least one step of one trial "
                    "must carry an error signal");
}

}  // namespace

TrialSet::TrialSet(TrialArrays arrays, const TrialsNaming& naming) {
  const auto& in = arrays.inputs.dims;
  check_shape(arrays.inputs, "inputs", {steps, trials, {"I", "input features"}}, naming);
  if (arrays.targets && arrays.labels)
    throw DataError(naming.split() + " has both 'targets' (regression) and 'labels' (classification); give exactly one");
  if (!arrays.targets && !arrays.labels)
    throw DataError(naming.split() + " has neither 'targets' (regression, (L, n, O)) nor 'labels' "
                    "(classification, (L, n)); give exactly one");
  if (arrays.targets) {
    check_shape(*arrays.targets, "targets", {steps, trials, {"O", "target outputs"}}, naming);
    check_steps_and_trials(*arrays.targets, "targets", in, naming);
  }
  if (arrays.labels) {
    check_shape(*arrays.labels, "labels", {steps, trials}, naming);
    check_steps_and_trials(*arrays.labels, "labels", in, naming);
  }
  if (arrays.mask) {
    check_shape(*arrays.mask, "mask", {steps, trials}, naming);
    check_steps_and_trials(*arrays.mask, "mask", in, naming);
  }
  if (arrays.context) {
    check_shape(*arrays.context, "context", {trials, {"C", "context features"}}, naming);
    check_agrees(arrays.context->dims, "context", 0, in, 1, trials, naming);
  }
  check_finite(arrays.inputs, "inputs", naming);
  if (arrays.targets) check_finite(*arrays.targets, "targets", naming);
  if (arrays.context) check_finite(*arrays.context, "context", naming);
  if (arrays.mask) check_mask(*arrays.mask, naming);
  arrays_ = std::move(arrays);
  inputs_by_trial_ = by_trial(arrays_.inputs);
  if (arrays_.targets) targets_by_trial_ = by_trial(*arrays_.targets);
  const Index length = this->length(), n = size();
  supervised_by_trial_.resize(static_cast<std::size_t>(n * length));
  for (Index i = 0; i < n; ++i)
    for (Index t = 0; t < length; ++t) supervised_by_trial_[static_cast<std::size_t>(i * length + t)] = supervised(t, i);
  if (!arrays_.labels) return;
  // Every supervised entry needs a class; entries the mask switches off are never read.
  const auto& labels = *arrays_.labels;
  for (std::size_t k = 0; k < labels.values.size(); ++k) {
    const Index t = static_cast<Index>(k) / size(), i = static_cast<Index>(k) % size();
    if (labels.values[k] < 0 && supervised(t, i))
      throw DataError(naming.array("labels") + " has the label " + std::to_string(labels.values[k]) + " at " +
                      position(k, labels.dims) + ", where " +
                      (has_mask() ? "the mask is 1" : "every step is supervised (there is no mask)") +
                      "; supervised entries need a class 0, 1, ... (mark steps without a label with mask 0)");
  }
  labels_by_trial_.resize(static_cast<std::size_t>(n * length));
  for (Index i = 0; i < n; ++i)
    for (Index t = 0; t < length; ++t)
      labels_by_trial_[static_cast<std::size_t>(i * length + t)] =
          supervised(t, i) ? static_cast<int>(labels.values[static_cast<std::size_t>(t * n + i)]) : -1;
}

std::vector<float> TrialSet::by_trial(const TrialArray<float>& a) {
  const Index length = a.dims[0], n = a.dims[1], rows = a.dims[2];
  const ConstMatrixMap<float> by_step(a.values.data(), rows, n * length);  // column t*n + i
  std::vector<float> out(a.values.size());
  MatrixMap<float> trials(out.data(), rows, n * length);                   // column i*L + t
  for (Index i = 0; i < n; ++i)
    for (Index t = 0; t < length; ++t) trials.col(i * length + t) = by_step.col(t * n + i);
  return out;
}

Index TrialSet::length() const { return arrays_.inputs.dims.empty() ? 0 : arrays_.inputs.dims[0]; }
Index TrialSet::size() const { return arrays_.inputs.dims.empty() ? 0 : arrays_.inputs.dims[1]; }
Index TrialSet::input_size() const { return arrays_.inputs.dims.empty() ? 0 : arrays_.inputs.dims[2]; }
Index TrialSet::output_size() const { return arrays_.targets ? arrays_.targets->dims[2] : 0; }
Index TrialSet::context_size() const { return arrays_.context ? arrays_.context->dims[1] : 0; }

bool TrialSet::supervised(Index t, Index i) const {
  return !arrays_.mask || arrays_.mask->values[static_cast<std::size_t>(t * size() + i)] != 0;
}

}  // namespace ccrnn::tasks
