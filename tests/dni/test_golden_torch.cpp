// One batch of the ccRNN / cRNN algorithm against golden numbers from PyTorch autograd (float64), made by
// tests/golden/make_golden.py: LSTM cortex (B=4, L=7, I=3, N=5, T=2: windows [0,2) [2,4) [4,6) [6,7)),
// cerebellum 2N -> 6 -> 6 -> 2N with ALL layers non-zero, then clip_grad_norm_ and one Adam step.
//
// Tolerance. Both sides compute the same float64 mathematics; only the order of summations differs, and
// the computations are well conditioned (7 steps, O(1) weights), so the true discrepancy is ~1e-14 relative.
// We compare each tensor norm-wise: max_i |ours_i - golden_i| <= rtol * max_i |golden_i| + 1e-13, with
// rtol = 1e-9 (the brief's ceiling is 1e-5; we are four orders of magnitude stricter, which still leaves
// five orders of headroom over the rounding noise and would catch e.g. a wrong Adam eps or a missing 1e-6 in
// the clip coefficient). The absolute floor 1e-13 only matters for tensors that are (close to) zero.
// The parameters after the Adam step are compared the same way. Adam's first step moves by
// lr * g / (|g| + eps); its sensitivity to a RELATIVE error r of g is at most lr * r / 4, so we also check the
// gradients element-wise (relative to each element, exact zeros matching exactly): then after.* cannot be
// off by more than lr * kRelTol / 4 even for the clipped gradients near eps = 1e-9 in these files.
#include <catch2/catch.hpp>

#include <support/golden_file.hpp>

#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/optimizers.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace ccrnn;
using ccrnn::testing::GoldenFile;
using ccrnn::testing::GoldenTensor;

namespace {

constexpr double kRelTol = 1e-9;
constexpr double kAbsFloor = 1e-13;

std::string golden_path(const std::string& name) { return std::string(CCRNN_TEST_DATA_DIR) + "/golden/" + name; }

Index as_index(double v) { return static_cast<Index>(std::llround(v)); }

double max_abs_or_zero(const Matrix<double>& m) { return m.size() ? m.cwiseAbs().maxCoeff() : 0.0; }

/// Norm-wise comparison; returns max |a - g| / max |g| for the report.
struct Comparison {
  double max_error = 0.0;
  double scale = 0.0;
  bool ok() const { return max_error <= kRelTol * scale + kAbsFloor; }
  double relative() const { return scale > 0 ? max_error / scale : max_error; }
};

template <class Get>
Comparison compare(const GoldenTensor& golden, Get&& ours) {
  Comparison c;
  for (size_t i = 0; i < golden.size(); ++i) {
    c.scale = std::max(c.scale, std::abs(golden.values[i]));
    c.max_error = std::max(c.max_error, std::abs(ours(i) - golden.values[i]));
  }
  return c;
}

/// Golden parameter tensor (rows, cols) or (rows,) in row-major order vs a column-major matrix.
Comparison compare_matrix(const GoldenTensor& golden, const ConstMatrixMap<double>& m) {
  REQUIRE(static_cast<Index>(golden.size()) == m.size());
  const Index cols = m.cols();
  return compare(golden, [&](size_t i) { return m(static_cast<Index>(i) / cols, static_cast<Index>(i) % cols); });
}

void load_matrix(const GoldenTensor& golden, MatrixMap<double> m, const std::string& name) {
  INFO(name);
  if (golden.dims.size() == 2) {
    REQUIRE(static_cast<Index>(golden.dims[0]) == m.rows());
    REQUIRE(static_cast<Index>(golden.dims[1]) == m.cols());
  } else {
    REQUIRE(golden.dims.size() == 1);
    REQUIRE(static_cast<Index>(golden.dims[0]) == m.rows());
    REQUIRE(m.cols() == 1);
  }
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c) m(r, c) = golden.values[static_cast<size_t>(r * m.cols() + c)];
}

/// Everything one golden scenario describes.
struct Scenario {
  GoldenFile file;
  bool cerebellum;
  LossKind kind;
  Index B, L, T, I, N, D;
  ModelConfig config;
  Batch<double> batch;

