#pragma once
// The cortex: a stack of recurrent layers of one cell type. Its state at a step boundary is the
// concatenation of every layer's state (layer 0 first; for LSTM each layer contributes [h; c]); this
// stacked state is what the cerebellum sees and what a synthetic gradient is injected into.
#include <ccrnn/cortex/recurrent_layer.hpp>

#include <vector>

namespace ccrnn {

template <class S>
struct CortexTrace {
  std::vector<LayerTrace<S>> layers;
  Index batch = 0;
  Index length = 0;
};

template <class S>
class Cortex {
 public:
  /// leak: alpha of the leaky tanh cell (ignored by the other cells).
  Cortex(CellType cell, Index input_size, Index hidden_size, Index num_layers, double leak = 0.0);

  CellType cell() const { return cell_; }
  Index input_size() const { return layers_.front()->input_size(); }
  Index hidden_size() const { return layers_.front()->hidden_size(); }
  Index num_layers() const { return static_cast<Index>(layers_.size()); }
  /// Rows of the stacked state (sum over layers).
  Index state_size() const { return state_size_; }
  const RecurrentLayer<S>& layer(Index l) const { return *layers_[static_cast<size_t>(l)]; }

  void register_parameters(ParamSet<S>& params);
  void initialise(ParamSet<S>& params, Rng& rng) const;

  /// Sizes the trace for batch B and length L and sets the initial state (block 0) to zero.
  void prepare(CortexTrace<S>& trace, Index batch, Index length) const;

  /// Runs steps [t0, t1) of every layer, from the state at boundary t0 already in the trace.
  void forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, CortexTrace<S>& trace, Index t0,
               Index t1) const;

  /// The top layer's outputs h for every step: N x B*L (step t in columns [tB, (t+1)B)).
  ConstBlockRef<S> outputs(const CortexTrace<S>& trace) const;

  /// Copies the stacked state at boundary t (0..L) into out (state_size x B).
  void gather_state(const CortexTrace<S>& trace, Index t, BlockRef<S> out) const;

  /// Backpropagates through steps [t0, t1) of all layers (top layer first).
  /// output_grads: N x B*L, gradient w.r.t. the top layer's outputs; state_grad: stacked state gradient,
  /// on entry at boundary t1, on exit at boundary t0 (when need_start_grad).
  /// need_input_grads: also fill the gradient w.r.t. the cortex's inputs for the range (see input_grads),
  /// e.g. to train an encoder that produces them; off by default (one product less per window).
  void backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                CortexTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                bool need_input_grads = false) const;

  /// Gradient w.r.t. the layer-0 inputs: input_size x B*L (step t in columns [tB, (t+1)B)). Valid for the
  /// step ranges of backward calls made with need_input_grads.
  ConstBlockRef<S> input_grads(const CortexTrace<S>& trace) const { return trace.layers.front().input_grads; }

  /// Adds parameter gradients of steps [t0, t1) of all layers (one wide product per weight).
  void accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs, const CortexTrace<S>& trace,
                            Index t0, Index t1) const;

 private:
  ConstBlockRef<S> layer_inputs(const ConstBlockRef<S>& inputs, const CortexTrace<S>& trace, size_t l) const;

  CellType cell_;
  std::vector<std::unique_ptr<RecurrentLayer<S>>> layers_;
  std::vector<Index> state_offsets_;
  Index state_size_ = 0;
};

extern template class Cortex<float>;
extern template class Cortex<double>;

}  // namespace ccrnn
