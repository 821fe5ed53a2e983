#pragma once
// CellLayer's forwarding to its cell's equations. Included by each cell's .tpp (libccrnn/src only).
#include <ccrnn/cortex/cell_layer.hpp>

namespace ccrnn {

template <class S, template <class> class Cell>
Index CellLayer<S, Cell>::state_size() const {
  return Cell<S>::state_blocks * this->hidden_size();
}

template <class S, template <class> class Cell>
void CellLayer<S, Cell>::register_parameters(ParamSet<S>& params, const std::string& prefix, int layer_index) {
  // A cell without biases says so with `static constexpr bool biases = false` (the leaky tanh cell).
  constexpr bool biases = [] {
    if constexpr (requires { Cell<S>::biases; }) return Cell<S>::biases;
    else return true;
  }();
  this->register_standard(params, prefix, layer_index, Cell<S>::gate_blocks * this->hidden_size(), biases);
}

template <class S, template <class> class Cell>
void CellLayer<S, Cell>::prepare(LayerTrace<S>& trace, Index batch, Index length) const {
  Cell<S>::prepare(*this, trace, batch, length);
}

template <class S, template <class> class Cell>
void CellLayer<S, Cell>::forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, LayerTrace<S>& trace,
                                 Index t0, Index t1) const {
  Cell<S>::forward(*this, params, inputs, trace, t0, t1);
}

template <class S, template <class> class Cell>
void CellLayer<S, Cell>::backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads,
                                  BlockRef<S> state_grad, LayerTrace<S>& trace, Index t0, Index t1,
                                  bool need_start_grad, bool need_input_grads) const {
  Cell<S>::backward(*this, params, output_grads, state_grad, trace, t0, t1, need_start_grad, need_input_grads);
}

template <class S, template <class> class Cell>
void CellLayer<S, Cell>::accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                              const LayerTrace<S>& trace, Index t0, Index t1) const {
  Cell<S>::accumulate_gradients(*this, params, inputs, trace, t0, t1);
}

}  // namespace ccrnn
