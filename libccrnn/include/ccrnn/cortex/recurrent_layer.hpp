#pragma once
// One recurrent layer of the cortex (LSTM, tanh RNN, GRU, leaky tanh RNN or linear RNN): forward over a range of steps and the
// hand-written backward through it. Layers store what backward needs in a LayerTrace that covers the
// whole sequence, so a window is just a range of steps [t0, t1) and the weight-gradient products of
// many windows can be done as one wide product afterwards.
#include <ccrnn/core/param_set.hpp>
#include <ccrnn/core/random.hpp>
#include <ccrnn/core/types.hpp>

#include <memory>
#include <string>

namespace ccrnn {

enum class CellType { lstm, tanh, gru, leaky_tanh, linear };

/// "lstm", "tanh", "gru", "leaky_tanh", "linear" -> CellType; throws std::invalid_argument otherwise.
CellType parse_cell_type(const std::string& name);
std::string to_string(CellType cell);
/// Rows of a layer's state per unit: 2 for LSTM ([h; c]) and the leaky tanh cell ([f(u); u]), 1 otherwise.
Index state_blocks(CellType cell);

/// Per-layer record of a forward pass over a sequence of L steps with batch B.
template <class S>
struct LayerTrace {
  Matrix<S> states;  // state_size x B*(L+1); block t = state before step t (block 0 = initial state)
  Matrix<S> input_projection;  // gate rows x B*L: W_ih x_t + biases, one GEMM per forward range
  Matrix<S> activations;       // cell-specific per-step values that backward needs
  Matrix<S> gate_grads;        // gradient w.r.t. the gate pre-activations, filled by backward
  Matrix<S> input_grads;       // input_size x B*L: gradient w.r.t. the layer's inputs (for the layer below)
  Matrix<S> cell_activations;  // cell-specific second per-step record (LSTM: tanh of the new cell state)
  Matrix<S> gate_scale;        // cell-specific per-step constants (LSTM: see LstmCell::prepare)
  Matrix<S> scratch;           // per-step temporary of the backward pass (GRU)
  Index batch = 0;
  Index length = 0;
};

template <class S>
class RecurrentLayer {
 public:
  /// leak: the leaky tanh cell's alpha (the other cells ignore it).
  RecurrentLayer(Index input_size, Index hidden_size, double leak = 0.0)
      : input_size_(input_size), hidden_size_(hidden_size), leak_(leak) {}
  virtual ~RecurrentLayer() = default;

  Index input_size() const { return input_size_; }
  Index hidden_size() const { return hidden_size_; }
  double leak() const { return leak_; }
  /// Size of the recurrent state: 2N for LSTM ([h; c]) and the leaky tanh cell ([f(u); u]), N otherwise.
  /// The layer's output is always the first N rows.
  virtual Index state_size() const = 0;

  /// Registers this layer's parameters with PyTorch's names (weight_ih_l<k>, ...), prefixed.
  virtual void register_parameters(ParamSet<S>& params, const std::string& prefix, int layer_index) = 0;
  /// PyTorch's default initialisation: every weight and bias (if the cell has biases) ~ U(-1/sqrt(N), 1/sqrt(N)).
  void initialise(ParamSet<S>& params, Rng& rng) const;

  /// Sizes the trace for batch B and length L (no allocation if the shape is unchanged).
  virtual void prepare(LayerTrace<S>& trace, Index batch, Index length) const = 0;

  /// Runs steps [t0, t1) from the state stored in block t0 of trace.states.
  /// inputs: input_size x B*L, step t in columns [tB, (t+1)B).
  virtual void forward(const ParamSet<S>& params, const ConstBlockRef<S>& inputs, LayerTrace<S>& trace,
                       Index t0, Index t1) const = 0;

  /// Backpropagates through steps [t0, t1).
  /// output_grads: N x B*L, gradient w.r.t. the layer's output h after step t (columns of step t).
  /// state_grad:   state_size x B; on entry the gradient w.r.t. the state after step t1-1, on exit the
  ///               gradient w.r.t. the state before step t0 (only when need_start_grad).
  /// Fills trace.gate_grads for the range, and trace.input_grads when need_input_grads.
  virtual void backward(const ParamSet<S>& params, const ConstBlockRef<S>& output_grads, BlockRef<S> state_grad,
                        LayerTrace<S>& trace, Index t0, Index t1, bool need_start_grad,
                        bool need_input_grads) const = 0;

  /// Adds the parameter gradients of steps [t0, t1) (from trace.gate_grads) to params.grads().
  virtual void accumulate_gradients(ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                    const LayerTrace<S>& trace, Index t0, Index t1) const = 0;

 protected:
  // Ids of weight_ih, weight_hh, bias_ih, bias_hh in the ParamSet (the biases -1 for a cell without them).
  int w_ih_ = -1, w_hh_ = -1, b_ih_ = -1, b_hh_ = -1;
  void register_standard(ParamSet<S>& params, const std::string& prefix, int layer_index, Index gate_rows,
                         bool biases = true);
  /// Columns [t0*B, t1*B) of the outputs h (first N rows of states blocks t0+1 .. t1).
  static auto hidden_before(const LayerTrace<S>& trace, Index n, Index t0, Index t1) {
    return trace.states.topRows(n).middleCols(t0 * trace.batch, (t1 - t0) * trace.batch);
  }

 private:
  Index input_size_;
  Index hidden_size_;
  double leak_;
};

/// Makes a layer of the given cell type.
template <class S>
std::unique_ptr<RecurrentLayer<S>> make_layer(CellType cell, Index input_size, Index hidden_size, double leak = 0.0);

}  // namespace ccrnn
