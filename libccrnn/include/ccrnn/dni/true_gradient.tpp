#pragma once
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/train/loss.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn {

namespace detail {

/// Forward over the whole sequence (optionally replacing the state at boundary_step), the readout, and the
/// window losses with their output gradients. Returns F.
template <class S>
double windowed_forward(const Model<S>& model, const Batch<S>& batch, Index truncation, LossKind loss,
                        BoundaryGradientWorkspace<S>& ws, Index boundary_step, const Matrix<S>* state) {
  if (truncation < 1) throw std::invalid_argument("boundary gradients: truncation length T must be >= 1");
  validate_batch(batch, model.cortex.input_size(), model.readout.output_size(), loss);
  const Index b = batch.size, length = batch.length, cols = b * length;
  if (state != nullptr) {
    if (boundary_step < 0 || boundary_step > length)
      throw std::invalid_argument("boundary gradients: boundary step must be in [0, L]");
    if (state->rows() != model.state_size() || state->cols() != b)
      throw std::invalid_argument("boundary gradients: replacement state must be state_size x B");
  }
  model.cortex.prepare(ws.cortex, b, length);
  ensure_shape(ws.outputs, model.readout.output_size(), cols);
  ensure_shape(ws.output_grads, model.readout.output_size(), cols);
  if (state != nullptr) {
    // The replaced state is the one ENTERING step boundary_step: the readout of the steps before it (the
    // last of which reads the top layer's h from the same boundary block) is computed first, unperturbed.
    const Index before = boundary_step * b;
    model.cortex.forward(model.params, batch.inputs, ws.cortex, 0, boundary_step);
    model.readout.forward(model.params, model.cortex.outputs(ws.cortex).leftCols(before), ws.outputs.leftCols(before));
    scatter_state(model.cortex, ws.cortex, boundary_step, *state);
    model.cortex.forward(model.params, batch.inputs, ws.cortex, boundary_step, length);
    model.readout.forward(model.params, model.cortex.outputs(ws.cortex).rightCols(cols - before),
                          ws.outputs.rightCols(cols - before));
  } else {
    model.cortex.forward(model.params, batch.inputs, ws.cortex, 0, length);
    model.readout.forward(model.params, model.cortex.outputs(ws.cortex), ws.outputs);
  }
  double f = 0.0;
  for (Index t0 = 0; t0 < length; t0 += truncation)
    f += window_loss<S>(loss, ws.outputs, batch, t0, std::min(t0 + truncation, length), ws.output_grads);
  return f;
}

}  // namespace detail

template <class S>
void scatter_state(const Cortex<S>& cortex, CortexTrace<S>& trace, Index t,
                   const std::type_identity_t<ConstBlockRef<S>>& state) {
  if (state.rows() != cortex.state_size() || state.cols() != trace.batch)
    throw std::invalid_argument("scatter_state: state must be state_size x B");
  Index offset = 0;
  for (Index l = 0; l < cortex.num_layers(); ++l) {
    const Index rows = cortex.layer(l).state_size();
    trace.layers[static_cast<size_t>(l)].states.middleCols(t * trace.batch, trace.batch) = state.middleRows(offset, rows);
    offset += rows;
  }
}

template <class S>
double windowed_task_loss(const Model<S>& model, const Batch<S>& batch, Index truncation, LossKind loss,
                          BoundaryGradientWorkspace<S>& ws, Index boundary_step, const Matrix<S>* state) {
  return detail::windowed_forward(model, batch, truncation, loss, ws, boundary_step, state);
}

template <class S>
void compute_boundary_gradients(const Model<S>& model, const Batch<S>& batch, const BoundaryGradientOptions& options,
                                BoundaryGradientWorkspace<S>& ws, BoundaryGradients<S>& out) {
  const Index trunc = options.truncation;
  out.loss = detail::windowed_forward(model, batch, trunc, options.loss, ws, 0, static_cast<const Matrix<S>*>(nullptr));
  const Index b = batch.size, length = batch.length, state = model.state_size();
  const Index windows = (length + trunc - 1) / trunc;
  out.batch = b;
  out.length = length;
  out.truncation = trunc;
  out.windows = windows;

  // Gradient w.r.t. the top layer's outputs at every step (the task gradients do not depend on truncation).
  ensure_shape(ws.hidden_grads, model.cortex.hidden_size(), b * length);
  ensure_shape(ws.state_grad, state, b);
  model.readout.backward(model.params, ws.output_grads, ws.hidden_grads);

  // Truncated: each window on its own, from a zero gradient at its end.
  if (options.truncated) {
    ensure_shape(out.truncated, state, b * windows);
    for (Index w = 0; w < windows; ++w) {
      const Index t0 = w * trunc, t1 = std::min(t0 + trunc, length);
      ws.state_grad.setZero();
      model.cortex.backward(model.params, ws.hidden_grads, ws.state_grad, ws.cortex, t0, t1, true);
      out.truncated.middleCols(w * b, b) = ws.state_grad;
    }
  } else {
    out.truncated.resize(0, 0);
  }

  // True: one backward from t = L to 0, the state gradient carried across windows, read at every boundary.
  // (Runs after the truncated passes, so the trace's gate gradients are the full pass's.)
  ensure_shape(out.full, state, b * (windows + 1));
  out.full.rightCols(b).setZero();
  ws.state_grad.setZero();
  for (Index w = windows; w-- > 0;) {
    const Index t0 = w * trunc, t1 = std::min(t0 + trunc, length);
    model.cortex.backward(model.params, ws.hidden_grads, ws.state_grad, ws.cortex, t0, t1, true);
    out.full.middleCols(w * b, b) = ws.state_grad;
  }

  // dF/dtheta into a scratch copy of the parameters (the model's own buffers are never written).
  if (options.parameter_gradient) {
    ws.scratch = model.params;
    ws.scratch.zero_grad();
    model.cortex.accumulate_gradients(ws.scratch, batch.inputs, ws.cortex, 0, length);
    model.readout.accumulate_gradients(ws.scratch, model.cortex.outputs(ws.cortex), ws.output_grads);
    out.parameters = ws.scratch.grads();
  } else {
    out.parameters.resize(0);
  }
}

template <class S>
BoundaryGradients<S> boundary_gradients(const Model<S>& model, const Batch<S>& batch,
                                        const BoundaryGradientOptions& options) {
  BoundaryGradientWorkspace<S> ws;
  BoundaryGradients<S> out;
  compute_boundary_gradients(model, batch, options, ws, out);
  return out;
}

}  // namespace ccrnn
