#pragma once
// What every binding file shares: configuration classes built from keyword arguments, enums that also
// accept their names as strings, and the guard around long calls (GIL released, Ctrl-C honoured).
#include <ccrnn/core/interrupt.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ccrnn::python {

namespace py = pybind11;

/// Sets every keyword as an attribute of `config` (a bound configuration object). A dict given for a
/// nested configuration updates that configuration's fields. Unknown names raise TypeError listing the
/// valid ones.
void apply_options(py::object config, const py::dict& options);

/// A dict of a configuration's fields (nested configurations as dicts, enums by name).
py::dict config_to_dict(const py::object& config);

/// A configuration T: `base` (a T, or None for T's defaults) with `options` applied by apply_options.
template <class T>
T config_from(const py::object& base, const py::dict& options) {
  py::object config = py::cast(base.is_none() ? T{} : base.cast<T>());
  apply_options(config, options);
  return config.cast<T>();
}

/// Binds a plain configuration struct: a constructor taking keyword arguments, readable and writable
/// fields, repr and to_dict(). Use field() for every member, then done() (which records the field list).
template <class T>
class ConfigBinding {
 public:
  ConfigBinding(py::module_& m, const char* name, const char* doc) : cls_(m, name, doc) {
    cls_.def(py::init([](const py::kwargs& options) { return config_from<T>(py::none(), options); }),
             "Defaults for every field not given; e.g. ModelConfig(hidden_size=30, cerebellum=True).");
    cls_.def("to_dict", [](const py::object& self) { return config_to_dict(self); },
             "The fields as a dict (nested configurations as dicts, enums by name).");
    cls_.def("__repr__", [name](const py::object& self) {
      std::string out = std::string(name) + "(";
      bool first = true;
      for (const auto& f : self.attr("_fields")) {
        const std::string field = f.cast<std::string>();
        const py::object value = self.attr(field.c_str());
        const bool is_enum = py::hasattr(value, "__members__");  // shown by name: cell='lstm'
        out += (first ? "" : ", ") + field + "=" + py::repr(is_enum ? value.attr("name") : value).cast<std::string>();
        first = false;
      }
      return out + ")";
    });
    cls_.def(py::pickle([](const py::object& self) { return config_to_dict(self); },
                        [](const py::dict& d) { return config_from<T>(py::none(), d); }));
  }

  /// A field of T (or of a base of T, e.g. ExperimentConfig's fields in a task's run configuration).
  template <class M, class C>
  ConfigBinding& field(const char* name, M C::*member, const char* doc) {
    static_assert(std::is_same_v<C, T> || std::is_base_of_v<C, T>);
    cls_.def_readwrite(name, member, doc);
    fields_.push_back(name);
    return *this;
  }

  /// Another name for a nested field, kept so that code written before the field moved keeps working
  /// (e.g. ModelConfig.cerebellum_hidden for ModelConfig.cerebellar.hidden_size). Not in to_dict().
  template <class M, class Path>
  ConfigBinding& alias(const char* name, Path path, const char* doc) {
    cls_.def_property(
        name, [path](const T& self) -> M { return path(const_cast<T&>(self)); },
        [path](T& self, const M& value) { path(self) = value; }, doc);
    aliases_.push_back(name);
    return *this;
  }

  py::class_<T>& done() {
    cls_.attr("_fields") = py::tuple(py::cast(fields_));
    cls_.attr("_aliases") = py::tuple(py::cast(aliases_));
    return cls_;
  }

 private:
  py::class_<T> cls_;
  std::vector<std::string> fields_, aliases_;
};

/// Binds an enum whose values can also be given by name: Enum("lstm") and, wherever the enum is
/// expected, the plain string "lstm".
template <class E>
py::enum_<E> bind_enum(py::module_& m, const char* name, const char* doc,
                       std::initializer_list<std::pair<const char*, E>> values) {
  py::enum_<E> e(m, name, doc);
  std::vector<std::pair<std::string, E>> named;
  for (const auto& [n, v] : values) {
    e.value(n, v);
    named.emplace_back(n, v);
  }
  e.def(py::init([name, named](const std::string& s) {
    std::string names;
    for (const auto& [n, v] : named) {
      if (s == n) return v;
      names += names.empty() ? n : std::string(", ") + n;
    }
    throw py::value_error(std::string(name) + ": unknown value '" + s + "' (one of: " + names + ")");
  }));
  py::implicitly_convertible<py::str, E>();
  return e;
}

/// The Ctrl-C check installed while a long call runs: takes the GIL, lets Python run its signal
/// handlers and turns a pending KeyboardInterrupt into an exception that unwinds the C++ run.
void check_python_signals();

/// Guard for the duration of a long C++ call: installs check_python_signals as ccrnn's interrupt check
/// and releases the GIL (so other Python threads run); restores both on exit.
class LongCall {
 public:
  LongCall() : previous_(set_interrupt_check(&check_python_signals)) {}
  ~LongCall() { set_interrupt_check(previous_); }
  LongCall(const LongCall&) = delete;
  LongCall& operator=(const LongCall&) = delete;

 private:
  InterruptCheck previous_;
  py::gil_scoped_release release_;
};

/// Calls a Python per-epoch callback from a run (GIL taken). It goes on unless the callback returns
/// False (None, True and other truthy values go on); exceptions propagate and abandon the run.
template <class... Args>
bool call_epoch_callback(const py::object& callback, Args... args) {
  py::gil_scoped_acquire gil;
  const py::object decision = callback(args...);
  return decision.is_none() || py::bool_(decision);
}

}  // namespace ccrnn::python
