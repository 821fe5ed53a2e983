#pragma once
#include <ccrnn/core/columns.hpp>
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/model.tpp>
#include <ccrnn/train/loss.tpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ccrnn {

namespace detail {
inline CrossEntropyPath cross_entropy_path(const TbpttSettings& settings) {
  return settings.vectorised_cross_entropy ? CrossEntropyPath::vectorised : CrossEntropyPath::double_loop;
}
}  // namespace detail

template <class S>
void begin_batch(const Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings, TbpttWorkspace<S>& ws) {
  validate_batch(batch, model.cortex.input_size(), model.readout.output_size(), settings.loss);
  if (settings.truncation < 1) throw std::invalid_argument("batch: truncation length T must be >= 1");
  const Index b = batch.size, cols = b * batch.length, state = model.state_size();
  ws.windows = window_count(batch.length, settings.truncation);
  model.cortex.prepare(ws.cortex, b, batch.length);
  ensure_shape(ws.outputs, model.readout.output_size(), cols);
  ensure_shape(ws.output_grads, model.readout.output_size(), cols);
  ensure_shape(ws.hidden_grads, model.cortex.hidden_size(), cols);
  ensure_shape(ws.state_grad, state, b);
  if (model.cerebellum) {
    ensure_shape(ws.predictions, state, b * (ws.windows + 1));
    ensure_shape(ws.targets, state, b * ws.windows);
  }
}

