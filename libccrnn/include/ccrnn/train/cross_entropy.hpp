#pragma once
// Softmax cross-entropy of output columns (logits) against class labels: the one implementation behind the
// task losses (train/loss.hpp), the training pass (dni/tbptt.hpp) and the tasks' evaluations. It has two
// paths that round differently; both are kept because results depend on their exact bits:
//   * double: each logit converted to double, exp and the sum in a plain loop in column order;
//   * vectorised, in the working precision S: Eigen's packet exp over a contiguous column and its packet
//     sum, then the log in double (TbpttSettings::vectorised_cross_entropy, captioning; several times
//     faster for large vocabularies). Packet and scalar exp may differ in the last bit, and a column's
//     address decides which of its elements take which, so where the column lies matters too.
// Both subtract the column's maximum before exp, so large logits do not overflow.
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/types.hpp>

#include <cmath>
#include <type_traits>
#include <vector>

namespace ccrnn {

/// Throws std::invalid_argument unless 0 <= label < classes.
void check_label(int label, Index classes);

// ---- double path: any column expression (float or double logits)

/// log sum_k exp(x_k) of a column, in double.
template <class Col>
double log_sum_exp(const Col& logits) {
  const double top = static_cast<double>(logits.maxCoeff());
  double sum = 0;
  for (Index i = 0; i < logits.size(); ++i) sum += std::exp(static_cast<double>(logits(i)) - top);
  return top + std::log(sum);
}

/// The negative log-likelihood -log softmax(x)_label = log_sum_exp(x) - x_label, in double.
template <class Col>
double nll(const Col& logits, int label) {
  check_label(label, logits.size());
  return log_sum_exp(logits) - static_cast<double>(logits(label));
}

/// nll(logits, label), and writes grad = scale * (softmax(x) - onehot(label)) (a column of the same size).
template <class Col, class Grad>
double nll_with_gradient(const Col& logits, int label, double scale, Grad&& grad) {
  using G = typename std::decay_t<Grad>::Scalar;
  check_label(label, logits.size());
  const double lse = log_sum_exp(logits);
  for (Index k = 0; k < logits.size(); ++k)
    grad(k) = static_cast<G>((std::exp(static_cast<double>(logits(k)) - lse) - (k == label)) * scale);
  return lse - static_cast<double>(logits(label));
}

// ---- vectorised path, in S

/// Replaces column (the logits x, contiguous) by exp(x - max x) and returns the NLL of label,
/// log(sum) - (x_label - max x); sum receives the sum of the exps.
template <class S>
double exp_shifted_nll(ColumnArray<S> column, int label, double& sum);

/// After exp_shifted_nll (column holds the exps, sum their sum): column = scale * (softmax - onehot(label)).
template <class S>
void softmax_gradient_in_place(ColumnArray<S> column, int label, double sum, double scale);

/// The NLL of column c of logits, with the column copied into scratch (aligned memory, so the packets
/// start at its first element whatever the column's address).
template <class S>
double vectorised_nll(const ConstBlockRef<S>& logits, Index c, int label, Vector<S>& scratch);

/// vectorised_nll of each column c in [c0, c1) of logits against labels[c], in out[c - c0]. Throws
/// std::out_of_range for columns outside the logits or labels.
template <class S>
void cross_entropy_columns(const ConstBlockRef<S>& logits, const std::vector<int>& labels, Index c0, Index c1,
                           std::vector<double>& out);
/// Their sum (accumulated in double).
template <class S>
double cross_entropy_sum(const ConstBlockRef<S>& logits, const std::vector<int>& labels, Index c0, Index c1);

#define CCRNN_DECLARE_CROSS_ENTROPY(S)                                                                    \
  extern template double exp_shifted_nll(ColumnArray<S>, int, double&);                                   \
  extern template void softmax_gradient_in_place(ColumnArray<S>, int, double, double);                    \
  extern template double vectorised_nll(const ConstBlockRef<S>&, Index, int, Vector<S>&);                 \
  extern template void cross_entropy_columns(const ConstBlockRef<S>&, const std::vector<int>&, Index, Index, \
                                             std::vector<double>&);                                        \
  extern template double cross_entropy_sum(const ConstBlockRef<S>&, const std::vector<int>&, Index, Index);
CCRNN_DECLARE_CROSS_ENTROPY(float)
CCRNN_DECLARE_CROSS_ENTROPY(double)
#undef CCRNN_DECLARE_CROSS_ENTROPY

}  // namespace ccrnn
