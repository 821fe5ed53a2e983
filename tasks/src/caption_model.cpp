// The caption model: encoder (projection + batch norm + embedding) around ccrnn's decoder (caption/model.hpp).
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/core/init.hpp>
#include <ccrnn/tasks/caption/model.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>
#include <ccrnn/train/cross_entropy.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ccrnn::tasks {

namespace {

ModelConfig decoder_config(const CaptionModelConfig& c) {
  if (c.feature_size < 1) throw std::invalid_argument("caption model: feature size must be >= 1");
  if (c.vocabulary_size <= Vocabulary::special_count)
    throw std::invalid_argument("caption model: the vocabulary needs at least one word besides the 4 specials");
  if (c.embedding_size < 1) throw std::invalid_argument("caption model: embedding size must be >= 1");
  if (!(c.dropout >= 0 && c.dropout < 1)) throw std::invalid_argument("caption model: dropout must be in [0, 1)");
  if (!(c.bn_momentum >= 0 && c.bn_momentum <= 1) || !(c.bn_eps > 0))
    throw std::invalid_argument("caption model: batch-norm momentum must be in [0, 1] and eps > 0");
  ModelConfig m = c.decoder;
  m.input_size = c.embedding_size;
  m.output_size = c.vocabulary_size;
  return m;
}

}  // namespace

ModelConfig caption_decoder_defaults() {
  ModelConfig m;
  m.hidden_size = 256;
  m.cerebellar.hidden_size = 1024;
  m.cerebellar.layers = 2;
  return m;
}

template <class S>
CaptionModel<S>::CaptionModel(const CaptionModelConfig& config) : decoder(decoder_config(config)), config_(config) {
  const Index e = config.embedding_size;
  w_proj_ = encoder.add("encoder.linear.weight", e, config.feature_size);
  b_proj_ = encoder.add("encoder.linear.bias", e, 1);
  bn_weight_ = encoder.add("encoder.bn.weight", e, 1);
  bn_bias_ = encoder.add("encoder.bn.bias", e, 1);
  embed_ = encoder.add("decoder.embed.weight", e, config.vocabulary_size);
  running_mean.setZero(e);
  running_var.setOnes(e);
}

template <class S>
void CaptionModel<S>::initialise(std::uint64_t seed) {
  decoder.initialise(seed);
  Rng rng(seed, caption_encoder_stream);
  const double bound = 1.0 / std::sqrt(static_cast<double>(config_.feature_size));
  fill_uniform(encoder.value(w_proj_), rng, bound);
  fill_uniform(encoder.value(b_proj_), rng, bound);
  encoder.value(bn_weight_).setOnes();
  encoder.value(bn_bias_).setZero();
  auto emb = encoder.value(embed_);
  for (Index w = 0; w < emb.cols(); ++w)  // torch's (V, E) tensor in row-major order = our columns in order
    for (Index r = 0; r < emb.rows(); ++r) emb(r, w) = static_cast<S>(rng.normal());
  encoder.zero_grad();
  running_mean.setZero(config_.embedding_size);
  running_var.setOnes(config_.embedding_size);
}

template <class S>
EncoderHead<S> CaptionModel<S>::encoder_head() const {
  return {encoder.value(w_proj_), encoder.value(b_proj_), encoder.value(bn_weight_), encoder.value(bn_bias_),
          running_mean, running_var};
}

template <class S>
void CaptionModel<S>::set_encoder_head(const EncoderHead<S>& head) {
  const auto same = [](const auto& a, const auto& b) { return a.rows() == b.rows() && a.cols() == b.cols(); };
  if (!same(head.weight, encoder.value(w_proj_)) || !same(head.bias, encoder.value(b_proj_)) ||
      !same(head.bn_weight, encoder.value(bn_weight_)) || !same(head.bn_bias, encoder.value(bn_bias_)) ||
      !same(head.running_mean, running_mean) || !same(head.running_var, running_var))
    throw std::invalid_argument("caption model: the encoder head has other sizes than this model's");
  encoder.value(w_proj_) = head.weight;
  encoder.value(b_proj_) = head.bias;
  encoder.value(bn_weight_) = head.bn_weight;
  encoder.value(bn_bias_) = head.bn_bias;
  running_mean = head.running_mean;
  running_var = head.running_var;
}

