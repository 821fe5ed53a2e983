#pragma once
// The parts of the ccrnn Python module, one function per area (module.cpp calls them in order).
#include <pybind11/pybind11.h>

namespace ccrnn::python {

namespace py = pybind11;

void bind_configs(py::module_& m);   // configurations and enums
void bind_data(py::module_& m);      // Rng, Batch, tasks and data sets
void bind_trials(py::module_& m);    // trials data sets and files (after bind_data: uses Batch)
void bind_models(py::module_& m);    // Model: forward, parameters, gradients
void bind_training(py::module_& m);  // Trainer, Recording and whole runs
void bind_analysis(py::module_& m);  // metrics and statistics

}  // namespace ccrnn::python
