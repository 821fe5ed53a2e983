#pragma once
// A cortico-cerebellar model: cortex (recurrent layers) + linear readout (+ cerebellum for the ccRNN)
// (+ the forward cerebellum of the loop, whose output is an extra cortical input), all parameters in one
// ParamSet, registered in that order, so the cortex-and-readout parameters, the cerebellum's and the forward
// cerebellum's are contiguous ranges of the flat buffer (+ the loop's cerebellar-readout control, last).
#include <ccrnn/cerebellum/cerebellum.hpp>
#include <ccrnn/loop/cerebellar_readout.hpp>
#include <ccrnn/loop/forward_cerebellum.hpp>
#include <ccrnn/cortex/cortex.hpp>
#include <ccrnn/cortex/readout.hpp>

#include <cstdint>
#include <optional>

namespace ccrnn {

struct ModelConfig {
  CellType cell = CellType::lstm;
  Index input_size = 1;
  Index hidden_size = 50;  // N
  Index layers = 1;
  double leak = 0.1;       // alpha of the leaky_tanh cell (the other cells ignore it)
  Index output_size = 2;
  bool cerebellum = false;         // false: cRNN, true: ccRNN
  CerebellumConfig cerebellar;     // the cerebellum's shape when `cerebellum` is on; its input_size is
                                   // the cortical state size, set by Model (any value given is ignored)
  ForwardCerebellumConfig forward; // the loop's cerebellum (forward.enabled); it adds its output size to the
                                   // cortex's inputs: cortical inputs are [x_t; c_t]
  CerebellarReadoutConfig cerebellar_readout;  // the loop's cerebellar-readout control: an MLP readout with
                                               // dropout in place of the linear one (loop/cerebellar_readout.hpp)
};

template <class S>
class Model {
 public:
  using Scalar = S;
  explicit Model(const ModelConfig& config);

  /// Draws all initial weights from the seed (separate streams for cortex, cerebellum and fibre mask).
  void initialise(std::uint64_t seed);

  const ModelConfig& config() const { return config_; }
  Index state_size() const { return cortex.state_size(); }
  /// Cortex and readout parameters.
  Range cortex_range() const { return cortex_range_; }
  /// Cerebellum parameters (empty for a cRNN).
  Range cerebellum_range() const { return cerebellum_range_; }
  /// Forward-cerebellum parameters (empty without the loop).
  Range forward_cerebellum_range() const { return forward_cerebellum_range_; }
  /// The cerebellar readout's parameters (empty without it).
  Range cerebellar_readout_range() const { return cerebellar_readout_range_; }

  ParamSet<S> params;
  Cortex<S> cortex;
  Readout<S> readout;
  std::optional<Cerebellum<S>> cerebellum;
  std::optional<ForwardCerebellum<S>> forward_cerebellum;
  std::optional<CerebellarReadout<S>> cerebellar_readout;

 private:
  ModelConfig config_;
  Range cortex_range_, cerebellum_range_, forward_cerebellum_range_, cerebellar_readout_range_;
};

extern template class Model<float>;
extern template class Model<double>;

}  // namespace ccrnn
