#pragma once
// The Elman cell's equations (see elman_cell.hpp): the tanh and the linear layer. Included only by
// libccrnn/src (explicit instantiation).
#include <ccrnn/cortex/cell_layer.tpp>
#include <ccrnn/cortex/elman_cell.hpp>
#include <ccrnn/cortex/recurrent_layer.tpp>
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/matmul.hpp>

namespace ccrnn {

template <class S, ElmanActivation f>
struct ElmanCell {
  // Each function takes its layer first, CellLayer<S, TanhCell> or CellLayer<S, LinearCell> (`auto`: the two
  // aliases name distinct templates).
  static constexpr Index gate_blocks = 1;   // weight rows N
  static constexpr Index state_blocks = 1;  // h

  static void prepare(const auto& layer, LayerTrace<S>& trace, Index batch, Index length) {
    const Index n = layer.hidden_size();
    detail::prepare_trace(trace, n, n, n, 0, layer.input_size(), batch, length);  // h' itself is in states
  }

  static void forward(const auto& layer, const ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                      LayerTrace<S>& trace, Index t0, Index t1) {
    const Index b = trace.batch, cols = (t1 - t0) * b;
    const auto w_hh = params.value(layer.w_hh_);
    auto proj = trace.input_projection.middleCols(t0 * b, cols);
    matmul<S>(params.value(layer.w_ih_), Op::none, inputs.middleCols(t0 * b, cols), Op::none, proj, Update::assign);
    proj.colwise() += (params.value(layer.b_ih_) + params.value(layer.b_hh_)).col(0);
    for (Index t = t0; t < t1; ++t) {
      auto next = trace.states.middleCols((t + 1) * b, b);
      next = proj.middleCols((t - t0) * b, b);
      matmul<S>(w_hh, Op::none, trace.states.middleCols(t * b, b), Op::none, next, Update::add);
      if constexpr (f == ElmanActivation::tanh) next = next.array().tanh();
    }
  }

  static void backward(const auto& layer, const ParamSet<S>& params, const ConstBlockRef<S>& output_grads,
                       BlockRef<S> state_grad, LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                       bool need_input_grads) {
    const Index b = trace.batch;
    const auto w_hh = params.value(layer.w_hh_);
    for (Index t = t1 - 1; t >= t0; --t) {
      state_grad += output_grads.middleCols(t * b, b);
      auto dz = trace.gate_grads.middleCols(t * b, b);
      if constexpr (f == ElmanActivation::tanh)
        dz = state_grad.array() * (1 - trace.states.middleCols((t + 1) * b, b).array().square());
      else
        dz = state_grad;
      if (t > t0 || need_start_grad) matmul<S>(w_hh, Op::transpose, dz, Op::none, state_grad, Update::assign);
    }
    if (need_input_grads) {
      const Index cols = (t1 - t0) * b;
      matmul<S>(params.value(layer.w_ih_), Op::transpose, trace.gate_grads.middleCols(t0 * b, cols), Op::none,
                trace.input_grads.middleCols(t0 * b, cols), Update::assign);
    }
  }

  static void accumulate_gradients(const auto& layer, ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                   const LayerTrace<S>& trace, Index t0, Index t1) {
    accumulate_standard_gradients(params, layer.w_ih_, layer.w_hh_, layer.b_ih_, layer.b_hh_, inputs, trace,
                                  layer.hidden_size(), t0, t1);
  }
};

}  // namespace ccrnn
