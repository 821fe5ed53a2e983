#include "result_dicts.hpp"

#include "arrays.hpp"

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
