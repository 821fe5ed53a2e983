#include <ccrnn/tasks/digit_templates.hpp>
#include <ccrnn/core/enum_names.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace ccrnn::tasks {
namespace {

using V = Eigen::Vector2d;

// Grid corners and edge midpoints, named by position: t/m/b = top/middle/bottom, l/c/r = left/centre/right.
const V tl(0.0, 1.0), tc(0.5, 1.0), tr(1.0, 1.0);
const V ml(0.0, 0.5), mc(0.5, 0.5), mr(1.0, 0.5);
const V bl(0.0, 0.0), bc(0.5, 0.0), br(1.0, 0.0);

std::array<std::vector<V>, 10> make_templates() {
  return {{
      // 0: an upright oval, drawn as a closed loop counter-clockwise from the top centre.
      {tc, tl, bl, br, tr, tc},
      // 1: a single vertical stroke down the middle.
      {tc, bc},
      // 2: top bar, down the right side to the middle, diagonal to the bottom left, bottom bar.
      {tl, tr, mr, bl, br},
      // 3: top bar, down to the middle, in to the centre and back out (the middle prong), down, bottom bar.
      {tl, tr, mr, mc, mr, br, bl},
      // 4 (closed top): the crossbar from right to left, diagonal up to the top centre, then the stem
      // straight down through the crossbar.
      {mr, ml, tc, bc},
      // 5: top bar from the right, down the left side to the middle, the belly round to the bottom left.
      {tr, tl, ml, mr, br, bl},
      // 6: a diagonal from the top right down to the left middle, then the lower loop closing there.
      {tr, ml, bl, br, mr, ml},
      // 7: top bar, then a diagonal down to the bottom centre.
      {tl, tr, bc},
      // 8: from the top right: top bar, a diagonal through the centre, bottom bar, the other diagonal back
      // up; the two triangles are the two loops of an 8.
      {tr, tl, br, bl, tr},
      // 9: the upper loop (from the right middle, left, up, across the top) and the stem down the right.
      {mr, ml, tl, tr, br},
  }};
}

// Vertices from the reference's x and y lists.
std::vector<V> polyline(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<V> out;
  for (std::size_t i = 0; i < x.size(); ++i) out.emplace_back(x[i], y[i]);
  return out;
}

// The reference's vertex lists, digit by digit (x and y as in its draw0 .. draw9).
std::array<std::vector<V>, 10> make_reference_templates() {
  return {{
      polyline({0, 0, 0, 0.5, 1, 1, 1, 0.5, 0}, {1, 0.5, 0, 0, 0, 0.5, 1, 1, 1}),
      polyline({0.25, 0.5, 0.5, 0.5}, {0.75, 1, 0.5, 0}),
      polyline({0, 0.5, 1, 0.5, 0, 0.5, 1}, {1, 1, 1, 0.5, 0, 0, 0}),
      polyline({0, 0.5, 1, 1, 0.5, 1, 1, 0.5, 0}, {1, 1, 1, 0.5, 0.5, 0.5, 0, 0, 0}),
      polyline({0, 0, 0.5, 1, 0.5, 0.5, 0.5, 0.5}, {1, 0.5, 0.5, 0.5, 0.5, 1, 0.5, 0}),
      polyline({0, 0.5, 1, 0.5, 0, 0, 0.5, 1, 1, 0.5, 0}, {1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0, 0, 0}),
      polyline({0, 0, 0, 0.5, 1, 1, 0.5, 0}, {1, 0.5, 0, 0, 0, 0.5, 0.5, 0.5}),
      polyline({0, 0.5, 1, 0.5, 0}, {1, 1, 1, 0.5, 0}),
      polyline({0, 0.5, 1, 0.5, 0, 0.5, 1, 0.5, 0}, {1, 0.5, 0, 0, 0, 0.5, 1, 1, 1}),
      polyline({0, 0, 0.5, 1, 1, 0.5, 0, 0.5, 1, 1, 1}, {1, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 0.5, 0}),
  }};
}

// The loop paper's vertex lists (ccLoops draw0 .. draw9; its draw1 is the straight line from (0.5, 1) to
// (0.5, 0), which resample_per_segment of those two vertices gives exactly).
std::array<std::vector<V>, 10> make_loop_templates() {
  std::array<std::vector<V>, 10> t = make_reference_templates();
  t[1] = {V(0.5, 1), V(0.5, 0)};
  t[4] = polyline({0.5, 0.5, 0.5, 0.5, 0.5, 0, 0.5, 1}, {1, 0.5, 0, 0.5, 1, 0.5, 0.5, 0.5});
  t[9] = polyline({0, 0, 0.5, 0.5, 0, 0.5, 0.5, 0.5}, {1, 0.5, 0.5, 1, 1, 1, 0.5, 0});
  return t;
}

void check_digit(const char* what, int digit) {
  if (digit < 0 || digit > 9) throw std::out_of_range(std::string(what) + ": " + std::to_string(digit) + " is not a digit 0-9");
}

constexpr EnumName<DigitTemplates> digit_templates_names[] = {{DigitTemplates::reference, "reference"},
                                                              {DigitTemplates::ccrnn, "ccrnn"}};
}  // namespace

