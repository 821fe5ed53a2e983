// e-prop for the loop's leaky tanh cortex (loop/eprop.hpp).
#include <ccrnn/core/ensure_shape.hpp>
#include <ccrnn/core/matmul.hpp>
#include <ccrnn/loop/eprop.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn {

namespace {

/// out_t = alpha out_{t-1} + in_t over the steps of B columns each, from out_{-1} = 0.
template <class S>
void low_pass(const ConstBlockRef<S>& in, S alpha, Index b, Matrix<S>& out) {
  ensure_shape(out, in.rows(), in.cols());
  const Index length = in.cols() / b;
  out.leftCols(b) = in.leftCols(b);
  for (Index t = 1; t < length; ++t) out.middleCols(t * b, b) = alpha * out.middleCols((t - 1) * b, b) + in.middleCols(t * b, b);
}

}  // namespace

template <class S>
void accumulate_eprop_gradients(const Cortex<S>& cortex, ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                const CortexTrace<S>& trace, const ConstBlockRef<S>& learning_signal,
                                EpropTrace<S>& eprop) {
  if (cortex.cell() != CellType::leaky_tanh || cortex.num_layers() != 1)
    throw std::invalid_argument("e-prop: needs a one-layer leaky_tanh cortex");
  const LayerTrace<S>& layer = trace.layers.front();
  const Index n = cortex.hidden_size(), b = layer.batch, cols = b * layer.length;
  if (learning_signal.rows() != n || learning_signal.cols() != cols || inputs.cols() != cols)
    throw std::invalid_argument("e-prop: the learning signal must be " + std::to_string(n) + " x " +
                                std::to_string(cols) + " and the inputs have " + std::to_string(cols) + " columns");
  const S alpha = static_cast<S>(cortex.layer(0).leak());
  const auto outputs = layer.states.topRows(n);  // block t: f(u_{t-1}); block 0 the initial state
  low_pass<S>(inputs, alpha, b, eprop.input_traces);
  low_pass<S>(outputs.leftCols(cols), alpha, b, eprop.recurrent_traces);
  ensure_shape(eprop.modulated, n, cols);
  const auto after = outputs.middleCols(b, cols);  // f(u_t)
  eprop.modulated = learning_signal.cwiseProduct((S(1) - after.array().square()).matrix());
  matmul<S>(eprop.modulated, Op::none, eprop.input_traces, Op::transpose, params.grad(params.id("cortex.weight_ih_l0")),
            Update::add);
  matmul<S>(eprop.modulated, Op::none, eprop.recurrent_traces, Op::transpose,
            params.grad(params.id("cortex.weight_hh_l0")), Update::add);
}

template void accumulate_eprop_gradients(const Cortex<float>&, ParamSet<float>&, const ConstBlockRef<float>&,
                                         const CortexTrace<float>&, const ConstBlockRef<float>&, EpropTrace<float>&);
template void accumulate_eprop_gradients(const Cortex<double>&, ParamSet<double>&, const ConstBlockRef<double>&,
                                         const CortexTrace<double>&, const ConstBlockRef<double>&, EpropTrace<double>&);

}  // namespace ccrnn
