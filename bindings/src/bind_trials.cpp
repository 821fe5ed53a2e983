// Trials data sets (docs/trials-format.md): TrialSet and TrialsData from numpy, the trials file's
// loader and writer. Validation is the C++ one (errors: ccrnn.DataError, a ValueError).
#include "arrays.hpp"
#include "batch_wrapper.hpp"
#include "bindings.hpp"
#include "python_support.hpp"

#include <ccrnn/tasks/trials/file.hpp>

#include <optional>

namespace ccrnn::python {

using namespace ccrnn::tasks;

namespace {

const char* const set_source = "TrialSet";  // how messages name arrays given to TrialSet(...)

/// `array`'s numpy dtype must be of one of `kinds` ('f' float, 'i'/'u' integer, 'b' bool).
py::array checked_dtype(const py::object& object, const std::string& name, const std::string& kinds,
                        const char* expected) {
  py::array array = py::array::ensure(object);
  if (!array) throw py::value_error(std::string(set_source) + ": '" + name + "' is not an array");
  if (kinds.find(array.dtype().kind()) == std::string::npos)
    throw py::value_error(std::string(set_source) + ": '" + name + "' has dtype " +
                          py::str(array.dtype()).cast<std::string>() + "; it must be " + expected);
  return array;
}

/// A row-major copy of `array` as T, with its shape.
template <class T>
TrialArray<T> trial_array(const py::array& array) {
  const auto a = CArray<T>::ensure(array);
  TrialArray<T> out{std::vector<T>(a.data(), a.data() + a.size()), {}};
  for (py::ssize_t d = 0; d < a.ndim(); ++d) out.dims.push_back(a.shape(d));
  return out;
}

TrialArray<float> real_array(const py::object& object, const std::string& name) {
  return trial_array<float>(checked_dtype(object, name, "f", "floating-point (float32 or float64)"));
}

std::optional<TrialArray<float>> optional_real(const py::object& object, const std::string& name) {
  if (object.is_none()) return std::nullopt;
  return real_array(object, name);
}

std::optional<TrialArray<std::int64_t>> optional_integers(const py::object& object, const std::string& name,
                                                         const std::string& kinds, const char* expected) {
  if (object.is_none()) return std::nullopt;
  return trial_array<std::int64_t>(checked_dtype(object, name, kinds, expected));
}

TrialSet trial_set_from_numpy(const py::object& inputs, const py::object& targets, const py::object& labels,
                              const py::object& mask, const py::object& context) {
  TrialArrays a;
  a.inputs = real_array(inputs, "inputs");
  a.targets = optional_real(targets, "targets");
  a.labels = optional_integers(labels, "labels", "iu", "integer");
  a.mask = optional_integers(mask, "mask", "biu", "boolean or integer");
  a.context = optional_real(context, "context");
  return TrialSet(std::move(a), {set_source, ""});
}

template <class S, class T>
py::array_t<S> to_numpy(const TrialArray<T>& a) {
  return copy_to_numpy<S>(a.values.data(), {a.dims.begin(), a.dims.end()});
}

template <class T, class S = T>
py::object optional_to_numpy(const std::optional<TrialArray<T>>& a) {
  if (!a) return py::none();
  return to_numpy<S>(*a);
}

std::string set_repr(const TrialSet& s) {
  return "TrialSet(L=" + std::to_string(s.length()) + ", n=" + std::to_string(s.size()) + ", I=" +
         std::to_string(s.input_size()) + ", " + (s.is_classification() ? "labels" : "O=" + std::to_string(s.output_size())) +
         (s.has_mask() ? ", mask" : "") + (s.has_context() ? ", C=" + std::to_string(s.context_size()) : "") + ")";
}

}  // namespace

void bind_trials(py::module_& m) {
  py::class_<TrialSet>(m, "TrialSet",
                       "One split of a trials data set (docs/trials-format.md): n trials of L steps. numpy shapes: "
                       "inputs (L, n, I), targets (L, n, O) or labels (L, n), mask (L, n), context (n, C).")
      .def(py::init(&trial_set_from_numpy), py::arg("inputs"), py::arg("targets") = py::none(),
           py::arg("labels") = py::none(), py::arg("mask") = py::none(), py::arg("context") = py::none(),
           "From numpy arrays (copied; float arrays stored as float32): inputs (L, n, I) float; exactly one of "
           "targets (L, n, O) float (regression) and labels (L, n) int (classification; any value where the mask "
           "is 0); mask (L, n) bool or 0/1 (None: every step supervised); context (n, C) float. Checked as a "
           "trials file is; a problem raises DataError (a ValueError) naming the array.")
      .def_property_readonly("length", &TrialSet::length, "L, steps per trial")
      .def("__len__", &TrialSet::size, "n, the number of trials")
      .def_property_readonly("input_size", &TrialSet::input_size, "I, input features per step")
      .def_property_readonly("output_size", &TrialSet::output_size, "O with targets; 0 with labels (see TrialsData.classes)")
      .def_property_readonly("context_size", &TrialSet::context_size, "C, 0 without context")
      .def_property_readonly("is_classification", &TrialSet::is_classification, "True with labels, False with targets")
      .def_property_readonly("inputs", [](const TrialSet& s) { return to_numpy<float>(s.arrays().inputs); },
                             "(L, n, I) float32")
      .def_property_readonly("targets", [](const TrialSet& s) { return optional_to_numpy(s.arrays().targets); },
                             "(L, n, O) float32, or None")
      .def_property_readonly("labels", [](const TrialSet& s) { return optional_to_numpy(s.arrays().labels); },
                             "(L, n) int64, or None")
      .def_property_readonly("mask", [](const TrialSet& s) { return optional_to_numpy<std::int64_t, bool>(s.arrays().mask); },
                             "(L, n) bool: which steps of which trials carry an error signal; None = all")
      .def_property_readonly("context", [](const TrialSet& s) { return optional_to_numpy(s.arrays().context); },
                             "(n, C) float32, or None")
      .def("make_batch", [](const TrialSet& s, const std::vector<Index>& trials) {
             return PyBatch{s.make_batch<double>(trials)};
           }, py::arg("indices"),
           "A Batch of these trials in this order (B = len(indices)): labels are -1 where a trial's mask is 0; "
           "Batch.mask is None when the trials' masks agree (their row is Batch.supervised), else (L, B); "
           "supervised[t] = any trial supervised at t.")
      .def("__repr__", &set_repr);

  py::class_<TrialsData>(m, "TrialsData", "A trials data set: training split, optional validation and test splits.")
      .def(py::init([](const TrialSet& train, const std::optional<TrialSet>& validation, const std::optional<TrialSet>& test,
                       Index classes, const std::string& description) {
             TrialsData data{train, validation, test, classes, description, ""};
             validate_trials(data, "TrialsData");
             return data;
           }), py::arg("train"), py::arg("validation") = py::none(), py::arg("test") = py::none(), py::arg("classes") = 0,
           py::arg("description") = "",
           "Splits that agree in I, O and C (context in all or none); with labels, classes = the number of classes "
           "(>= 2, above every supervised label); with targets, classes = 0. Problems raise DataError.")
      .def_readonly("train", &TrialsData::train, "the training split (TrialSet)")
      .def_readonly("validation", &TrialsData::validation, "the validation split, or None")
      .def_readonly("test", &TrialsData::test, "the test split, or None")
      .def_readonly("classes", &TrialsData::classes, "number of classes with labels; 0 with targets")
      .def_readonly("description", &TrialsData::description, "free text (the file's description attribute)")
      .def_readonly("source", &TrialsData::source, "the file it was loaded from ('' when built in memory)")
      .def_property_readonly("is_classification", &TrialsData::is_classification, "True with labels")
      .def_property_readonly("output_size", &TrialsData::output_size, "the network's output width: classes, or O")
      .def("__repr__", [](const TrialsData& d) {
        std::string out = "TrialsData(train=" + set_repr(d.train);
        if (d.validation) out += ", validation=" + set_repr(*d.validation);
        if (d.test) out += ", test=" + set_repr(*d.test);
        return out + (d.is_classification() ? ", classes=" + std::to_string(d.classes) : "") + ")";
      });

  m.def("load_trials", [](const std::string& path) {
          LongCall call;
          return load_trials(path);
        }, py::arg("path"),
        "Reads and validates a trials HDF5 file (docs/trials-format.md); any problem raises DataError naming the "
        "file, the dataset and the problem.");
  m.def("write_trials", [](const std::string& path, const TrialsData& data, bool overwrite) {
          LongCall call;
          write_trials(path, data, overwrite);
        }, py::arg("path"), py::arg("data"), py::arg("overwrite") = false,
        "Writes a TrialsData as a trials HDF5 file, atomically; an existing file is replaced only with overwrite.");
}

}  // namespace ccrnn::python
