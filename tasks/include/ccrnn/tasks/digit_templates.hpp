#pragma once
// Ten digit templates (ALGORITHM.md section 7, online digit drawing): each digit is one polyline through a
// few vertices of the 3x3 grid {0, 0.5, 1}^2 of the unit square (x to the right, y up), traced in the
// order a person would draw it. Resampled to 28 points they are the online digit-drawing targets; the
// procedural digit images are rendered from the same strokes.
#include <ccrnn/core/types.hpp>

#include <Eigen/Core>
#include <vector>

namespace ccrnn::tasks {

/// The template of digit 0..9 (its vertices in drawing order). Throws std::out_of_range otherwise.
const std::vector<Eigen::Vector2d>& digit_template(int digit);

/// points samples (2 x points) evenly spaced by arc length along the polyline through vertices, linear
/// between vertices; the first and last samples are exactly the first and last vertex. Throws
/// std::invalid_argument for no vertices or points < 2. A polyline of zero length gives its vertex
/// points times.
Eigen::MatrixXd resample_polyline(const std::vector<Eigen::Vector2d>& vertices, Index points);

}  // namespace ccrnn::tasks
