#pragma once
// A cortico-cerebellar model: cortex (recurrent layers) + linear readout (+ cerebellum for the ccRNN),
// all parameters in one ParamSet, registered in that order, so the cortex-and-readout parameters and the
// cerebellum's parameters are two contiguous ranges of the flat buffer.
#include <ccrnn/cerebellum/cerebellum.hpp>
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
  Index output_size = 2;
  bool cerebellum = false;         // false: cRNN, true: ccRNN
  CerebellumConfig cerebellar;     // the cerebellum's shape when `cerebellum` is on; its input_size is
                                   // the cortical state size, set by Model (any value given is ignored)
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

  ParamSet<S> params;
  Cortex<S> cortex;
  Readout<S> readout;
  std::optional<Cerebellum<S>> cerebellum;

 private:
  ModelConfig config_;
  Range cortex_range_, cerebellum_range_;
};

extern template class Model<float>;
extern template class Model<double>;

}  // namespace ccrnn
