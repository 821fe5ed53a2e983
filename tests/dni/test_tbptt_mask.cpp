// The windowed algorithm with a per-trial feedback mask (Batch::mask): gradients against central
// differences of the masked windowed objective written from its definition (cRNN and ccRNN, MSE and
// both cross-entropy paths, several T); a mask whose rows are all alike is the flags' batch bit for bit
// (losses, gradients, a Trainer step, the true gradient); and a sample that is never supervised
// contributes nothing.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/dni/true_gradient.hpp>
#include <ccrnn/testing/gradcheck.hpp>
#include <ccrnn/train/trainer.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "support/masked_batches.hpp"
#include "support/random_matrices.hpp"
#include "support/same_bits.hpp"
#include "support/small_models.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using namespace ccrnn::testing;

namespace {

/// The columns of the samples other than `dropped` (a batch of B - 1 samples in the same column order).
Matrix<double> without_sample(const Matrix<double>& m, Index batch, Index dropped) {
  Matrix<double> out(m.rows(), m.cols() / batch * (batch - 1));
  Index k = 0;
  for (Index c = 0; c < m.cols(); ++c)
    if (c % batch != dropped) out.col(k++) = m.col(c);
  return out;
}

template <class T>
std::vector<T> without_sample(const std::vector<T>& v, Index batch, Index dropped) {
  std::vector<T> out;
  for (size_t c = 0; c < v.size(); ++c)
    if (static_cast<Index>(c) % batch != dropped) out.push_back(v[c]);
  return out;
}

/// One configuration of the checks below.
struct MaskCase {
  LossKind kind;
  bool vectorised;  // TbpttSettings::vectorised_cross_entropy
  bool cerebellum;
  Index truncation;
};

/// MSE and both cross-entropy paths, cRNN and ccRNN, T = 1, 2, 3.
std::vector<MaskCase> mask_cases() {
  std::vector<MaskCase> cases;
  for (const auto& [kind, vectorised] : {std::pair{LossKind::mse, false}, std::pair{LossKind::cross_entropy, false},
                                         std::pair{LossKind::cross_entropy, true}})
    for (bool cerebellum : {false, true})
      for (Index T : {Index{1}, Index{2}, Index{3}}) cases.push_back({kind, vectorised, cerebellum, T});
  return cases;
}

std::string name_of(const MaskCase& c) {
  return std::string(loss_name(c.kind)) + (c.vectorised ? " (vectorised)" : "") +
         (c.cerebellum ? ", ccRNN" : ", cRNN") +
         ", T=" + std::to_string(c.truncation);
}

}  // namespace

TEST_CASE("tbptt mask: gradients equal finite differences of the masked windowed objective",
          "[gradcheck][tbptt][mask]") {
  // B = 3, L = 5, a random mask whose trials differ. The objective is written from the definitions in
  // train/loss.hpp (support/masked_batches.hpp), not with the library's loss:
  //   F(theta) = sum_w [ masked window loss_w(theta; s0_w) + gamma <P_w, s1_w(theta)> ]
  // with s0_w and P_w = C(s1_w) held at their unperturbed values; the bootstrapped target of window w is
  // dF_w/ds0_w. The reported task loss must be F's task part.
  const Index B = 3, L = 5;
  const double gamma = 0.1;
  for (const MaskCase& v : mask_cases()) {
    const bool cerebellum = v.cerebellum;
    const Index T = v.truncation;
    DYNAMIC_SECTION(name_of(v)) {
      const ModelConfig config = small_config(CellType::lstm, cerebellum, v.kind);
      Model<double> model(config);
      const std::uint64_t seed = 90 + static_cast<std::uint64_t>(T) + (cerebellum ? 10 : 0) + (v.vectorised ? 20 : 0);
      prepare_model(model, seed, 0.5);
      model.params.values().head(model.cortex_range().end) *= 2.0;  // less linear
      const Batch<double> batch = masked_batch(config, v.kind, B, L, seed);
      REQUIRE(trials_differ(batch));
      TbpttSettings settings = make_settings(T, v.kind);
      settings.vectorised_cross_entropy = v.vectorised;
      TbpttWorkspace<double> ws;
      model.params.zero_grad();
      const BatchStats stats = accumulate_batch_gradients(model, batch, settings, ws);
      const Vector<double> analytic = model.params.grads();

      std::vector<Matrix<double>> s0, P;
      for (Index w = 0; w < ws.windows; ++w) {
        s0.push_back(gather(model.cortex, ws.cortex, w * T));
        P.push_back(cerebellum ? Matrix<double>(ws.predictions.middleCols((w + 1) * B, B)) : Matrix<double>());
      }
      const WindowLoss definition = [&](const Matrix<double>& outputs, Index t0, Index t1) {
        return reference_window_loss(v.kind, outputs, batch, t0, t1);
      };
      const auto objective = [&](Index w, const Matrix<double>& start, double g) {
        return window_objective(model, batch, w * T, std::min((w + 1) * T, L), start, P[static_cast<size_t>(w)], g,
                                definition);
      };
      double task = 0.0;
      for (Index w = 0; w < ws.windows; ++w) task += objective(w, s0[static_cast<size_t>(w)], 0.0);
      CHECK(stats.task_loss == Approx(task).epsilon(1e-13));
      CHECK(stats.training_error == Approx(reference_training_error(v.kind, ws.outputs, batch)).epsilon(1e-13));

      const auto F = [&] {
        double f = 0.0;
        for (Index w = 0; w < ws.windows; ++w) f += objective(w, s0[static_cast<size_t>(w)], gamma);
        return f;
      };
      const GradCheckReport report = check_gradients(model.params, analytic, F, smooth_options(model.cortex_range()));
      INFO(ccrnn::testing::to_string(report));
      CHECK(report.checked == model.cortex_range().size());
      CHECK(report.max_rel_error < 1e-6);
      CHECK(report.max_abs_gradient > 1e-2);

      for (Index w = 0; cerebellum && w < ws.windows; ++w) {
        Matrix<double> start = s0[static_cast<size_t>(w)];
        const Matrix<double> target = ws.targets.middleCols(w * B, B);
        const GradCheckReport r = check_matrix_gradient(
            start, target, [&] { return objective(w, start, gamma); }, smooth_options(all_parameters), "target");
        INFO("window " << w << ": " << ccrnn::testing::to_string(r));
        CHECK(r.max_rel_error < 1e-6);
      }
    }
  }
}

