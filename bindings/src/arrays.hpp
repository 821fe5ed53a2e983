#pragma once
// numpy <-> Eigen conversions with ccrnn's layouts. Every conversion copies (no array shares memory with
// a C++ object that may be resized or freed).
//
// A time-major sequence matrix (features x B*L, step t of sample b in column t*B + b, column-major) has
// exactly the memory order of a C-contiguous numpy array of shape (L, B, features), the layout of
// torch.nn.LSTM's (seq, batch, feature) tensors; conversions are therefore plain copies.
#include <ccrnn/core/types.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ccrnn::python {

namespace py = pybind11;

template <class S>
using CArray = py::array_t<S, py::array::c_style | py::array::forcecast>;

/// "(2, 3, 4)" for error messages.
inline std::string shape_text(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

/// A new C-contiguous array of the given shape holding `count` values from `data`.
template <class T, class S>
py::array_t<T> copy_to_numpy(const S* data, const std::vector<py::ssize_t>& shape) {
  py::array_t<T> out(shape);
  std::copy(data, data + out.size(), out.mutable_data());
  return out;
}

/// (L, B, rows) from a rows x B*L sequence matrix.
template <class T, class S>
py::array_t<T> sequence_to_numpy(const Matrix<S>& m, Index batch) {
  const Index length = batch > 0 ? m.cols() / batch : 0;
  return copy_to_numpy<T>(m.data(), {length, batch, m.rows()});
}

/// A rows x B*L sequence matrix from an (L, B, rows) array; `what` names the argument in errors.
template <class S>
Matrix<S> sequence_from_numpy(const py::array& array, const std::string& what, Index expected_rows = -1) {
  const auto a = CArray<S>::ensure(array);
  if (!a || a.ndim() != 3)
    throw py::value_error(what + ": expected a 3-D array (steps L, batch B, features), got shape " + shape_text(array));
  if (expected_rows >= 0 && a.shape(2) != expected_rows)
    throw py::value_error(what + ": expected " + std::to_string(expected_rows) + " features in the last dimension, got shape " +
                          shape_text(array));
  Matrix<S> m(a.shape(2), a.shape(0) * a.shape(1));
  std::copy(a.data(), a.data() + a.size(), m.data());
  return m;
}

/// (rows, cols) numpy array from any column-major Eigen matrix.
template <class T, class Derived>
py::array_t<T> matrix_to_numpy(const Eigen::MatrixBase<Derived>& m) {
  py::array_t<T> out({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  auto w = out.template mutable_unchecked<2>();
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c) w(r, c) = static_cast<T>(m(r, c));
  return out;
}

/// An Eigen matrix from a (rows, cols) array.
template <class S>
Matrix<S> matrix_from_numpy(const py::array& array, const std::string& what) {
  const auto a = CArray<S>::ensure(array);
  if (!a || a.ndim() != 2) throw py::value_error(what + ": expected a 2-D array, got shape " + shape_text(array));
  const auto r = a.template unchecked<2>();
  Matrix<S> m(a.shape(0), a.shape(1));
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j) m(i, j) = r(i, j);
  return m;
}

/// A list of 2 x L trajectories as one (n, L, 2) array (each trajectory's point t in row t).
py::array_t<double> trajectories_to_numpy(const std::vector<Eigen::MatrixXd>& trajectories);

template <class T>
py::array_t<T> vector_to_numpy(const std::vector<T>& v) {
  return copy_to_numpy<T>(v.data(), {static_cast<py::ssize_t>(v.size())});
}

}  // namespace ccrnn::python
