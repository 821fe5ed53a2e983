#pragma once
// The windowed objective of the ccRNN iteration, window by window, for finite-difference checks of the
// training pass (test_tbptt.cpp, test_tbptt_mask.cpp): each window's task loss run from a given start
// state, plus gamma * <P, s_end> with the injected prediction P held fixed.
#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/testing/gradcheck.hpp>
#include <ccrnn/train/loss.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "support/random_matrices.hpp"

namespace ccrnn::testing {

/// initialise(seed), then (for a ccRNN, if out_scale > 0) a non-zero cerebellar output layer
/// N(0, out_scale^2) drawn from its own stream, so two models prepared alike are identical.
inline void prepare_model(Model<double>& model, std::uint64_t seed, double out_scale) {
  model.initialise(seed);
  if (!model.cerebellum || out_scale <= 0) return;
  Rng rng(seed, Stream::noise);
  const std::string out = "cerebellum.layers." + std::to_string(model.config().cerebellar.layers);
  for (const std::string& name : {out + ".weight", out + ".bias"}) {
    auto v = model.params.value(model.params.id(name));
    v = normal_matrix(rng, v.rows(), v.cols(), out_scale);
  }
}

inline TbpttSettings make_settings(Index truncation, LossKind kind) {
  TbpttSettings s;
  s.truncation = truncation;
  s.sg_scale = 0.1;
  s.loss = kind;
  return s;
}

/// The stacked state at boundary t of a trace.
inline Matrix<double> gather(const Cortex<double>& cortex, const CortexTrace<double>& trace, Index t) {
  Matrix<double> s(cortex.state_size(), trace.batch);
  cortex.gather_state(trace, t, s);
  return s;
}

/// The task loss of window [t0, t1) from the readout outputs (output_size x B*L; only the window's columns
/// are filled).
using WindowLoss = std::function<double(const Matrix<double>& outputs, Index t0, Index t1)>;

/// Task loss of window [t0, t1) run from the state s0, plus gamma * <P, s1> with P held fixed (P may be
/// empty: no injection).
inline double window_objective(const Model<double>& model, const Batch<double>& batch, Index t0, Index t1,
                               const Matrix<double>& s0, const Matrix<double>& P, double gamma,
                               const WindowLoss& loss) {
  const Index b = batch.size;
  CortexTrace<double> trace;
  model.cortex.prepare(trace, b, batch.length);
  scatter_state(model.cortex, trace, t0, s0);
  model.cortex.forward(model.params, batch.inputs, trace, t0, t1);
  Matrix<double> outputs = Matrix<double>::Zero(model.readout.output_size(), b * batch.length);
  const ConstBlockRef<double> hidden = model.cortex.outputs(trace);
  const Index cols = (t1 - t0) * b;
  model.readout.forward(model.params, hidden.middleCols(t0 * b, cols), outputs.middleCols(t0 * b, cols));
  double f = loss(outputs, t0, t1);
  if (P.size() > 0) f += gamma * P.cwiseProduct(gather(model.cortex, trace, t1)).sum();
  return f;
}

/// The same with the library's window_loss.
inline double window_objective(const Model<double>& model, const Batch<double>& batch, LossKind kind, Index t0,
                               Index t1, const Matrix<double>& s0, const Matrix<double>& P, double gamma) {
  return window_objective(model, batch, t0, t1, s0, P, gamma, [&](const Matrix<double>& outputs, Index a, Index z) {
    Matrix<double> grads = Matrix<double>::Zero(outputs.rows(), outputs.cols());
    return window_loss<double>(kind, outputs, batch, a, z, grads);
  });
}

inline GradCheckOptions smooth_options(Range range) {
  // Five-point stencil, h = 1e-3: truncation ~ h^4 ~ 1e-12, rounding ~ 1.5 eps |F| / h ~ 1e-12 for |F| ~ 3.
  GradCheckOptions o;
  o.order = 4;
  o.step = 1e-3;
  o.floor = 1e-5;
  o.range = range;
  return o;
}

}  // namespace ccrnn::testing
