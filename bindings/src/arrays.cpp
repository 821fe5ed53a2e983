#include "arrays.hpp"

namespace ccrnn::python {

py::array_t<double> trajectories_to_numpy(const std::vector<Eigen::MatrixXd>& trajectories) {
  const py::ssize_t n = static_cast<py::ssize_t>(trajectories.size());
  const py::ssize_t length = n > 0 ? trajectories.front().cols() : 0;
  py::array_t<double> out({n, length, py::ssize_t{2}});
  auto w = out.mutable_unchecked<3>();
  for (py::ssize_t i = 0; i < n; ++i) {
    const Eigen::MatrixXd& t = trajectories[static_cast<size_t>(i)];
    if (t.cols() != length || t.rows() != 2) throw std::invalid_argument("trajectories of different lengths");
    for (py::ssize_t s = 0; s < length; ++s)
      for (py::ssize_t d = 0; d < 2; ++d) w(i, s, d) = t(d, s);
  }
  return out;
}

}  // namespace ccrnn::python
