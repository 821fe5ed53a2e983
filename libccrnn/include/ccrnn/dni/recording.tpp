#pragma once
#include <ccrnn/dni/recording.hpp>
#include <ccrnn/metrics/similarity.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ccrnn {

template <class S>
Alignment gradient_alignment(const Matrix<S>& a, const Matrix<S>& b, Index batch, Index boundaries) {
  if (batch < 1 || boundaries < 0) throw std::invalid_argument("gradient_alignment: batch must be >= 1");
  if (a.rows() != b.rows() || a.cols() < batch * boundaries || b.cols() < batch * boundaries)
    throw std::invalid_argument("gradient_alignment: both matrices need the same rows and >= B*boundaries columns");
  Alignment r;
  r.per_sample.resize(boundaries, batch);
  r.per_boundary.assign(static_cast<size_t>(boundaries), 0.0);
  double total = 0.0;
  for (Index j = 0; j < boundaries; ++j) {
    double row = 0.0;
    for (Index s = 0; s < batch; ++s) {
      const Index col = j * batch + s;
      const double c = cosine_similarity(a.col(col), b.col(col));
      if (a.col(col).isZero(S(0)) || b.col(col).isZero(S(0))) ++r.zero_pairs;
      r.per_sample(j, s) = c;
      row += c;
    }
    r.per_boundary[static_cast<size_t>(j)] = row / static_cast<double>(batch);
    total += row;
  }
  r.mean = boundaries > 0 ? total / static_cast<double>(boundaries * batch) : std::numeric_limits<double>::quiet_NaN();
  return r;
}

template <class S>
Alignment prediction_alignment(const BoundaryRecording<S>& recording) {
  if (recording.predictions.size() == 0)
    throw std::invalid_argument("prediction_alignment: the recording has no cerebellar predictions");
  return gradient_alignment(recording.predictions, recording.true_gradients, recording.batch, recording.windows);
}

template <class S>
Alignment truncated_alignment(const BoundaryRecording<S>& recording) {
  if (recording.truncated_gradients.size() == 0)
    throw std::invalid_argument("truncated_alignment: the recording has no truncated gradients");
  return gradient_alignment(recording.truncated_gradients, recording.true_gradients, recording.batch,
                            recording.windows);
}

template <class S>
Alignment learning_signal_alignment(const BoundaryRecording<S>& recording) {
  if (recording.learning_signals.size() == 0)
    throw std::invalid_argument("learning_signal_alignment: the recording has no learning signals (BP(lambda) only)");
  return gradient_alignment(recording.learning_signals, recording.true_learning_signals, recording.batch,
                            recording.windows);
}

namespace detail {
template <class S>
void require_per_batch(const Trainer<S>& trainer, const char* where) {
  if (trainer.config().step_per_window)
    throw std::invalid_argument(std::string(where) +
                                ": recording supports one optimizer step per batch only (step_per_window is on: "
                                "the parameters change between windows and the workspace keeps the last window's "
                                "cerebellar activity only)");
}
}  // namespace detail

template <class S>
void Recorder<S>::prepare(const Model<S>& model, const Trainer<S>& trainer, const Batch<S>& batch) {
  detail::require_per_batch(trainer, "Recorder::prepare");
  pending_ = nullptr;
  BoundaryGradientOptions options;
  options.truncation = trainer.settings().truncation;
  options.loss = trainer.settings().loss;
  options.truncated = options_.truncated;
  options.parameter_gradient = false;
  compute_boundary_gradients(model, batch, options, ws_, gradients_);
  loss_ = options.loss;
  pending_ = &batch;
}