template <class S>
BatchStats accumulate_windows(Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                              TbpttWorkspace<S>& ws, Index w_begin, Index w_end) {
  const Index b = batch.size, length = batch.length, trunc = settings.truncation;
  const Index t_begin = w_begin * trunc, t_end = std::min(w_end * trunc, length);
  const Index segment_cols = (t_end - t_begin) * b, segment_windows = w_end - w_begin;
  auto& params = model.params;
  BatchStats stats;

  // 1. Cortex and readout forward over the whole segment.
  model.cortex.forward(params, batch.inputs, ws.cortex, t_begin, t_end);
  const ConstBlockRef<S> hidden = model.cortex.outputs(ws.cortex);
  model.readout.forward(params, hidden.middleCols(t_begin * b, segment_cols),
                        ws.outputs.middleCols(t_begin * b, segment_cols));

  // 2. Task losses and their gradients w.r.t. the readout, then w.r.t. the top layer's outputs.
  for (Index w = w_begin; w < w_end; ++w) {
    const Index t0 = w * trunc, t1 = std::min((w + 1) * trunc, length);
    stats.task_loss +=
        window_loss<S>(settings.loss, ws.outputs, batch, t0, t1, ws.output_grads, detail::cross_entropy_path(settings));
  }
  model.readout.backward(params, ws.output_grads.middleCols(t_begin * b, segment_cols),
                         ws.hidden_grads.middleCols(t_begin * b, segment_cols));

  // 3. The cerebellum, once per boundary of the segment (starts of its windows and the segment end).
  //    When the first boundary is the all-zero initial state and there is no per-sample context, its B
  //    columns are identical: the cerebellum sees it as ONE column (same result, a tenth less work at T=1).
  const bool cerebellum = model.cerebellum.has_value() && (settings.inject || settings.train_cerebellum);
  const Matrix<S>* context = nullptr;
  const Index boundaries = segment_windows + 1;
  Index first_cols = b;  // cerebellum columns of the segment's first boundary
  const auto boundary_col = [&](Index j) { return j == 0 ? Index{0} : first_cols + (j - 1) * b; };
  if (cerebellum) {
    const bool zero_start = model.config().context_size == 0 && w_begin == 0 &&
                            std::all_of(ws.cortex.layers.begin(), ws.cortex.layers.end(),
                                        [b](const LayerTrace<S>& l) { return l.states.leftCols(b).isZero(S(0)); });
    first_cols = zero_start ? 1 : b;
    ensure_shape(ws.boundary_states, model.state_size(), first_cols + segment_windows * b);
    if (zero_start) ws.boundary_states.col(0).setZero();
    else model.cortex.gather_state(ws.cortex, w_begin * trunc, ws.boundary_states.leftCols(b));
    for (Index j = 1; j < boundaries; ++j)
      model.cortex.gather_state(ws.cortex, std::min((w_begin + j) * trunc, length),
                                ws.boundary_states.middleCols(boundary_col(j), b));
    if (model.config().context_size > 0) {
      if (batch.context.rows() != model.config().context_size || batch.context.cols() != b)
        throw std::invalid_argument("batch: cerebellar context must be context_size x B");
      ensure_shape(ws.boundary_context, model.config().context_size, boundaries * b);
      for (Index j = 0; j < boundaries; ++j) ws.boundary_context.middleCols(j * b, b) = batch.context;
      context = &ws.boundary_context;
    }
    model.cerebellum->forward(params, ws.boundary_states, context, ws.cerebellum);
    if (zero_start) ws.predictions.middleCols(w_begin * b, b).colwise() = ws.cerebellum.output.col(0);
    else ws.predictions.middleCols(w_begin * b, b) = ws.cerebellum.output.leftCols(b);
    ws.predictions.middleCols((w_begin + 1) * b, segment_windows * b) = ws.cerebellum.output.rightCols(segment_windows * b);
  }

  // 4. Each window's backward pass, from its injected gradient; record the total gradient at its start.
  const bool inject = cerebellum && settings.inject;
  const bool need_start = cerebellum && settings.train_cerebellum;
  std::vector<std::pair<Index, Index>> backward_steps;  // step ranges [t0, t1) whose backward pass ran
  for (Index w = w_begin; w < w_end; ++w) {
    const Index t0 = w * trunc, t1 = std::min(t0 + trunc, length);
    if (inject && (settings.final_injection || w + 1 < ws.windows))
      ws.state_grad = ws.cerebellum.output.middleCols(boundary_col(w + 1 - w_begin), b) * static_cast<S>(settings.sg_scale);
    else
      ws.state_grad.setZero();
    if (supervised_steps(batch.supervised, t0, t1) == 0 && ws.state_grad.isZero(S(0))) {
      // Nothing reaches this window (a cRNN window without feedback, or no feedback and a silent
      // cerebellum): its gradients and the gradient at its start are exactly zero.
      for (auto& layer : ws.cortex.layers) layer.gate_grads.middleCols(t0 * b, (t1 - t0) * b).setZero();
      if (settings.input_grads) ws.cortex.layers.front().input_grads.middleCols(t0 * b, (t1 - t0) * b).setZero();
      if (need_start) ws.targets.middleCols(w * b, b).setZero();
      continue;
    }
    if (!backward_steps.empty() && backward_steps.back().second == t0) backward_steps.back().second = t1;
    else backward_steps.emplace_back(t0, t1);
    model.cortex.backward(params, ws.hidden_grads, ws.state_grad, ws.cortex, t0, t1, need_start, settings.input_grads);
    if (need_start) ws.targets.middleCols(w * b, b) = ws.state_grad;
  }

  // 5. Parameter gradients of cortex and readout: one wide product per weight for each run of windows
  //    whose backward pass ran (the whole segment unless a cRNN skipped windows without feedback; their
  //    columns are zero, and skipping them is most of the work when only the last step is supervised).
  for (const auto& [t0, t1] : backward_steps) model.cortex.accumulate_gradients(params, batch.inputs, ws.cortex, t0, t1);
  model.readout.accumulate_gradients(params, hidden.middleCols(t_begin * b, segment_cols),
                                     ws.output_grads.middleCols(t_begin * b, segment_cols));

  // 6. The cerebellum learns to predict the bootstrapped targets at the window starts:
  //    loss = sum over batch and dims of (C(s0) - target)^2 (a sum over the batch, as the reference).
  if (need_start) {
    const Index starts = segment_windows * b, cols = first_cols + (segment_windows - 1) * b;
    ensure_shape(ws.cerebellum_grads, model.state_size(), starts);
    ws.cerebellum_grads = ws.predictions.middleCols(w_begin * b, starts) - ws.targets.middleCols(w_begin * b, starts);
    stats.cerebellar_loss = static_cast<double>(ws.cerebellum_grads.squaredNorm());
    // The backward pass is linear in the output gradient and merged columns share their activations, so
    // a merged first boundary receives the sum of its B per-sample errors, placed just before the other
    // windows' columns so that the last `cols` columns line up with the cerebellum's inputs.
    if (first_cols == 1)
      for (Index j = 0; j + 1 < b; ++j) ws.cerebellum_grads.col(b - 1) += ws.cerebellum_grads.col(j);
    auto grads = ws.cerebellum_grads.rightCols(cols);
    grads *= S(2);
    model.cerebellum->backward(params, ws.boundary_states, context, grads, ws.cerebellum);
  }
  return stats;
}

template <class S>
BatchStats accumulate_batch_gradients(Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                                      TbpttWorkspace<S>& ws) {
  begin_batch(model, batch, settings, ws);
  BatchStats stats = accumulate_windows(model, batch, settings, ws, 0, ws.windows);
  stats.training_error = training_error<S>(settings.loss, ws.outputs, batch, detail::cross_entropy_path(settings));
  return stats;
}

template <class S>
void predict(const Model<S>& model, const Batch<S>& batch, TbpttWorkspace<S>& ws) {
  if (batch.inputs.rows() != model.cortex.input_size() || batch.inputs.cols() != batch.size * batch.length)
    throw std::invalid_argument("predict: inputs have the wrong shape");
  model.cortex.prepare(ws.cortex, batch.size, batch.length);
  ensure_shape(ws.outputs, model.readout.output_size(), batch.size * batch.length);
  model.cortex.forward(model.params, batch.inputs, ws.cortex, 0, batch.length);
  model.readout.forward(model.params, model.cortex.outputs(ws.cortex), ws.outputs);
}

}  // namespace ccrnn
