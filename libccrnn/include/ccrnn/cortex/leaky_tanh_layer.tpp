#pragma once
// The leaky tanh layer's equations (see leaky_tanh_layer.hpp). Included only by libccrnn/src (explicit
// instantiation).
#include <ccrnn/cortex/cell_layer.tpp>
#include <ccrnn/cortex/leaky_tanh_layer.hpp>
#include <ccrnn/cortex/recurrent_layer.tpp>
#include <ccrnn/core/matmul.hpp>

namespace ccrnn {

template <class S>
struct LeakyTanhCell {
  using Layer = CellLayer<S, LeakyTanhCell>;
  static constexpr Index gate_blocks = 1;   // weight rows N
  static constexpr Index state_blocks = 2;  // [f(u); u]
  static constexpr bool biases = false;     // the reference's RNN has none

  static void prepare(const Layer& layer, LayerTrace<S>& trace, Index batch, Index length) {
    const Index n = layer.hidden_size();
    detail::prepare_trace(trace, 2 * n, n, n, 0, layer.input_size(), batch, length);  // u and f(u) are in states
  }

  static void forward(const Layer& layer, const ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                      LayerTrace<S>& trace, Index t0, Index t1) {
    const Index n = layer.hidden_size(), b = trace.batch, cols = (t1 - t0) * b;
    const auto w_hh = params.value(layer.w_hh_);
    const S alpha = static_cast<S>(layer.leak());
    auto proj = trace.input_projection.middleCols(t0 * b, cols);
    matmul<S>(params.value(layer.w_ih_), Op::none, inputs.middleCols(t0 * b, cols), Op::none, proj, Update::assign);
    for (Index t = t0; t < t1; ++t) {
      const auto before = trace.states.middleCols(t * b, b);
      auto after = trace.states.middleCols((t + 1) * b, b);
      auto u = after.bottomRows(n);
      u = proj.middleCols((t - t0) * b, b) + alpha * before.bottomRows(n);
      matmul<S>(w_hh, Op::none, before.topRows(n), Op::none, u, Update::add);
      after.topRows(n) = u.array().tanh();
    }
  }

  /// state_grad = [d/d f(u); d/du]. gate_grads holds the total gradient w.r.t. u_t, which is also the
  /// gradient w.r.t. the pre-activation W_hh f(u_{t-1}) + W_ih x_t (so the weight gradients are standard).
  static void backward(const Layer& layer, const ParamSet<S>& params, const ConstBlockRef<S>& output_grads,
                       BlockRef<S> state_grad, LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                       bool need_input_grads) {
    const Index n = layer.hidden_size(), b = trace.batch;
    const auto w_hh = params.value(layer.w_hh_);
    const S alpha = static_cast<S>(layer.leak());
    auto grad_f = state_grad.topRows(n);
    auto grad_u = state_grad.bottomRows(n);
    for (Index t = t1 - 1; t >= t0; --t) {
      grad_f += output_grads.middleCols(t * b, b);
      auto du = trace.gate_grads.middleCols(t * b, b);
      const auto f = trace.states.topRows(n).middleCols((t + 1) * b, b);
      du = grad_u + (grad_f.array() * (1 - f.array().square())).matrix();
      if (t > t0 || need_start_grad) {
        grad_u = alpha * du;
        matmul<S>(w_hh, Op::transpose, du, Op::none, grad_f, Update::assign);
      }
    }
    if (need_input_grads) {
      const Index cols = (t1 - t0) * b;
      matmul<S>(params.value(layer.w_ih_), Op::transpose, trace.gate_grads.middleCols(t0 * b, cols), Op::none,
                trace.input_grads.middleCols(t0 * b, cols), Update::assign);
    }
  }

  static void accumulate_gradients(const Layer& layer, ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                   const LayerTrace<S>& trace, Index t0, Index t1) {
    const Index b = trace.batch, cols = (t1 - t0) * b;
    const auto du = trace.gate_grads.middleCols(t0 * b, cols);
    matmul<S>(du, Op::none, inputs.middleCols(t0 * b, cols), Op::transpose, params.grad(layer.w_ih_), Update::add);
    matmul<S>(du, Op::none, trace.states.topRows(layer.hidden_size()).middleCols(t0 * b, cols), Op::transpose,
              params.grad(layer.w_hh_), Update::add);
  }
};

}  // namespace ccrnn