template <class S>
void Recorder<S>::capture(const Model<S>& model, const Trainer<S>& trainer, const Batch<S>& batch,
                          BoundaryRecording<S>& out, long iteration) {
  detail::require_per_batch(trainer, "Recorder::capture");
  const auto fail = [](const std::string& what) { throw std::logic_error("Recorder::capture: " + what); };
  if (pending_ != &batch) fail("call prepare(model, trainer, batch) with this batch right before train_batch");
  pending_ = nullptr;
  const TbpttWorkspace<S>& ws = trainer.workspace();
  const Index b = gradients_.batch, length = gradients_.length, windows = gradients_.windows;
  const Index state = model.state_size(), cols = b * (windows + 1);
  if (trainer.settings().truncation != gradients_.truncation || trainer.settings().loss != loss_)
    fail("the trainer's truncation or loss changed since prepare");
  if (ws.windows != windows || ws.cortex.batch != b || ws.cortex.length != length)
    fail("the trainer's workspace does not hold this batch (" + std::to_string(ws.windows) + " windows, batch " +
         std::to_string(ws.cortex.batch) + ", length " + std::to_string(ws.cortex.length) + "; expected " +
         std::to_string(windows) + ", " + std::to_string(b) + ", " + std::to_string(length) + ")");

  out.iteration = iteration;
  out.batch = b;
  out.length = length;
  out.truncation = gradients_.truncation;
  out.windows = windows;
  out.cerebellum = trainer.cerebellum_state();
  out.steps.resize(static_cast<size_t>(windows + 1));
  for (Index j = 0; j <= windows; ++j) out.steps[static_cast<size_t>(j)] = gradients_.step(j);

  // Cortical states from the trainer's trace, checked against the prepared pass (same parameters, same
  // inputs: the same trajectory; only rounding could differ if the forward were blocked differently).
  out.states.resize(state, cols);
  Matrix<S> mine(state, b);
  double diff = 0.0, scale = 0.0;
  for (Index j = 0; j <= windows; ++j) {
    auto block = out.states.middleCols(j * b, b);
    model.cortex.gather_state(ws.cortex, gradients_.step(j), block);
    model.cortex.gather_state(ws_.cortex, gradients_.step(j), mine);
    diff = std::max(diff, static_cast<double>((block - mine).cwiseAbs().maxCoeff()));
    scale = std::max(scale, static_cast<double>(mine.cwiseAbs().maxCoeff()));
  }
  const double tolerance = 1e3 * static_cast<double>(std::numeric_limits<S>::epsilon()) * (1.0 + scale);
  if (!(diff <= tolerance))
    fail("the trainer's cortical states differ from the prepared pass by " + std::to_string(diff) +
         " (prepare must use the trainer's model, before train_batch, with the same batch)");

  // Cerebellar fields, when the cerebellum ran in this iteration.
  const bool ran = model.cerebellum.has_value() &&
                   (out.cerebellum == CerebellumState::active || out.cerebellum == CerebellumState::frozen);
  out.granule.clear();
  out.predictions.resize(0, 0);
  out.targets.resize(0, 0);
  if (ran) {
    if (ws.predictions.rows() != state || ws.predictions.cols() != cols)
      fail("the workspace's predictions are not state x B*(W+1)");
    out.predictions = ws.predictions;
    if (options_.granule && model.config().cerebellar.layers > 0) {  // (a linear cerebellum has none)
      // The cerebellum saw the boundaries 0..W in order, the first possibly as ONE column (the all-zero
      // initial state shared by the batch, see tbptt.tpp): expand it to B columns.
      const auto& hidden = ws.cerebellum.hidden;
      if (hidden.empty()) fail("the workspace has no granule activity");
      const Index seen = hidden.front().cols(), first = seen - windows * b;
      if (first != 1 && first != b) fail("unexpected layout of the workspace's granule activity");
      out.granule.resize(hidden.size());
      for (size_t i = 0; i < hidden.size(); ++i) {
        const Matrix<S>& h = hidden[i];
        if (h.cols() != seen) fail("granule layers differ in columns");
        Matrix<S>& g = out.granule[i];
        g.resize(h.rows(), cols);
        if (first == 1) g.leftCols(b).colwise() = h.col(0);
        else g.leftCols(b) = h.leftCols(b);
        g.rightCols(windows * b) = h.rightCols(windows * b);
      }
    }
    if (out.cerebellum == CerebellumState::active) {
      if (ws.targets.rows() != state || ws.targets.cols() != b * windows)
        fail("the workspace's targets are not state x B*W");
      out.targets = ws.targets;
    }
  }

  out.true_gradients = gradients_.full;
  out.truncated_gradients = gradients_.truncated;
  out.task_loss = gradients_.loss;

  out.learning_signals.resize(0, 0);
  out.true_learning_signals.resize(0, 0);
  out.td_errors.resize(0, 0);
  if (trainer.config().bp_lambda.online) {
    const BpLambdaWorkspace<S>& online = trainer.online_workspace();
    out.learning_signals = online.learning_signals;
    // l'_t (the top layer's h rows, as the trainer formed it) + G_{t+1}.
    out.true_learning_signals = gradients_.full.rightCols(b * windows);
    const Index top = state - model.cortex.layer(model.cortex.num_layers() - 1).state_size();
    out.true_learning_signals.middleRows(top, model.cortex.hidden_size()) += ws.hidden_grads;
    if (out.cerebellum == CerebellumState::active) out.td_errors = online.td_errors;
  }
}

template <class S>
BatchStats Recorder<S>::train_and_record(Trainer<S>& trainer, const Model<S>& model, const Batch<S>& batch,
                                         BoundaryRecording<S>& out, long iteration) {
  prepare(model, trainer, batch);
  const BatchStats stats = trainer.train_batch(batch);
  capture(model, trainer, batch, out, iteration);
  return stats;
}

}  // namespace ccrnn
