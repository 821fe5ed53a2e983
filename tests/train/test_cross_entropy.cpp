// The softmax cross-entropy (train/cross_entropy.hpp): both paths against hand values, finite differences and
// each other, stable for large logits, and the vectorised training pass against the double loop.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/train/cross_entropy.hpp>

#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "support/random_matrices.hpp"
#include "support/small_models.hpp"

using namespace ccrnn;
using ccrnn::testing::normal_matrix;

TEST_CASE("cross-entropy: the double path's NLL and gradient by hand and by finite differences", "[cross_entropy]") {
  Vector<double> logits(4);
  logits << 0.5, -1.0, 2.0, 0.25;
  const double lse = std::log(std::exp(0.5) + std::exp(-1.0) + std::exp(2.0) + std::exp(0.25));
  CHECK(log_sum_exp(logits) == Approx(lse).epsilon(1e-15));
  CHECK(nll(logits, 2) == Approx(lse - 2.0).epsilon(1e-15));
  Vector<double> grad(4);
  const double scale = 0.3;
  CHECK(nll_with_gradient(logits, 1, scale, grad) == nll(logits, 1));
  const double h = 1e-6;
  for (Index k = 0; k < 4; ++k) {
    Vector<double> up = logits, down = logits;
    up(k) += h;
    down(k) -= h;
    CHECK(grad(k) == Approx(scale * (nll(up, 1) - nll(down, 1)) / (2 * h)).epsilon(1e-8));
  }
  // Large logits do not overflow, and float logits are taken in double.
  Eigen::VectorXf large(2);
  large << 1000.0f, 1000.0f;
  CHECK(nll(large, 0) == Approx(std::log(2.0)).epsilon(1e-12));  // 1000 + log 2 - 1000, rounded at 1000
  CHECK_THROWS_AS(nll(logits, 4), std::invalid_argument);
  CHECK_THROWS_AS(nll(logits, -1), std::invalid_argument);
  CHECK_THROWS_AS(nll_with_gradient(logits, 4, scale, grad), std::invalid_argument);
}

TEMPLATE_TEST_CASE("cross-entropy: the vectorised path agrees with the double path", "[cross_entropy]", float,
                   double) {
  using S = TestType;
  const double tolerance = std::is_same_v<S, float> ? 1e-5 : 1e-13;
  Rng rng(5, Stream::data);
  for (Index classes : {Index{1}, Index{3}, Index{17}, Index{40}}) {
    const Matrix<S> logits = normal_matrix(rng, classes, 3, 5.0).template cast<S>();
    std::vector<int> labels;
    for (int c = 0; c < 3; ++c) labels.push_back(static_cast<int>(rng.uniform_int(0, classes - 1)));
    std::vector<double> per_column;
    cross_entropy_columns<S>(logits, labels, 0, 3, per_column);
    double sum = 0.0;
    for (Index c = 0; c < 3; ++c) {
      const int label = labels[static_cast<size_t>(c)];
      Vector<double> reference_grad(classes);
      const double reference = nll_with_gradient(logits.col(c), label, 0.5, reference_grad);
      CHECK(per_column[static_cast<size_t>(c)] == Approx(reference).epsilon(tolerance).margin(tolerance));
      Vector<S> column = logits.col(c);
      double exps = 0.0;
      CHECK(exp_shifted_nll<S>(ColumnArray<S>(column.data(), classes), label, exps) ==
            Approx(reference).epsilon(tolerance).margin(tolerance));
      softmax_gradient_in_place<S>(ColumnArray<S>(column.data(), classes), label, exps, 0.5);
      CHECK((column.template cast<double>() - reference_grad).cwiseAbs().maxCoeff() < tolerance);
      sum += per_column[static_cast<size_t>(c)];
    }
    CHECK(cross_entropy_sum<S>(logits, labels, 0, 3) == sum);
  }
}

TEST_CASE("cross-entropy: cross_entropy_sum is the softmax cross-entropy", "[cross_entropy]") {
  Matrix<double> logits(3, 2);
  logits << 1, 1000, 2, 1000, 3, 0;  // the second column would overflow a naive exp
  const std::vector<int> labels = {2, 0};
  const double first = -3 + std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const double second = std::log(2.0 + std::exp(-1000.0));
  CHECK(cross_entropy_sum<double>(logits, labels, 0, 1) == Approx(first));
  CHECK(cross_entropy_sum<double>(logits, labels, 0, 2) == Approx(first + second));
  CHECK(cross_entropy_sum<double>(logits, labels, 1, 1) == 0.0);
  CHECK_THROWS_AS(cross_entropy_sum<double>(logits, {2, 3}, 0, 2), std::invalid_argument);
  CHECK_THROWS_AS(cross_entropy_sum<double>(logits, labels, 0, 3), std::out_of_range);
}

TEST_CASE("cross-entropy: the vectorised training pass equals the double loop's loss, gradient and training error",
          "[cross_entropy][tbptt]") {
  ModelConfig config = ccrnn::testing::small_config(CellType::lstm, true, LossKind::cross_entropy);
  config.output_size = 7;
  for (bool sparse : {false, true}) {
    Model<double> model(config);
    model.initialise(9);
    Batch<double> batch = ccrnn::testing::random_batch(config, LossKind::cross_entropy, 3, 5, 9);
    batch.inputs *= 3.0;
    batch.supervised = sparse_feedback(5, sparse ? 2 : 1);  // sparse: steps 0, 2, 4
    Rng rng(9, Stream::validation);
    for (int& label : batch.labels) label = static_cast<int>(rng.uniform_int(0, 6));
    model.params.values() *= 3.0;  // large logits
    TbpttSettings settings;
    settings.truncation = 2;
    settings.loss = LossKind::cross_entropy;
    TbpttWorkspace<double> ws_ref, ws_vec;
    model.params.zero_grad();
    const BatchStats ref = accumulate_batch_gradients(model, batch, settings, ws_ref);
    const Vector<double> ref_grads = model.params.grads();
    settings.vectorised_cross_entropy = true;
    model.params.zero_grad();
    const BatchStats vec = accumulate_batch_gradients(model, batch, settings, ws_vec);
    CHECK(vec.task_loss == Approx(ref.task_loss).epsilon(1e-13));
    CHECK(vec.training_error == Approx(ref.training_error).epsilon(1e-13));
    CHECK(vec.cerebellar_loss == Approx(ref.cerebellar_loss).epsilon(1e-12));
    CHECK((ws_vec.output_grads - ws_ref.output_grads).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((model.params.grads() - ref_grads).cwiseAbs().maxCoeff() < 1e-13);
    CHECK(ref_grads.cwiseAbs().maxCoeff() > 1e-3);
    if (sparse) CHECK(ws_vec.output_grads.middleCols(3, 3).isZero(0.0));  // step 1 carries no feedback
    batch.labels[2] = 7;  // out of range at a supervised step
    CHECK_THROWS_AS(accumulate_batch_gradients(model, batch, settings, ws_vec), std::invalid_argument);
  }
}
