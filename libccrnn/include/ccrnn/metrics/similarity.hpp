#pragma once
// Cosine similarity of two vectors (or two same-shaped matrices, taken as flat vectors), computed in
// double precision whatever the scalar type of the inputs. Header-only.
#include <Eigen/Core>

#include <cmath>
#include <stdexcept>

namespace ccrnn {

/// <a, b> / (|a| |b|), in [-1, 1] (clamped against rounding).
/// Convention for zero vectors: if |a| == 0 or |b| == 0 (the direction is undefined) the result is 0
/// ("no alignment"), never NaN; averages that include such pairs therefore count them as 0.
/// Non-finite elements propagate as NaN. Throws std::invalid_argument if the shapes differ.
template <class A, class B>
double cosine_similarity(const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::invalid_argument("cosine_similarity: the two arguments differ in shape");
  // Scaled by the largest magnitudes first, so that neither tiny nor huge vectors under- or overflow.
  double sa = 0.0, sb = 0.0;
  for (Eigen::Index c = 0; c < a.cols(); ++c)
    for (Eigen::Index r = 0; r < a.rows(); ++r) {
      const double x = std::abs(static_cast<double>(a(r, c))), y = std::abs(static_cast<double>(b(r, c)));
      if (std::isnan(x) || std::isnan(y) || std::isinf(x) || std::isinf(y)) return std::nan("");
      sa = x > sa ? x : sa;
      sb = y > sb ? y : sb;
    }
  if (sa == 0.0 || sb == 0.0) return 0.0;
  double dot = 0.0, aa = 0.0, bb = 0.0;
  for (Eigen::Index c = 0; c < a.cols(); ++c)
    for (Eigen::Index r = 0; r < a.rows(); ++r) {
      const double x = static_cast<double>(a(r, c)) / sa, y = static_cast<double>(b(r, c)) / sb;
      dot += x * y;
      aa += x * x;
      bb += y * y;
    }
  const double c = dot / (std::sqrt(aa) * std::sqrt(bb));
  return c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c);
}

}  // namespace ccrnn