template <class S>
CaptionBatch<S> CaptionModel<S>::make_batch(const Matrix<S>& features, const std::vector<std::vector<int>>& captions,
                                            bool training) const {
  const Index b = static_cast<Index>(captions.size());
  if (b < 1) throw std::invalid_argument("caption batch: no captions");
  if (features.rows() != config_.feature_size || features.cols() != b)
    throw std::invalid_argument("caption batch: features must be " + std::to_string(config_.feature_size) + " x " +
                                std::to_string(b));
  const Index n = static_cast<Index>(captions.front().size()), length = n + 2;
  CaptionBatch<S> cb;
  cb.features = features;
  cb.training = training;
  cb.update_running = training;
  cb.batch.size = b;
  cb.batch.length = length;
  cb.batch.inputs.setZero(config_.embedding_size, b * length);
  cb.batch.supervised.assign(static_cast<size_t>(length), 1);
  cb.batch.labels.resize(static_cast<size_t>(b * length));
  for (Index j = 0; j < b; ++j) {
    const auto& words = captions[static_cast<size_t>(j)];
    if (static_cast<Index>(words.size()) != n)
      throw std::invalid_argument("caption batch: captions must have equal lengths (" + std::to_string(n) + " and " +
                                  std::to_string(words.size()) + ")");
    for (int w : words)
      if ((w < Vocabulary::special_count && w != Vocabulary::unk) || w >= config_.vocabulary_size)
        throw std::invalid_argument("caption batch: word id " + std::to_string(w) + " is not a word of the vocabulary");
    cb.batch.labels[static_cast<size_t>(j)] = Vocabulary::start;
    for (Index t = 1; t <= n; ++t) cb.batch.labels[static_cast<size_t>(t * b + j)] = words[static_cast<size_t>(t - 1)];
    cb.batch.labels[static_cast<size_t>((length - 1) * b + j)] = Vocabulary::end;
  }
  return cb;
}

template <class S>
void CaptionModel<S>::draw_dropout(CaptionBatch<S>& cb, Rng& rng) const {
  const double p = config_.dropout;
  if (p <= 0) {
    cb.dropout_mask.resize(0, 0);
    return;
  }
  const S keep_scale = static_cast<S>(1.0 / (1.0 - p));
  cb.dropout_mask.resize(cb.batch.inputs.rows(), cb.batch.inputs.cols());
  S* m = cb.dropout_mask.data();
  for (Index i = 0; i < cb.dropout_mask.size(); ++i) m[i] = rng.uniform() < p ? S(0) : keep_scale;
}

template <class S>
void CaptionModel<S>::encode(const Matrix<S>& features, bool batch_statistics, Matrix<S>& normalized,
                             Vector<S>& inv_std, Vector<S>& batch_mean, Vector<S>& batch_var, BlockRef<S> out) const {
  const S eps = static_cast<S>(config_.bn_eps);
  normalized.noalias() = encoder.value(w_proj_) * features;
  normalized.colwise() += encoder.value(b_proj_).col(0);
  if (batch_statistics) {
    batch_mean = normalized.rowwise().mean();
    normalized.colwise() -= batch_mean;
    batch_var = normalized.array().square().rowwise().mean().matrix();
    inv_std = (batch_var.array() + eps).rsqrt().matrix();
  } else {
    normalized.colwise() -= running_mean;
    inv_std = (running_var.array() + eps).rsqrt().matrix();
  }
  normalized.array().colwise() *= inv_std.array();
  out = (normalized.array().colwise() * encoder.value(bn_weight_).col(0).array()).matrix();
  out.colwise() += encoder.value(bn_bias_).col(0);
}

