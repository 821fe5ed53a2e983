// The caption model: gradient checks of projection + batch norm + embedding + decoder + softmax (cRNN and
// ccRNN, with and without a fixed dropout mask, one and several windows), batch norm's statistics, the
// trainer's input-gradient option, hooks and attached parameters, and greedy decoding.
#include <catch2/catch.hpp>

#include <ccrnn/core/random.hpp>
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/tasks/caption/model.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>
#include <ccrnn/testing/gradcheck.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support/random_matrices.hpp"
#include "support/windowed_objective.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;
using ccrnn::testing::GradCheckOptions;
using ccrnn::testing::GradCheckReport;
using ccrnn::testing::normal_matrix;

namespace {

CaptionModelConfig tiny_config(bool cerebellum) {
  CaptionModelConfig c;
  c.feature_size = 5;
  c.vocabulary_size = 8;  // 4 specials + 4 words
  c.embedding_size = 3;
  c.decoder.hidden_size = 4;
  c.decoder.cerebellum = cerebellum;
  c.decoder.cerebellar.hidden_size = 6;
  c.decoder.cerebellar.layers = 2;
  c.dropout = 0.5;
  return c;
}

/// initialise, then a non-zero cerebellar output layer (so the injection matters) and a less trivial BN affine.
void prepare(CaptionModel<double>& model, std::uint64_t seed) {
  model.initialise(seed);
  Rng rng(seed, Stream::validation);
  if (model.decoder.cerebellum) {
    const std::string out = "cerebellum.layers." + std::to_string(model.decoder.config().cerebellar.layers);
    for (const std::string& name : {out + ".weight", out + ".bias"}) {
      auto v = model.decoder.params.value(model.decoder.params.id(name));
      v = normal_matrix(rng, v.rows(), v.cols(), 0.5);
    }
  }
  auto gamma = model.encoder.value(model.encoder.id("encoder.bn.weight"));
  gamma = Matrix<double>::Ones(gamma.rows(), 1) + normal_matrix(rng, gamma.rows(), 1, 0.3);
  auto beta = model.encoder.value(model.encoder.id("encoder.bn.bias"));
  beta = normal_matrix(rng, beta.rows(), 1, 0.3);
  model.decoder.params.values().head(model.decoder.cortex_range().end) *= 2.0;  // less linear
}

/// Three captions of two words each (ids 3..7: <unk> allowed as a word), features N(0, 1).
CaptionBatch<double> tiny_batch(const CaptionModel<double>& model, std::uint64_t seed, Index words = 2) {
  Rng rng(seed, Stream::data);
  const Index b = 3;
  const Matrix<double> features = normal_matrix(rng, model.config().feature_size, b);
  std::vector<std::vector<int>> captions(static_cast<size_t>(b));
  for (auto& c : captions)
    for (Index i = 0; i < words; ++i) c.push_back(static_cast<int>(rng.uniform_int(3, 7)));
  CaptionBatch<double> cb = model.make_batch(features, captions, true);
  cb.update_running = false;
  return cb;
}

double plain_cross_entropy(const Matrix<double>& logits, Index column, int label) {
  double top = logits.col(column).maxCoeff(), sum = 0.0;
  for (Index k = 0; k < logits.rows(); ++k) sum += std::exp(logits(k, column) - top);
  return top + std::log(sum) - logits(label, column);
}


/// The windowed objective of a caption batch: sum over windows of (mean cross-entropy of the window run
/// from the state s0_w held fixed + gamma <P_w, s1_w>), with the inputs recomputed from the encoder.
double caption_objective(CaptionModel<double>& model, const CaptionBatch<double>& base, Index truncation,
                         const std::vector<Matrix<double>>& s0, const std::vector<Matrix<double>>& P, double gamma) {
  CaptionBatch<double> cb = base;
  const Index b = cb.batch.size, length = cb.batch.length;
  model.fill_inputs(cb, 0, length);
  const Model<double>& d = model.decoder;
  double f = 0.0;
  for (Index w = 0; w * truncation < length; ++w) {
    const Index t0 = w * truncation, t1 = std::min(t0 + truncation, length);
    CortexTrace<double> trace;
    d.cortex.prepare(trace, b, length);
    trace.layers.front().states.middleCols(t0 * b, b) = s0[static_cast<size_t>(w)];
    d.cortex.forward(d.params, cb.batch.inputs, trace, t0, t1);
    Matrix<double> logits(d.readout.output_size(), (t1 - t0) * b);
    d.readout.forward(d.params, d.cortex.outputs(trace).middleCols(t0 * b, (t1 - t0) * b), logits);
    double ce = 0.0;
    for (Index c = 0; c < logits.cols(); ++c) ce += plain_cross_entropy(logits, c, cb.batch.labels[static_cast<size_t>(t0 * b + c)]);
    f += ce / static_cast<double>(logits.cols());
    if (P[static_cast<size_t>(w)].size() > 0) f += gamma * P[static_cast<size_t>(w)].cwiseProduct(testing::gather(d.cortex, trace, t1)).sum();
  }
  return f;
}

GradCheckOptions smooth_options(Range range) {
  GradCheckOptions o;  // five-point stencil as in tests/dni/test_tbptt.cpp
  o.order = 4;
  o.step = 1e-3;
  o.floor = 1e-5;
  o.range = range;
  return o;
}

}  // namespace

