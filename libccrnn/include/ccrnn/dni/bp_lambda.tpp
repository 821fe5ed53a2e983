#pragma once
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/core/matmul.hpp>
#include <ccrnn/dni/bp_lambda.hpp>
#include <ccrnn/dni/tbptt.tpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace ccrnn {

namespace detail {

/// Rows of the top layer's h in the stacked state: where a step's loss gradient enters it.
template <class S>
Index top_hidden_offset(const Cortex<S>& cortex) {
  return cortex.state_size() - cortex.layer(cortex.num_layers() - 1).state_size();
}

/// The prediction at boundary k into ws.predictions (and its output-layer features into online.features).
template <class S>
void predict_boundary(const Model<S>& model, const Batch<S>& batch, TbpttWorkspace<S>& ws,
                      BpLambdaWorkspace<S>& online, Index k) {
  const Index b = batch.size;
  auto prediction = ws.predictions.middleCols(k * b, b);
  if (online.oracle) {
    online.oracle(k, prediction);
    return;
  }
  model.cortex.gather_state(ws.cortex, k, online.state);
  const Matrix<S>* context = model.config().cerebellar.context_size > 0 ? &batch.context : nullptr;
  model.cerebellum->forward(model.params, online.state, context, online.cerebellum);
  prediction = online.cerebellum.output;
  // The granule activity of every boundary, where recordings find the DNI's (ws.cerebellum, B*(L+1) columns).
  for (size_t i = 0; i < online.cerebellum.hidden.size(); ++i)
    ws.cerebellum.hidden[i].middleCols(k * b, b) = online.cerebellum.hidden[i];
  const ConstBlockRef<S> phi = model.cerebellum->output_features(online.state, online.cerebellum);
  auto features = online.features.middleCols(k * b, b);
  features.topRows(phi.rows()) = phi;
  features.bottomRows(1).setOnes();
}

/// Adds -scale * update to a traced tensor's gradient, the update first rescaled to norm `clip` when larger.
template <class S>
void apply_update(Eigen::Map<Vector<S>> update, double scale, double clip, MatrixMap<S> grad) {
  double factor = scale;
  const double norm = std::abs(scale) * static_cast<double>(update.norm());
  if (clip > 0 && norm > clip) factor *= clip / norm;
  grad -= static_cast<S>(factor) * MatrixMap<S>(update.data(), grad.rows(), grad.cols());
}

}  // namespace detail

template <class S>
void state_jacobians(const Model<S>& model, TbpttWorkspace<S>& ws, BpLambdaWorkspace<S>& online, Index t,
                     Matrix<S>& out) {
  const Index b = ws.cortex.batch, n = model.state_size();
  ensure_shape(out, n, n * b);
  ensure_shape(online.probe, n, b);
  if (online.zero_hidden.rows() != model.cortex.hidden_size() || online.zero_hidden.cols() != b * ws.cortex.length)
    online.zero_hidden.setZero(model.cortex.hidden_size(), b * ws.cortex.length);  // only read, stays zero
  for (Index i = 0; i < n; ++i) {
    // e_i at s_{t+1} backpropagated through step t alone: row i of every sample's J_t.
    online.probe.setZero();
    online.probe.row(i).setOnes();
    model.cortex.backward(model.params, online.zero_hidden, online.probe, ws.cortex, t, t + 1, true);
    for (Index j = 0; j < b; ++j) out.block(i, j * n, 1, n) = online.probe.col(j).transpose();
  }
}

template <class S>
void begin_online_batch(const Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                        const BpLambdaSettings& bp, TbpttWorkspace<S>& ws, BpLambdaWorkspace<S>& online) {
  if (settings.truncation != 1)
    throw std::invalid_argument("BP(lambda) trains with windows of one step: truncation T must be 1, got " +
                                std::to_string(settings.truncation));
  if (!(bp.lambda >= 0 && bp.lambda <= 1)) throw std::invalid_argument("BP(lambda): lambda must be in [0, 1]");
  if (!(bp.gamma >= 0 && bp.gamma <= 1)) throw std::invalid_argument("BP(lambda): gamma must be in [0, 1]");
  if (!(bp.update_clip >= 0)) throw std::invalid_argument("BP(lambda): update_clip must be >= 0 (0 = off)");
  begin_batch(model, batch, settings, ws);
  const Index b = batch.size, length = batch.length, n = model.state_size();
  const bool predicts = model.cerebellum.has_value() || static_cast<bool>(online.oracle);
  online.trace_started = false;
  ensure_shape(online.state, n, b);
  ensure_shape(online.learning_signals, n, b * length);
  if (!predicts) return;
  ensure_shape(ws.predictions, n, b * (length + 1));
  ensure_shape(ws.targets, n, b * length);
  ws.targets.setZero();
  ensure_shape(online.td_errors, n, b * length);
  online.td_errors.setZero();
  ensure_shape(online.bootstrap, n, b);
  if (model.cerebellum && !online.oracle) {
    const Index f1 = model.params.value(model.cerebellum->output_weight()).cols() + 1;
    ensure_shape(online.features, f1, b * (length + 1));
    ensure_shape(online.traces, n, n * f1 * b);
    ensure_shape(online.propagated, n, n * f1);
    if (online.update.size() != n * f1) online.update.resize(n * f1);
    const Index granule_layers = model.config().cerebellar.layers;
    ws.cerebellum.hidden.resize(static_cast<size_t>(granule_layers));
    for (auto& layer : ws.cerebellum.hidden) ensure_shape(layer, model.config().cerebellar.hidden_size, b * (length + 1));
  }
  detail::predict_boundary(model, batch, ws, online, 0);
}

