#pragma once
// Definitions shared by all cell types. Included only by libccrnn/src (explicit instantiation).
#include <ccrnn/cortex/gru_layer.hpp>
#include <ccrnn/cortex/lstm_layer.hpp>
#include <ccrnn/cortex/recurrent_layer.hpp>
#include <ccrnn/cortex/tanh_layer.hpp>
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/matmul.hpp>
#include <ccrnn/core/init.hpp>

#include <cmath>
#include <stdexcept>

namespace ccrnn {

template <class S>
void RecurrentLayer<S>::register_standard(ParamSet<S>& params, const std::string& prefix, int layer_index,
                                          Index gate_rows) {
  const std::string l = "_l" + std::to_string(layer_index);
  w_ih_ = params.add(prefix + "weight_ih" + l, gate_rows, input_size_);
  w_hh_ = params.add(prefix + "weight_hh" + l, gate_rows, hidden_size_);
  b_ih_ = params.add(prefix + "bias_ih" + l, gate_rows, 1);
  b_hh_ = params.add(prefix + "bias_hh" + l, gate_rows, 1);
}

template <class S>
void RecurrentLayer<S>::initialise(ParamSet<S>& params, Rng& rng) const {
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size_));
  for (int id : {w_ih_, w_hh_, b_ih_, b_hh_}) fill_uniform(params.value(id), rng, bound);
}

template <class S>
std::unique_ptr<RecurrentLayer<S>> make_layer(CellType cell, Index input_size, Index hidden_size) {
  if (input_size < 1 || hidden_size < 1)
    throw std::invalid_argument("recurrent layer sizes must be >= 1 (input " + std::to_string(input_size) +
                                ", hidden " + std::to_string(hidden_size) + ")");
  switch (cell) {
    case CellType::lstm: return std::make_unique<LstmLayer<S>>(input_size, hidden_size);
    case CellType::tanh: return std::make_unique<TanhLayer<S>>(input_size, hidden_size);
    case CellType::gru: return std::make_unique<GruLayer<S>>(input_size, hidden_size);
  }
  throw std::invalid_argument("unknown cell type");
}

namespace detail {
/// Resizes only when the shape changes, so repeated batches of one shape never allocate.
template <class S>
void ensure_shape(Matrix<S>& m, Index rows, Index cols) {
  if (m.rows() != rows || m.cols() != cols) m.setZero(rows, cols);
}
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

// ------------------------------------------------------------------------------------------------ LSTM
template <class S>
void LstmLayer<S>::register_parameters(ParamSet<S>& params, const std::string& prefix, int layer_index) {
  this->register_standard(params, prefix, layer_index, 4 * this->hidden_size());
}

template <class S>
void LstmLayer<S>::prepare(LayerTrace<S>& trace, Index batch, Index length) const {
  const Index n = this->hidden_size();
  // activations: the gates i, f, g, o after their nonlinearities (4N rows, so one step's block is
  // contiguous); cell_activations: tanh of the new cell state.
  detail::prepare_trace(trace, 2 * n, 4 * n, 4 * n, 4 * n, this->input_size(), batch, length);
  detail::ensure_shape(trace.cell_activations, n, batch * length);
  if (trace.gate_scale.rows() != 4 * n || trace.gate_scale.cols() != batch) {
    // logistic(x) = 0.5 tanh(x / 2) + 0.5, so all four gates are s * tanh(s x) + (1 - s) with s = 1/2 for
    // i, f, o and s = 1 for g: one vectorised pass over a step's whole contiguous gate block.
    trace.gate_scale.setConstant(4 * n, batch, S(0.5));
    trace.gate_scale.middleRows(2 * n, n).setOnes();
  }
}

template <class S>
void LstmLayer<S>::forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, LayerTrace<S>& trace,
                           Index t0, Index t1) const {
  const Index n = this->hidden_size(), b = trace.batch, cols = (t1 - t0) * b;
  const auto w_hh = params.value(this->w_hh_);
  auto proj = trace.input_projection.middleCols(t0 * b, cols);
  matmul<S>(params.value(this->w_ih_), Op::none, inputs.middleCols(t0 * b, cols), Op::none, proj, Update::assign);
  proj.colwise() += (params.value(this->b_ih_) + params.value(this->b_hh_)).col(0);
  const ConstColumnArray<S> scale(trace.gate_scale.data(), 4 * n * b);
  for (Index t = t0; t < t1; ++t) {
    auto act = trace.activations.middleCols(t * b, b);
    act = proj.middleCols((t - t0) * b, b);
    matmul<S>(w_hh, Op::none, trace.states.topRows(n).middleCols(t * b, b), Op::none, act, Update::add);
    ColumnArray<S> gates(act.data(), 4 * n * b);
    gates = scale * (scale * gates).tanh() + (1 - scale);
    auto prev = trace.states.middleCols(t * b, b);
    auto next = trace.states.middleCols((t + 1) * b, b);
    auto tanh_c = trace.cell_activations.middleCols(t * b, b);
    for (Index j = 0; j < b; ++j)
      column_segment(tanh_c, j, 0, n) = column_segment(act, j, n, n) * column_segment(prev, j, n, n) +
                                        column_segment(act, j, 0, n) * column_segment(act, j, 2 * n, n);
    next.bottomRows(n) = tanh_c;  // the new cell state c' = f c + i g
    ColumnArray<S> tanh_all(tanh_c.data(), n * b);
    tanh_all = tanh_all.tanh();
    for (Index j = 0; j < b; ++j)
      column_segment(next, j, 0, n) = column_segment(act, j, 3 * n, n) * column_segment(tanh_c, j, 0, n);
  }
}