TEST_CASE("caption model: gradients of encoder, batch norm, embedding, decoder and softmax match finite differences",
          "[caption][gradcheck]") {
  const double gamma = 0.1;
  for (bool cerebellum : {false, true}) {
    for (bool dropout : {false, true}) {
      for (Index truncation : {Index{8}, Index{2}}) {  // L = 4: one window, or windows [0,2) [2,4)
        const bool vectorised = dropout;  // both cross-entropy implementations
        DYNAMIC_SECTION((cerebellum ? "ccRNN" : "cRNN") << (dropout ? ", fixed dropout mask" : ", no dropout")
                                                        << ", T=" << truncation
                                                        << (vectorised ? ", vectorised cross-entropy" : "")) {
          CaptionModel<double> model(tiny_config(cerebellum));
          const std::uint64_t seed = 11 + (cerebellum ? 1 : 0) + (dropout ? 2 : 0) + static_cast<std::uint64_t>(truncation);
          prepare(model, seed);
          CaptionBatch<double> cb = tiny_batch(model, seed);
          if (dropout) {
            Rng mask_rng(seed, Stream::noise);
            model.draw_dropout(cb, mask_rng);
            REQUIRE(cb.dropout_mask.size() == cb.batch.inputs.size());
          }
          TbpttSettings settings;
          settings.truncation = truncation;
          settings.sg_scale = gamma;
          settings.loss = LossKind::cross_entropy;
          settings.vectorised_cross_entropy = vectorised;
          TbpttWorkspace<double> ws;
          model.decoder.params.zero_grad();
          model.encoder.zero_grad();
          const CaptionBatch<double> base = cb;
          const BatchStats stats = model.accumulate_gradients(cb, settings, ws);
          const Vector<double> decoder_grads = model.decoder.params.grads();
          const Vector<double> encoder_grads = model.encoder.grads();
          const Index windows = ws.windows;
          REQUIRE(windows == (truncation >= 4 ? 1 : 2));

          std::vector<Matrix<double>> s0, P;
          for (Index w = 0; w < windows; ++w) {
            s0.push_back(testing::gather(model.decoder.cortex, ws.cortex, w * truncation));
            if (cerebellum) P.push_back(ws.predictions.middleCols((w + 1) * cb.batch.size, cb.batch.size));
            else P.emplace_back();
          }
          if (cerebellum) REQUIRE(P.back().cwiseAbs().maxCoeff() > 0.05);
          const auto F = [&] { return caption_objective(model, base, truncation, s0, P, gamma); };
          const auto task = [&] {
            return caption_objective(model, base, truncation, s0, std::vector<Matrix<double>>(s0.size()), gamma);
          };
          CHECK(stats.task_loss == Approx(task()).epsilon(1e-12));

          const GradCheckReport dec = ccrnn::testing::check_gradients(model.decoder.params, decoder_grads, F,
                                                                      smooth_options(model.decoder.cortex_range()));
          INFO("decoder: " << ccrnn::testing::to_string(dec));
          CHECK(dec.checked == model.decoder.cortex_range().size());
          CHECK(dec.max_rel_error < 1e-6);

          const GradCheckReport enc = ccrnn::testing::check_gradients(model.encoder, encoder_grads, F,
                                                                      smooth_options(ccrnn::testing::all_parameters));
          INFO("encoder: " << ccrnn::testing::to_string(enc));
          CHECK(enc.checked == model.encoder.size());
          CHECK(enc.max_rel_error < 1e-6);
          // Every encoder parameter receives gradient (words 3..7 only: other embedding columns stay 0),
          // except the projection's bias, which batch norm's mean subtraction cancels exactly.
          const auto grad_of = [&](const char* name) {
            const ParamSlot& slot = model.encoder.slot(model.encoder.id(name));
            return encoder_grads.segment(slot.offset, slot.size()).cwiseAbs().maxCoeff();
          };
          for (const char* name : {"encoder.linear.weight", "encoder.bn.weight", "encoder.bn.bias"}) CHECK(grad_of(name) > 1e-4);
          CHECK(grad_of("encoder.linear.bias") < 1e-14);
          const ParamSlot& emb = model.encoder.slot(model.encoder.id("decoder.embed.weight"));
          const Index e = model.config().embedding_size;
          CHECK(encoder_grads.segment(emb.offset + Vocabulary::start * e, e).cwiseAbs().maxCoeff() > 1e-4);  // <start>
          CHECK(encoder_grads.segment(emb.offset, e).isZero(0.0));                                          // <pad>
          CHECK(encoder_grads.segment(emb.offset + Vocabulary::end * e, e).isZero(0.0));                    // <end> is never an input
        }
      }
    }
  }
}

