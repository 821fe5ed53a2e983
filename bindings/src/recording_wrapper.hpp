#pragma once
// The Python Recording: one training iteration's boundary recording (dni/recording.hpp), held in double.
#include <ccrnn/dni/recording.hpp>

namespace ccrnn::python {

struct PyRecording {
  BoundaryRecording<double> recording;

  template <class S>
  static PyRecording from(const BoundaryRecording<S>& r) {
    PyRecording out;
    BoundaryRecording<double>& d = out.recording;
    d.iteration = r.iteration;
    d.batch = r.batch;
    d.length = r.length;
    d.truncation = r.truncation;
    d.windows = r.windows;
    d.cerebellum = r.cerebellum;
    d.steps = r.steps;
    d.states = r.states.template cast<double>();
    for (const auto& g : r.granule) d.granule.push_back(g.template cast<double>());
    d.predictions = r.predictions.template cast<double>();
    d.targets = r.targets.template cast<double>();
    d.true_gradients = r.true_gradients.template cast<double>();
    d.truncated_gradients = r.truncated_gradients.template cast<double>();
    d.learning_signals = r.learning_signals.template cast<double>();
    d.true_learning_signals = r.true_learning_signals.template cast<double>();
    d.td_errors = r.td_errors.template cast<double>();
    d.task_loss = r.task_loss;
    return out;
  }
};

}  // namespace ccrnn::python
