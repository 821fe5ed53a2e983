#pragma once
// The cerebellum as a forward model (Pemberton, Chadderton & Costa 2024; docs/forward-model.md): a
// feedforward network c_t = W_PF ReLU(W_MF p_t) from the pons p_t (pons.hpp) whose output is an extra
// input of the cortex at step t, taught by the inferior olive to predict the task target tau steps ahead.
// It reuses the DNI's network (cerebellum.hpp) with the reference's options: no biases, PyTorch's default
// initialisation of the output layer (zero_output available), M = 1000 granule cells in one layer.
#include <ccrnn/cerebellum/cerebellum.hpp>
#include <ccrnn/loop/pons.hpp>

#include <stdexcept>
#include <string>

namespace ccrnn {

/// Which target teaches c_t (open question 1 of FORWARD_MODEL.md): reference = y_{t-1+tau} (the reference
/// code: tau steps after the state c_t reads), notebook = y_{t+tau} (the tutorial's E(y_t, c_{t-tau})).
enum class IoTiming { reference, notebook };
IoTiming parse_io_timing(const std::string& name);
const char* to_string(IoTiming timing);

struct ForwardCerebellumConfig {
  bool enabled = false;     // a model with the loop's cerebellum
  Index hidden_size = 1000; // M granule cells per layer
  Index layers = 1;         // granule layers
  Index fibres = 0;         // mossy fibres per granule cell; 0 = dense
  bool biases = false;      // the reference has none
  bool zero_output = false; // true: the output layer starts at zero (c = 0 until it learns)
  Index tau = 3;            // the inferior olive's delay
  IoTiming timing = IoTiming::reference;
  bool temporal_basis = false;  // predict y_{s-tau} .. y_s (s = the taught step) at once: (tau+1) x outputs
  PonsConfig pons;
};

template <class S>
class ForwardCerebellum {
 public:
  /// cortex_size: the cortex's output width (f(h) of the top layer); outputs: the task's output size O
  /// (classes for cross-entropy); inputs: the task's input size.
  ForwardCerebellum(const ForwardCerebellumConfig& config, Index cortex_size, Index outputs, Index inputs)
      : config_(config),
        pons_(config.pons, {cortex_size, outputs, inputs, outputs}),
        network_(network_config(config, pons_.size(), outputs)),
        outputs_(outputs) {
    if (config.tau < 0) throw std::invalid_argument("forward cerebellum: tau must be >= 0");
  }

  const ForwardCerebellumConfig& config() const { return config_; }
  /// Rows of c_t: O, or (tau+1) O with the temporal basis.
  Index output_size() const { return network_.output_size(); }
  static Index output_size(const ForwardCerebellumConfig& c, Index outputs) {
    return outputs * (c.temporal_basis ? c.tau + 1 : 1);
  }
  /// The task's output size O (one block of c_t).
  Index block_size() const { return outputs_; }
  /// Blocks of c_t: tau + 1 with the temporal basis, else 1.
  Index blocks() const { return config_.temporal_basis ? config_.tau + 1 : 1; }
  const Pons<S>& pons() const { return pons_; }
  const Cerebellum<S>& network() const { return network_; }

  void register_parameters(ParamSet<S>& params) { network_.register_parameters(params); }
  void initialise(ParamSet<S>& params, Rng& init_rng, Rng& fibre_rng, Rng& pons_rng) {
    network_.initialise(params, init_rng, fibre_rng);
    pons_.initialise(pons_rng);
  }

 private:
  static CerebellumConfig network_config(const ForwardCerebellumConfig& c, Index pons_size, Index outputs) {
    CerebellumConfig n;
    n.input_size = pons_size;
    n.hidden_size = c.hidden_size;
    n.layers = c.layers;
    n.fibres = c.fibres;
    n.output_size = output_size(c, outputs);
    n.biases = c.biases;
    n.zero_output = c.zero_output;
    n.name = "forward_cerebellum";
    return n;
  }

  ForwardCerebellumConfig config_;
  Pons<S> pons_;
  Cerebellum<S> network_;
  Index outputs_;
};

}  // namespace ccrnn