TEST_CASE("caption model: batch norm uses batch statistics in training and running averages in evaluation",
          "[caption]") {
  CaptionModelConfig config = tiny_config(false);
  config.feature_size = 2;
  config.embedding_size = 2;
  config.dropout = 0.0;
  CaptionModel<double> model(config);
  model.initialise(1);
  // Projection = identity, bias (1, -1); BN gamma (2, 1), beta (0, 0.5).
  model.encoder.value(model.encoder.id("encoder.linear.weight")) = Matrix<double>::Identity(2, 2);
  model.encoder.value(model.encoder.id("encoder.linear.bias")) = Vector<double>{{1.0, -1.0}};
  model.encoder.value(model.encoder.id("encoder.bn.weight")) = Vector<double>{{2.0, 1.0}};
  model.encoder.value(model.encoder.id("encoder.bn.bias")) = Vector<double>{{0.0, 0.5}};
  Matrix<double> features(2, 3);
  features << 1, 2, 6,   // projection row 0: 2, 3, 7   mean 4, biased var 14/3, unbiased 7
      0, 0, 3;           // projection row 1: -1, -1, 2 mean 0, biased var 2, unbiased 3
  const std::vector<std::vector<int>> captions = {{4}, {5}, {6}};
  CaptionBatch<double> cb = model.make_batch(features, captions, true);
  model.fill_inputs(cb, 0, 1);
  const double eps = 1e-5;
  const auto x = cb.batch.inputs.leftCols(3);
  CHECK(x(0, 0) == Approx(2.0 * (2 - 4) / std::sqrt(14.0 / 3 + eps)));
  CHECK(x(0, 2) == Approx(2.0 * (7 - 4) / std::sqrt(14.0 / 3 + eps)));
  CHECK(x(1, 1) == Approx(0.5 + (-1 - 0) / std::sqrt(2.0 + eps)));
  CHECK(model.running_mean(0) == Approx(0.01 * 4));
  CHECK(model.running_mean(1) == Approx(0.0).margin(1e-15));
  CHECK(model.running_var(0) == Approx(0.99 + 0.01 * 7));
  CHECK(model.running_var(1) == Approx(0.99 + 0.01 * 3));

  // Evaluation: the running averages normalise, and nothing is updated.
  model.running_mean = Vector<double>{{1.0, 2.0}};
  model.running_var = Vector<double>{{4.0, 0.25}};
  CaptionBatch<double> eval = model.make_batch(features, captions, false);
  model.fill_inputs(eval, 0, 1);
  CHECK(eval.batch.inputs(0, 2) == Approx(2.0 * (7 - 1) / std::sqrt(4.0 + eps)));
  CHECK(eval.batch.inputs(1, 0) == Approx(0.5 + (-1 - 2) / std::sqrt(0.25 + eps)));
  CHECK(model.running_mean == Vector<double>{{1.0, 2.0}});

  // A training batch of one caption falls back to the running averages and leaves them alone.
  CaptionBatch<double> one = model.make_batch(features.leftCols(1), {{4}}, true);
  model.fill_inputs(one, 0, 1);
  CHECK_FALSE(one.batch_statistics);
  CHECK(one.batch.inputs(0, 0) == Approx(2.0 * (2 - 1) / std::sqrt(4.0 + eps)));
  CHECK(model.running_var == Vector<double>{{4.0, 0.25}});

  // Inputs of later steps are the embeddings of <start>, then the words; targets end with <end>.
  model.fill_inputs(cb, 1, 3);
  const auto emb = model.encoder.value(model.encoder.id("decoder.embed.weight"));
  CHECK(cb.batch.inputs.col(3 + 1) == emb.col(Vocabulary::start));
  CHECK(cb.batch.inputs.col(6 + 2) == emb.col(6));
  CHECK(cb.batch.labels == std::vector<int>{1, 1, 1, 4, 5, 6, 2, 2, 2});
  CHECK_THROWS_AS(model.make_batch(features, {{4}, {5, 6}, {6}}, true), std::invalid_argument);
  CHECK_THROWS_AS(model.make_batch(features, {{4}, {2}, {6}}, true), std::invalid_argument);  // <end> is no word
  CHECK_THROWS_AS(model.make_batch(features, {{4}, {8}, {6}}, true), std::invalid_argument);  // outside V
}

