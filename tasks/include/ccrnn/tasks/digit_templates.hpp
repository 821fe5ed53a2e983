#pragma once
// Digit templates (ALGORITHM.md section 7, online digit drawing): each digit is one polyline through a few
// vertices in the unit square (x to the right, y up). Two sets:
//  - reference: the ten of the papers' code (neuralml/ccDNI src/dataset/mnist.py, draw0 .. draw9), resampled
//    to 28 points as its fit_points does (resample_per_segment): the default drawing targets;
//  - ccrnn: ccrnn's own ten on the 3x3 grid {0, 0.5, 1}^2, traced as a person would draw them, resampled
//    evenly by arc length (resample_polyline). The procedural digit images are always rendered from these
//    strokes, whichever set the drawing target uses.
#include <ccrnn/core/types.hpp>

#include <Eigen/Core>
#include <string>
#include <vector>

namespace ccrnn::tasks {

/// Which templates (and resampling) the digit-drawing target uses.
enum class DigitTemplates { reference, ccrnn };
/// "reference" or "ccrnn"; throws std::invalid_argument otherwise.
DigitTemplates parse_digit_templates(const std::string& name);
const char* to_string(DigitTemplates set);

/// ccrnn's template of digit 0..9 (its vertices in drawing order). Throws std::out_of_range otherwise.
const std::vector<Eigen::Vector2d>& digit_template(int digit);

/// The reference's template of digit 0..9 (draw0 .. draw9 of its mnist.py). Throws std::out_of_range otherwise.
const std::vector<Eigen::Vector2d>& reference_digit_template(int digit);

/// The loop paper's template of digit 0..9 (neuralml/ccLoops src/dataset/draw_numbers.py, draw0 .. draw9): as
/// the DNI reference's except digits 1 (a plain vertical stroke), 4 and 9. Throws std::out_of_range otherwise.
const std::vector<Eigen::Vector2d>& loop_digit_template(int digit);

/// The reference's resampling (fit_points): n vertices make n - 1 segments; with q = points / (n - 1) and
/// r = points % (n - 1), every segment gets q samples, the first r - 1 of them one more when r > 0, else
/// the last one fewer; a segment's samples start at its first vertex and step evenly towards (not reaching)
/// its second, whatever its length; the last sample is the last vertex. Throws std::invalid_argument for
/// fewer than 2 vertices or fewer points than vertices.
Eigen::MatrixXd resample_per_segment(const std::vector<Eigen::Vector2d>& vertices, Index points);

/// The drawing target of digit 0..9 with a template set: 2 x points.
Eigen::MatrixXd digit_target(DigitTemplates set, int digit, Index points);

/// points samples (2 x points) evenly spaced by arc length along the polyline through vertices, linear
/// between vertices; the first and last samples are exactly the first and last vertex. Throws
/// std::invalid_argument for no vertices or points < 2. A polyline of zero length gives its vertex
/// points times.
Eigen::MatrixXd resample_polyline(const std::vector<Eigen::Vector2d>& vertices, Index points);

}  // namespace ccrnn::tasks
