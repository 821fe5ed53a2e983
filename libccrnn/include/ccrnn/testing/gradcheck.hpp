#pragma once
// Finite-difference gradient checks, shipped with the library so that users can check their own models.
// Header-only; double precision only (finite differences in float are too noisy to be useful).
//
// Usage:
//   ParamSet<double>& p = model.params;
//   Vector<double> analytic = ...;                      // same layout as p.values()
//   auto loss = [&] { return my_loss(model); };          // reads p.values(), returns the scalar loss
//   GradCheckReport r = testing::check_gradients(p, analytic, loss);
//   REQUIRE(r.max_rel_error < 1e-6);
//
// Definitions (element i of the checked range, a = analytic, n = numeric):
//   numeric gradient  n_i = (f(x + h e_i) - f(x - h e_i)) / (2h)   (order 2, the default), or the
//                     five-point stencil (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / (12h)  (order 4),
//                     where h is the requested step rounded so that x + h is exact (h = (x + step) - x).
//   absolute error    e_i = |a_i - n_i|
//   relative error    r_i = e_i / max(|a_i| + |n_i|, floor)           (floor: options, default 1e-7)
// Errors to expect: truncation O(h^2 f''') (order 2) or O(h^4 f^(5)) (order 4), plus rounding
// about eps * |f| / h (eps = 2.2e-16). The report carries |f(x)| (loss_magnitude) so a caller can
// derive its tolerance from that estimate (see rounding_noise()).
// Every perturbed element is restored bitwise to its original value before the next one is touched.
#include <ccrnn/core/param_set.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ccrnn::testing {

/// Sentinel range: every element.
inline constexpr Range all_parameters{0, -1};

struct GradCheckOptions {
  double step = 1e-6;             // h
  Range range = all_parameters;   // flat elements to check (ParamSet checks), all when end < 0
  double floor = 1e-7;            // smallest denominator of the relative error
  int order = 2;                  // 2: central difference (+-h); 4: five-point stencil (+-h, +-2h)
};

struct GradCheckReport {
  double max_abs_error = 0.0;      // max_i |a_i - n_i|
  double max_rel_error = 0.0;      // max_i |a_i - n_i| / max(|a_i| + |n_i|, floor)
  std::string worst_parameter;     // name of the parameter holding the element with the largest relative error
  Index worst_index = -1;          // its flat index (into params.values(), or into the matrix)
  Index checked = 0;               // elements compared
  double worst_analytic = 0.0;     // a and n at the worst element
  double worst_numeric = 0.0;
  double max_abs_gradient = 0.0;   // max_i max(|a_i|, |n_i|): the scale of the gradient
  double loss_magnitude = 0.0;     // |f(x)| at the unperturbed point
  double step = 0.0;               // h used
  int order = 2;
  Vector<double> numeric;          // the numeric gradient of the checked elements (in range order)

  /// max_abs_error relative to the largest gradient element (a norm-wise relative error).
  double scaled_error() const { return max_abs_gradient > 0 ? max_abs_error / max_abs_gradient : max_abs_error; }
  /// Estimated rounding error of one numeric derivative: eps * |f| / h (times the stencil's weight).
  double rounding_noise() const {
    const double weight = order == 4 ? 1.5 : 1.0;  // (1+8+8+1)/12 vs (1+1)/2
    return weight * std::numeric_limits<double>::epsilon() * std::max(loss_magnitude, 1.0) / step;
  }
};

/// One-line description for test failure messages.
inline std::string to_string(const GradCheckReport& r) {
  std::ostringstream out;
  out.precision(6);
  out << "checked " << r.checked << " elements (h=" << r.step << ", order " << r.order << "): max abs error "
      << r.max_abs_error << ", max rel error " << r.max_rel_error << " at " << r.worst_parameter << " [flat "
      << r.worst_index << "] (analytic " << r.worst_analytic << ", numeric " << r.worst_numeric
      << "), gradient scale " << r.max_abs_gradient << ", |loss| " << r.loss_magnitude;
  return out.str();
}

