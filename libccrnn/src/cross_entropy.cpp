// Explicit instantiations of the vectorised softmax cross-entropy (train/cross_entropy.hpp).
#include <ccrnn/train/cross_entropy.tpp>

#include <string>

namespace ccrnn {

void check_label(int label, Index classes) {
  if (label < 0 || label >= classes)
    throw std::invalid_argument("cross-entropy: label " + std::to_string(label) + " out of range (" +
                                std::to_string(classes) + " classes)");
}

#define CCRNN_INSTANTIATE_CROSS_ENTROPY(S)                                                                 \
  template double exp_shifted_nll(ColumnArray<S>, int, double&);                                          \
  template void softmax_gradient_in_place(ColumnArray<S>, int, double, double);                           \
  template double vectorised_nll(const ConstBlockRef<S>&, Index, int, Vector<S>&);                        \
  template void cross_entropy_columns(const ConstBlockRef<S>&, const std::vector<int>&, Index, Index,     \
                                      std::vector<double>&);                                              \
  template double cross_entropy_sum(const ConstBlockRef<S>&, const std::vector<int>&, Index, Index);
CCRNN_INSTANTIATE_CROSS_ENTROPY(float)
CCRNN_INSTANTIATE_CROSS_ENTROPY(double)
#undef CCRNN_INSTANTIATE_CROSS_ENTROPY

}  // namespace ccrnn