template <class S>
void CaptionModel<S>::fill_inputs(CaptionBatch<S>& cb, Index t0, Index t1) {
  const Index b = cb.batch.size;
  auto& inputs = cb.batch.inputs;
  if (t0 < 0 || t1 > cb.batch.length || t0 >= t1) throw std::out_of_range("caption model: bad step range");
  Index t = t0;
  if (t0 == 0) {
    const bool batch_statistics = cb.training && b > 1 && !config_.frozen_encoder;
    Vector<S> mean, var;
    encode(cb.features, batch_statistics, cb.normalized, cb.inv_std, mean, var, inputs.leftCols(b));
    cb.batch_statistics = batch_statistics;
    if (batch_statistics && cb.update_running) {
      const S m = static_cast<S>(config_.bn_momentum), unbias = static_cast<S>(b) / static_cast<S>(b - 1);
      running_mean = (S(1) - m) * running_mean + m * mean;
      running_var = (S(1) - m) * running_var + (m * unbias) * var;
    }
    t = 1;
  }
  const auto emb = encoder.value(embed_);
  for (; t < t1; ++t)
    for (Index j = 0; j < b; ++j) inputs.col(t * b + j) = emb.col(cb.batch.labels[static_cast<size_t>((t - 1) * b + j)]);
  if (cb.training && cb.dropout_mask.size() > 0)
    inputs.middleCols(t0 * b, (t1 - t0) * b).array() *= cb.dropout_mask.middleCols(t0 * b, (t1 - t0) * b).array();
}

template <class S>
void CaptionModel<S>::backward_inputs(const CaptionBatch<S>& cb, const ConstBlockRef<S>& input_grads, Index t0,
                                      Index t1) {
  const Index b = cb.batch.size, cols = (t1 - t0) * b;
  Matrix<S> g = input_grads.middleCols(t0 * b, cols);
  if (cb.training && cb.dropout_mask.size() > 0) g.array() *= cb.dropout_mask.middleCols(t0 * b, cols).array();
  Index t = t0;
  if (t0 == 0 && config_.frozen_encoder) t = 1;  // the image's gradient stops at the fixed encoder
  if (t0 == 0 && !config_.frozen_encoder) {
    // Batch norm: y = gamma * xhat + beta, xhat = (p - mean) * inv_std.
    const auto dy = g.leftCols(b);
    const Matrix<S>& xhat = cb.normalized;
    encoder.grad(bn_weight_) += (dy.array() * xhat.array()).rowwise().sum().matrix();
    encoder.grad(bn_bias_) += dy.rowwise().sum();
    Matrix<S> dxhat = (dy.array().colwise() * encoder.value(bn_weight_).col(0).array()).matrix();
    Matrix<S> dproj;
    if (cb.batch_statistics) {
      // dp = inv_std / B * (B dxhat - sum_j dxhat - xhat * sum_j(dxhat * xhat))
      const Vector<S> sum1 = dxhat.rowwise().sum();
      const Vector<S> sum2 = (dxhat.array() * xhat.array()).rowwise().sum().matrix();
      dproj = dxhat * static_cast<S>(b);
      dproj.colwise() -= sum1;
      dproj -= (xhat.array().colwise() * sum2.array()).matrix();
      dproj.array().colwise() *= cb.inv_std.array() / static_cast<S>(b);
    } else {
      dproj = (dxhat.array().colwise() * cb.inv_std.array()).matrix();
    }
    encoder.grad(w_proj_).noalias() += dproj * cb.features.transpose();
    encoder.grad(b_proj_) += dproj.rowwise().sum();
    t = 1;
  }
  auto demb = encoder.grad(embed_);
  for (; t < t1; ++t)
    for (Index j = 0; j < b; ++j)
      demb.col(cb.batch.labels[static_cast<size_t>((t - 1) * b + j)]) += g.col((t - t0) * b + j);
}

template <class S>
BatchStats CaptionModel<S>::accumulate_gradients(CaptionBatch<S>& cb, TbpttSettings settings, TbpttWorkspace<S>& ws) {
  settings.input_grads = true;
  begin_batch(decoder, cb.batch, settings, ws);
  BatchStats total;
  const Index length = cb.batch.length;
  for (Index w = 0; w < ws.windows; ++w) {
    const Index t0 = w * settings.truncation, t1 = std::min(t0 + settings.truncation, length);
    fill_inputs(cb, t0, t1);
    const BatchStats s = accumulate_windows(decoder, cb.batch, settings, ws, w, w + 1);
    total.task_loss += s.task_loss;
    total.cerebellar_loss += s.cerebellar_loss;
    backward_inputs(cb, decoder.cortex.input_grads(ws.cortex), t0, t1);
  }
  return total;
}

