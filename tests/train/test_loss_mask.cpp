// The task losses with a per-trial mask (train/loss.hpp): the window losses, their gradients and the
// training error against their definitions, for MSE, both cross-entropy paths and the binary
// cross-entropy, in float and double.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/train/loss.hpp>

#include <type_traits>

#include "support/masked_batches.hpp"
#include "support/random_matrices.hpp"
#include "support/small_models.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

TEMPLATE_TEST_CASE("loss mask: window losses, gradients and training error follow the definitions", "[loss][mask]",
                   float, double) {
  using S = TestType;
  const double tolerance = std::is_same_v<S, float> ? 1e-5 : 1e-13;
  const Index B = 4, L = 6;
  struct Variant {
    LossKind kind;
    CrossEntropyPath path;
  };
  for (const Variant v : {Variant{LossKind::mse, CrossEntropyPath::double_loop},
                          Variant{LossKind::cross_entropy, CrossEntropyPath::double_loop},
                          Variant{LossKind::cross_entropy, CrossEntropyPath::vectorised},
                          Variant{LossKind::binary_cross_entropy, CrossEntropyPath::double_loop}}) {
    DYNAMIC_SECTION(loss_name(v.kind) << (v.path == CrossEntropyPath::vectorised ? ", vectorised" : "")) {
      ModelConfig config = small_config(CellType::lstm, false, v.kind);
      config.output_size = 5;
      const Batch<S> batch = masked_batch<S>(config, v.kind, B, L, 3);
      REQUIRE(trials_differ(batch));
      Rng rng(4, Stream::validation);
      const Matrix<S> outputs = normal_matrix(rng, config.output_size, B * L, 2.0).template cast<S>();
      Matrix<S> grads = Matrix<S>::Constant(config.output_size, B * L, S(7));  // overwritten window by window
      for (Index t0 = 0; t0 < L; t0 += 2) {
        const double loss = window_loss<S>(v.kind, outputs, batch, t0, t0 + 2, grads, v.path);
        CHECK(loss == Approx(reference_window_loss(v.kind, outputs, batch, t0, t0 + 2)).epsilon(tolerance));
      }
      // The gradient of each window's loss w.r.t. one supervised output, by a central difference of the
      // definition; exactly zero at unsupervised pairs.
      const double h = std::is_same_v<S, float> ? 1e-2 : 1e-6;
      for (Index c = 0; c < B * L; ++c) {
        if (!batch.mask[static_cast<size_t>(c)]) {
          CHECK(grads.col(c).isZero(S(0)));
          continue;
        }
        const Index t0 = (c / B) / 2 * 2;
        Matrix<double> up = outputs.template cast<double>(), down = up;
        up(0, c) += h;
        down(0, c) -= h;
        Batch<double> as_double;
        as_double.size = B;
        as_double.length = L;
        as_double.targets = batch.targets.template cast<double>();
        as_double.labels = batch.labels;
        as_double.mask = batch.mask;
        const double numeric = (reference_window_loss(v.kind, up, as_double, t0, t0 + 2) -
                                reference_window_loss(v.kind, down, as_double, t0, t0 + 2)) / (2 * h);
        // Error of the quotient: rounding ~ 1e-16 / h and truncation ~ h^2.
        const bool single = std::is_same_v<S, float>;
        CHECK(grads(0, c) == Approx(numeric).epsilon(single ? 1e-3 : 1e-6).margin(single ? 1e-4 : 1e-9));
      }
      CHECK(training_error<S>(v.kind, outputs, batch, v.path) ==
            Approx(reference_training_error(v.kind, outputs, batch)).epsilon(tolerance));
    }
  }
}

TEMPLATE_TEST_CASE("loss mask: a mask with identical rows gives the flags' losses bit for bit", "[loss][mask]", float,
                   double) {
  using S = TestType;
  const Index B = 3, L = 7;
  for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
    for (CrossEntropyPath path : {CrossEntropyPath::double_loop, CrossEntropyPath::vectorised}) {
      ModelConfig config = small_config(CellType::gru, false, kind);
      config.output_size = 19;
      const Batch<S> flags = flagged_batch<S>(config, kind, B, L, 5), masked = with_uniform_mask(flags);
      Rng rng(6, Stream::validation);
      const Matrix<S> outputs = normal_matrix(rng, config.output_size, B * L, 3.0).template cast<S>();
      Matrix<S> g_flags = Matrix<S>::Zero(config.output_size, B * L), g_masked = g_flags;
      for (Index t0 = 0; t0 < L; t0 += 3) {
        const Index t1 = std::min(t0 + 3, L);
        const double a = window_loss<S>(kind, outputs, flags, t0, t1, g_flags, path);
        const double b = window_loss<S>(kind, outputs, masked, t0, t1, g_masked, path);
        CHECK(a == b);
      }
      CHECK((g_flags.array() == g_masked.array()).all());
      CHECK(training_error<S>(kind, outputs, flags, path) == training_error<S>(kind, outputs, masked, path));
    }
  }
}
