// The digit templates: ccrnn's ten (polylines on the 3x3 grid of the unit square, arc-length resampling) and
// the reference's ten (neuralml/ccDNI mnist.py, resampled per segment as its fit_points).
#include <ccrnn/tasks/digit_templates.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace ccrnn;
using namespace ccrnn::tasks;
using V = Eigen::Vector2d;

namespace {

double distance_to_segment(const V& p, const V& a, const V& b) {
  const V ab = b - a;
  const double length2 = ab.squaredNorm();
  const double t = length2 > 0 ? std::clamp((p - a).dot(ab) / length2, 0.0, 1.0) : 0.0;
  return (p - (a + t * ab)).norm();
}

double polyline_length(const std::vector<V>& vertices) {
  double total = 0;
  for (std::size_t i = 1; i < vertices.size(); ++i) total += (vertices[i] - vertices[i - 1]).norm();
  return total;
}

}  // namespace

TEST_CASE("digit templates: ten distinct polylines through points of the 3x3 grid", "[tasks]") {
  std::vector<Eigen::MatrixXd> resampled;
  for (int d = 0; d < 10; ++d) {
    const auto& t = digit_template(d);
    INFO("digit " << d);
    REQUIRE(t.size() >= 2);
    for (const V& v : t)
      for (int k = 0; k < 2; ++k) CHECK((v(k) == 0.0 || v(k) == 0.5 || v(k) == 1.0));
    for (std::size_t i = 1; i < t.size(); ++i) CHECK((t[i] - t[i - 1]).norm() > 0.0);  // no zero-length strokes
    // Every template spans the full height of the square (all digits are as tall as each other).
    double low = 1, high = 0;
    for (const V& v : t) low = std::min(low, v.y()), high = std::max(high, v.y());
    CHECK(low == 0.0);
    CHECK(high == 1.0);
    resampled.push_back(resample_polyline(t, 28));
  }
  // As 28-point drawing targets, any two digits differ clearly somewhere along the stroke.
  for (int a = 0; a < 10; ++a)
    for (int b = a + 1; b < 10; ++b) {
      INFO("digits " << a << " and " << b);
      CHECK((resampled[a] - resampled[b]).colwise().norm().maxCoeff() > 0.3);
    }
  CHECK(&digit_template(3) == &digit_template(3));  // one shared table
  CHECK_THROWS_AS(digit_template(-1), std::out_of_range);
  CHECK_THROWS_AS(digit_template(10), std::out_of_range);
}

TEST_CASE("digit templates: resampling is piecewise linear and evenly spaced by arc length", "[tasks]") {
  SECTION("hand-computed cases") {
    // An L of total length 2: five points 0.5 apart, one exactly on the corner.
    Eigen::MatrixXd l = resample_polyline({V(0, 0), V(1, 0), V(1, 1)}, 5);
    Eigen::MatrixXd expected(2, 5);
    expected << 0, 0.5, 1, 1, 1,  //
        0, 0, 0, 0.5, 1;
    CHECK(l.isApprox(expected, 1e-14));
    // Four points 2/3 apart: the corner is cut.
    l = resample_polyline({V(0, 0), V(1, 0), V(1, 1)}, 4);
    expected.resize(2, 4);
    expected << 0, 2.0 / 3, 1, 1,  //
        0, 0, 1.0 / 3, 1;
    CHECK(l.isApprox(expected, 1e-14));
    // Uneven vertices on a straight line do not make uneven samples.
    l = resample_polyline({V(0, 0), V(0.1, 0), V(0.15, 0), V(1, 0)}, 11);
    for (Index k = 0; k < 11; ++k) {
      CHECK(l(0, k) == Approx(0.1 * static_cast<double>(k)).margin(1e-14));
      CHECK(l(1, k) == 0.0);
    }
    // A repeated vertex (zero-length segment) is harmless.
    l = resample_polyline({V(0, 0), V(0, 1), V(0, 1), V(0, 2)}, 3);
    CHECK(l.col(1).isApprox(V(0, 1)));
  }
  SECTION("every template at several lengths") {
    for (int d = 0; d < 10; ++d)
      for (Index n : {2, 3, 10, 28, 100}) {
        INFO("digit " << d << ", " << n << " points");
        const auto& t = digit_template(d);
        const Eigen::MatrixXd s = resample_polyline(t, n);
        REQUIRE(s.rows() == 2);
        REQUIRE(s.cols() == n);
        CHECK(s(0, 0) == t.front().x());  // exactly the end vertices
        CHECK(s(1, 0) == t.front().y());
        CHECK(s(0, n - 1) == t.back().x());
        CHECK(s(1, n - 1) == t.back().y());
        const double spacing = polyline_length(t) / static_cast<double>(n - 1);
        for (Index k = 0; k < n; ++k) {
          double nearest = std::numeric_limits<double>::infinity();  // on the polyline
          for (std::size_t i = 1; i < t.size(); ++i) nearest = std::min(nearest, distance_to_segment(s.col(k), t[i - 1], t[i]));
          CHECK(nearest < 1e-12);
          // A chord is never longer than the arc it spans, and equals it within one segment.
          if (k > 0) CHECK((s.col(k) - s.col(k - 1)).norm() <= spacing + 1e-12);
        }
        // Arc-length positions: walking the polyline, sample k is reached at k * spacing.
        if (n == 100) {
          double walked = 0;
          Index next = 0;
          for (std::size_t i = 1; i < t.size(); ++i) {
            const double length = (t[i] - t[i - 1]).norm();
            while (next < n && static_cast<double>(next) * spacing <= walked + length + 1e-12) {
              const double f = std::min(1.0, (static_cast<double>(next) * spacing - walked) / length);
              CHECK((s.col(next) - (t[i - 1] + f * (t[i] - t[i - 1]))).norm() < 1e-9);
              ++next;
            }
            walked += length;
          }
          CHECK(next == n);
        }
      }
  }
  SECTION("degenerate input") {
    const Eigen::MatrixXd point = resample_polyline({V(0.5, 0.25)}, 4);
    for (Index k = 0; k < 4; ++k) CHECK(point.col(k) == V(0.5, 0.25));
    CHECK(resample_polyline({V(1, 1), V(1, 1)}, 3).col(1) == V(1, 1));
    CHECK_THROWS_AS(resample_polyline({}, 5), std::invalid_argument);
    CHECK_THROWS_AS(resample_polyline({V(0, 0), V(1, 0)}, 1), std::invalid_argument);
  }
}