TEMPLATE_TEST_CASE("tbptt mask: identical mask rows are the supervised flags, bit for bit", "[tbptt][mask]", float,
                   double) {
  // The same batch given as flags (sparse feedback) and as a mask whose every row repeats the flags: the
  // losses, training errors, gradients, bootstrapped targets, an optimizer step and the true gradient
  // must not differ in a single bit.
  using S = TestType;
  const Index B = 4, L = 7;
  for (const MaskCase& v : mask_cases()) {
    const Index T = v.truncation;
    DYNAMIC_SECTION(name_of(v)) {
      ModelConfig config = small_config(CellType::gru, v.cerebellum, v.kind, 2);
      config.output_size = v.kind == LossKind::mse ? 2 : 17;
      const Batch<S> flags = flagged_batch<S>(config, v.kind, B, L, 7);
      Batch<S> masked = with_uniform_mask(flags);
      set_supervised_from_mask(masked);
      REQUIRE(masked.supervised == flags.supervised);

      Model<S> a(config), b(config);
      a.initialise(8);
      b.initialise(8);
      TrainerConfig tc;
      tc.tbptt.truncation = T;
      tc.tbptt.loss = v.kind;
      tc.tbptt.vectorised_cross_entropy = v.vectorised;
      Trainer<S> ta(a, tc), tb(b, tc);
      const BatchStats sa = accumulate_batch_gradients(a, flags, ta.settings(), ta.workspace());
      const BatchStats sb = accumulate_batch_gradients(b, masked, tb.settings(), tb.workspace());
      CHECK(sa.task_loss == sb.task_loss);
      CHECK(sa.training_error == sb.training_error);
      CHECK(sa.cerebellar_loss == sb.cerebellar_loss);
      CHECK(same_bits<S>(a.params.grads(), b.params.grads()));
      CHECK(same_bits(ta.workspace().output_grads, tb.workspace().output_grads));
      CHECK(same_bits(ta.workspace().targets, tb.workspace().targets));

      const BatchStats step_a = ta.train_batch(flags), step_b = tb.train_batch(masked);
      CHECK(step_a.task_loss == step_b.task_loss);
      CHECK(step_a.training_error == step_b.training_error);
      CHECK(same_bits<S>(a.params.values(), b.params.values()));

      BoundaryGradientOptions options;
      options.truncation = T;
      options.loss = v.kind;
      options.parameter_gradient = true;
      const BoundaryGradients<S> ga = boundary_gradients(a, flags, options);
      const BoundaryGradients<S> gb = boundary_gradients(b, masked, options);
      CHECK(ga.loss == gb.loss);
      CHECK(same_bits(ga.full, gb.full));
      CHECK(same_bits(ga.truncated, gb.truncated));
      CHECK(same_bits<S>(ga.parameters, gb.parameters));
    }
  }
}