template <class S>
SegmentHooks<S> CaptionModel<S>::training_hooks(CaptionBatch<S>& cb, const Trainer<S>& trainer) {
  if (!trainer.config().tbptt.input_grads)
    throw std::invalid_argument("caption model: the trainer must compute input gradients (TrainerConfig::input_grads)");
  const Index trunc = trainer.config().tbptt.truncation;
  SegmentHooks<S> hooks;
  const auto steps = [&cb, trunc](Index w0, Index w1) {
    return std::pair<Index, Index>{w0 * trunc, std::min(w1 * trunc, cb.batch.length)};
  };
  hooks.before_forward = [this, &cb, steps](Batch<S>& batch, Index w0, Index w1) {
    if (&batch != &cb.batch) throw std::logic_error("caption model: hooks used with another batch");
    const auto [t0, t1] = steps(w0, w1);
    fill_inputs(cb, t0, t1);
  };
  hooks.after_backward = [this, &cb, &trainer, steps](const Batch<S>&, Index w0, Index w1) {
    const auto [t0, t1] = steps(w0, w1);
    backward_inputs(cb, decoder.cortex.input_grads(trainer.workspace().cortex), t0, t1);
  };
  return hooks;
}

template <class S>
double CaptionModel<S>::evaluate(CaptionBatch<S>& cb, TbpttWorkspace<S>& ws) {
  fill_inputs(cb, 0, cb.batch.length);
  predict(decoder, cb.batch, ws);
  return cross_entropy_sum<S>(ws.outputs, cb.batch.labels, 0, ws.outputs.cols());
}

template <class S>
std::vector<std::vector<int>> CaptionModel<S>::greedy_decode(const Matrix<S>& features, Index max_tokens,
                                                             DecodeWorkspace<S>& ws) const {
  if (max_tokens < 1) throw std::invalid_argument("greedy decoding: max_tokens must be >= 1");
  const Index b = features.cols(), length = max_tokens + 1, e = config_.embedding_size;
  if (features.rows() != config_.feature_size) throw std::invalid_argument("greedy decoding: wrong feature width");
  std::vector<std::vector<int>> out(static_cast<size_t>(b));
  if (b == 0) return out;
  decoder.cortex.prepare(ws.cortex, b, length);
  ensure_shape(ws.inputs, e, b * length);
  ensure_shape(ws.logits, config_.vocabulary_size, b);
  Matrix<S> normalized;
  Vector<S> inv_std, mean, var;
  encode(features, false, normalized, inv_std, mean, var, ws.inputs.leftCols(b));
  const auto emb = encoder.value(embed_);
  std::vector<char> done(static_cast<size_t>(b), 0);
  Index remaining = b;
  for (Index t = 0; t < length && remaining > 0; ++t) {
    if (t >= 1)
      for (Index j = 0; j < b; ++j) {
        const auto& so_far = out[static_cast<size_t>(j)];
        ws.inputs.col(t * b + j) = emb.col(t == 1 || so_far.empty() ? Vocabulary::start : so_far.back());
      }
    decoder.cortex.forward(decoder.params, ws.inputs, ws.cortex, t, t + 1);
    if (t == 0) continue;
    decoder.readout.forward(decoder.params, decoder.cortex.outputs(ws.cortex).middleCols(t * b, b), ws.logits);
    for (Index j = 0; j < b; ++j) {
      if (done[static_cast<size_t>(j)]) continue;
      Index k = 0;
      ws.logits.col(j).maxCoeff(&k);
      out[static_cast<size_t>(j)].push_back(static_cast<int>(k));
      if (k == Vocabulary::end || static_cast<Index>(out[static_cast<size_t>(j)].size()) >= max_tokens) {
        done[static_cast<size_t>(j)] = 1;
        --remaining;
      }
    }
  }
  return out;
}

template struct EncoderHead<float>;
template class CaptionModel<float>;
template class CaptionModel<double>;

}  // namespace ccrnn::tasks
