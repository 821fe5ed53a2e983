#pragma once
// Linear readout y = W h + b (no output nonlinearity; softmax lives in the cross-entropy loss).
#include <ccrnn/core/init.hpp>
#include <ccrnn/core/param_set.hpp>
#include <ccrnn/core/random.hpp>

#include <cmath>

namespace ccrnn {

template <class S>
class Readout {
 public:
  Readout(Index hidden_size, Index output_size) : hidden_size_(hidden_size), output_size_(output_size) {}
  Index hidden_size() const { return hidden_size_; }
  Index output_size() const { return output_size_; }

  void register_parameters(ParamSet<S>& params) {
    weight_ = params.add("readout.weight", output_size_, hidden_size_);
    bias_ = params.add("readout.bias", output_size_, 1);
  }
  /// PyTorch's nn.Linear default: weight and bias ~ U(-1/sqrt(N), 1/sqrt(N)).
  void initialise(ParamSet<S>& params, Rng& rng) const {
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size_));
    for (int id : {weight_, bias_}) fill_uniform(params.value(id), rng, bound);
  }
  /// outputs = W hidden + b for all columns.
  void forward(const ParamSet<S>& params, const ConstBlockRef<S>& hidden, BlockRef<S> outputs) const {
    outputs.noalias() = params.value(weight_) * hidden;
    outputs.colwise() += params.value(bias_).col(0);
  }
  /// hidden_grads = W^T output_grads.
  void backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> hidden_grads) const {
    hidden_grads.noalias() = params.value(weight_).transpose() * output_grads;
  }
  void accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& hidden,
                            const ConstBlockRef<S>& output_grads) const {
    params.grad(weight_).noalias() += output_grads * hidden.transpose();
    params.grad(bias_) += output_grads.rowwise().sum();
  }

 private:
  Index hidden_size_, output_size_;
  int weight_ = -1, bias_ = -1;
};

}  // namespace ccrnn
