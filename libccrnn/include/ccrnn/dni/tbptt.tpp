#pragma once
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/dni/synthetic_gradient.tpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/model.tpp>
#include <ccrnn/train/loss.tpp>

#include <algorithm>
#include <stdexcept>
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
  size_workspace(model, batch.size, batch.length, settings, ws);
}

template <class S>
void size_workspace(const Model<S>& model, Index batch_size, Index length, const TbpttSettings& settings,
                    TbpttWorkspace<S>& ws) {
  if (settings.truncation < 1) throw std::invalid_argument("batch: truncation length T must be >= 1");
  const Index b = batch_size, cols = b * length, state = model.state_size();
  ws.windows = window_count(length, settings.truncation);
  model.cortex.prepare(ws.cortex, b, length);
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
  const Index segment_cols = (t_end - t_begin) * b;

  // 1. Cortex and readout forward over the whole segment.
  model.cortex.forward(model.params, batch.inputs, ws.cortex, t_begin, t_end);
  model.readout.forward(model.params, model.cortex.outputs(ws.cortex).middleCols(t_begin * b, segment_cols),
                        ws.outputs.middleCols(t_begin * b, segment_cols));
  return backward_windows<S>(model, batch, batch.inputs, settings, ws, w_begin, w_end);
}

template <class S>
BatchStats backward_windows(Model<S>& model, const Batch<S>& batch, const ConstBlockRef<S>& inputs,
                            const TbpttSettings& settings, TbpttWorkspace<S>& ws, Index w_begin, Index w_end) {
  const Index b = batch.size, length = batch.length, trunc = settings.truncation;
  const Index t_begin = w_begin * trunc, t_end = std::min(w_end * trunc, length);
  const Index segment_cols = (t_end - t_begin) * b;
  auto& params = model.params;
  const ConstBlockRef<S> hidden = model.cortex.outputs(ws.cortex);
  BatchStats stats;

  // 2. Task losses and their gradients w.r.t. the readout, then w.r.t. the top layer's outputs.
  for (Index w = w_begin; w < w_end; ++w) {
    const Index t0 = w * trunc, t1 = std::min((w + 1) * trunc, length);
    stats.task_loss +=
        window_loss<S>(settings.loss, ws.outputs, batch, t0, t1, ws.output_grads, detail::cross_entropy_path(settings));
  }
  model.readout.backward(params, ws.output_grads.middleCols(t_begin * b, segment_cols),
                         ws.hidden_grads.middleCols(t_begin * b, segment_cols));

  // 3. The cerebellum, once per boundary of the segment (starts of its windows and the segment end).
  const bool cerebellum = model.cerebellum.has_value() && (settings.inject || settings.train_cerebellum);
  CerebellarSegment<S> segment;
  if (cerebellum) segment = evaluate_cerebellum(model, batch, settings, ws, w_begin, w_end);

  // 4. Each window's backward pass, from its injected gradient; record the total gradient at its start.
  const bool need_start = cerebellum && settings.train_cerebellum;
  std::vector<std::pair<Index, Index>> backward_steps;  // step ranges [t0, t1) whose backward pass ran
  for (Index w = w_begin; w < w_end; ++w) {
    const Index t0 = w * trunc, t1 = std::min(t0 + trunc, length);
    if (cerebellum) inject_synthetic_gradient(settings, segment, ws, w);
    else ws.state_grad.setZero();
    if (supervised_steps(batch.supervised, t0, t1) == 0 && ws.state_grad.isZero(S(0))) {
      // Nothing reaches this window (a cRNN window without feedback, or no feedback and a silent
      // cerebellum): its gradients and the gradient at its start are exactly zero.
      for (auto& layer : ws.cortex.layers) layer.gate_grads.middleCols(t0 * b, (t1 - t0) * b).setZero();
      if (settings.input_grads) ws.cortex.layers.front().input_grads.middleCols(t0 * b, (t1 - t0) * b).setZero();
      if (need_start) record_bootstrapped_target(ws, w, false);
      continue;
    }
    if (!backward_steps.empty() && backward_steps.back().second == t0) backward_steps.back().second = t1;
    else backward_steps.emplace_back(t0, t1);
    model.cortex.backward(params, ws.hidden_grads, ws.state_grad, ws.cortex, t0, t1, need_start, settings.input_grads);
    if (need_start) record_bootstrapped_target(ws, w, true);
  }

  // 5. Parameter gradients of cortex and readout: one wide product per weight for each run of windows
  //    whose backward pass ran (the whole segment unless a cRNN skipped windows without feedback; their
  //    columns are zero, and skipping them is most of the work when only the last step is supervised).
  for (const auto& [t0, t1] : backward_steps) model.cortex.accumulate_gradients(params, inputs, ws.cortex, t0, t1);
  model.readout.accumulate_gradients(params, hidden.middleCols(t_begin * b, segment_cols),
                                     ws.output_grads.middleCols(t_begin * b, segment_cols));

  // 6. The cerebellum learns to predict the bootstrapped targets at the window starts.
  if (need_start) stats.cerebellar_loss = train_cerebellum(model, segment, ws, w_end);
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