  explicit Scenario(const std::string& name) : file(golden_path(name)) {
    cerebellum = file.has("cerebellum.layers.0.weight");
    kind = file.get("y").dims.size() == 1 ? LossKind::cross_entropy : LossKind::mse;
    B = as_index(file.get("B").scalar());
    L = as_index(file.get("L").scalar());
    T = as_index(file.get("T").scalar());
    const GoldenTensor& x = file.get("x");
    I = static_cast<Index>(x.dims[2]);
    N = static_cast<Index>(file.get("cortex.weight_hh_l0").dims[1]);
    D = static_cast<Index>(file.get("readout.weight").dims[0]);
    config.cell = CellType::lstm;
    config.input_size = I;
    config.hidden_size = N;
    config.layers = 1;
    config.output_size = D;
    config.cerebellum = cerebellum;
    config.cerebellar.hidden_size = 6;
    config.cerebellar.layers = 2;

    batch.size = B;
    batch.length = L;
    batch.inputs.resize(I, B * L);
    for (Index b = 0; b < B; ++b)
      for (Index t = 0; t < L; ++t)
        for (Index i = 0; i < I; ++i)
          batch.inputs(i, t * B + b) = x.at({static_cast<size_t>(b), static_cast<size_t>(t), static_cast<size_t>(i)});
    const GoldenTensor& y = file.get("y");
    if (kind == LossKind::mse) {
      batch.targets.resize(D, B * L);
      for (Index b = 0; b < B; ++b)
        for (Index t = 0; t < L; ++t)
          for (Index d = 0; d < D; ++d)
            batch.targets(d, t * B + b) = y.at({static_cast<size_t>(b), static_cast<size_t>(t), static_cast<size_t>(d)});
    } else {
      // Cross-entropy at the last step only (the file's 'supervised' says so; checked in the test).
      batch.labels.assign(static_cast<size_t>(B * L), -1);
      for (Index b = 0; b < B; ++b)
        batch.labels[static_cast<size_t>((L - 1) * B + b)] = static_cast<int>(std::lround(y.at({static_cast<size_t>(b)})));
    }
    const GoldenTensor& sup = file.get("supervised");
    for (double s : sup.values) batch.supervised.push_back(s != 0.0 ? 1 : 0);
  }

  /// A model with every parameter loaded from the file.
  void load(Model<double>& model) const {
    for (const ParamSlot& slot : model.params.slots())
      load_matrix(file.get(slot.name), model.params.value(model.params.id(slot.name)), slot.name);
  }

  TbpttSettings settings() const {
    TbpttSettings s;
    s.truncation = T;
    s.sg_scale = file.get("gamma").scalar();
    s.loss = kind;
    return s;
  }

  TrainerConfig trainer_config() const {
    TrainerConfig tc;
    tc.tbptt.truncation = T;
    tc.tbptt.sg_scale = file.get("gamma").scalar();
    tc.tbptt.loss = kind;
    tc.clip = file.get("clip").scalar();
    tc.optimizer.kind = OptimizerKind::adam;
    tc.optimizer.lr = file.get("lr").scalar();
    tc.optimizer.beta1 = file.get("beta1").scalar();
    tc.optimizer.beta2 = file.get("beta2").scalar();
    tc.optimizer.eps = file.get("eps").scalar();
    return tc;
  }
};

#define CHECK_CLOSE(what, comparison)                                                                   \
  do {                                                                                                  \
    const Comparison c_ = (comparison);                                                                 \
    INFO(what << ": max abs error " << c_.max_error << ", scale " << c_.scale << ", relative " << c_.relative()); \
    CHECK(c_.ok());                                                                                     \
  } while (false)