TEST_CASE("tbptt mask: a sample that is never supervised contributes nothing", "[tbptt][mask]") {
  // Sample 1 of B = 3 has an all-zero mask row. (1) Its targets or labels may be anything: nothing changes,
  // in a cRNN or a ccRNN. (2) In a cRNN its inputs may be anything too: its output gradients are zero, so
  // it adds exact zeros to every gradient. (3) A cRNN's losses and gradients are those of the batch without
  // it (the same supervised pairs, so the same norms) up to the order of the sums, except the MSE training
  // error, which divides by B * L: it is (B - 1) / B times the smaller batch's. (A ccRNN's sample still gets
  // synthetic gradients and trains the cerebellum, so only (1) holds there.)
  const Index B = 3, L = 6, T = 2, dropped = 1;
  for (LossKind kind : {LossKind::mse, LossKind::cross_entropy}) {
    for (bool cerebellum : {false, true}) {
      DYNAMIC_SECTION(loss_name(kind) << (cerebellum ? ", ccRNN" : ", cRNN")) {
        const ModelConfig config = small_config(CellType::tanh, cerebellum, kind);
        Batch<double> batch = masked_batch(config, kind, B, L, 11);
        for (Index t = 0; t < L; ++t) batch.mask[static_cast<size_t>(t * B + dropped)] = 0;
        set_supervised_from_mask(batch);
        REQUIRE(supervised_pairs(batch, 0, L) > 0);
        Model<double> model(config);
        prepare_model(model, 12, 0.5);
        const TbpttSettings settings = make_settings(T, kind);
        const auto run = [&](const Batch<double>& b, TbpttWorkspace<double>& ws) {
          model.params.zero_grad();
          const BatchStats stats = accumulate_batch_gradients(model, b, settings, ws);
          return std::make_pair(stats, Vector<double>(model.params.grads()));
        };
        TbpttWorkspace<double> ws, ws_other;
        const auto [stats, grads] = run(batch, ws);
        CHECK(grads.cwiseAbs().maxCoeff() > 1e-3);
        for (Index t = 0; t < L; ++t) CHECK(ws.output_grads.col(t * B + dropped).isZero(0.0));

        Batch<double> other = batch;  // (1) other targets or labels for the dropped sample
        Rng rng(13, Stream::validation);
        for (Index t = 0; t < L; ++t) {
          const Index c = t * B + dropped;
          if (kind == LossKind::mse) other.targets.col(c) = normal_matrix(rng, config.output_size, 1, 9.0);
          else other.labels[static_cast<size_t>(c)] = static_cast<int>(t % config.output_size);
        }
        const auto [stats1, grads1] = run(other, ws_other);
        CHECK(stats1.task_loss == stats.task_loss);
        CHECK(stats1.training_error == stats.training_error);
        CHECK(stats1.cerebellar_loss == stats.cerebellar_loss);
        CHECK((grads1.array() == grads.array()).all());
        if (cerebellum) continue;

        for (Index t = 0; t < L; ++t)  // (2) other inputs for the dropped sample
          other.inputs.col(t * B + dropped) = normal_matrix(rng, config.input_size, 1, 3.0);
        const auto [stats2, grads2] = run(other, ws_other);
        CHECK(stats2.task_loss == stats.task_loss);
        CHECK((grads2.array() == grads.array()).all());

        Batch<double> smaller;  // (3) the batch without the dropped sample
        smaller.size = B - 1;
        smaller.length = L;
        smaller.inputs = without_sample(batch.inputs, B, dropped);
        if (kind == LossKind::mse) smaller.targets = without_sample(batch.targets, B, dropped);
        else smaller.labels = without_sample(batch.labels, B, dropped);
        smaller.mask = without_sample(batch.mask, B, dropped);
        set_supervised_from_mask(smaller);
        TbpttWorkspace<double> ws_smaller;
        const auto [stats3, grads3] = run(smaller, ws_smaller);
        CHECK(stats3.task_loss == Approx(stats.task_loss).epsilon(1e-14));
        const double scale = kind == LossKind::mse ? static_cast<double>(B - 1) / B : 1.0;
        CHECK(stats.training_error == Approx(scale * stats3.training_error).epsilon(1e-14));
        CHECK(relative_difference(grads, grads3) < 1e-13);
      }
    }
  }
}
