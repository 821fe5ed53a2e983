#pragma once
// LSTM layer with PyTorch's equations, gate order (i, f, g, o) and two bias vectors, so weights are
// interchangeable with torch.nn.LSTM. State s = [h; c].
#include <ccrnn/cortex/recurrent_layer.hpp>

namespace ccrnn {

template <class S>
class LstmLayer final : public RecurrentLayer<S> {
 public:
  using RecurrentLayer<S>::RecurrentLayer;
  Index state_size() const override { return 2 * this->hidden_size(); }
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

extern template class LstmLayer<float>;
extern template class LstmLayer<double>;

}  // namespace ccrnn
