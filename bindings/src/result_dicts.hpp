#pragma once
// C++ result structs as Python dicts (shared by the run and analysis bindings).
#include <ccrnn/dni/recording.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/metrics/drawing.hpp>
#include <ccrnn/tasks/caption/bleu.hpp>
#include <ccrnn/tasks/run_record.hpp>

#include <pybind11/pybind11.h>

namespace ccrnn::python {

namespace py = pybind11;

/// task_loss, training_error, cerebellar_loss of one batch.
py::dict stats_to_dict(const BatchStats& s);
/// bleu1..bleu4, precision [p1..p4], brevity_penalty, candidate_length, reference_length, sentences.
py::dict bleu_to_dict(const tasks::BleuScore& b);
/// test_error, dysmetria, stationary_path_length, endpoint_error.
py::dict drawing_to_dict(const DrawingMetrics& d);
/// A run's record (tasks/run_record.hpp), the one conversion of results to Python: task, model, seed,
/// epochs, curves {name: (epochs,)}, scalars {name: float}, arrays {name: ndarray of its shape}, strings,
/// recordings [Recording], weights {"final"/"best": {PyTorch name: float32 array}}, seconds.
py::dict record_to_dict(const tasks::RunRecord& record);
/// per_sample (boundaries, B), per_boundary (boundaries,), mean, zero_pairs.
py::dict alignment_to_dict(const Alignment& a);

}  // namespace ccrnn::python
