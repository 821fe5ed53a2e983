#pragma once
// A recurrent layer of one cell type. CellLayer<S, Cell> implements RecurrentLayer's interface once for all
// cells by forwarding to the static functions of Cell<S> (LstmCell, TanhCell, GruCell, LeakyTanhCell, LinearCell), so a cell's file
// holds only its equations: gate_blocks and state_blocks (rows per N of the gates and of the state) and
// prepare, forward, backward and accumulate_gradients, each taking the layer first.
#include <ccrnn/cortex/recurrent_layer.hpp>

namespace ccrnn {

template <class S, template <class> class Cell>
class CellLayer final : public RecurrentLayer<S> {
 public:
  using RecurrentLayer<S>::RecurrentLayer;
  Index state_size() const override;
  void register_parameters(ParamSet<S>& params, const std::string& prefix, int layer_index) override;
  void prepare(LayerTrace<S>& trace, Index batch, Index length) const override;
  void forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, LayerTrace<S>& trace, Index t0,
               Index t1) const override;
  void backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                bool need_input_grads) const override;
  void accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs, const LayerTrace<S>& trace,
                            Index t0, Index t1) const override;

 private:
  friend Cell<S>;  // the equations read the parameter ids
};

}  // namespace ccrnn
