#pragma once
// Leaky tanh RNN layer (the cortex of the cortico-cerebellar loop, docs/forward-model.md):
//   u_t = alpha u_{t-1} + W_hh f(u_{t-1}) + W_ih x_t,   output f(u_t),   f = tanh,
// with no biases, as the reference's rate RNN. Its state is [f(u); u] (2N rows), so that the output the
// readout and the layer above read is the first N rows, as for every cell. Equations in leaky_tanh_layer.tpp.
#include <ccrnn/cortex/cell_layer.hpp>

namespace ccrnn {

template <class S>
struct LeakyTanhCell;
template <class S>
using LeakyTanhLayer = CellLayer<S, LeakyTanhCell>;

extern template class CellLayer<float, LeakyTanhCell>;
extern template class CellLayer<double, LeakyTanhCell>;

}  // namespace ccrnn
