#pragma once
// Definitions shared by all cell types (the cells' own are in lstm_layer.tpp, elman_cell.tpp,
// gru_layer.tpp and leaky_tanh_layer.tpp). Included only by libccrnn/src (explicit instantiation).
#include <ccrnn/cortex/recurrent_layer.hpp>
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/core/init.hpp>
#include <ccrnn/core/matmul.hpp>

#include <cmath>

namespace ccrnn {

template <class S>
void RecurrentLayer<S>::register_standard(ParamSet<S>& params, const std::string& prefix, int layer_index,
                                          Index gate_rows, bool biases) {
  const std::string l = "_l" + std::to_string(layer_index);
  w_ih_ = params.add(prefix + "weight_ih" + l, gate_rows, input_size_);
  w_hh_ = params.add(prefix + "weight_hh" + l, gate_rows, hidden_size_);
  if (!biases) return;
  b_ih_ = params.add(prefix + "bias_ih" + l, gate_rows, 1);
  b_hh_ = params.add(prefix + "bias_hh" + l, gate_rows, 1);
}

template <class S>
void RecurrentLayer<S>::initialise(ParamSet<S>& params, Rng& rng) const {
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size_));
  for (int id : {w_ih_, w_hh_, b_ih_, b_hh_})
    if (id >= 0) fill_uniform(params.value(id), rng, bound);
}

namespace detail {
/// gate_rows: rows of the input projection; gradient_rows: rows of gate_grads (they differ for the GRU).
template <class S>
void prepare_trace(LayerTrace<S>& trace, Index state_rows, Index gate_rows, Index gradient_rows,
                   Index activation_rows, Index input_size, Index batch, Index length) {
  trace.batch = batch;
  trace.length = length;
  ensure_shape(trace.states, state_rows, batch * (length + 1));
  ensure_shape(trace.input_projection, gate_rows, batch * length);
  ensure_shape(trace.activations, activation_rows, batch * length);
  ensure_shape(trace.gate_grads, gradient_rows, batch * length);
  ensure_shape(trace.input_grads, input_size, batch * length);
}
}  // namespace detail

/// Parameter gradients of a cell whose gate pre-activations are W_ih x + b_ih + W_hh h + b_hh (LSTM, tanh).
template <class S>
void accumulate_standard_gradients(ParamSet<S>& params, int w_ih, int w_hh, int b_ih, int b_hh,
                                   const ConstBlockRef<S>& inputs, const LayerTrace<S>& trace, Index n, Index t0,
                                   Index t1) {
  const Index b = trace.batch, cols = (t1 - t0) * b;
  const auto dz = trace.gate_grads.middleCols(t0 * b, cols);
  matmul<S>(dz, Op::none, inputs.middleCols(t0 * b, cols), Op::transpose, params.grad(w_ih), Update::add);
  matmul<S>(dz, Op::none, trace.states.topRows(n).middleCols(t0 * b, cols), Op::transpose, params.grad(w_hh),
            Update::add);
  const Vector<S> bias_grad = dz.rowwise().sum();
  params.grad(b_ih) += bias_grad;
  params.grad(b_hh) += bias_grad;
}

}  // namespace ccrnn
