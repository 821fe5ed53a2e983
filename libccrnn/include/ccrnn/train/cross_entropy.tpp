#pragma once
#include <ccrnn/train/cross_entropy.hpp>

#include <stdexcept>

namespace ccrnn {

template <class S>
double exp_shifted_nll(ColumnArray<S> column, int label, double& sum) {
  check_label(label, column.size());
  const S top = column.maxCoeff();
  const S shifted_label = column(label) - top;
  column = (column - top).exp();
  sum = static_cast<double>(column.sum());
  return std::log(sum) - static_cast<double>(shifted_label);
}

template <class S>
void softmax_gradient_in_place(ColumnArray<S> column, int label, double sum, double scale) {
  column *= static_cast<S>(scale / sum);
  column(label) -= static_cast<S>(scale);
}

template <class S>
double vectorised_nll(const ConstBlockRef<S>& logits, Index c, int label, Vector<S>& scratch) {
  scratch = logits.col(c);
  double sum = 0.0;
  return exp_shifted_nll<S>(ColumnArray<S>(scratch.data(), scratch.size()), label, sum);
}

template <class S>
void cross_entropy_columns(const ConstBlockRef<S>& logits, const std::vector<int>& labels, Index c0, Index c1,
                           std::vector<double>& out) {
  if (c0 < 0 || c1 > logits.cols() || c1 > static_cast<Index>(labels.size()) || c0 > c1)
    throw std::out_of_range("cross-entropy: column range outside the logits or labels");
  out.resize(static_cast<size_t>(c1 - c0));
  Vector<S> scratch;
  for (Index c = c0; c < c1; ++c)
    out[static_cast<size_t>(c - c0)] = vectorised_nll<S>(logits, c, labels[static_cast<size_t>(c)], scratch);
}

template <class S>
double cross_entropy_sum(const ConstBlockRef<S>& logits, const std::vector<int>& labels, Index c0, Index c1) {
  std::vector<double> per_column;
  cross_entropy_columns<S>(logits, labels, c0, c1, per_column);
  double total = 0.0;
  for (double v : per_column) total += v;
  return total;
}

}  // namespace ccrnn
