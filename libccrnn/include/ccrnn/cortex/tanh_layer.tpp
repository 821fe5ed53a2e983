#pragma once
// The tanh RNN layer's equations (see tanh_layer.hpp). Included only by libccrnn/src (explicit instantiation).
#include <ccrnn/cortex/tanh_layer.hpp>
#include <ccrnn/cortex/recurrent_layer.tpp>
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/matmul.hpp>

namespace ccrnn {

template <class S>
void TanhLayer<S>::register_parameters(ParamSet<S>& params, const std::string& prefix, int layer_index) {
  this->register_standard(params, prefix, layer_index, this->hidden_size());
}

template <class S>
void TanhLayer<S>::prepare(LayerTrace<S>& trace, Index batch, Index length) const {
  const Index n = this->hidden_size();
  detail::prepare_trace(trace, n, n, n, 0, this->input_size(), batch, length);  // h' itself is in states
}

template <class S>
void TanhLayer<S>::forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, LayerTrace<S>& trace,
                           Index t0, Index t1) const {
  const Index b = trace.batch, cols = (t1 - t0) * b;
  const auto w_hh = params.value(this->w_hh_);
  auto proj = trace.input_projection.middleCols(t0 * b, cols);
  matmul<S>(params.value(this->w_ih_), Op::none, inputs.middleCols(t0 * b, cols), Op::none, proj, Update::assign);
  proj.colwise() += (params.value(this->b_ih_) + params.value(this->b_hh_)).col(0);
  for (Index t = t0; t < t1; ++t) {
    auto next = trace.states.middleCols((t + 1) * b, b);
    next = proj.middleCols((t - t0) * b, b);
    matmul<S>(w_hh, Op::none, trace.states.middleCols(t * b, b), Op::none, next, Update::add);
    next = next.array().tanh();
  }
}

template <class S>
void TanhLayer<S>::backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                            LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                            bool need_input_grads) const {
  const Index b = trace.batch;
  const auto w_hh = params.value(this->w_hh_);
  for (Index t = t1 - 1; t >= t0; --t) {
    state_grad += output_grads.middleCols(t * b, b);
    auto dz = trace.gate_grads.middleCols(t * b, b);
    dz = state_grad.array() * (1 - trace.states.middleCols((t + 1) * b, b).array().square());
    if (t > t0 || need_start_grad) matmul<S>(w_hh, Op::transpose, dz, Op::none, state_grad, Update::assign);
  }
  if (need_input_grads) {
    const Index cols = (t1 - t0) * b;
    matmul<S>(params.value(this->w_ih_), Op::transpose, trace.gate_grads.middleCols(t0 * b, cols), Op::none,
              trace.input_grads.middleCols(t0 * b, cols), Update::assign);
  }
}

template <class S>
void TanhLayer<S>::accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                        const LayerTrace<S>& trace, Index t0, Index t1) const {
  accumulate_standard_gradients(params, this->w_ih_, this->w_hh_, this->b_ih_, this->b_hh_, inputs, trace,
                                this->hidden_size(), t0, t1);
}

}  // namespace ccrnn
