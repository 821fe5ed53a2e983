#pragma once
#include <ccrnn/cortex/cortex.hpp>
#include <ccrnn/cortex/gru_layer.tpp>
#include <ccrnn/cortex/leaky_tanh_layer.tpp>
#include <ccrnn/cortex/linear_layer.tpp>
#include <ccrnn/cortex/lstm_layer.tpp>
#include <ccrnn/cortex/tanh_layer.tpp>

#include <stdexcept>
#include <string>

namespace ccrnn {

template <class S>
std::unique_ptr<RecurrentLayer<S>> make_layer(CellType cell, Index input_size, Index hidden_size, double leak) {
  if (input_size < 1 || hidden_size < 1)
    throw std::invalid_argument("recurrent layer sizes must be >= 1 (input " + std::to_string(input_size) +
                                ", hidden " + std::to_string(hidden_size) + ")");
  switch (cell) {
    case CellType::lstm: return std::make_unique<LstmLayer<S>>(input_size, hidden_size);
    case CellType::tanh: return std::make_unique<TanhLayer<S>>(input_size, hidden_size);
    case CellType::gru: return std::make_unique<GruLayer<S>>(input_size, hidden_size);
    case CellType::leaky_tanh: return std::make_unique<LeakyTanhLayer<S>>(input_size, hidden_size, leak);
    case CellType::linear: return std::make_unique<LinearLayer<S>>(input_size, hidden_size);
  }
  throw std::invalid_argument("unknown cell type");
}

template <class S>
Cortex<S>::Cortex(CellType cell, Index input_size, Index hidden_size, Index num_layers, double leak) : cell_(cell) {
  if (num_layers < 1) throw std::invalid_argument("the cortex needs at least one layer");
  for (Index l = 0; l < num_layers; ++l) {
    layers_.push_back(make_layer<S>(cell, l == 0 ? input_size : hidden_size, hidden_size, leak));
    state_offsets_.push_back(state_size_);
    state_size_ += layers_.back()->state_size();
  }
}

template <class S>
void Cortex<S>::register_parameters(ParamSet<S>& params) {
  for (size_t l = 0; l < layers_.size(); ++l) layers_[l]->register_parameters(params, "cortex.", static_cast<int>(l));
}

template <class S>
void Cortex<S>::initialise(ParamSet<S>& params, Rng& rng) const {
  for (const auto& layer : layers_) layer->initialise(params, rng);
}

template <class S>
void Cortex<S>::prepare(CortexTrace<S>& trace, Index batch, Index length) const {
  trace.layers.resize(layers_.size());
  trace.batch = batch;
  trace.length = length;
  for (size_t l = 0; l < layers_.size(); ++l) {
    layers_[l]->prepare(trace.layers[l], batch, length);
    trace.layers[l].states.leftCols(batch).setZero();
  }
}

template <class S>
ConstBlockRef<S> Cortex<S>::layer_inputs(const ConstBlockRef<S>& inputs, const CortexTrace<S>& trace, size_t l) const {
  if (l == 0) return inputs;
  const auto& below = trace.layers[l - 1];
  return below.states.topRows(hidden_size()).middleCols(trace.batch, trace.batch * trace.length);
}

template <class S>
void Cortex<S>::forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, CortexTrace<S>& trace, Index t0,
                        Index t1) const {
  for (size_t l = 0; l < layers_.size(); ++l)
    layers_[l]->forward(params, layer_inputs(inputs, trace, l), trace.layers[l], t0, t1);
}

template <class S>
ConstBlockRef<S> Cortex<S>::outputs(const CortexTrace<S>& trace) const {
  return trace.layers.back().states.topRows(hidden_size()).middleCols(trace.batch, trace.batch * trace.length);
}

template <class S>
void Cortex<S>::gather_state(const CortexTrace<S>& trace, Index t, BlockRef<S> out) const {
  for (size_t l = 0; l < layers_.size(); ++l)
    out.middleRows(state_offsets_[l], layers_[l]->state_size()) =
        trace.layers[l].states.middleCols(t * trace.batch, trace.batch);
}

template <class S>
void Cortex<S>::backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                         CortexTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                         bool need_input_grads) const {
  for (size_t l = layers_.size(); l-- > 0;) {
    const ConstBlockRef<S> grads_from_above = l + 1 == layers_.size()
                                                  ? output_grads
                                                  : ConstBlockRef<S>(trace.layers[l + 1].input_grads);
    layers_[l]->backward(params, grads_from_above, state_grad.middleRows(state_offsets_[l], layers_[l]->state_size()),
                         trace.layers[l], t0, t1, need_start_grad, l > 0 || need_input_grads);
  }
}

template <class S>
void Cortex<S>::accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                     const CortexTrace<S>& trace, Index t0, Index t1) const {
  for (size_t l = 0; l < layers_.size(); ++l)
    layers_[l]->accumulate_gradients(params, layer_inputs(inputs, trace, l), trace.layers[l], t0, t1);
}

}  // namespace ccrnn
