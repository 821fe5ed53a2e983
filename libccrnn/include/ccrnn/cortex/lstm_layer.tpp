#pragma once
// The LSTM layer's equations (see lstm_layer.hpp). Included only by libccrnn/src (explicit instantiation).
#include <ccrnn/cortex/cell_layer.tpp>
#include <ccrnn/cortex/lstm_columns.hpp>
#include <ccrnn/cortex/lstm_layer.hpp>
#include <ccrnn/cortex/recurrent_layer.tpp>
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/matmul.hpp>

namespace ccrnn {

template <class S>
struct LstmCell {
  using Layer = CellLayer<S, LstmCell>;
  static constexpr Index gate_blocks = 4;   // weight rows 4N: gates i, f, g, o
  static constexpr Index state_blocks = 2;  // [h; c]

  static void prepare(const Layer& layer, LayerTrace<S>& trace, Index batch, Index length) {
    const Index n = layer.hidden_size();
    // activations: the gates i, f, g, o after their nonlinearities (4N rows, so one step's block is
    // contiguous); cell_activations: tanh of the new cell state. No input_projection: forward writes
    // W_ih x + biases straight into activations, where each step adds W_hh h in place.
    detail::prepare_trace(trace, 2 * n, 0, 4 * n, 4 * n, layer.input_size(), batch, length);
    ensure_shape(trace.cell_activations, n, batch * length);
    if (trace.gate_scale.rows() != 4 * n || trace.gate_scale.cols() != batch) {
      // logistic(x) = 0.5 tanh(x / 2) + 0.5, so all four gates are s * tanh(s x) + (1 - s) with s = 1/2 for
      // i, f, o and s = 1 for g: one vectorised pass over a step's whole contiguous gate block.
      trace.gate_scale.setConstant(4 * n, batch, S(0.5));
      trace.gate_scale.middleRows(2 * n, n).setOnes();
    }
  }

  static void forward(const Layer& layer, const ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                      LayerTrace<S>& trace, Index t0, Index t1) {
    const Index n = layer.hidden_size(), b = trace.batch, cols = (t1 - t0) * b;
    const auto w_hh = params.value(layer.w_hh_);
    auto proj = trace.activations.middleCols(t0 * b, cols);  // the pre-activations, made gates step by step
    matmul<S>(params.value(layer.w_ih_), Op::none, inputs.middleCols(t0 * b, cols), Op::none, proj, Update::assign);
    proj.colwise() += (params.value(layer.b_ih_) + params.value(layer.b_hh_)).col(0);
    const ConstColumnArray<S> scale(trace.gate_scale.data(), 4 * n * b);
    for (Index t = t0; t < t1; ++t) {
      auto act = trace.activations.middleCols(t * b, b);
      matmul<S>(w_hh, Op::none, trace.states.topRows(n).middleCols(t * b, b), Op::none, act, Update::add);
      ColumnArray<S> gates(act.data(), 4 * n * b);
      gates = scale * (scale * gates).tanh() + (1 - scale);
      auto prev = trace.states.middleCols(t * b, b);
      auto next = trace.states.middleCols((t + 1) * b, b);
      auto tanh_c = trace.cell_activations.middleCols(t * b, b);
      for (Index j = 0; j < b; ++j) {  // the new cell state c' = f c + i g, kept in next and made tanh(c') below
        const S* gates_j = &act(0, j);
        detail::lstm_cell_state(gates_j, gates_j + n, gates_j + 2 * n, &prev(n, j), &tanh_c(0, j), &next(n, j), n);
      }
      ColumnArray<S> tanh_all(tanh_c.data(), n * b);
      tanh_all = tanh_all.tanh();
      for (Index j = 0; j < b; ++j) detail::lstm_hidden(&act(3 * n, j), &tanh_c(0, j), &next(0, j), n);
    }
  }

  static void backward(const Layer& layer, const ParamSet<S>& params, const ConstBlockRef<S>& output_grads,
                       BlockRef<S> state_grad, LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                       bool need_input_grads) {
    const Index n = layer.hidden_size(), b = trace.batch;
    const auto w_hh = params.value(layer.w_hh_);
    auto dh_all = state_grad.topRows(n);
    for (Index t = t1 - 1; t >= t0; --t) {
      dh_all += output_grads.middleCols(t * b, b);
      const auto act = trace.activations.middleCols(t * b, b);
      const auto tanh_cs = trace.cell_activations.middleCols(t * b, b);
      const auto prev = trace.states.middleCols(t * b, b);
      auto dz = trace.gate_grads.middleCols(t * b, b);
      for (Index j = 0; j < b; ++j)
        detail::lstm_gate_grads(&act(0, j), &tanh_cs(0, j), &prev(n, j), &state_grad(0, j), &state_grad(n, j),
                                &dz(0, j), n);
      if (t > t0 || need_start_grad) matmul<S>(w_hh, Op::transpose, dz, Op::none, dh_all, Update::assign);
    }
    if (need_input_grads) {
      const Index cols = (t1 - t0) * b;
      matmul<S>(params.value(layer.w_ih_), Op::transpose, trace.gate_grads.middleCols(t0 * b, cols), Op::none,
                trace.input_grads.middleCols(t0 * b, cols), Update::assign);
    }
  }

  static void accumulate_gradients(const Layer& layer, ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                   const LayerTrace<S>& trace, Index t0, Index t1) {
    accumulate_standard_gradients(params, layer.w_ih_, layer.w_hh_, layer.b_ih_, layer.b_hh_, inputs, trace,
                                  layer.hidden_size(), t0, t1);
  }
};

}  // namespace ccrnn
