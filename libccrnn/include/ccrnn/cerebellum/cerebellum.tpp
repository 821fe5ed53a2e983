#pragma once
#include <ccrnn/cerebellum/cerebellum.hpp>
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/core/init.hpp>
#include <ccrnn/core/matmul.hpp>

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ccrnn {

template <class S>
Cerebellum<S>::Cerebellum(const CerebellumConfig& config) : config_(config) {
  if (config.input_size < 1) throw std::invalid_argument("cerebellum: input size must be >= 1");
  if (config.hidden_size < 1) throw std::invalid_argument("cerebellum: hidden width M must be >= 1");
  if (config.layers < 0) throw std::invalid_argument("cerebellum: hidden layers k must be >= 0");
  // k = 0 is a linear map of the cortical state (BP(lambda)'s default synthesiser): no granule layer for
  // mossy fibres to reach or a context to be summed into.
  if (config.layers == 0 && (config.fibres > 0 || config.context_size > 0))
    throw std::invalid_argument("cerebellum: sparse fibres and a context input need a hidden layer (k >= 1)");
  if (config.fibres < 0 || config.fibres > config.input_size)
    throw std::invalid_argument("cerebellum: fibres per granule unit must be in [0, " +
                                std::to_string(config.input_size) + "] (the cortical state size), got " +
                                std::to_string(config.fibres));
  if (config.context_size < 0) throw std::invalid_argument("cerebellum: context size must be >= 0");
  if (config.output_size < 0) throw std::invalid_argument("cerebellum: output size must be >= 0 (0 = input size)");
  mask_.setOnes(config.hidden_size, config.input_size);
}

template <class S>
void Cerebellum<S>::register_parameters(ParamSet<S>& params) {
  const Index k = config_.layers;
  for (Index i = 0; i <= k; ++i) {
    const Index in = i == 0 ? config_.input_size : config_.hidden_size;
    const Index out = i == k ? output_size() : config_.hidden_size;
    const std::string name = config_.name + ".layers." + std::to_string(i);
    weights_.push_back(params.add(name + ".weight", out, in));
    if (config_.biases) biases_.push_back(params.add(name + ".bias", out, 1));
  }
  if (config_.context_size > 0)
    context_weight_ = params.add(config_.name + ".context.weight", config_.hidden_size, config_.context_size);
}

template <class S>
void Cerebellum<S>::initialise(ParamSet<S>& params, Rng& init_rng, Rng& fibre_rng) {
  const Index k = config_.layers;
  const Index drawn = config_.zero_output ? k : k + 1;
  for (Index i = 0; i < drawn; ++i) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(params.value(weights_[i]).cols()));
    fill_uniform(params.value(weights_[i]), init_rng, bound);
    if (config_.biases) fill_uniform(params.value(biases_[i]), init_rng, bound);
  }
  if (config_.zero_output) {
    params.value(weights_[k]).setZero();
    if (config_.biases) params.value(biases_[k]).setZero();
  }
  if (context_weight_ >= 0)
    fill_uniform(params.value(context_weight_), init_rng, 1.0 / std::sqrt(static_cast<double>(config_.context_size)));

  mask_.setOnes(config_.hidden_size, config_.input_size);
  if (config_.fibres > 0) {
    // Each granule unit draws m distinct inputs (partial Fisher-Yates shuffle of the input indices).
    std::vector<Index> order(static_cast<size_t>(config_.input_size));
    mask_.setZero();
    for (Index row = 0; row < config_.hidden_size; ++row) {
      std::iota(order.begin(), order.end(), Index{0});
      for (Index j = 0; j < config_.fibres; ++j) {
        const auto pick = static_cast<size_t>(fibre_rng.uniform_int(j, config_.input_size - 1));
        std::swap(order[static_cast<size_t>(j)], order[pick]);
        mask_(row, order[static_cast<size_t>(j)]) = S(1);
      }
    }
    auto w = params.value(weights_[0]);
    w = w.cwiseProduct(mask_);
  }
}

