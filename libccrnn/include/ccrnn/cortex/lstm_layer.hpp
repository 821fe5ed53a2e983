#pragma once
// LSTM layer with PyTorch's equations, gate order (i, f, g, o) and two bias vectors, so weights are
// interchangeable with torch.nn.LSTM. State s = [h; c]. Equations in lstm_layer.tpp.
#include <ccrnn/cortex/cell_layer.hpp>

namespace ccrnn {

template <class S>
struct LstmCell;
template <class S>
using LstmLayer = CellLayer<S, LstmCell>;

extern template class CellLayer<float, LstmCell>;
extern template class CellLayer<double, LstmCell>;

}  // namespace ccrnn
