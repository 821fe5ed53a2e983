#pragma once
// The loop paper's cerebellar-readout control (Pemberton, Chadderton & Costa 2024, Table 1: "cerebellar
// readout", no feedback; docs/forward-model.md): the cortex's readout is a feedforward network shaped like
// the cerebellum (the reference builds its readout_net from the cerebellum's parameters):
//   z = W_2 (m * ReLU(W_1 f(u)))      M hidden ReLU units, no biases, PyTorch's default initialisation
// with dropout on the hidden layer: while training, m_i = 0 with probability p and 1 / (1 - p) otherwise
// (torch.nn.Dropout; the reference drops before the ReLU, which is the same since m >= 0); in evaluation
// m = 1. It is a network of its own (not the forward cerebellum's granule layer) and learns with the
// readout's parameter group. The backward pass is written by hand (tests/loop/test_cerebellar_readout.cpp
// checks it against central differences with the dropout factors held fixed).
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/core/init.hpp>
#include <ccrnn/core/matmul.hpp>
#include <ccrnn/core/param_set.hpp>
#include <ccrnn/core/random.hpp>

#include <cmath>
#include <stdexcept>

namespace ccrnn {

struct CerebellarReadoutConfig {
  bool enabled = false;      // a model whose readout is this network (the linear readout stays, unused)
  Index hidden_size = 1000;  // M: the cerebellum's granule count in the reference
  double dropout = 0.2;      // p: the reference's nn.Dropout(p=0.2)
};

template <class S>
struct CerebellarReadoutTrace {
  Matrix<S> hidden;    // M x n: m * ReLU(W_1 x) of the last forward pass, what W_2 read
  Matrix<S> factors;   // M x n: the dropout factors m (0 or 1/(1-p)) of the last draw
  bool dropped = false;  // the last forward pass applied `factors`
  Matrix<S> grad;      // backward scratch: the gradient w.r.t. W_1 x
};

template <class S>
class CerebellarReadout {
 public:
  CerebellarReadout(const CerebellarReadoutConfig& config, Index inputs, Index outputs)
      : config_(config), inputs_(inputs), outputs_(outputs) {
    if (config.hidden_size < 1) throw std::invalid_argument("cerebellar readout: hidden units M must be >= 1");
    if (!(config.dropout >= 0 && config.dropout < 1))
      throw std::invalid_argument("cerebellar readout: the dropout probability must be in [0, 1)");
  }
  const CerebellarReadoutConfig& config() const { return config_; }

  void register_parameters(ParamSet<S>& params) {
    w1_ = params.add("cerebellar_readout.layers.0.weight", config_.hidden_size, inputs_);
    w2_ = params.add("cerebellar_readout.layers.1.weight", outputs_, config_.hidden_size);
  }
  /// PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), W_1 then W_2.
  void initialise(ParamSet<S>& params, Rng& rng) const {
    for (int id : {w1_, w2_})
      fill_uniform(params.value(id), rng, 1.0 / std::sqrt(static_cast<double>(params.value(id).cols())));
  }
  int first_parameter() const { return w1_; }
  int end_parameter() const { return w2_ + 1; }

  /// Draws the dropout factors of n columns from rng into trace.factors (column by column; one draw each).
  void draw_dropout(Rng& rng, Index n, CerebellarReadoutTrace<S>& trace) const {
    ensure_shape(trace.factors, config_.hidden_size, n);
    const S kept = static_cast<S>(1.0 / (1.0 - config_.dropout));
    S* f = trace.factors.data();
    for (Index e = 0, size = trace.factors.size(); e < size; ++e) f[e] = rng.uniform() < config_.dropout ? S(0) : kept;
  }

  /// outputs = W_2 (m * ReLU(W_1 inputs)) with m = trace.factors (drawn for these columns) when dropout,
  /// else 1.
  void forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, bool dropout, CerebellarReadoutTrace<S>& trace,
               BlockRef<S> outputs) const {
    if (dropout && (trace.factors.rows() != config_.hidden_size || trace.factors.cols() != inputs.cols()))
      throw std::invalid_argument("cerebellar readout: dropout factors not drawn for these columns");
    ensure_shape(trace.hidden, config_.hidden_size, inputs.cols());
    matmul<S>(params.value(w1_), Op::none, inputs, Op::none, trace.hidden, Update::assign);
    trace.hidden = trace.hidden.cwiseMax(S(0));
    if (dropout) trace.hidden = trace.hidden.cwiseProduct(trace.factors);
    trace.dropped = dropout;
    matmul<S>(params.value(w2_), Op::none, trace.hidden, Op::none, outputs, Update::assign);
  }

  /// Adds the weights' gradients given output_grads (O x n, the columns of the last forward pass) to
  /// params.grads(); with input_grads, also writes the gradient w.r.t. the inputs (the cortex's f(u)).
  void backward(ParamSet<S>& params, const ConstBlockRef<S>& inputs, const ConstBlockRef<S>& output_grads,
                CerebellarReadoutTrace<S>& trace, BlockRef<S>* input_grads) const {
    matmul<S>(output_grads, Op::none, trace.hidden, Op::transpose, params.grad(w2_), Update::add);
    ensure_shape(trace.grad, config_.hidden_size, output_grads.cols());
    matmul<S>(params.value(w2_), Op::transpose, output_grads, Op::none, trace.grad, Update::assign);
    // d/d(W_1 x) of m * ReLU(W_1 x): m where the unit is on and kept (hidden > 0), else 0.
    const S* h = trace.hidden.data();
    const S* f = trace.dropped ? trace.factors.data() : nullptr;
    S* g = trace.grad.data();
    for (Index e = 0, size = trace.grad.size(); e < size; ++e) g[e] = h[e] > S(0) ? (f ? g[e] * f[e] : g[e]) : S(0);
    matmul<S>(trace.grad, Op::none, inputs, Op::transpose, params.grad(w1_), Update::add);
    if (input_grads) matmul<S>(params.value(w1_), Op::transpose, trace.grad, Op::none, *input_grads, Update::assign);
  }

 private:
  CerebellarReadoutConfig config_;
  Index inputs_, outputs_;
  int w1_ = -1, w2_ = -1;
};

}  // namespace ccrnn
