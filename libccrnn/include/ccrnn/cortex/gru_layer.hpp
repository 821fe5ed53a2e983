#pragma once
// GRU layer with PyTorch's equations and gate order (r, z, n); note that b_hn sits inside r * (W_hn h + b_hn).
// Equations in gru_layer.tpp.
#include <ccrnn/cortex/cell_layer.hpp>

namespace ccrnn {

template <class S>
struct GruCell;
template <class S>
using GruLayer = CellLayer<S, GruCell>;

extern template class CellLayer<float, GruCell>;
extern template class CellLayer<double, GruCell>;

}  // namespace ccrnn
