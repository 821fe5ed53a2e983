#pragma once
// Trained models in results files: the parameters under PyTorch's names and shapes (cortex.weight_ih_l0
// (G*N, I), readout.bias (O,), cerebellum.layers.0.weight (M, S), ...; float32), with the model's
// configuration as attributes, under <run>/weights/ (docs/results-format.md#trained-models), and the
// way back to a Model whose forward pass reproduces the run's outputs bit for bit.
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/tasks/run_record.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace ccrnn::tasks {

/// Every parameter of `params` as a float32 array in PyTorch's shape: (rows,) for a bias, else (rows, cols).
std::map<std::string, ResultArray> named_parameters(const ParamSet<float>& params);

/// The inverse of named_parameters: every parameter of `params` from arrays (float32, PyTorch's shape) by
/// name. Throws std::runtime_error("<where>: ...") naming a parameter that is missing or of the wrong shape.
void set_named_parameters(ParamSet<float>& params, const std::map<std::string, ResultArray>& arrays, const std::string& where);

/// A model's configuration as attributes (cell, input_size, hidden_size, layers, output_size, cerebellum
/// (0/1), cerebellum_hidden, cerebellum_layers, fibres, context_size; leak for the leaky_tanh cell; the
/// forward cerebellum's forward_* for a loop model), and back. The pons projections come from the seed.
void write_model_config(io::Group& group, const ModelConfig& config);
ModelConfig read_model_config(const io::Group& group);

/// The model of run (model, seed) in a results file (a task executable's /<model>/seed_<k>/ or a sweep's
/// run with that model and seed; in a sweep of several conditions, the first such run), with its `which`
/// weights ("final" or "best"). The fibre mask comes from the seed, as in training. Throws
/// std::runtime_error naming the file and what is missing or does not fit.
std::unique_ptr<Model<float>> load_model(const std::string& path, const std::string& model, std::uint64_t seed,
                                         const std::string& which = "final");

}  // namespace ccrnn::tasks
