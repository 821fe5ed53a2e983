#pragma once
// Vanilla RNN layer with tanh, as torch.nn.RNN(nonlinearity="tanh"): h' = tanh(W_ih x + b_ih + W_hh h + b_hh).
// Equations in elman_cell.tpp.
#include <ccrnn/cortex/elman_cell.hpp>

namespace ccrnn {

template <class S>
using TanhCell = ElmanCell<S, ElmanActivation::tanh>;
template <class S>
using TanhLayer = CellLayer<S, TanhCell>;

extern template class CellLayer<float, TanhCell>;
extern template class CellLayer<double, TanhCell>;

}  // namespace ccrnn