TEST_CASE("caption model: dropout masks are inverted Bernoulli(0.5), fixed by the seed, off in evaluation",
          "[caption]") {
  CaptionModel<double> model(tiny_config(false));
  model.initialise(2);
  CaptionBatch<double> cb = tiny_batch(model, 3, 20);
  Rng a(5, Stream::noise), b(5, Stream::noise);
  model.draw_dropout(cb, a);
  CaptionBatch<double> again = cb;
  model.draw_dropout(again, b);
  CHECK(cb.dropout_mask == again.dropout_mask);
  const auto& m = cb.dropout_mask;
  CHECK(((m.array() == 0.0) || (m.array() == 2.0)).all());
  const double kept = (m.array() == 2.0).cast<double>().mean();
  CHECK(kept == Approx(0.5).margin(0.08));  // 198 draws
  model.fill_inputs(cb, 0, cb.batch.length);
  CHECK(((cb.batch.inputs.array() == 0.0) == (m.array() == 0.0)).all());
  cb.training = false;  // evaluation ignores the mask
  model.fill_inputs(cb, 0, cb.batch.length);
  CHECK((cb.batch.inputs.array() != 0.0).all());
  CaptionModelConfig no_dropout = tiny_config(false);
  no_dropout.dropout = 0.0;
  CaptionModel<double> plain(no_dropout);
  plain.draw_dropout(cb, a);
  CHECK(cb.dropout_mask.size() == 0);
}

TEST_CASE("trainer: input gradients are opt-in and change nothing else", "[caption][trainer]") {
  ModelConfig config;
  config.input_size = 3;
  config.hidden_size = 4;
  config.output_size = 5;
  config.cerebellum = true;
  config.cerebellar.hidden_size = 6;
  Model<double> model(config);
  model.initialise(4);
  Rng rng(4, Stream::data);
  Batch<double> batch;
  batch.size = 2;
  batch.length = 5;
  batch.inputs = normal_matrix(rng, 3, 10);
  batch.supervised.assign(5, 1);
  for (int i = 0; i < 10; ++i) batch.labels.push_back(static_cast<int>(rng.uniform_int(0, 4)));
  TbpttSettings settings;
  settings.truncation = 2;
  settings.loss = LossKind::cross_entropy;
  TbpttWorkspace<double> ws_off, ws_on;
  model.params.zero_grad();
  accumulate_batch_gradients(model, batch, settings, ws_off);
  const Vector<double> off = model.params.grads();
  settings.input_grads = true;
  model.params.zero_grad();
  accumulate_batch_gradients(model, batch, settings, ws_on);
  CHECK(model.params.grads() == off);  // bitwise
  CHECK(ws_on.outputs == ws_off.outputs);
  const auto input_grads = model.cortex.input_grads(ws_on.cortex);
  REQUIRE(input_grads.rows() == 3);
  REQUIRE(input_grads.cols() == 10);
  CHECK(input_grads.cwiseAbs().minCoeff() > 0.0);  // every step of every window is filled
}