template <class S>
void LstmLayer<S>::backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                            LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                            bool need_input_grads) const {
  const Index n = this->hidden_size(), b = trace.batch;
  const auto w_hh = params.value(this->w_hh_);
  auto dh_all = state_grad.topRows(n);
  for (Index t = t1 - 1; t >= t0; --t) {
    dh_all += output_grads.middleCols(t * b, b);
    const auto act = trace.activations.middleCols(t * b, b);
    const auto tanh_cs = trace.cell_activations.middleCols(t * b, b);
    const auto prev = trace.states.middleCols(t * b, b);
    auto dz = trace.gate_grads.middleCols(t * b, b);
    for (Index j = 0; j < b; ++j) {
      const auto i = column_segment(act, j, 0, n), f = column_segment(act, j, n, n), g = column_segment(act, j, 2 * n, n),
                 o = column_segment(act, j, 3 * n, n), tanh_c = column_segment(tanh_cs, j, 0, n);
      const auto c_prev = column_segment(prev, j, n, n);
      auto dh = column_segment(state_grad, j, 0, n), dc = column_segment(state_grad, j, n, n);
      column_segment(dz, j, 3 * n, n) = dh * tanh_c * o * (1 - o);
      dc += dh * o * (1 - tanh_c.square());
      column_segment(dz, j, 0, n) = dc * g * i * (1 - i);
      column_segment(dz, j, n, n) = dc * c_prev * f * (1 - f);
      column_segment(dz, j, 2 * n, n) = dc * i * (1 - g.square());
      dc *= f;
    }
    if (t > t0 || need_start_grad) matmul<S>(w_hh, Op::transpose, dz, Op::none, dh_all, Update::assign);
  }
  if (need_input_grads) {
    const Index cols = (t1 - t0) * b;
    matmul<S>(params.value(this->w_ih_), Op::transpose, trace.gate_grads.middleCols(t0 * b, cols), Op::none,
              trace.input_grads.middleCols(t0 * b, cols), Update::assign);
  }
}

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

template <class S>
void LstmLayer<S>::accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                        const LayerTrace<S>& trace, Index t0, Index t1) const {
  accumulate_standard_gradients(params, this->w_ih_, this->w_hh_, this->b_ih_, this->b_hh_, inputs, trace,
                                this->hidden_size(), t0, t1);
}

// ------------------------------------------------------------------------------------------------ tanh RNN
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

// ------------------------------------------------------------------------------------------------ GRU
// gate_grads rows: [dr; dz; dn; dn * r] = gradients w.r.t. the r, z pre-activations, the input part of n,
// and the recurrent part (W_hn h + b_hn) of n. The input projection uses rows 0..3N, the recurrent
// product rows {0..2N, 3N..4N}.
template <class S>
void GruLayer<S>::register_parameters(ParamSet<S>& params, const std::string& prefix, int layer_index) {
  this->register_standard(params, prefix, layer_index, 3 * this->hidden_size());
}

template <class S>
void GruLayer<S>::prepare(LayerTrace<S>& trace, Index batch, Index length) const {
  const Index n = this->hidden_size();
  // input_projection: W_ih x + b_ih (3N); activations: r, z, n, and W_hn h + b_hn (4N)
  detail::prepare_trace(trace, n, 3 * n, 4 * n, 4 * n, this->input_size(), batch, length);
  detail::ensure_shape(trace.scratch, 3 * n, batch);
}

template <class S>
void GruLayer<S>::forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, LayerTrace<S>& trace,
                          Index t0, Index t1) const {
  const Index n = this->hidden_size(), b = trace.batch, cols = (t1 - t0) * b;
  const auto w_hh = params.value(this->w_hh_);
  const auto b_hh = params.value(this->b_hh_).col(0);
  auto proj = trace.input_projection.middleCols(t0 * b, cols);
  matmul<S>(params.value(this->w_ih_), Op::none, inputs.middleCols(t0 * b, cols), Op::none, proj, Update::assign);
  proj.colwise() += params.value(this->b_ih_).col(0);
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

template <class S>
void GruLayer<S>::backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                           LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                           bool need_input_grads) const {
  const Index n = this->hidden_size(), b = trace.batch;
  const auto w_hh = params.value(this->w_hh_);
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
    matmul<S>(params.value(this->w_ih_), Op::transpose, trace.gate_grads.topRows(3 * n).middleCols(t0 * b, cols),
              Op::none, trace.input_grads.middleCols(t0 * b, cols), Update::assign);
  }
}

template <class S>
void GruLayer<S>::accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                       const LayerTrace<S>& trace, Index t0, Index t1) const {
  const Index n = this->hidden_size(), b = trace.batch, cols = (t1 - t0) * b;
  const auto dz = trace.gate_grads.middleCols(t0 * b, cols);
  const auto h_prev = trace.states.middleCols(t0 * b, cols);
  matmul<S>(dz.topRows(3 * n), Op::none, inputs.middleCols(t0 * b, cols), Op::transpose, params.grad(this->w_ih_),
            Update::add);
  params.grad(this->b_ih_) += dz.topRows(3 * n).rowwise().sum();
  auto dw_hh = params.grad(this->w_hh_);
  auto db_hh = params.grad(this->b_hh_);
  matmul<S>(dz.topRows(2 * n), Op::none, h_prev, Op::transpose, dw_hh.topRows(2 * n), Update::add);
  matmul<S>(dz.bottomRows(n), Op::none, h_prev, Op::transpose, dw_hh.bottomRows(n), Update::add);
  db_hh.topRows(2 * n) += dz.topRows(2 * n).rowwise().sum();
  db_hh.bottomRows(n) += dz.bottomRows(n).rowwise().sum();
}

}  // namespace ccrnn
