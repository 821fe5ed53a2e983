#pragma once
// The Elman cell h' = f(W_ih x + b_ih + W_hh h + b_hh), shared by the tanh layer (tanh_layer.hpp, f = tanh)
// and the linear layer (linear_layer.hpp, f = identity): the two differ only in f and f'. Equations in
// elman_cell.tpp.
#include <ccrnn/cortex/cell_layer.hpp>

namespace ccrnn {

enum class ElmanActivation { tanh, identity };

template <class S, ElmanActivation f>
struct ElmanCell;

}  // namespace ccrnn
