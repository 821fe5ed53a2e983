#pragma once
// e-prop (Bellec et al., Nat Commun 2020) for the loop's leaky tanh cortex, the rule the reference trains
// its plastic cortex with (FORWARD_MODEL.md section 2; ccLoops' rnn_eprop):
//   u_t = alpha u_{t-1} + W_hh f(u_{t-1}) + W_ih x_t       (x_t = [task input; c_t])
// The eligibility trace of synapse ij keeps only the neuron's own leak (the recurrence through W_hh is
// dropped), so it is the presynaptic activity low-pass filtered by alpha, the same for every postsynaptic i:
//   e^ih_t = alpha e^ih_{t-1} + x_t,   e^hh_t = alpha e^hh_{t-1} + f(u_{t-1}),   e_{-1} = 0 (reset per trial).
// The learning signal L_t is the gradient of the trial's loss w.r.t. f(u_t) through the readout at step t
// only (symmetric feedback: W_rdt^T dE/dz_t). The update is
//   dE/dW_ih ~ sum_t (L_t * f'(u_t)) e^ih_t^T,   dE/dW_hh ~ sum_t (L_t * f'(u_t)) e^hh_t^T   (summed over the batch),
// one wide product per weight over all steps. With W_hh = 0 the only recurrence is the leak and this is the
// exact (BPTT) gradient.
#include <ccrnn/cortex/cortex.hpp>
#include <ccrnn/loop/cortical_rule.hpp>
#include <ccrnn/core/param_set.hpp>

#include <string>

namespace ccrnn {

/// The filtered presynaptic activities of one trial (kept between trials only to reuse their memory).
template <class S>
struct EpropTrace {
  Matrix<S> input_traces;      // e^ih: inputs x B*L
  Matrix<S> recurrent_traces;  // e^hh: N x B*L
  Matrix<S> modulated;         // L_t * f'(u_t): N x B*L
};

/// Adds the e-prop gradients of cortex.weight_ih_l0 and cortex.weight_hh_l0 to params.grads() for a trial
/// whose forward pass is in trace (batch B, length L). The cortex must be one leaky_tanh layer.
/// inputs: the cortex's inputs x_t (inputs x B*L); learning_signal: dE/df(u_t) through the readout (N x B*L).
template <class S>
void accumulate_eprop_gradients(const Cortex<S>& cortex, ParamSet<S>& params, const ConstBlockRef<S>& inputs,
                                const CortexTrace<S>& trace, const ConstBlockRef<S>& learning_signal,
                                EpropTrace<S>& eprop);

extern template void accumulate_eprop_gradients(const Cortex<float>&, ParamSet<float>&, const ConstBlockRef<float>&,
                                                const CortexTrace<float>&, const ConstBlockRef<float>&,
                                                EpropTrace<float>&);
extern template void accumulate_eprop_gradients(const Cortex<double>&, ParamSet<double>&,
                                                const ConstBlockRef<double>&, const CortexTrace<double>&,
                                                const ConstBlockRef<double>&, EpropTrace<double>&);

}  // namespace ccrnn