TEST_CASE("trainer: empty hooks reproduce train_batch bitwise; hooks and attached parameters", "[caption][trainer]") {
  ModelConfig config;
  config.input_size = 3;
  config.hidden_size = 4;
  config.output_size = 5;
  Rng rng(6, Stream::data);
  Batch<float> batch;
  batch.size = 2;
  batch.length = 5;
  batch.inputs = normal_matrix(rng, 3, 10).cast<float>();
  batch.supervised.assign(5, 1);
  for (int i = 0; i < 10; ++i) batch.labels.push_back(static_cast<int>(rng.uniform_int(0, 4)));
  for (bool per_window : {false, true}) {
    TrainerConfig tc;
    tc.tbptt.truncation = 2;
    tc.tbptt.loss = LossKind::cross_entropy;
    tc.step_per_window = per_window;
    Model<float> a(config), b(config);
    a.initialise(1);
    b.initialise(1);
    Trainer<float> ta(a, tc), tb(b, tc);
    Batch<float> copy = batch;
    for (int i = 0; i < 3; ++i) {
      const BatchStats sa = ta.train_batch(batch);
      const BatchStats sb = tb.train_batch_with_hooks(copy, SegmentHooks<float>{});
      CHECK(sa.task_loss == sb.task_loss);
      CHECK(sa.training_error == sb.training_error);
    }
    CHECK(a.params.values() == b.params.values());
  }

  // Hooks see every window in order; attached parameters share the global norm, its clipping and the step.
  TrainerConfig tc;
  tc.tbptt.truncation = 2;
  tc.tbptt.loss = LossKind::cross_entropy;
  tc.step_per_window = true;
  tc.clip = 1.0;
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.lr = 0.1;
  tc.optimizer.momentum = 0.0;  // plain SGD: later windows (zero extra gradient) leave x alone
  Model<float> model(config);
  model.initialise(2);
  Trainer<float> trainer(model, tc);
  ParamSet<float> extra;
  extra.add("extra.x", 1, 1);
  extra.values()(0) = 1.0f;
  trainer.attach_parameters(extra);
  CHECK_THROWS_AS(trainer.attach_parameters(extra), std::logic_error);
  std::vector<std::pair<Index, Index>> before, after;
  double model_norm = 0.0;
  SegmentHooks<float> hooks;
  hooks.before_forward = [&](Batch<float>& b, Index w0, Index w1) {
    CHECK(&b == &batch);
    before.emplace_back(w0, w1);
  };
  hooks.after_backward = [&](const Batch<float>&, Index w0, Index w1) {
    after.emplace_back(w0, w1);
    if (w0 == 0) {
      model_norm = model.params.grads().cast<double>().norm();
      extra.grads()(0) = 100.0f;  // dominates the norm
    }
  };
  trainer.train_batch_with_hooks(batch, hooks);
  CHECK(before == std::vector<std::pair<Index, Index>>{{0, 1}, {1, 2}, {2, 3}});
  CHECK(after == before);
  // The last step's norm: this window's model gradient only (the extra's gradient is zeroed after each step).
  // The first step: norm sqrt(model^2 + 100^2) > 1, so SGD moved x by -lr * 100 * 1 / (norm + 1e-6).
  const double first_norm = std::sqrt(model_norm * model_norm + 100.0 * 100.0);
  CHECK(extra.values()(0) == Approx(1.0 - 0.1 * 100.0 / (first_norm + 1e-6)).epsilon(1e-5));
  CHECK(extra.grads()(0) == 0.0f);
}