template <class S>
BatchStats accumulate_online(Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                             const BpLambdaSettings& bp, TbpttWorkspace<S>& ws, BpLambdaWorkspace<S>& online,
                             Index t_begin, Index t_end) {
  const Index b = batch.size, length = batch.length, n = model.state_size(), h = model.cortex.hidden_size();
  const Index top = detail::top_hidden_offset(model.cortex);
  auto& params = model.params;
  const bool oracle = static_cast<bool>(online.oracle);
  const bool predicts = oracle || (model.cerebellum && (settings.inject || settings.train_cerebellum));
  const bool learns = !oracle && model.cerebellum && settings.train_cerebellum;
  const bool td = oracle || learns;  // TD errors are formed (and recorded) when something can use them
  const S gamma = static_cast<S>(bp.gamma), decay = static_cast<S>(bp.gamma * bp.lambda);
  const double scale = bp.reduction == TdReduction::mean ? 1.0 / static_cast<double>(b) : 2.0;
  const ConstBlockRef<S> hidden = model.cortex.outputs(ws.cortex);
  BatchStats stats;

  for (Index t = t_begin; t < t_end; ++t) {
    // 1. Forward through step t; the step's loss and its gradient l'_t w.r.t. the top layer's h.
    model.cortex.forward(params, batch.inputs, ws.cortex, t, t + 1);
    model.readout.forward(params, hidden.middleCols(t * b, b), ws.outputs.middleCols(t * b, b));
    stats.task_loss += window_loss<S>(settings.loss, ws.outputs, batch, t, t + 1, ws.output_grads,
                                      detail::cross_entropy_path(settings));
    model.readout.backward(params, ws.output_grads.middleCols(t * b, b), ws.hidden_grads.middleCols(t * b, b));

    // 2. The prediction at s_{t+1}; after the last step it counts only with final_injection.
    const bool next_counts = t + 1 < length || settings.final_injection;
    if (predicts) detail::predict_boundary(model, batch, ws, online, t + 1);
    const auto next = [&] { return ws.predictions.middleCols((t + 1) * b, b); };

    // 3. TD error at boundary t and the traces' update.
    if (td && (t >= 1 || bp.train_initial_state)) {
      state_jacobians(model, ws, online, t, online.jacobians);
      if (next_counts) online.bootstrap = gamma * next();
      else online.bootstrap.setZero();
      online.bootstrap.middleRows(top, h) += ws.hidden_grads.middleCols(t * b, b);
      auto target = ws.targets.middleCols(t * b, b);
      for (Index j = 0; j < b; ++j)
        target.col(j).noalias() = online.jacobians.middleCols(j * n, n).transpose() * online.bootstrap.col(j);
      auto delta = online.td_errors.middleCols(t * b, b);
      delta = target - ws.predictions.middleCols(t * b, b);
      stats.cerebellar_loss += (bp.reduction == TdReduction::mean ? 0.5 / static_cast<double>(b) : 1.0) *
                               static_cast<double>(delta.squaredNorm());
      if (learns) {
        const Index f1 = online.features.rows(), width = n * f1;
        online.update.setZero();
        for (Index j = 0; j < b; ++j) {
          auto trace = online.traces.middleCols(j * width, width);
          if (online.trace_started && decay != S(0)) {
            matmul<S>(online.previous_jacobians.middleCols(j * n, n), Op::none, trace, Op::none, online.propagated,
                      Update::assign);
            trace = decay * online.propagated;
          } else {
            trace.setZero();
          }
          // + dP_t/dtheta~: prediction row i depends on theta~(i, m) through feature m.
          for (Index m = 0; m < f1; ++m)
            trace.middleCols(m * n, n).diagonal().array() += online.features(m, t * b + j);
          online.update.noalias() += trace.transpose() * delta.col(j);
        }
        online.trace_started = true;
        const Index f = f1 - 1;
        detail::apply_update<S>(Eigen::Map<Vector<S>>(online.update.data(), n * f), scale, bp.update_clip,
                                params.grad(model.cerebellum->output_weight()));
        detail::apply_update<S>(Eigen::Map<Vector<S>>(online.update.data() + n * f, n), scale, bp.update_clip,
                                params.grad(model.cerebellum->output_bias()));
      }
      std::swap(online.jacobians, online.previous_jacobians);
    }

    // 4. The cortex learns from l'_t + w P_{t+1}, backpropagated through step t alone.
    if (predicts && settings.inject && next_counts) ws.state_grad = static_cast<S>(settings.sg_scale) * next();
    else ws.state_grad.setZero();
    auto signal = online.learning_signals.middleCols(t * b, b);
    signal = ws.state_grad;
    signal.middleRows(top, h) += ws.hidden_grads.middleCols(t * b, b);
    model.cortex.backward(params, ws.hidden_grads, ws.state_grad, ws.cortex, t, t + 1, false, settings.input_grads);
    model.cortex.accumulate_gradients(params, batch.inputs, ws.cortex, t, t + 1);
    model.readout.accumulate_gradients(params, hidden.middleCols(t * b, b), ws.output_grads.middleCols(t * b, b));
  }
  return stats;
}

}  // namespace ccrnn
