#pragma once
// Vanilla RNN layer with tanh, as torch.nn.RNN(nonlinearity="tanh"): h' = tanh(W_ih x + b_ih + W_hh h + b_hh).
// Equations in tanh_layer.tpp.
#include <ccrnn/cortex/cell_layer.hpp>

namespace ccrnn {

template <class S>
struct TanhCell;
template <class S>
using TanhLayer = CellLayer<S, TanhCell>;

extern template class CellLayer<float, TanhCell>;
extern template class CellLayer<double, TanhCell>;

}  // namespace ccrnn
