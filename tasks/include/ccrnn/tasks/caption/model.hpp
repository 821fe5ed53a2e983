#pragma once
// The caption model (ALGORITHM.md sections 5 and 7; the reference's EncoderCNN head + DecoderRNN):
//
//   encoder:  e = BN(W_f f + b_f)                       image feature f (F) -> embedding size E
//   inputs:   x_0 = e,  x_t = Emb[:, token_{t-1}]  (t >= 1)   token_0 = <start>, then the caption's words
//   dropout:  x_t <- m_t * x_t with m_t in {0, 1/(1-p)} (training only; p = 0.5)
//   decoder:  ccrnn's Model (LSTM cortex, readout to the vocabulary, optional cerebellum), trained by
//             windowed TBPTT with an optimizer step per window, softmax cross-entropy at every step
//   targets:  <start>, w_1, ..., w_n, <end>   (L = n + 2 steps; batches hold captions of one length)
//
// Batch norm (BN) as torch.nn.BatchNorm1d(E, momentum=0.01, eps=1e-5): in training, the batch's mean and
// biased variance normalise, and running averages r <- (1 - momentum) r + momentum * statistic (unbiased
// variance) are kept for evaluation, which normalises with them. Project choice: a training batch of ONE
// caption (PyTorch refuses it) is normalised with the running averages and leaves them unchanged.
//
// The encoder's parameters are a ParamSet of their own (PyTorch-like names):
//   encoder.linear.weight E x F, encoder.linear.bias E x 1, encoder.bn.weight E x 1, encoder.bn.bias E x 1,
//   decoder.embed.weight E x V  (column w = word w's vector: the transpose of torch's (V, E) tensor, with
//                                the same memory layout)
// initialised like PyTorch: linear U(-1/sqrt(F), 1/sqrt(F)), BN weight 1 and bias 0, embedding N(0, 1),
// from Rng(seed, caption_encoder_stream). They are trained with the decoder: the cortex delivers the
// gradient w.r.t. its inputs (TbpttSettings::input_grads) and backward_inputs carries it into the encoder.
// With CaptionModelConfig::frozen_encoder the projection and batch norm are fixed (the reference's
// pre-trained encoder in eval mode): batch norm normalises with the running averages in training too and
// leaves them unchanged, and no gradient reaches the projection or batch norm; the embedding still learns.
#include <ccrnn/dni/tbptt.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/train/trainer.hpp>

#include <cstdint>
#include <vector>

namespace ccrnn::tasks {

/// Rng stream of the encoder's initial weights (ccrnn::Stream values are below 100).
inline constexpr std::uint64_t caption_encoder_stream = 101;

/// The papers' caption decoder: an LSTM of N = 256 units; the ccRNN's cerebellum has two granule layers of
/// M = 1024 units (input and output sizes are set from the embedding and the vocabulary).
ModelConfig caption_decoder_defaults();

struct CaptionModelConfig {
  Index feature_size = 0;        // F (set from the data)
  Index vocabulary_size = 0;     // V (set from the vocabulary)
  Index embedding_size = 256;    // E
  ModelConfig decoder = caption_decoder_defaults();  // cortex (+ cerebellum); its input_size is E and its
                                                     // output_size V (values given there are ignored)
  double dropout = 0.5;          // on the decoder's inputs, training only
  double bn_momentum = 0.01;
  double bn_eps = 1e-5;
  bool frozen_encoder = false;   // projection + batch norm fixed, running averages in training (see above)
};

/// The projection and batch norm of an encoder, with the running averages: what a pre-trained encoder hands on.
template <class S>
struct EncoderHead {
  Matrix<S> weight, bias, bn_weight, bn_bias;  // E x F, E x 1, E x 1, E x 1
  Vector<S> running_mean, running_var;         // E
};

/// A batch of B captions of one length n: L = n + 2 steps, time-major (step t of caption j in column t*B + j).
template <class S>
struct CaptionBatch {
  Batch<S> batch;          // inputs E x B*L (written by CaptionModel::fill_inputs); labels = targets
                           // <start> w_1 .. w_n <end>; every step supervised; the input at step t >= 1 is
                           // the embedding of labels[(t-1)*B + j]
  Matrix<S> features;      // F x B
  bool training = true;    // batch-statistics BN and dropout (if a mask is drawn); false: evaluation
  bool update_running = true;  // training: fold the batch statistics into the running averages
  Matrix<S> dropout_mask;  // E x B*L of 0 and 1/(1-p); empty: no dropout
  // Encoder record of the last fill_inputs of step 0 (for backward_inputs):
  Matrix<S> normalized;    // E x B, the normalised projection
  Vector<S> inv_std;       // E, 1 / sqrt(var + eps) used
  bool batch_statistics = false;  // whether they were the batch's statistics
};

/// Buffers of greedy decoding.
template <class S>
struct DecodeWorkspace {
  CortexTrace<S> cortex;
  Matrix<S> inputs, logits;
};

template <class S>
class CaptionModel {
 public:
  explicit CaptionModel(const CaptionModelConfig& config);
  const CaptionModelConfig& config() const { return config_; }

