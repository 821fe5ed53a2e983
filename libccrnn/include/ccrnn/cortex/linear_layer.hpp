#pragma once
// Linear (identity) RNN layer: h' = W_ih x + b_ih + W_hh h + b_hh, the reference BP(lambda) toy task's
// cortex (its default non_lin='identity', docs/bp-lambda.md). Initialised as the tanh layer. Equations in
// elman_cell.tpp.
#include <ccrnn/cortex/elman_cell.hpp>

namespace ccrnn {

template <class S>
using LinearCell = ElmanCell<S, ElmanActivation::identity>;
template <class S>
using LinearLayer = CellLayer<S, LinearCell>;

extern template class CellLayer<float, LinearCell>;
extern template class CellLayer<double, LinearCell>;

}  // namespace ccrnn
