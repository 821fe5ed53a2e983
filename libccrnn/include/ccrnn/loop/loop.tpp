#pragma once
// The loop's trial (see loop.hpp). Included only by libccrnn/src (explicit instantiation).
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/loop/loop.hpp>
#include <ccrnn/train/cross_entropy.hpp>
#include <ccrnn/train/loss.hpp>

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace ccrnn {

namespace detail {

template <class S>
const ForwardCerebellum<S>& forward_cerebellum_of(const Model<S>& model) {
  if (!model.forward_cerebellum) throw std::invalid_argument("loop: the model has no forward cerebellum");
  return *model.forward_cerebellum;
}

/// The task target of step t as a vector per sample (O x B): the regression target, or the label one-hot
/// (zero where a sample has no label).
template <class S>
void target_of_step(const Batch<S>& batch, LossKind loss, Index t, Index outputs, Matrix<S>& out) {
  const Index b = batch.size;
  if (loss == LossKind::mse) {
    out = batch.targets.middleCols(t * b, b);
    return;
  }
  out.setZero(outputs, b);
  for (Index j = 0; j < b; ++j) {
    const int label = batch.labels[static_cast<std::size_t>(t * b + j)];
    if (label >= 0) out(label, j) = S(1);
  }
}

/// softmax of every column of in, into out.
template <class S>
void softmax_columns(const ConstBlockRef<S>& in, BlockRef<S> out) {
  for (Index j = 0; j < in.cols(); ++j) {
    const double lse = log_sum_exp(in.col(j));
    for (Index k = 0; k < in.rows(); ++k) out(k, j) = static_cast<S>(std::exp(static_cast<double>(in(k, j)) - lse));
  }
}

/// The readout of every column of the trial at once: the cerebellar readout (its dropout factors drawn
/// first when training) or the linear one.
template <class S>
void readout_forward(const Model<S>& model, const ConstBlockRef<S>& cortex_out, const LoopSettings& settings,
                     LoopTrace<S>& trace) {
  if (!model.cerebellar_readout) {
    model.readout.forward(model.params, cortex_out, trace.outputs);
    return;
  }
  const bool dropout = settings.dropout != nullptr && model.cerebellar_readout->config().dropout > 0;
  if (dropout) model.cerebellar_readout->draw_dropout(*settings.dropout, cortex_out.cols(), trace.readout);
  model.cerebellar_readout->forward(model.params, cortex_out, dropout, trace.readout, trace.outputs);
}

/// The readout's weight gradients given trace.output_grads, and (hidden_grads non-null) the gradient
/// w.r.t. the cortex's outputs.
template <class S>
void readout_backward(Model<S>& model, const ConstBlockRef<S>& cortex_out, LoopTrace<S>& trace,
                      BlockRef<S>* hidden_grads) {
  if (model.cerebellar_readout) {
    model.cerebellar_readout->backward(model.params, cortex_out, trace.output_grads, trace.readout, hidden_grads);
    return;
  }
  model.readout.accumulate_gradients(model.params, cortex_out, trace.output_grads);
  if (hidden_grads) model.readout.backward(model.params, trace.output_grads, *hidden_grads);
}

}  // namespace detail

template <class S>
void loop_forward(const Model<S>& model, const Batch<S>& batch, const LoopSettings& settings, LoopTrace<S>& trace) {
  const ForwardCerebellum<S>& fc = detail::forward_cerebellum_of(model);
  const Pons<S>& pons = fc.pons();
  const Index b = batch.size, length = batch.length, inputs = model.config().input_size;
  const Index c_rows = fc.output_size(), outputs = model.config().output_size;
  if (batch.inputs.rows() != inputs || batch.inputs.cols() != b * length)
    throw std::invalid_argument("loop: batch inputs must be " + std::to_string(inputs) + " x " +
                                std::to_string(b * length));
  if (settings.loss == LossKind::binary_cross_entropy)
    throw std::invalid_argument("loop: the binary cross-entropy loss is not supported (MSE or cross-entropy)");
  if (fc.config().temporal_basis && settings.loss != LossKind::mse)
    throw std::invalid_argument("loop: the temporal basis needs regression targets (MSE)");
  const bool readout_feedback = settings.feedback == LoopFeedback::readout;
  const bool no_feedback = settings.feedback == LoopFeedback::cerebellar_readout;
  if (readout_feedback && c_rows != outputs)
    throw std::invalid_argument("loop: readout feedback needs as many feedback rows as outputs (no temporal basis)");
  if (settings.ablate_units < 0 || settings.ablate_units > model.cortex.hidden_size())
    throw std::invalid_argument("loop: ablated cortical units must be in [0, " + std::to_string(model.cortex.hidden_size()) + "]");
  model.cortex.prepare(trace.cortex, b, length);
  ensure_shape(trace.cortex_inputs, inputs + c_rows, b * length);
  trace.cortex_inputs.topRows(inputs) = batch.inputs;
  ensure_shape(trace.pons, pons.size(), b * length);
  const Index layers = fc.network().config().layers, granules = fc.network().config().hidden_size;
  trace.cerebellum.hidden.resize(static_cast<std::size_t>(layers));
  for (auto& h : trace.cerebellum.hidden) ensure_shape(h, granules, b * length);
  ensure_shape(trace.cerebellum.output, c_rows, b * length);
  ensure_shape(trace.outputs, outputs, b * length);

  const auto cortex_out = model.cortex.outputs(trace.cortex);
  const bool per_step_readout = pons.reads(PonsOrigin::readout) || readout_feedback;
  if (per_step_readout && model.cerebellar_readout)
    throw std::invalid_argument("loop: the cerebellar readout reads out the whole trial at once (no readout "
                                "feedback, no pons input from the readout)");
  Matrix<S> previous_target;
  for (Index t = 0; t < length; ++t) {
    auto p = trace.pons.middleCols(t * b, b);
    if (t == 0) {
      for (PonsOrigin o : {PonsOrigin::cortex, PonsOrigin::readout, PonsOrigin::target}) pons.clear(o, p);
    } else {
      pons.write(PonsOrigin::cortex, cortex_out.middleCols((t - 1) * b, b), p);
      pons.write(PonsOrigin::readout, trace.outputs.middleCols((t - 1) * b, b), p);
      if (pons.reads(PonsOrigin::target)) {
        detail::target_of_step(batch, settings.loss, t - 1, outputs, previous_target);
        pons.write(PonsOrigin::target, previous_target, p);
      }
    }
    pons.write(PonsOrigin::input, batch.inputs.middleCols(t * b, b), p);

    fc.network().forward(model.params, p, nullptr, trace.step);
    for (Index l = 0; l < layers; ++l)
      trace.cerebellum.hidden[static_cast<std::size_t>(l)].middleCols(t * b, b) = trace.step.hidden[static_cast<std::size_t>(l)];
    trace.cerebellum.output.middleCols(t * b, b) = trace.step.output;

    auto fed = trace.cortex_inputs.bottomRows(c_rows).middleCols(t * b, b);
    if ((settings.ablate_from >= 0 && t >= settings.ablate_from) || (readout_feedback && t == 0) || no_feedback) fed.setZero();
    else if (readout_feedback && settings.loss == LossKind::cross_entropy)
      detail::softmax_columns<S>(trace.outputs.middleCols((t - 1) * b, b), fed);
    else if (readout_feedback) fed = trace.outputs.middleCols((t - 1) * b, b);
    else if (settings.loss == LossKind::cross_entropy) detail::softmax_columns<S>(trace.step.output, fed);
    else fed = trace.step.output;

    model.cortex.forward(model.params, trace.cortex_inputs, trace.cortex, t, t + 1);
    if (settings.ablate_units > 0)
      trace.cortex.layers.back().states.topRows(settings.ablate_units).middleCols((t + 1) * b, b).setZero();
    if (per_step_readout)
      model.readout.forward(model.params, cortex_out.middleCols(t * b, b), trace.outputs.middleCols(t * b, b));
  }
  if (!per_step_readout) detail::readout_forward<S>(model, cortex_out, settings, trace);
}

template <class S>
void inferior_olive(const Model<S>& model, const Batch<S>& batch, const LoopSettings& settings, LoopTrace<S>& trace) {
  const ForwardCerebellum<S>& fc = detail::forward_cerebellum_of(model);
  const Index b = batch.size, length = batch.length, o = fc.block_size(), blocks = fc.blocks();
  const Index tau = fc.config().tau;
  const Index offset = fc.config().timing == IoTiming::reference ? tau - 1 : tau;
  trace.io_targets.setZero(fc.output_size(), b * length);
  trace.io_taught.setZero(fc.output_size(), b * length);
  Matrix<S> target;
  for (Index t = 0; t < length; ++t) {
    Index s = t + offset;  // the target step of c_t (its newest block with the temporal basis)
    if (s > length - 1) {
      if (!settings.final_learning) continue;
      s = length - 1;
    }
    for (Index j = 0; j < blocks; ++j) {
      const Index sj = s - (blocks - 1) + j;
      if (sj < 0 || sj > length - 1 || !batch.supervised[static_cast<std::size_t>(sj)]) continue;
      detail::target_of_step(batch, settings.loss, sj, o, target);
      for (Index k = 0; k < b; ++k) {
        const std::size_t pair = static_cast<std::size_t>(sj * b + k);
        if (!batch.mask.empty() && !batch.mask[pair]) continue;
        if (settings.loss == LossKind::cross_entropy && batch.labels[pair] < 0) continue;
        trace.io_targets.block(j * o, t * b + k, o, 1) = target.col(k);
        trace.io_taught.block(j * o, t * b + k, o, 1).setOnes();
      }
    }
  }
}

template <class S>
double cerebellar_loss(const Model<S>& model, const Batch<S>& batch, const LoopSettings& settings, LoopTrace<S>& trace) {
  const Index b = batch.size, length = batch.length;
  const auto& predictions = trace.cerebellum.output;
  trace.prediction_grads.setZero(predictions.rows(), predictions.cols());
  (void)model;
  double loss = 0.0;
  for (Index t = 0; t < length; ++t) {
    const auto taught = trace.io_taught.middleCols(t * b, b);
    if (settings.loss == LossKind::mse) {
      const double elements = static_cast<double>(taught.sum());
      if (elements == 0) continue;
      auto grad = trace.prediction_grads.middleCols(t * b, b);
      grad = (predictions.middleCols(t * b, b) - trace.io_targets.middleCols(t * b, b)).cwiseProduct(taught);
      loss += static_cast<double>(grad.squaredNorm()) / elements;
      grad *= static_cast<S>(2.0 / elements);
    } else {
      Index samples = 0;
      for (Index k = 0; k < b; ++k) samples += taught(0, k) != 0;
      if (samples == 0) continue;
      const double norm = 1.0 / static_cast<double>(samples);
      for (Index k = 0; k < b; ++k) {
        if (taught(0, k) == 0) continue;
        const Index c = t * b + k;
        Index label = 0;
        trace.io_targets.col(c).maxCoeff(&label);
        loss += nll_with_gradient(predictions.col(c), static_cast<int>(label), norm, trace.prediction_grads.col(c)) * norm;
      }
    }
  }
  return loss;
}

template <class S>
LoopStats accumulate_loop_gradients(Model<S>& model, const Batch<S>& batch, const LoopSettings& settings,
                                    LoopTrace<S>& trace, bool cortex_gradients, bool cerebellar_gradients) {
  loop_forward(model, batch, settings, trace);
  const Index b = batch.size, length = batch.length;
  LoopStats stats;
  ensure_shape(trace.output_grads, trace.outputs.rows(), b * length);
  stats.task_loss = window_loss<S>(settings.loss, trace.outputs, batch, 0, length, trace.output_grads);
  stats.training_error = training_error<S>(settings.loss, trace.outputs, batch);
  const auto cortex_out = model.cortex.outputs(trace.cortex);
  const bool in_windows = cortex_gradients && windowed(settings.cortical_rule);
  if (in_windows) {
    stats.synthetic_loss = accumulate_windowed_gradients(model, batch, settings, trace);
  } else {
    std::optional<BlockRef<S>> hidden_grads;  // dE/df(u_t), for a cortex that learns
    if (cortex_gradients) {
      ensure_shape(trace.hidden_grads, cortex_out.rows(), b * length);
      hidden_grads.emplace(trace.hidden_grads);
    }
    detail::readout_backward<S>(model, cortex_out, trace, hidden_grads ? &*hidden_grads : nullptr);
    if (cortex_gradients) {
      if (settings.cortical_rule == CorticalRule::eprop) {
        accumulate_eprop_gradients<S>(model.cortex, model.params, trace.cortex_inputs, trace.cortex, trace.hidden_grads,
                                      trace.eprop);
      } else {
        trace.state_grad.setZero(model.cortex.state_size(), b);
        model.cortex.backward(model.params, trace.hidden_grads, trace.state_grad, trace.cortex, 0, length, false);
        model.cortex.accumulate_gradients(model.params, trace.cortex_inputs, trace.cortex, 0, length);
      }
    }
  }
  inferior_olive(model, batch, settings, trace);
  stats.cerebellar_loss = cerebellar_loss(model, batch, settings, trace);
  if (cerebellar_gradients)
    model.forward_cerebellum->network().backward(model.params, trace.pons, nullptr, trace.prediction_grads,
                                                 trace.cerebellum);
  return stats;
}

template <class S>
double accumulate_windowed_gradients(Model<S>& model, const Batch<S>& batch, const LoopSettings& settings,
                                     LoopTrace<S>& trace) {
  const bool dni = settings.cortical_rule == CorticalRule::dni;
  if (dni && !model.cerebellum) throw std::invalid_argument("loop: the cortical rule dni needs the model's DNI cerebellum");
  // The windows backpropagate through the linear readout only.
  if (model.cerebellar_readout)
    throw std::invalid_argument("loop: the windowed cortical rules (tbptt, dni) do not combine with the cerebellar readout");
  TbpttSettings windows = settings.windows;
  windows.loss = settings.loss;
  windows.inject = windows.train_cerebellum = dni;
  TbpttWorkspace<S>& ws = trace.windows;
  size_workspace(model, batch.size, batch.length, windows, ws);
  // The windows' code reads the forward pass from its workspace: the trial's cortex trace and readout move
  // there for the backward pass (O(1) swaps) and back after it.
  std::swap(ws.cortex, trace.cortex);
  std::swap(ws.outputs, trace.outputs);
  const BatchStats stats = backward_windows<S>(model, batch, trace.cortex_inputs, windows, ws, 0, ws.windows);
  std::swap(ws.cortex, trace.cortex);
  std::swap(ws.outputs, trace.outputs);
  return stats.cerebellar_loss;
}

}  // namespace ccrnn