TEST_CASE("caption model: the trainer's hooks apply exactly the gradients of accumulate_gradients", "[caption][trainer]") {
  // One window (T >= L) and Adam: the first step moves every parameter by -lr g / (|g| + eps).
  for (bool cerebellum : {false, true}) {
    CaptionModel<double> model(tiny_config(cerebellum)), reference(tiny_config(cerebellum));
    prepare(model, 21);
    prepare(reference, 21);
    CaptionBatch<double> cb = tiny_batch(model, 22), cb_ref = cb;
    Rng r1(1, Stream::noise), r2(1, Stream::noise);
    model.draw_dropout(cb, r1);
    reference.draw_dropout(cb_ref, r2);
    TrainerConfig tc = TrainerConfig{};
    tc.tbptt.truncation = 8;
    tc.tbptt.loss = LossKind::cross_entropy;
    tc.clip = 0.0;
    tc.step_per_window = true;
    tc.tbptt.input_grads = true;
    tc.optimizer.beta2 = 0.999;
    tc.optimizer.eps = 1e-8;
    Trainer<double> trainer(model.decoder, tc);
    trainer.attach_parameters(model.encoder);
    trainer.train_batch_with_hooks(cb.batch, model.training_hooks(cb, trainer));

    TbpttSettings settings;
    settings.truncation = 8;
    settings.loss = LossKind::cross_entropy;
    TbpttWorkspace<double> ws;
    reference.decoder.params.zero_grad();
    reference.encoder.zero_grad();
    reference.accumulate_gradients(cb_ref, settings, ws);
    const auto expect = [&](const Vector<double>& before, const Vector<double>& g, const Vector<double>& now) {
      const Vector<double> step = -1e-3 * (g.array() / (g.array().abs() + 1e-8)).matrix();
      return ((now - before) - step).cwiseAbs().maxCoeff();
    };
    CHECK(expect(reference.decoder.params.values(), reference.decoder.params.grads(), model.decoder.params.values()) < 1e-12);
    CHECK(expect(reference.encoder.values(), reference.encoder.grads(), model.encoder.values()) < 1e-12);
    CHECK((model.encoder.values() - reference.encoder.values()).cwiseAbs().maxCoeff() > 1e-4);  // the encoder moved
  }
}

TEST_CASE("caption model: greedy decoding is what teacher forcing of its own output predicts", "[caption]") {
  CaptionModelConfig config = tiny_config(false);
  config.vocabulary_size = 12;
  config.embedding_size = 6;
  config.decoder.hidden_size = 8;
  CaptionModel<double> model(config);
  model.initialise(7);
  // <pad> and <start> are never predicted; a mild bias towards <end> lets some captions end early.
  auto bias = model.decoder.params.value(model.decoder.params.id("readout.bias"));
  bias(Vocabulary::pad) = -50;
  bias(Vocabulary::start) = -50;
  bias(Vocabulary::end) += 0.3;
  model.running_mean.setConstant(0.1);
  model.running_var.setConstant(1.5);
  Rng rng(8, Stream::data);
  const Index images = 12, max_tokens = 6;
  const Matrix<double> features = normal_matrix(rng, config.feature_size, images, 2.0);
  DecodeWorkspace<double> ws;
  const auto decoded = model.greedy_decode(features, max_tokens, ws);
  REQUIRE(decoded.size() == static_cast<size_t>(images));
  int ended = 0;
  for (Index i = 0; i < images; ++i) {
    const auto& ids = decoded[static_cast<size_t>(i)];
    REQUIRE(!ids.empty());
    REQUIRE(static_cast<Index>(ids.size()) <= max_tokens);
    const bool has_end = ids.back() == Vocabulary::end;
    ended += has_end ? 1 : 0;
    for (size_t k = 0; k + 1 < ids.size(); ++k) CHECK(ids[k] != Vocabulary::end);  // stops at the first <end>
    if (!has_end) CHECK(static_cast<Index>(ids.size()) == max_tokens);
    // Teacher forcing with the decoded words reproduces every decoded token as the argmax.
    const std::vector<int> words(ids.begin(), ids.end() - (has_end ? 1 : 0));
    CaptionBatch<double> cb = model.make_batch(features.col(i), {words}, false);
    TbpttWorkspace<double> tws;
    model.evaluate(cb, tws);
    for (size_t k = 0; k < ids.size(); ++k) {
      Index best = 0;
      tws.outputs.col(static_cast<Index>(k) + 1).maxCoeff(&best);
      CHECK(best == ids[k]);
    }
    // Batch-independent: decoding the image alone gives the same caption.
    CHECK(model.greedy_decode(features.col(i), max_tokens, ws).front() == ids);
  }
  CHECK(ended > 0);
  CHECK(ended < images);
}

