#pragma once
// GRU layer with PyTorch's equations and gate order (r, z, n); note that b_hn sits inside r * (W_hn h + b_hn).
#include <ccrnn/cortex/recurrent_layer.hpp>

namespace ccrnn {

template <class S>
class GruLayer final : public RecurrentLayer<S> {
 public:
  using RecurrentLayer<S>::RecurrentLayer;
  Index state_size() const override { return this->hidden_size(); }
  void register_parameters(ParamSet<S>& params, const std::string& prefix, int layer_index) override;
  void prepare(LayerTrace<S>& trace, Index batch, Index length) const override;
  void forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, LayerTrace<S>& trace, Index t0,
               Index t1) const override;
  void backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                bool need_input_grads) const override;
  void accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs, const LayerTrace<S>& trace,
                            Index t0, Index t1) const override;
};

extern template class GruLayer<float>;
extern template class GruLayer<double>;

}  // namespace ccrnn
