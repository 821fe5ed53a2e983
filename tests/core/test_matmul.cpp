// ccrnn::matmul against a double-precision reference on every operand layout and on shapes that hit each
// edge of the packed kernel's blocking (tile rows 16/32, tile columns 12, inner blocks of 256).
#include <catch2/catch.hpp>
#include <ccrnn/core/matmul.hpp>

#include <Eigen/Dense>

#include <random>
#include <string>

using namespace ccrnn;

namespace {

Matrix<float> random_matrix(Index rows, Index cols, std::mt19937& gen) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Matrix<float> m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = dist(gen);
  return m;
}

/// Stores `m` (or its transpose) as a block with an outer stride larger than its rows, as the library's
/// products see parameter views and column ranges.
struct StridedCopy {
  Matrix<float> storage;
  Index rows, cols;
  StridedCopy(const Matrix<float>& m, Op op)
      : rows(op == Op::none ? m.rows() : m.cols()), cols(op == Op::none ? m.cols() : m.rows()) {
    storage = Matrix<float>::Constant(rows + 5, cols + 1, 1e30f);  // poison outside the block
    if (op == Op::none) storage.block(3, 1, rows, cols) = m;
    else storage.block(3, 1, rows, cols) = m.transpose();
  }
  ConstBlockRef<float> view() const { return storage.block(3, 1, rows, cols); }
};

}  // namespace

TEST_CASE("matmul matches a double-precision product for every layout and blocking edge", "[core][matmul]") {
  std::mt19937 gen(7);
  const Index ms[] = {1, 15, 16, 17, 33, 100, 193, 400};
  const Index ns[] = {1, 12, 13, 28, 30, 50, 451};
  const Index ks[] = {1, 100, 256, 257, 600};
  for (const Op op_a : {Op::none, Op::transpose})
    for (const Op op_b : {Op::none, Op::transpose})
      for (const Index m : ms)
        for (const Index n : ns)
          for (const Index k : ks) {
            if (m * n * k > 400 * 451 * 256) continue;  // keep the test quick; the biggest still spans blocks
            const Matrix<float> a = random_matrix(m, k, gen), b = random_matrix(k, n, gen);
            const StridedCopy a_stored(a, op_a), b_stored(b, op_b);
            const Matrix<float> c0 = random_matrix(m, n, gen);
            const Eigen::MatrixXd product = a.cast<double>() * b.cast<double>();
            const double tolerance = 1e-5 * static_cast<double>(k) + 1e-5;

            Matrix<float> big = Matrix<float>::Constant(m + 4, n + 2, -7.0f);  // c is a strided block too
            auto c = big.block(2, 1, m, n);
            c = c0;
            matmul<float>(a_stored.view(), op_a, b_stored.view(), op_b, c, Update::add);
            INFO("m=" << m << " n=" << n << " k=" << k << " op_a=" << int(op_a) << " op_b=" << int(op_b));
            CHECK((c.cast<double>() - (c0.cast<double>() + product)).cwiseAbs().maxCoeff() < tolerance);

            c.setConstant(3.0f);
            matmul<float>(a_stored.view(), op_a, b_stored.view(), op_b, c, Update::assign);
            CHECK((c.cast<double>() - product).cwiseAbs().maxCoeff() < tolerance);

            // Nothing outside the destination block is touched.
            big.block(2, 1, m, n).setConstant(-7.0f);
            CHECK((big.array() == -7.0f).all());
          }
}

TEST_CASE("matmul in double is Eigen's product", "[core][matmul]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Random(40, 30), b = Eigen::MatrixXd::Random(50, 30);
  Matrix<double> c(40, 50);
  matmul<double>(a, Op::none, b, Op::transpose, c, Update::assign);
  const Eigen::MatrixXd expected = a * b.transpose();
  CHECK((c - expected).cwiseAbs().maxCoeff() < 1e-13);
}

TEST_CASE("matmul is bit-for-bit repeatable", "[core][matmul]") {
  std::mt19937 gen(3);
  const Matrix<float> a = random_matrix(400, 451, gen), b = random_matrix(400, 451, gen);
  Matrix<float> c1(400, 400), c2(400, 400);
  matmul<float>(a, Op::none, b, Op::transpose, c1, Update::assign);
  matmul<float>(a, Op::none, b, Op::transpose, c2, Update::assign);
  CHECK((c1.array() == c2.array()).all());
}

TEST_CASE("a column of a float product has the same bits whatever the width of the tile that computed it",
          "[core][matmul]") {
  // The packed kernel has a variant per edge-tile width (1..12 columns, e.g. B = 50 ends in a 2-column
  // tile); each must sum a column's products in the same order as the full 12-column tile, so that the
  // product of the first n columns is, bit for bit, the first n columns of a wider product.
  std::mt19937 gen(11);
  for (const Op op_b : {Op::none, Op::transpose})
    for (const Index m : {30, 120}) {
      const Index k = 300, wide = 36;
      const Matrix<float> a = random_matrix(m, k, gen), b = random_matrix(k, wide, gen);
      const StridedCopy a_stored(a, Op::none), b_stored(b, op_b);
      const Matrix<float> c0 = random_matrix(m, wide, gen);
      Matrix<float> full = c0;
      matmul<float>(a_stored.view(), Op::none, b_stored.view(), op_b, full, Update::add);
      for (Index n = 8; n < wide; ++n) {  // narrower products go to Eigen (worth_packing in matmul.cpp)
        Matrix<float> part = c0.leftCols(n);
        const ConstBlockRef<float> b_view = b_stored.view();
        const ConstBlockRef<float> b_part =
            op_b == Op::none ? ConstBlockRef<float>(b_view.leftCols(n)) : ConstBlockRef<float>(b_view.topRows(n));
        matmul<float>(a_stored.view(), Op::none, b_part, op_b, part, Update::add);
        INFO("m=" << m << " n=" << n << " op_b=" << int(op_b));
        CHECK((part.array() == full.leftCols(n).array()).all());
      }
    }
}

TEST_CASE("matmul refuses mismatched shapes with the shapes in the message", "[core][matmul]") {
  const Matrix<float> a = Matrix<float>::Ones(4, 3), b = Matrix<float>::Ones(5, 2);
  Matrix<float> c(4, 2);
  REQUIRE_THROWS_WITH(matmul<float>(a, Op::none, b, Op::none, c, Update::assign),
                      Catch::Contains("(4 x 3) times (5 x 2)"));
}

TEST_CASE("the packed float kernel is compiled in when the build targets AVX-512", "[core][matmul]") {
#ifdef __AVX512F__
  CHECK(packed_float_kernel_available());
#else
  CHECK_FALSE(packed_float_kernel_available());
#endif
}