TEST_CASE("reference digit templates: resampled per segment as the reference's fit_points, by hand", "[tasks]") {
  const auto at = [](const Eigen::MatrixXd& m, Index k) { return V(m(0, k), m(1, k)); };
  const auto close = [](const V& a, const V& b) { return (a - b).norm() < 1e-15; };
  SECTION("7: five vertices, four segments of 7, 7, 7 and 6 samples (28 = 4 * 7, the last one fewer)") {
    const Eigen::MatrixXd s = digit_target(DigitTemplates::reference, 7, 28);
    REQUIRE(s.cols() == 28);
    CHECK(close(at(s, 0), V(0, 1)));
    CHECK(close(at(s, 1), V(1.0 / 14, 1)));      // 0.5 / 7 along the top
    CHECK(close(at(s, 7), V(0.5, 1)));            // second vertex
    CHECK(close(at(s, 14), V(1, 1)));             // third vertex
    CHECK(close(at(s, 20), V(4.0 / 7, 4.0 / 7)));  // 1 - 6 * 0.5 / 7 on the diagonal
    CHECK(close(at(s, 21), V(0.5, 0.5)));         // fourth vertex
    CHECK(close(at(s, 22), V(5.0 / 12, 5.0 / 12)));  // the last segment in steps of 0.5 / 6
    CHECK(close(at(s, 26), V(1.0 / 12, 1.0 / 12)));
    CHECK(close(at(s, 27), V(0, 0)));
  }
  SECTION("1: four vertices, 28 = 3 * 9 + 1: three segments of 9 (the first r - 1 = 0 get one more)") {
    const Eigen::MatrixXd s = digit_target(DigitTemplates::reference, 1, 28);
    CHECK(close(at(s, 0), V(0.25, 0.75)));
    CHECK(close(at(s, 1), V(0.25 + 0.25 / 9, 0.75 + 0.25 / 9)));
    CHECK(close(at(s, 9), V(0.5, 1)));
    CHECK(close(at(s, 18), V(0.5, 0.5)));
    CHECK(close(at(s, 26), V(0.5, 1.0 / 18)));
    CHECK(close(at(s, 27), V(0.5, 0)));
  }
  SECTION("0: nine vertices, 28 = 8 * 3 + 4: the first three segments get 4 samples, the others 3") {
    const Eigen::MatrixXd s = digit_target(DigitTemplates::reference, 0, 28);
    const std::vector<V>& v = reference_digit_template(0);
    REQUIRE(v.size() == 9);
    const Index vertex_columns[] = {0, 4, 8, 12, 15, 18, 21, 24, 27};
    for (std::size_t i = 0; i < 9; ++i) CHECK(close(at(s, vertex_columns[i]), v[i]));
    CHECK(close(at(s, 13), V(2.0 / 3, 0)));  // (0.5, 0) + 0.5 / 3 to the right
    CHECK(close(at(s, 26), V(1.0 / 6, 1)));  // (0.5, 1) - 2 * 0.5 / 3
  }
  SECTION("ccrnn's set is the arc-length resampling of ccrnn's templates") {
    for (int d = 0; d < 10; ++d)
      CHECK(digit_target(DigitTemplates::ccrnn, d, 28) == resample_polyline(digit_template(d), 28));
  }
  SECTION("names and bad input") {
    CHECK(parse_digit_templates("reference") == DigitTemplates::reference);
    CHECK(parse_digit_templates("ccrnn") == DigitTemplates::ccrnn);
    CHECK(std::string(to_string(DigitTemplates::ccrnn)) == "ccrnn");
    CHECK_THROWS_WITH(parse_digit_templates("mnist"), Catch::Contains("expected reference or ccrnn"));
    CHECK_THROWS_AS(reference_digit_template(10), std::out_of_range);
    CHECK_THROWS_AS(resample_per_segment({V(0, 0)}, 5), std::invalid_argument);
    CHECK_THROWS_AS(resample_per_segment(reference_digit_template(9), 10), std::invalid_argument);  // 11 vertices
    CHECK(resample_per_segment(reference_digit_template(9), 11).cols() == 11);  // one sample per vertex
  }
}