DigitTemplates parse_digit_templates(const std::string& name) {
  return parse_enum(digit_templates_names, name, "digit templates");
}

const char* to_string(DigitTemplates set) { return enum_name(digit_templates_names, set); }

const std::vector<Eigen::Vector2d>& digit_template(int digit) {
  static const std::array<std::vector<V>, 10> templates = make_templates();
  check_digit("digit_template", digit);
  return templates[static_cast<std::size_t>(digit)];
}

const std::vector<Eigen::Vector2d>& reference_digit_template(int digit) {
  static const std::array<std::vector<V>, 10> templates = make_reference_templates();
  check_digit("reference_digit_template", digit);
  return templates[static_cast<std::size_t>(digit)];
}

const std::vector<Eigen::Vector2d>& loop_digit_template(int digit) {
  static const std::array<std::vector<V>, 10> templates = make_loop_templates();
  check_digit("loop_digit_template", digit);
  return templates[static_cast<std::size_t>(digit)];
}

Eigen::MatrixXd resample_per_segment(const std::vector<Eigen::Vector2d>& vertices, Index points) {
  const Index n = static_cast<Index>(vertices.size());
  if (n < 2) throw std::invalid_argument("resample_per_segment: need at least 2 vertices");
  if (points < n)
    throw std::invalid_argument("resample_per_segment: " + std::to_string(points) + " points for " + std::to_string(n) +
                                " vertices (need at least one point per vertex)");
  const Index segments = n - 1, q = points / segments, r = points % segments;
  Eigen::MatrixXd out(2, points);
  Index k = 0;
  for (Index i = 0; i < segments; ++i) {
    const Index samples = r > 0 ? q + (i < r - 1 ? 1 : 0) : q - (i == segments - 1 ? 1 : 0);
    const V& a = vertices[static_cast<std::size_t>(i)];
    const V step = (vertices[static_cast<std::size_t>(i + 1)] - a) / static_cast<double>(samples);
    // start + j * step, the form numpy.linspace evaluates (equal to the reference up to rounding).
    for (Index j = 0; j < samples; ++j, ++k) out.col(k) = static_cast<double>(j) * step + a;
  }
  out.col(k) = vertices.back();
  return out;
}

Eigen::MatrixXd digit_target(DigitTemplates set, int digit, Index points) {
  if (set == DigitTemplates::reference) return resample_per_segment(reference_digit_template(digit), points);
  return resample_polyline(digit_template(digit), points);
}

Eigen::MatrixXd resample_polyline(const std::vector<Eigen::Vector2d>& vertices, Index points) {
  if (vertices.empty()) throw std::invalid_argument("resample_polyline: no vertices");
  if (points < 2) throw std::invalid_argument("resample_polyline: need at least 2 points, got " + std::to_string(points));
  // Cumulative arc length at each vertex.
  std::vector<double> at(vertices.size(), 0.0);
  for (std::size_t i = 1; i < vertices.size(); ++i) at[i] = at[i - 1] + (vertices[i] - vertices[i - 1]).norm();
  const double total = at.back();
  Eigen::MatrixXd out(2, points);
  std::size_t segment = 0;  // the sample lies on [vertices[segment], vertices[segment + 1]]
  for (Index k = 0; k < points; ++k) {
    const double s = total * static_cast<double>(k) / static_cast<double>(points - 1);
    while (segment + 2 < vertices.size() && at[segment + 1] < s) ++segment;
    if (vertices.size() == 1 || at[segment + 1] <= at[segment]) {
      out.col(k) = vertices[segment];
      continue;
    }
    const double fraction = std::clamp((s - at[segment]) / (at[segment + 1] - at[segment]), 0.0, 1.0);
    out.col(k) = vertices[segment] + fraction * (vertices[segment + 1] - vertices[segment]);
  }
  out.col(0) = vertices.front();  // exact, whatever the rounding above
  out.col(points - 1) = vertices.back();
  return out;
}

}  // namespace ccrnn::tasks
