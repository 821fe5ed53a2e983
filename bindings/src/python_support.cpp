#include "python_support.hpp"

namespace ccrnn::python {

void apply_options(py::object config, const py::dict& options) {
  const py::tuple fields = config.attr("_fields");
  const py::tuple aliases = py::hasattr(config, "_aliases") ? py::tuple(config.attr("_aliases")) : py::tuple();
  for (const auto& [key, value] : options) {
    const std::string name = py::str(key);
    bool known = false;
    for (const auto& f : fields) known = known || f.cast<std::string>() == name;
    for (const auto& a : aliases) known = known || a.cast<std::string>() == name;
    if (!known) {
      std::string valid;
      for (const auto& f : fields) valid += (valid.empty() ? "" : ", ") + f.cast<std::string>();
      throw py::type_error(py::str(config.get_type().attr("__name__")).cast<std::string>() + ": unknown option '" +
                           name + "' (options: " + valid + ")");
    }
    py::object current = config.attr(name.c_str());
    if (py::isinstance<py::dict>(value) && py::hasattr(current, "_fields")) {
      apply_options(current, value.cast<py::dict>());
      config.attr(name.c_str()) = current;
    } else {
      try {
        config.attr(name.c_str()) = value;
      } catch (py::error_already_set& e) {
        if (!e.matches(PyExc_TypeError)) throw;
        throw py::type_error(py::str(config.get_type().attr("__name__")).cast<std::string>() + ": option '" + name +
                             "' takes a " + py::str(current.get_type().attr("__name__")).cast<std::string>() +
                             ", not " + py::str(py::handle(value).get_type().attr("__name__")).cast<std::string>() +
                             " (" + py::repr(value).cast<std::string>() + ")");
      }
    }
  }
}

py::dict config_to_dict(const py::object& config) {
  py::dict out;
  for (const auto& f : config.attr("_fields")) {
    py::object value = config.attr(f);
    if (py::hasattr(value, "_fields"))
      out[f] = config_to_dict(value);
    else if (py::hasattr(value, "__members__"))  // an enum
      out[f] = value.attr("name");
    else
      out[f] = value;
  }
  return out;
}

void check_python_signals() {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

}  // namespace ccrnn::python
