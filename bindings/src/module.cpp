// The ccrnn Python module (ccrnn._ccrnn; the package ccrnn re-exports it with pure-Python helpers).
#include "bindings.hpp"

#include <ccrnn/core/matmul.hpp>
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/caption/data.hpp>
#include <ccrnn/tasks/data_error.hpp>
#include <ccrnn/tasks/divergence.hpp>
#include <ccrnn/version.hpp>

#include <omp.h>

namespace py = pybind11;

PYBIND11_MODULE(_ccrnn, m) {
  m.doc() = "Cortico-cerebellar recurrent networks: the C++ library ccrnn from Python.";
  m.attr("__version__") = ccrnn::version_string;

  // C++ errors keep their messages; these get their own Python classes (others: ValueError for invalid
  // arguments, IndexError/KeyError for lookups, RuntimeError otherwise).
  const auto document = [&](const char* name, const char* doc) { m.attr(name).attr("__doc__") = doc; };
  py::register_exception<ccrnn::tasks::DivergenceError>(m, "DivergenceError", PyExc_RuntimeError);
  document("DivergenceError", "Training produced a non-finite error; the message names the seed and epoch.");
  py::register_exception<ccrnn::tasks::DataError>(m, "DataError", PyExc_ValueError);
  document("DataError", "A data file (MNIST IDX, trials HDF5) or array is missing, corrupt or inconsistent; the message names the "
                          "file or array and the problem.");
  py::register_exception<ccrnn::tasks::CaptionDataError>(m, "CaptionDataError", PyExc_ValueError);
  document("CaptionDataError", "A caption JSON or feature file is unreadable or inconsistent; the message names the file.");
  py::register_exception<ccrnn::io::Hdf5Error>(m, "Hdf5Error", PyExc_OSError);
  document("Hdf5Error", "An HDF5 file could not be read or written; the message starts with its path.");

  m.def("set_num_threads", [](int n) {
          if (n < 1) throw py::value_error("set_num_threads: n must be >= 1");
          omp_set_num_threads(n);
        }, py::arg("n"), "Threads for ccrnn's parallel loops (OpenMP). Results do not depend on it.");
  m.def("get_num_threads", [] { return omp_get_max_threads(); }, "Threads ccrnn's parallel loops use.");
  m.def("float_products", [] { return std::string(ccrnn::float_products_description()); },
        "Which implementation this build's float32 matrix products use: 'packed AVX-512' (ccrnn's own kernel) "
        "or 'Eigen'. Float runs of the two round differently, so record it with results; float64 always uses Eigen.");

  ccrnn::python::bind_configs(m);
  ccrnn::python::bind_data(m);
  ccrnn::python::bind_trials(m);
  ccrnn::python::bind_models(m);
  ccrnn::python::bind_training(m);
  ccrnn::python::bind_analysis(m);
}