void run_scenario(const std::string& name) {
  const Scenario s(name);
  INFO("golden file " << name);
  REQUIRE(s.B == 4);
  REQUIRE(s.L == 7);
  if (s.kind == LossKind::cross_entropy) {
    for (Index t = 0; t < s.L; ++t) REQUIRE(s.batch.supervised[static_cast<size_t>(t)] == (t == s.L - 1 ? 1 : 0));
  }

  // Every parameter in the file is one of ours and vice versa.
  Model<double> model(s.config);
  model.initialise(1);  // overwritten below
  Index golden_parameters = 0;
  for (const std::string& n : s.file.names())
    if (n.rfind("cortex.", 0) == 0 || n.rfind("readout.", 0) == 0 || n.rfind("cerebellum.", 0) == 0) {
      ++golden_parameters;
      INFO(n);
      CHECK(model.params.find(n) >= 0);
    }
  CHECK(golden_parameters == static_cast<Index>(model.params.slots().size()));
  s.load(model);
  const Vector<double> initial = model.params.values();

  // ---- gradients of one batch
  TbpttWorkspace<double> ws;
  model.params.zero_grad();
  const BatchStats stats = accumulate_batch_gradients(model, s.batch, s.settings(), ws);
  const Index W = ws.windows;
  REQUIRE(W == 4);

  for (const ParamSlot& slot : model.params.slots()) {
    const ConstMatrixMap<double> g = std::as_const(model.params).grad(model.params.id(slot.name));
    CHECK_CLOSE("grad." << slot.name, compare_matrix(s.file.get("grad." + slot.name), g));
    // Element-wise as well (see the header comment): exact zeros (a granule unit never active with its
    // input) must be exact zeros here too, every other element must agree to kRelTol of itself.
    const GoldenTensor& golden = s.file.get("grad." + slot.name);
    const Index cols = slot.cols;
    double worst = 0.0;
    for (size_t i = 0; i < golden.size(); ++i) {
      const double ours = g(static_cast<Index>(i) / cols, static_cast<Index>(i) % cols), ref = golden.values[i];
      if (ref == 0.0) CHECK(ours == 0.0);
      else worst = std::max(worst, std::abs(ours - ref) / std::abs(ref));
    }
    INFO("grad." << slot.name << ": element-wise relative error " << worst);
    CHECK(worst <= kRelTol);
  }
  CHECK(stats.task_loss == Approx(s.file.get("loss").scalar()).epsilon(kRelTol));
  if (s.file.has("report_error")) {
    CHECK(stats.training_error == Approx(s.file.get("report_error").scalar()).epsilon(kRelTol));
  } else {
    // Cross-entropy at the last step only: the reported error (mean NLL over supervised pairs) is the loss.
    CHECK(stats.training_error == Approx(s.file.get("loss").scalar()).epsilon(kRelTol));
  }

  // states (L+1, B, S), outputs (B, L, D)
  const Index S = model.state_size();
  const auto& states = ws.cortex.layers[0].states;
  CHECK_CLOSE("states", compare(s.file.get("states"), [&](size_t i) {
                const Index k = static_cast<Index>(i) % S, b = (static_cast<Index>(i) / S) % s.B,
                            t = static_cast<Index>(i) / (S * s.B);
                return states(k, t * s.B + b);
              }));
  CHECK_CLOSE("outputs", compare(s.file.get("outputs"), [&](size_t i) {
                const Index d = static_cast<Index>(i) % s.D, t = (static_cast<Index>(i) / s.D) % s.L,
                            b = static_cast<Index>(i) / (s.D * s.L);
                return ws.outputs(d, t * s.B + b);
              }));

  if (s.cerebellum) {
    // (W, B, S): window w, sample b -> column w*B + b; predictions at boundary w (start) and w+1 (end).
    const auto window_major = [&](const Matrix<double>& m, Index first_boundary) {
      return [&m, first_boundary, S, B = s.B](size_t i) {
        const Index k = static_cast<Index>(i) % S, b = (static_cast<Index>(i) / S) % B, w = static_cast<Index>(i) / (S * B);
        return m(k, (w + first_boundary) * B + b);
      };
    };
    CHECK_CLOSE("targets", compare(s.file.get("targets"), window_major(ws.targets, 0)));
    CHECK_CLOSE("predictions_start", compare(s.file.get("predictions_start"), window_major(ws.predictions, 0)));
    CHECK_CLOSE("predictions_end", compare(s.file.get("predictions_end"), window_major(ws.predictions, 1)));
    CHECK(max_abs_or_zero(ws.predictions) > 0.1);
  }

  // ---- clipping (over every trainable parameter) by hand, against clipped.*
  {
    Vector<double> grads = model.params.grads();
    std::vector<Range> ranges = {model.cortex_range()};
    if (s.cerebellum) ranges.push_back(model.cerebellum_range());
    const double norm = clip_global_norm(grads, ranges, s.file.get("clip").scalar());
    CHECK(norm == Approx(s.file.get("grad_norm").scalar()).epsilon(kRelTol));
    for (const ParamSlot& slot : model.params.slots()) {
      const ConstMatrixMap<double> clipped(grads.data() + slot.offset, slot.rows, slot.cols);
      CHECK_CLOSE("clipped." << slot.name, compare_matrix(s.file.get("clipped." + slot.name), clipped));
    }
  }

  // ---- one Trainer iteration (gradients, clip, Adam) from the same initial parameters
  Model<double> trained(s.config);
  trained.initialise(2);
  s.load(trained);
  REQUIRE((trained.params.values().array() == initial.array()).all());
  Trainer<double> trainer(trained, s.trainer_config());
  const BatchStats train_stats = trainer.train_batch(s.batch);
  CHECK(trainer.last_grad_norm() == Approx(s.file.get("grad_norm").scalar()).epsilon(kRelTol));
  CHECK(train_stats.task_loss == Approx(s.file.get("loss").scalar()).epsilon(kRelTol));
  if (s.file.has("report_error"))
    CHECK(train_stats.training_error == Approx(s.file.get("report_error").scalar()).epsilon(kRelTol));
  for (const ParamSlot& slot : trained.params.slots()) {
    const ConstMatrixMap<double> after = std::as_const(trained.params).value(trained.params.id(slot.name));
    CHECK_CLOSE("after." << slot.name, compare_matrix(s.file.get("after." + slot.name), after));
  }
  CHECK(trained.params.grads().cwiseAbs().maxCoeff() == 0.0);  // zeroed after the step
}

}  // namespace

TEST_CASE("golden: LSTM ccRNN, MSE with sparse feedback, against PyTorch", "[golden][tbptt]") {
  run_scenario("lstm_ccrnn_mse.txt");
}

TEST_CASE("golden: LSTM ccRNN, cross-entropy at the last step, against PyTorch", "[golden][tbptt]") {
  run_scenario("lstm_ccrnn_xent.txt");
}

TEST_CASE("golden: LSTM cRNN, MSE with sparse feedback, against PyTorch", "[golden][tbptt]") {
  run_scenario("lstm_crnn_mse.txt");
}
