#include <ccrnn/tasks/model_store.hpp>

#include <stdexcept>

namespace ccrnn::tasks {

namespace {
std::string pons_attribute(PonsOrigin o) {
  static const char* names[] = {"forward_pons_cortex", "forward_pons_readout", "forward_pons_input", "forward_pons_target"};
  return names[static_cast<std::size_t>(o)];
}
}  // namespace

std::map<std::string, ResultArray> named_parameters(const ParamSet<float>& params) {
  std::map<std::string, ResultArray> out;
  for (const ParamSlot& slot : params.slots()) {
    const ConstMatrixMap<float> m(params.values().data() + slot.offset, slot.rows, slot.cols);
    // Row-major (rows, cols), as numpy and torch hold it.
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = m;
    std::vector<float> values(row_major.data(), row_major.data() + row_major.size());
    std::vector<std::size_t> shape = {static_cast<std::size_t>(slot.rows)};
    if (!slot.is_bias()) shape.push_back(static_cast<std::size_t>(slot.cols));
    out[slot.name] = ResultArray::floats(std::move(values), std::move(shape));
  }
  return out;
}

void set_named_parameters(ParamSet<float>& params, const std::map<std::string, ResultArray>& arrays, const std::string& where) {
  for (const ParamSlot& slot : params.slots()) {
    const auto found = arrays.find(slot.name);
    if (found == arrays.end()) throw std::runtime_error(where + " has no parameter '" + slot.name + "'");
    const ResultArray& a = found->second;
    const auto* values = std::get_if<std::vector<float>>(&a.values);
    const std::size_t rows = static_cast<std::size_t>(slot.rows), cols = static_cast<std::size_t>(slot.cols);
    const bool fits = values != nullptr && values->size() == rows * cols &&
                      ((a.shape.size() == 2 && a.shape[0] == rows && a.shape[1] == cols) ||
                       (a.shape.size() == 1 && a.shape[0] == rows && cols == 1));
    if (!fits) throw std::runtime_error(where + "/" + slot.name + " has the wrong shape or type for its model");
    const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> m(values->data(), slot.rows, slot.cols);
    MatrixMap<float>(params.values().data() + slot.offset, slot.rows, slot.cols) = m;
  }
}

void write_model_config(io::Group& g, const ModelConfig& c) {
  g.set_attr("cell", to_string(c.cell));
  g.set_attr("input_size", c.input_size);
  g.set_attr("hidden_size", c.hidden_size);
  g.set_attr("layers", c.layers);
  g.set_attr("output_size", c.output_size);
  g.set_attr("cerebellum", static_cast<std::int64_t>(c.cerebellum));
  g.set_attr("cerebellum_hidden", c.cerebellar.hidden_size);
  g.set_attr("cerebellum_layers", c.cerebellar.layers);
  g.set_attr("fibres", c.cerebellar.fibres);
  g.set_attr("context_size", c.cerebellar.context_size);
  // Only for the leaky cell and the loop, so that every other model's attributes stay as they were.
  if (c.cell == CellType::leaky_tanh) g.set_attr("leak", c.leak);
  if (!c.forward.enabled) return;
  const ForwardCerebellumConfig& f = c.forward;
  g.set_attr("forward_cerebellum", std::int64_t{1});
  g.set_attr("forward_hidden", f.hidden_size);
  g.set_attr("forward_layers", f.layers);
  g.set_attr("forward_fibres", f.fibres);
  g.set_attr("forward_biases", static_cast<std::int64_t>(f.biases));
  g.set_attr("forward_zero_output", static_cast<std::int64_t>(f.zero_output));
  g.set_attr("forward_tau", f.tau);
  g.set_attr("forward_io_timing", std::string(to_string(f.timing)));
  g.set_attr("forward_temporal_basis", static_cast<std::int64_t>(f.temporal_basis));
  for (PonsOrigin o : kPonsOrigins) g.set_attr(pons_attribute(o), f.pons[o]);
  if (!c.cerebellar_readout.enabled) return;  // only the cerebellar-readout control has these
  g.set_attr("cerebellar_readout_hidden", c.cerebellar_readout.hidden_size);
  g.set_attr("cerebellar_readout_dropout", c.cerebellar_readout.dropout);
}

ModelConfig read_model_config(const io::Group& g) {
  ModelConfig c;
  c.cell = parse_cell_type(g.attr_string("cell"));
  c.input_size = g.attr_int("input_size");
  c.hidden_size = g.attr_int("hidden_size");
  c.layers = g.attr_int("layers");
  c.output_size = g.attr_int("output_size");
  c.cerebellum = g.attr_int("cerebellum") != 0;
  c.cerebellar.hidden_size = g.attr_int("cerebellum_hidden");
  c.cerebellar.layers = g.attr_int("cerebellum_layers");
  c.cerebellar.fibres = g.attr_int("fibres");
  c.cerebellar.context_size = g.attr_int("context_size");
  if (g.has_attr("leak")) c.leak = g.attr_double("leak");
  if (!g.has_attr("forward_cerebellum")) return c;
  ForwardCerebellumConfig& f = c.forward;
  f.enabled = true;
  f.hidden_size = g.attr_int("forward_hidden");
  f.layers = g.attr_int("forward_layers");
  f.fibres = g.attr_int("forward_fibres");
  f.biases = g.attr_int("forward_biases") != 0;
  f.zero_output = g.attr_int("forward_zero_output") != 0;
  f.tau = g.attr_int("forward_tau");
  f.timing = parse_io_timing(g.attr_string("forward_io_timing"));
  f.temporal_basis = g.attr_int("forward_temporal_basis") != 0;
  for (PonsOrigin o : kPonsOrigins) f.pons[o] = g.attr_int(pons_attribute(o));
  if (g.has_attr("cerebellar_readout_hidden")) {
    c.cerebellar_readout.enabled = true;
    c.cerebellar_readout.hidden_size = g.attr_int("cerebellar_readout_hidden");
    c.cerebellar_readout.dropout = g.attr_double("cerebellar_readout_dropout");
  }
  return c;
}

namespace {

/// The group of run (model, seed): /<model>/seed_<k> or the first sweep run with that model and seed.
io::Group run_group(const io::File& file, const std::string& model, std::uint64_t seed) {
  const io::Group root = file.root();
  const std::string seed_name = "seed_" + std::to_string(seed);
  if (root.is_group(model) && root.open_group(model).is_group(seed_name)) return root.open_group(model).open_group(seed_name);
  if (root.is_group("runs")) {
    const io::Group runs = root.open_group("runs");
    for (const auto& name : runs.children()) {
      const io::Group g = runs.open_group(name);
      if (g.has_attr("model") && g.attr_string("model") == model && g.has_attr("seed") &&
          g.attr_int("seed") == static_cast<std::int64_t>(seed))
        return g;
    }
  }
  throw std::runtime_error(file.path() + ": no run of model '" + model + "' with seed " + std::to_string(seed));
}

}  // namespace

std::unique_ptr<Model<float>> load_model(const std::string& path, const std::string& model, std::uint64_t seed,
                                         const std::string& which) {
  const io::File file = io::File::open_read(path);
  const io::Group run = run_group(file, model, seed);
  if (!run.is_group("weights"))
    throw std::runtime_error(path + ": run " + run.path() + " holds no weights (written with --no-weights, or before ccrnn stored them)");
  const io::Group weights = run.open_group("weights");
  if (!weights.is_group(which)) {
    std::string present;
    for (const auto& name : weights.children()) present += (present.empty() ? "" : ", ") + name;
    throw std::runtime_error(path + ": run " + run.path() + " has no '" + which + "' weights (it has: " + present + ")");
  }
  const io::Group stored = weights.open_group(which);
  auto loaded = std::make_unique<Model<float>>(read_model_config(weights));
  loaded->initialise(seed);  // the fibre mask, as in training; every value is replaced below
  std::map<std::string, ResultArray> arrays;
  for (const ParamSlot& slot : loaded->params.slots())
    if (stored.is_dataset(slot.name)) {
      io::FloatArray a = stored.read_floats(slot.name);
      arrays[slot.name] = ResultArray::floats(std::move(a.data), std::move(a.dims));
    }
  set_named_parameters(loaded->params, arrays, path + ": " + stored.path());
  return loaded;
}

}  // namespace ccrnn::tasks