  /// Decoder from the seed as Model::initialise; encoder from Rng(seed, caption_encoder_stream); running
  /// averages mean 0, variance 1.
  void initialise(std::uint64_t seed);

  Model<S> decoder;
  ParamSet<S> encoder;
  Vector<S> running_mean, running_var;  // E: batch-norm running averages (buffers, not parameters)

  /// The projection, batch norm and running averages (copies), and setting them (same sizes, else
  /// std::invalid_argument); the embedding is neither read nor changed.
  EncoderHead<S> encoder_head() const;
  void set_encoder_head(const EncoderHead<S>& head);

  /// A batch from features (F x B) and B word-id lists of equal length (no <start>/<end>).
  CaptionBatch<S> make_batch(const Matrix<S>& features, const std::vector<std::vector<int>>& captions,
                             bool training) const;
  /// Draws a dropout mask from rng (p = config().dropout; nothing drawn and no mask when p = 0).
  void draw_dropout(CaptionBatch<S>& cb, Rng& rng) const;

  /// Writes the decoder inputs of steps [t0, t1) from the current parameters (step 0 runs the encoder).
  void fill_inputs(CaptionBatch<S>& cb, Index t0, Index t1);
  /// Adds to encoder.grads() the gradients carried by input_grads (E x B*L, columns of steps [t0, t1)).
  void backward_inputs(const CaptionBatch<S>& cb, const ConstBlockRef<S>& input_grads, Index t0, Index t1);

  /// Gradients of one batch (ADDED to decoder.params.grads() and encoder.grads()) by the windowed
  /// algorithm with settings (input_grads forced on), window by window as training does, without any
  /// optimizer step. For checks.
  BatchStats accumulate_gradients(CaptionBatch<S>& cb, TbpttSettings settings, TbpttWorkspace<S>& ws);

  /// Hooks for Trainer::train_batch_with_hooks(cb.batch, hooks) that fill each window's inputs and train the encoder.
  /// The trainer must be built with TrainerConfig::input_grads and have `encoder` attached.
  SegmentHooks<S> training_hooks(CaptionBatch<S>& cb, const Trainer<S>& trainer);

  /// Forward over the whole batch, no truncation (cb.training decides BN and dropout): logits in
  /// ws.outputs (V x B*L). Returns the sum over all B*L tokens of the cross-entropy.
  double evaluate(CaptionBatch<S>& cb, TbpttWorkspace<S>& ws);

  /// Greedy decoding of B images (features F x B, evaluation mode): step 0 gets the encoded feature (its
  /// output, trained to predict <start>, is not used), step 1 the embedding of <start>, then each step
  /// the embedding of the previous step's argmax. At most max_tokens tokens per image; a caption ends
  /// with the first <end> (included in the returned ids).
  std::vector<std::vector<int>> greedy_decode(const Matrix<S>& features, Index max_tokens,
                                              DecodeWorkspace<S>& ws) const;

 private:
  /// Projection and batch norm of features (F x B) into out (E x B); records the normalised values and
  /// 1/sqrt(var + eps); with batch statistics also returns the batch's mean and biased variance.
  void encode(const Matrix<S>& features, bool batch_statistics, Matrix<S>& normalized, Vector<S>& inv_std,
              Vector<S>& batch_mean, Vector<S>& batch_var, BlockRef<S> out) const;
  CaptionModelConfig config_;
  int w_proj_ = -1, b_proj_ = -1, bn_weight_ = -1, bn_bias_ = -1, embed_ = -1;
};

extern template struct EncoderHead<float>;
extern template class CaptionModel<float>;
extern template class CaptionModel<double>;

}  // namespace ccrnn::tasks
