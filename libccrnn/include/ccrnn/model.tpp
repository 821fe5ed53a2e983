#pragma once
#include <ccrnn/cerebellum/cerebellum.tpp>
#include <ccrnn/cortex/cortex.tpp>
#include <ccrnn/model.hpp>

namespace ccrnn {

namespace detail {
/// The cortex's input width: the task's inputs, plus the forward cerebellum's output when the loop is on.
inline Index cortex_input_size(const ModelConfig& c) {
  return c.input_size + (c.forward.enabled ? ForwardCerebellum<float>::output_size(c.forward, c.output_size) : 0);
}
}  // namespace detail

template <class S>
Model<S>::Model(const ModelConfig& config)
    : cortex(config.cell, detail::cortex_input_size(config), config.hidden_size, config.layers, config.leak),
      readout(config.hidden_size, config.output_size),
      config_(config) {
  if (config.output_size < 1) throw std::invalid_argument("model: output size must be >= 1");
  cortex.register_parameters(params);
  readout.register_parameters(params);
  cortex_range_ = Range{0, params.size()};
  if (config.cerebellum) {
    CerebellumConfig shape = config.cerebellar;
    shape.input_size = cortex.state_size();
    cerebellum.emplace(shape);
    cerebellum->register_parameters(params);
  }
  cerebellum_range_ = Range{cortex_range_.end, params.size()};
  if (config.forward.enabled) {
    forward_cerebellum.emplace(config.forward, config.hidden_size, config.output_size, config.input_size);
    forward_cerebellum->register_parameters(params);
  }
  forward_cerebellum_range_ = Range{cerebellum_range_.end, params.size()};
  if (config.cerebellar_readout.enabled) {
    cerebellar_readout.emplace(config.cerebellar_readout, config.hidden_size, config.output_size);
    cerebellar_readout->register_parameters(params);
  }
  cerebellar_readout_range_ = Range{forward_cerebellum_range_.end, params.size()};
}

template <class S>
void Model<S>::initialise(std::uint64_t seed) {
  Rng cortex_rng(seed, Stream::cortex_init);
  cortex.initialise(params, cortex_rng);
  readout.initialise(params, cortex_rng);
  if (cerebellum) {
    Rng init_rng(seed, Stream::cerebellum_init), fibre_rng(seed, Stream::fibres);
    cerebellum->initialise(params, init_rng, fibre_rng);
  }
  if (forward_cerebellum) {
    Rng init_rng(seed, Stream::loop_init), fibre_rng(seed, Stream::loop_fibres), pons_rng(seed, Stream::pons);
    forward_cerebellum->initialise(params, init_rng, fibre_rng, pons_rng);
  }
  if (cerebellar_readout) {
    Rng readout_rng(seed, Stream::cerebellar_readout_init);
    cerebellar_readout->initialise(params, readout_rng);
  }
  params.zero_grad();
}

}  // namespace ccrnn