template <class S>
void Cerebellum<S>::forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, const Matrix<S>* context,
                            CerebellumTrace<S>& trace) const {
  const Index k = config_.layers, n = inputs.cols();
  trace.hidden.resize(static_cast<size_t>(k));
  for (Index i = 0; i < k; ++i) {
    Matrix<S>& h = trace.hidden[static_cast<size_t>(i)];
    ensure_shape(h, config_.hidden_size, n);
    if (i == 0) {
      matmul<S>(params.value(weights_[0]), Op::none, inputs, Op::none, h, Update::assign);
      if (context_weight_ >= 0 && context != nullptr) h.noalias() += params.value(context_weight_) * (*context);
    } else {
      matmul<S>(params.value(weights_[i]), Op::none, trace.hidden[static_cast<size_t>(i - 1)], Op::none, h,
                Update::assign);
    }
    // Bias and ReLU in one pass over the granule layer (M x boundaries, larger than L2 at T = 1).
    if (config_.biases) h = (h.colwise() + params.value(biases_[i]).col(0)).cwiseMax(S(0));
    else h = h.cwiseMax(S(0));
  }
  ensure_shape(trace.output, output_size(), n);
  matmul<S>(params.value(weights_[k]), Op::none, output_features(inputs, trace), Op::none, trace.output,
            Update::assign);
  if (config_.biases) trace.output.colwise() += params.value(biases_[k]).col(0);
}

template <class S>
void Cerebellum<S>::backward(ParamSet<S>& params, const ConstBlockRef<S>& inputs, const Matrix<S>* context,
                             const ConstBlockRef<S>& output_grads, CerebellumTrace<S>& trace) const {
  const Index k = config_.layers, c = output_grads.cols();
  // Gradient w.r.t. the output layer, then down through the granule layers.
  matmul<S>(output_grads, Op::none, output_features(inputs, trace).leftCols(c), Op::transpose,
            params.grad(weights_[k]), Update::add);
  if (config_.biases) params.grad(biases_[k]) += output_grads.rowwise().sum();
  if (k == 0) return;  // a linear cerebellum has no granule layer
  Matrix<S>* g = &trace.grad_a;
  Matrix<S>* g_next = &trace.grad_b;
  ensure_shape(*g, config_.hidden_size, c);
  matmul<S>(params.value(weights_[k]), Op::transpose, output_grads, Op::none, *g, Update::assign);
  for (Index i = k - 1; i >= 0; --i) {
    // ReLU derivative. A plain loop over both (contiguous) blocks: Eigen's select() is 3x slower here.
    const S* act = trace.hidden[static_cast<size_t>(i)].data();
    S* grad = g->data();
    for (Index e = 0, size = g->size(); e < size; ++e) grad[e] = act[e] > S(0) ? grad[e] : S(0);
    if (i > 0) {
      matmul<S>(*g, Op::none, trace.hidden[static_cast<size_t>(i - 1)].leftCols(c), Op::transpose,
                params.grad(weights_[i]), Update::add);
      ensure_shape(*g_next, config_.hidden_size, c);
      matmul<S>(params.value(weights_[i]), Op::transpose, *g, Op::none, *g_next, Update::assign);
    } else {
      auto w_grad = params.grad(weights_[0]);
      matmul<S>(*g, Op::none, inputs.leftCols(c), Op::transpose, w_grad, Update::add);
      if (config_.fibres > 0) w_grad = w_grad.cwiseProduct(mask_);  // absent fibres never learn
      if (context_weight_ >= 0 && context != nullptr)
        params.grad(context_weight_).noalias() += (*g) * context->leftCols(c).transpose();
    }
    if (config_.biases) params.grad(biases_[i]) += g->rowwise().sum();
    if (i > 0) std::swap(g, g_next);
  }
}

}  // namespace ccrnn
