#pragma once
// The GRU layer's equations (see gru_layer.hpp). Included only by libccrnn/src (explicit instantiation).
#include <ccrnn/cortex/cell_layer.tpp>
#include <ccrnn/cortex/gru_layer.hpp>
#include <ccrnn/cortex/recurrent_layer.tpp>
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/matmul.hpp>

namespace ccrnn {

// gate_grads rows: [dr; dz; dn; dn * r] = gradients w.r.t. the r, z pre-activations, the input part of n,
// and the recurrent part (W_hn h + b_hn) of n. The input projection uses rows 0..3N, the recurrent
// product rows {0..2N, 3N..4N}.
template <class S>
struct GruCell {
  using Layer = CellLayer<S, GruCell>;
  static constexpr Index gate_blocks = 3;   // weight rows 3N: gates r, z, n
  static constexpr Index state_blocks = 1;  // h

  static void prepare(const Layer& layer, LayerTrace<S>& trace, Index batch, Index length) {
    const Index n = layer.hidden_size();
    // input_projection: W_ih x + b_ih (3N); activations: r, z, n, and W_hn h + b_hn (4N)
    detail::prepare_trace(trace, n, 3 * n, 4 * n, 4 * n, layer.input_size(), batch, length);
    ensure_shape(trace.scratch, 3 * n, batch);
  }

  static void forward(const Layer& layer, const ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                      LayerTrace<S>& trace, Index t0, Index t1) {
    const Index n = layer.hidden_size(), b = trace.batch, cols = (t1 - t0) * b;
    const auto w_hh = params.value(layer.w_hh_);
    const auto b_hh = params.value(layer.b_hh_).col(0);
    auto proj = trace.input_projection.middleCols(t0 * b, cols);
    matmul<S>(params.value(layer.w_ih_), Op::none, inputs.middleCols(t0 * b, cols), Op::none, proj, Update::assign);
    proj.colwise() += params.value(layer.b_ih_).col(0);
    auto& recurrent = trace.scratch;  // W_hh h + b_hh, 3N x B
    for (Index t = t0; t < t1; ++t) {
      const auto h = trace.states.middleCols(t * b, b);
      matmul<S>(w_hh, Op::none, h, Op::none, recurrent, Update::assign);
      recurrent.colwise() += b_hh;
      const auto p = proj.middleCols((t - t0) * b, b);
      auto act = trace.activations.middleCols(t * b, b);
      act.topRows(2 * n) = (p.topRows(2 * n) + recurrent.topRows(2 * n)).array().logistic();
      act.bottomRows(n) = recurrent.bottomRows(n);
      act.middleRows(2 * n, n) =
          (p.bottomRows(n).array() + act.topRows(n).array() * recurrent.bottomRows(n).array()).tanh();
      const auto z = act.middleRows(n, n).array(), cand = act.middleRows(2 * n, n).array();
      trace.states.middleCols((t + 1) * b, b) = (1 - z) * cand + z * h.array();
    }
  }

  static void backward(const Layer& layer, const ParamSet<S>& params, const ConstBlockRef<S>& output_grads,
                       BlockRef<S> state_grad, LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                       bool need_input_grads) {
    const Index n = layer.hidden_size(), b = trace.batch;
    const auto w_hh = params.value(layer.w_hh_);
    auto direct = trace.scratch.topRows(n);  // dh * z: the path that skips the gates
    for (Index t = t1 - 1; t >= t0; --t) {
      state_grad += output_grads.middleCols(t * b, b);
      const auto act = trace.activations.middleCols(t * b, b);
      const auto r = act.topRows(n).array(), z = act.middleRows(n, n).array(), cand = act.middleRows(2 * n, n).array(),
                 rec_n = act.bottomRows(n).array();
      const auto h_prev = trace.states.middleCols(t * b, b).array();
      const auto dh = state_grad.array();
      auto dz = trace.gate_grads.middleCols(t * b, b);
      dz.middleRows(2 * n, n) = dh * (1 - z) * (1 - cand.square());
      dz.middleRows(n, n) = dh * (h_prev - cand) * z * (1 - z);
      dz.topRows(n) = dz.middleRows(2 * n, n).array() * rec_n * r * (1 - r);
      dz.bottomRows(n) = dz.middleRows(2 * n, n).array() * r;
      if (t > t0 || need_start_grad) {
        direct = dh * z;
        matmul<S>(w_hh.topRows(2 * n), Op::transpose, dz.topRows(2 * n), Op::none, state_grad, Update::assign);
        matmul<S>(w_hh.bottomRows(n), Op::transpose, dz.bottomRows(n), Op::none, state_grad, Update::add);
        state_grad += direct;
      }
    }
    if (need_input_grads) {
      const Index cols = (t1 - t0) * b;
      matmul<S>(params.value(layer.w_ih_), Op::transpose, trace.gate_grads.topRows(3 * n).middleCols(t0 * b, cols),
                Op::none, trace.input_grads.middleCols(t0 * b, cols), Update::assign);
    }
  }

  static void accumulate_gradients(const Layer& layer, ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                   const LayerTrace<S>& trace, Index t0, Index t1) {
    const Index n = layer.hidden_size(), b = trace.batch, cols = (t1 - t0) * b;
    const auto dz = trace.gate_grads.middleCols(t0 * b, cols);
    const auto h_prev = trace.states.middleCols(t0 * b, cols);
    matmul<S>(dz.topRows(3 * n), Op::none, inputs.middleCols(t0 * b, cols), Op::transpose, params.grad(layer.w_ih_),
              Update::add);
    params.grad(layer.b_ih_) += dz.topRows(3 * n).rowwise().sum();
    auto dw_hh = params.grad(layer.w_hh_);
    auto db_hh = params.grad(layer.b_hh_);
    matmul<S>(dz.topRows(2 * n), Op::none, h_prev, Op::transpose, dw_hh.topRows(2 * n), Update::add);
    matmul<S>(dz.bottomRows(n), Op::none, h_prev, Op::transpose, dw_hh.bottomRows(n), Update::add);
    db_hh.topRows(2 * n) += dz.topRows(2 * n).rowwise().sum();
    db_hh.bottomRows(n) += dz.bottomRows(n).rowwise().sum();
  }
};

}  // namespace ccrnn
