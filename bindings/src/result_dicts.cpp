#include "result_dicts.hpp"

#include "arrays.hpp"
#include "recording_wrapper.hpp"

#include <pybind11/numpy.h>

#include <pybind11/stl.h>

namespace ccrnn::python {

py::dict stats_to_dict(const BatchStats& s) {
  py::dict out;
  out["task_loss"] = s.task_loss;
  out["training_error"] = s.training_error;
  out["cerebellar_loss"] = s.cerebellar_loss;
  return out;
}

py::dict bleu_to_dict(const tasks::BleuScore& b) {
  py::dict out;
  for (size_t n = 0; n < 4; ++n) out[py::str("bleu" + std::to_string(n + 1))] = b.bleu[n];
  out["precision"] = std::vector<double>(b.precision.begin(), b.precision.end());
  out["brevity_penalty"] = b.brevity_penalty;
  out["candidate_length"] = b.candidate_length;
  out["reference_length"] = b.reference_length;
  out["sentences"] = b.sentences;
  return out;
}

py::dict drawing_to_dict(const DrawingMetrics& d) {
  py::dict out;
  out["test_error"] = d.test_error;
  out["dysmetria"] = d.dysmetria;
  out["stationary_path_length"] = d.stationary_path_length;
  out["endpoint_error"] = d.endpoint_error;
  out["irregularity"] = d.irregularity;
  return out;
}

namespace {

py::object array_to_python(const tasks::ResultArray& array) {
  std::vector<py::ssize_t> shape(array.shape.begin(), array.shape.end());
  if (const auto* reals = std::get_if<std::vector<double>>(&array.values)) return vector_to_numpy(*reals).reshape(shape);
  if (const auto* floats = std::get_if<std::vector<float>>(&array.values)) return vector_to_numpy(*floats).reshape(shape);
  if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&array.values)) return vector_to_numpy(*ints).reshape(shape);
  return py::cast(std::get<std::vector<std::string>>(array.values));
}

}  // namespace

py::dict record_to_dict(const tasks::RunRecord& record) {
  py::dict out, curves, scalars, arrays, strings;
  out["task"] = record.task;
  out["model"] = record.model;
  out["seed"] = record.seed;
  out["epochs"] = record.epochs_run;
  for (const auto& [name, curve] : record.curves) curves[py::str(name)] = vector_to_numpy(curve);
  for (const auto& [name, value] : record.scalars) scalars[py::str(name)] = value;
  for (const auto& [name, array] : record.arrays) arrays[py::str(name)] = array_to_python(array);
  py::dict weights;
  for (const auto& [which, parameters] : record.weights) {
    py::dict named;
    for (const auto& [name, array] : parameters) named[py::str(name)] = array_to_python(array);
    weights[py::str(which)] = named;
  }
  out["weights"] = weights;
  for (const auto& [name, text] : record.strings) strings[py::str(name)] = text;
  out["curves"] = curves;
  out["scalars"] = scalars;
  out["arrays"] = arrays;
  out["strings"] = strings;
  py::list recordings;
  for (const auto& rec : record.recordings) recordings.append(PyRecording::from(rec));
  out["recordings"] = recordings;
  out["seconds"] = record.seconds;
  return out;
}

py::dict alignment_to_dict(const Alignment& a) {
  py::dict out;
  out["per_sample"] = matrix_to_numpy<double>(a.per_sample);
  out["per_boundary"] = vector_to_numpy(a.per_boundary);
  out["mean"] = a.mean;
  out["zero_pairs"] = a.zero_pairs;
  return out;
}

}  // namespace ccrnn::python