TEST_CASE("caption model: a frozen encoder keeps its projection, batch norm and running averages; the embedding learns",
          "[caption][trainer]") {
  CaptionModelConfig config = tiny_config(true);
  config.frozen_encoder = true;
  CaptionModel<double> model(config), learning(tiny_config(true));
  prepare(model, 31);
  prepare(learning, 31);
  model.running_mean = Vector<double>::Constant(3, 0.25);  // not the initial averages, so a change would show
  model.running_var = Vector<double>::Constant(3, 2.0);
  const EncoderHead<double> before = model.encoder_head();
  const Matrix<double> embedding_before = model.encoder.value(model.encoder.id("decoder.embed.weight"));

  TrainerConfig tc;
  tc.tbptt.truncation = 2;
  tc.tbptt.loss = LossKind::cross_entropy;
  tc.tbptt.input_grads = true;
  tc.step_per_window = true;
  Trainer<double> trainer(model.decoder, tc);
  trainer.attach_parameters(model.encoder);
  Rng dropout(3, Stream::noise);
  for (std::uint64_t seed : {32, 33, 34}) {
    CaptionBatch<double> cb = tiny_batch(model, seed);
    cb.update_running = true;  // a training batch as the task makes it
    model.draw_dropout(cb, dropout);
    trainer.train_batch_with_hooks(cb.batch, model.training_hooks(cb, trainer));
    // The image's input is the evaluation-mode encoding (running averages), dropout aside.
    CaptionBatch<double> eval = model.make_batch(cb.features, {{3, 4}, {5, 6}, {7, 3}}, false);
    model.fill_inputs(eval, 0, 1);
    const Matrix<double> kept = (cb.dropout_mask.leftCols(3).array() != 0.0).cast<double>().matrix();
    CHECK((cb.batch.inputs.leftCols(3) - eval.batch.inputs.leftCols(3).cwiseProduct(cb.dropout_mask.leftCols(3)))
              .cwiseAbs()
              .maxCoeff() < 1e-12);
    CHECK(kept.sum() > 0);
  }
  const EncoderHead<double> after = model.encoder_head();
  CHECK(after.weight == before.weight);  // bitwise
  CHECK(after.bias == before.bias);
  CHECK(after.bn_weight == before.bn_weight);
  CHECK(after.bn_bias == before.bn_bias);
  CHECK(after.running_mean == before.running_mean);
  CHECK(after.running_var == before.running_var);
  const Matrix<double> embedding_after = model.encoder.value(model.encoder.id("decoder.embed.weight"));
  CHECK((embedding_after - embedding_before).cwiseAbs().maxCoeff() > 1e-4);  // the embedding learned

  // Control: without freezing, the same training moves the projection and the running averages.
  Trainer<double> learning_trainer(learning.decoder, tc);
  learning_trainer.attach_parameters(learning.encoder);
  const EncoderHead<double> learning_before = learning.encoder_head();
  CaptionBatch<double> cb = tiny_batch(learning, 32);
  cb.update_running = true;
  learning_trainer.train_batch_with_hooks(cb.batch, learning.training_hooks(cb, learning_trainer));
  CHECK((learning.encoder_head().weight - learning_before.weight).cwiseAbs().maxCoeff() > 1e-4);
  CHECK(learning.encoder_head().running_mean != learning_before.running_mean);

  // The head moves between models of the same shape only.
  learning.set_encoder_head(before);
  CHECK(learning.encoder_head().weight == before.weight);
  CHECK(learning.running_var == before.running_var);
  CaptionModelConfig wider = tiny_config(false);
  wider.feature_size = 6;
  CaptionModel<double> other(wider);
  CHECK_THROWS_AS(other.set_encoder_head(before), std::invalid_argument);
}
