#pragma once
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/dni/synthetic_gradient.hpp>
#include <ccrnn/model.tpp>

#include <algorithm>
#include <stdexcept>

namespace ccrnn {

template <class S>
CerebellarSegment<S> evaluate_cerebellum(const Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                                         TbpttWorkspace<S>& ws, Index w_begin, Index w_end) {
  const Index b = batch.size, length = batch.length, trunc = settings.truncation;
  const Index segment_windows = w_end - w_begin, boundaries = segment_windows + 1;
  CerebellarSegment<S> segment;
  segment.w_begin = w_begin;
  segment.batch = b;
  // The shared all-zero initial state (see the top of synthetic_gradient.hpp).
  const bool zero_start = model.config().cerebellar.context_size == 0 && w_begin == 0 &&
                          std::all_of(ws.cortex.layers.begin(), ws.cortex.layers.end(),
                                      [b](const LayerTrace<S>& l) { return l.states.leftCols(b).isZero(S(0)); });
  segment.first_cols = zero_start ? 1 : b;
  ensure_shape(ws.boundary_states, model.state_size(), segment.first_cols + segment_windows * b);
  if (zero_start) ws.boundary_states.col(0).setZero();
  else model.cortex.gather_state(ws.cortex, w_begin * trunc, ws.boundary_states.leftCols(b));
  for (Index w = w_begin + 1; w <= w_end; ++w)
    model.cortex.gather_state(ws.cortex, std::min(w * trunc, length),
                              ws.boundary_states.middleCols(segment.column(w), b));
  if (model.config().cerebellar.context_size > 0) {
    if (batch.context.rows() != model.config().cerebellar.context_size || batch.context.cols() != b)
      throw std::invalid_argument("batch: cerebellar context must be context_size x B");
    ensure_shape(ws.boundary_context, model.config().cerebellar.context_size, boundaries * b);
    for (Index j = 0; j < boundaries; ++j) ws.boundary_context.middleCols(j * b, b) = batch.context;
    segment.context = &ws.boundary_context;
  }
  model.cerebellum->forward(model.params, ws.boundary_states, segment.context, ws.cerebellum);
  if (zero_start) ws.predictions.middleCols(w_begin * b, b).colwise() = ws.cerebellum.output.col(0);
  else ws.predictions.middleCols(w_begin * b, b) = ws.cerebellum.output.leftCols(b);
  ws.predictions.middleCols((w_begin + 1) * b, segment_windows * b) =
      ws.cerebellum.output.rightCols(segment_windows * b);
  return segment;
}

template <class S>
void inject_synthetic_gradient(const TbpttSettings& settings, const CerebellarSegment<S>& segment,
                               TbpttWorkspace<S>& ws, Index w) {
  if (settings.inject && (settings.final_injection || w + 1 < ws.windows))
    ws.state_grad = ws.cerebellum.output.middleCols(segment.column(w + 1), segment.batch) *
                    static_cast<S>(settings.sg_scale);
  else
    ws.state_grad.setZero();
}

template <class S>
void record_bootstrapped_target(TbpttWorkspace<S>& ws, Index w, bool reached) {
  const Index b = ws.state_grad.cols();
  if (reached) ws.targets.middleCols(w * b, b) = ws.state_grad;
  else ws.targets.middleCols(w * b, b).setZero();
}

template <class S>
double train_cerebellum(Model<S>& model, const CerebellarSegment<S>& segment, TbpttWorkspace<S>& ws, Index w_end) {
  const Index b = segment.batch, w_begin = segment.w_begin, segment_windows = w_end - w_begin;
  const Index starts = segment_windows * b, cols = segment.first_cols + (segment_windows - 1) * b;
  ensure_shape(ws.cerebellum_grads, model.state_size(), starts);
  ws.cerebellum_grads = ws.predictions.middleCols(w_begin * b, starts) - ws.targets.middleCols(w_begin * b, starts);
  const double loss = static_cast<double>(ws.cerebellum_grads.squaredNorm());
  // A shared first boundary receives the sum of its B per-sample errors, placed just before the other
  // windows' columns so that the last `cols` columns line up with the cerebellum's inputs.
  if (segment.first_cols == 1)
    for (Index j = 0; j + 1 < b; ++j) ws.cerebellum_grads.col(b - 1) += ws.cerebellum_grads.col(j);
  auto grads = ws.cerebellum_grads.rightCols(cols);
  grads *= S(2);
  model.cerebellum->backward(model.params, ws.boundary_states, segment.context, grads, ws.cerebellum);
  return loss;
}

}  // namespace ccrnn
