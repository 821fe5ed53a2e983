#pragma once
// The cerebellum: a feedforward network from the cortical state (mossy fibres) through k >= 0 ReLU layers of
// width M (granule cells) to a prediction of the gradient w.r.t. that state (Purkinje cells / nuclei).
// Its output layer starts at exactly zero (weights and bias), so an untrained ccRNN is a cRNN.
// The forward-model loop (loop/forward_cerebellum.hpp) uses the same network with another output size,
// without biases and with PyTorch's default initialisation of the output layer (CerebellumConfig options).
// Optional: sparse mossy-fibre connectivity (each granule unit keeps m random inputs, the rest of its
// weights stay exactly zero through training) and a context input summed into the first granule layer.
#include <ccrnn/core/param_set.hpp>
#include <ccrnn/core/random.hpp>

#include <string>
#include <vector>

namespace ccrnn {

struct CerebellumConfig {
  Index input_size = 0;     // = output size = the cortical state size (a Model sets it)
  Index hidden_size = 400;  // M, granule units per layer
  Index layers = 2;         // k >= 0 hidden ReLU layers (0: a linear map, no fibres or context)
  Index fibres = 0;         // m mossy fibres per granule unit of the first layer; 0 = dense
  Index context_size = 0;   // width of the optional context input; 0 = none
  Index output_size = 0;    // 0 = input_size (the DNI predicts a gradient of its input)
  bool biases = true;       // false: no bias in any layer (the forward model of the loop)
  bool zero_output = true;  // output layer starts at zero; false: PyTorch's default init like the hidden layers
  std::string name = "cerebellum";  // prefix of the parameter names
};

template <class S>
struct CerebellumTrace {
  std::vector<Matrix<S>> hidden;  // k matrices M x n: the granule layers' ReLU outputs
  Matrix<S> output;               // output size x n: the predictions
  Matrix<S> grad_a, grad_b;       // backward scratch (ping-pong)
};

template <class S>
class Cerebellum {
 public:
  explicit Cerebellum(const CerebellumConfig& config);
  const CerebellumConfig& config() const { return config_; }
  Index output_size() const { return config_.output_size > 0 ? config_.output_size : config_.input_size; }

  void register_parameters(ParamSet<S>& params);
  /// Hidden layers: PyTorch's nn.Linear default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in the full
  /// input width, then the fibre mask applied; output layer: exactly zero (zero_output) or the same default.
  void initialise(ParamSet<S>& params, Rng& init_rng, Rng& fibre_rng);

  /// Predictions for every column of inputs (input_size x n); context (context_size x n) may be null.
  void forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, const Matrix<S>* context,
               CerebellumTrace<S>& trace) const;

  /// Adds to params.grads() the gradients given output_grads (output size x c) for the FIRST c columns of
  /// the last forward pass. No gradient flows to the inputs (the cortical state is detached).
  void backward(ParamSet<S>& params, const ConstBlockRef<S>& inputs, const Matrix<S>* context,
                const ConstBlockRef<S>& output_grads, CerebellumTrace<S>& trace) const;

  /// M x input_size matrix of 0/1 (all ones when dense).
  const Matrix<S>& fibre_mask() const { return mask_; }
  int first_parameter() const { return weights_.front(); }
  /// The output layer's weight (input_size x F) and bias ids: the parameters BP(lambda) traces
  /// (dni/bp_lambda.hpp). F = M, or the cortical state size when k = 0.
  int output_weight() const { return weights_.back(); }
  int output_bias() const { return biases_.back(); }
  /// What the output layer reads for the columns of the last forward pass: the last granule layer, or the
  /// inputs themselves when k = 0.
  ConstBlockRef<S> output_features(const ConstBlockRef<S>& inputs, const CerebellumTrace<S>& trace) const {
    return config_.layers == 0 ? inputs : ConstBlockRef<S>(trace.hidden.back());
  }
  /// One past the ids of the first (mossy-fibre) layer's weight and bias.
  int end_of_mossy_fibres() const { return (biases_.empty() ? weights_.front() : biases_.front()) + 1; }

 private:
  CerebellumConfig config_;
  std::vector<int> weights_, biases_;  // k+1 layers
  int context_weight_ = -1;
  Matrix<S> mask_;
};

extern template class Cerebellum<float>;
extern template class Cerebellum<double>;

}  // namespace ccrnn