namespace detail {

/// Core loop over data[begin, end): name_of(i) names the element with flat index i.
template <class Loss, class NameOf>
GradCheckReport check_flat(double* data, const double* analytic, Index begin, Index end, Loss& loss,
                           const GradCheckOptions& options, NameOf&& name_of) {
  if (!(options.step > 0)) throw std::invalid_argument("gradcheck: step must be > 0");
  if (options.order != 2 && options.order != 4) throw std::invalid_argument("gradcheck: order must be 2 or 4");
  GradCheckReport report;
  report.step = options.step;
  report.order = options.order;
  report.loss_magnitude = std::abs(static_cast<double>(loss()));
  report.numeric.resize(end - begin);
  double worst = -1.0;
  for (Index i = begin; i < end; ++i) {
    const double original = data[i];
    // An h for which original + h is exact, so the stencil's abscissae are what we divide by.
    volatile double shifted = original + options.step;
    const double h = shifted - original;
    const auto at = [&](double offset) {
      data[i] = original + offset;
      const double value = static_cast<double>(loss());
      data[i] = original;  // restore bitwise
      return value;
    };
    double numeric;
    if (options.order == 2) {
      numeric = (at(h) - at(-h)) / (2.0 * h);
    } else {
      numeric = (at(-2.0 * h) - 8.0 * at(-h) + 8.0 * at(h) - at(2.0 * h)) / (12.0 * h);
    }
    const double a = analytic[i];
    report.numeric[i - begin] = numeric;
    const double abs_error = std::abs(a - numeric);
    const double rel_error = abs_error / std::max(std::abs(a) + std::abs(numeric), options.floor);
    report.max_abs_error = std::max(report.max_abs_error, abs_error);
    report.max_abs_gradient = std::max({report.max_abs_gradient, std::abs(a), std::abs(numeric)});
    if (rel_error > worst || std::isnan(rel_error)) {
      worst = std::isnan(rel_error) ? std::numeric_limits<double>::infinity() : rel_error;
      report.max_rel_error = worst;
      report.worst_index = i;
      report.worst_analytic = a;
      report.worst_numeric = numeric;
      report.worst_parameter = name_of(i);
    }
    if (std::isnan(abs_error)) report.max_abs_error = std::numeric_limits<double>::infinity();
    ++report.checked;
  }
  return report;
}

}  // namespace detail

/// Checks analytic (same layout as params.values()) against finite differences of loss() over
/// options.range. loss is a callable returning the loss (convertible to double) that reads
/// params.values(); it is called 2 (order 2) or 4 (order 4) times per element, plus once unperturbed.
template <class Loss>
GradCheckReport check_gradients(ParamSet<double>& params, const Vector<double>& analytic, Loss&& loss,
                                const GradCheckOptions& options) {
  if (analytic.size() != params.size())
    throw std::invalid_argument("gradcheck: analytic gradient has " + std::to_string(analytic.size()) +
                                " elements, the parameters " + std::to_string(params.size()));
  Range range = options.range;
  if (range.end < 0) range = Range{0, params.size()};
  if (range.begin < 0 || range.end > params.size() || range.begin > range.end)
    throw std::out_of_range("gradcheck: range outside the parameter buffer");
  const auto name_of = [&params](Index i) {
    for (const ParamSlot& s : params.slots())
      if (i >= s.offset && i < s.offset + s.size()) {
        const Index k = i - s.offset;  // column-major element k of a rows x cols matrix
        return s.name + "(" + std::to_string(k % s.rows) + "," + std::to_string(k / s.rows) + ")";
      }
    return std::string("?");
  };
  return detail::check_flat(params.values().data(), analytic.data(), range.begin, range.end, loss, options,
                            name_of);
}

/// Central differences (order 2) with step h over range (all by default).
template <class Loss>
GradCheckReport check_gradients(ParamSet<double>& params, const Vector<double>& analytic, Loss&& loss,
                                double step = 1e-6, Range range = all_parameters) {
  GradCheckOptions options;
  options.step = step;
  options.range = range;
  return check_gradients(params, analytic, loss, options);
}

/// The same check for the gradient w.r.t. a plain matrix that loss() reads (e.g. an initial state or an
/// input). analytic has x's shape; options.range is ignored (every element is checked); name labels the
/// report. Element (r, c) has flat index r + c * rows.
template <class Loss>
GradCheckReport check_matrix_gradient(Matrix<double>& x, const Matrix<double>& analytic, Loss&& loss,
                                      const GradCheckOptions& options = {}, const std::string& name = "matrix") {
  if (analytic.rows() != x.rows() || analytic.cols() != x.cols())
    throw std::invalid_argument("gradcheck: analytic gradient of " + name + " has the wrong shape");
  const Index rows = x.rows();
  const auto name_of = [&](Index i) {
    return name + "(" + std::to_string(i % rows) + "," + std::to_string(i / rows) + ")";
  };
  return detail::check_flat(x.data(), analytic.data(), 0, x.size(), loss, options, name_of);
}

}  // namespace ccrnn::testing
