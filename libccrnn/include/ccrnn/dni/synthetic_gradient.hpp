#pragma once
// The cerebellum's part of the windowed algorithm (dni/tbptt.hpp), for one segment of windows
// [w_begin, w_end): its predictions at the segment's boundaries, the synthetic gradient injected at the
// end of each window, the bootstrapped target recorded at each window's start, and its learning step.
//
// The all-zero initial state is evaluated as ONE column shared by all samples: when the segment starts the
// sequence (w_begin = 0), every layer's initial state is exactly zero (checked, not assumed) and the
// cerebellum has no per-sample context, its B input columns there are identical, so it sees one column,
// the prediction is copied to the B samples, and in the backward pass that column receives the sum of the
// B samples' errors (the backward pass is linear in the output gradient, and the B columns would share
// their activations). This assumes a deterministic cerebellum: C(0) must be the same for every sample, so
// per-sample noise or dropout in the cerebellum would need the B columns back.
#include <ccrnn/dni/tbptt.hpp>

namespace ccrnn {

/// Where a segment's boundaries lie among the cerebellum's columns (ws.boundary_states, ws.cerebellum).
template <class S>
struct CerebellarSegment {
  Index w_begin = 0;                   // the segment's first window
  Index batch = 0;                     // B
  Index first_cols = 0;                // columns of its first boundary: 1 (the shared zero state) or B
  const Matrix<S>* context = nullptr;  // the cerebellum's context columns (ws.boundary_context), if any

  /// First column of boundary w (w_begin <= w <= w_end): the start of window w, or the segment's end.
  Index column(Index w) const { return w == w_begin ? 0 : first_cols + (w - w_begin - 1) * batch; }
};

/// Evaluates the cerebellum once at every boundary of the segment (the starts of its windows and its end)
/// as one wide product: ws.cerebellum, and ws.predictions for boundaries w_begin .. w_end. Needs the
/// cortex's forward pass over the segment.
template <class S>
CerebellarSegment<S> evaluate_cerebellum(const Model<S>& model, const Batch<S>& batch, const TbpttSettings& settings,
                                         TbpttWorkspace<S>& ws, Index w_begin, Index w_end);

/// The gradient injected at the end of window w: ws.state_grad = gamma * C(s_end), or zero when nothing
/// is injected there (settings.inject off, or the sequence's end without settings.final_injection).
template <class S>
void inject_synthetic_gradient(const TbpttSettings& settings, const CerebellarSegment<S>& segment,
                               TbpttWorkspace<S>& ws, Index w);

/// The bootstrapped target of window w: the total gradient that reached its start (ws.state_grad after the
/// window's backward pass), or exactly zero when nothing reached the window (reached = false).
template <class S>
void record_bootstrapped_target(TbpttWorkspace<S>& ws, Index w, bool reached);

/// The cerebellum's learning on the segment's window starts, windows w_begin .. w_end - 1: adds to
/// model.params.grads() the gradient of sum over batch and dims of (C(s0) - target)^2 (a sum over the
/// batch, as the reference) and returns that loss.
template <class S>
double train_cerebellum(Model<S>& model, const CerebellarSegment<S>& segment, TbpttWorkspace<S>& ws, Index w_end);

#define CCRNN_DECLARE_SYNTHETIC_GRADIENT(S)                                                                  \
  extern template CerebellarSegment<S> evaluate_cerebellum(const Model<S>&, const Batch<S>&,                 \
                                                           const TbpttSettings&, TbpttWorkspace<S>&, Index,  \
                                                           Index);                                           \
  extern template void inject_synthetic_gradient(const TbpttSettings&, const CerebellarSegment<S>&,          \
                                                 TbpttWorkspace<S>&, Index);                                 \
  extern template void record_bootstrapped_target(TbpttWorkspace<S>&, Index, bool);                         \
  extern template double train_cerebellum(Model<S>&, const CerebellarSegment<S>&, TbpttWorkspace<S>&, Index);
CCRNN_DECLARE_SYNTHETIC_GRADIENT(float)
CCRNN_DECLARE_SYNTHETIC_GRADIENT(double)
#undef CCRNN_DECLARE_SYNTHETIC_GRADIENT

}  // namespace ccrnn
